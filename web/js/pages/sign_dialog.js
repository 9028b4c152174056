// The sign dialog: who signs, reason and location, the page and where the visible signature goes
// (with a small preview), optional signature and seal images (PNG, sent as base64); confirm →
// POST /documents/{id}/sign, then the verification report of the signed PDF (GET …/verify).
import { h, mount, clear, uid } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { fmtInstant } from '../format.js';
import { badge, errorText } from '../ui.js';
import { docLabel, readBase64, isPng } from './doc_common.js';

// The preview assumes an A4 portrait page (595 × 842 points, origin at the bottom left).
const PAGE_W = 595;
const PAGE_H = 842;
const BOX_W = 200;
const BOX_H = 80;
const MARGIN = 40;
const PRESETS = {
  auto: null,
  'bottom-right': { x: PAGE_W - MARGIN - BOX_W, y: 60 },
  'bottom-center': { x: (PAGE_W - BOX_W) / 2, y: 60 },
  'bottom-left': { x: MARGIN, y: 60 },
  custom: null,
};
const MAX_PNG = 512 * 1024;

// A verification report ({valid, signatures:[…], sha256, size, version}) as a card body.
export function verifyReport(r, { testid = 'verify-report' } = {}) {
  const sigs = r.signatures || [];
  const fact = (k, v) => (v === null || v === undefined || v === '' ? null : [h('dt', null, t(k)), h('dd', null, v)]);
  return h('div', { class: 'verify-report', 'data-testid': testid, 'data-valid': String(Boolean(r.valid)) },
    h('div', { class: `verify-summary ${r.valid ? 'verify-ok' : 'verify-bad'}`, role: 'status' },
      h('span', { class: 'verify-icon', 'aria-hidden': 'true' }, r.valid ? '✓' : '✗'),
      h('div', null,
        h('strong', { 'data-testid': 'verify-valid', 'data-valid': String(Boolean(r.valid)) },
          r.valid ? t('verify.valid') : sigs.length ? t('verify.invalid') : t('verify.unsigned')),
        h('div', { class: 'muted' }, t('verify.n_signatures', { n: sigs.length })),
        r.problem ? h('div', { class: 'field-error' }, r.problem) : null)),
    h('dl', { class: 'facts facts-hash' },
      fact('verify.file', r.version ? `${r.version.name || ''} · v${r.version.version}` : null),
      fact('verify.sha256', r.sha256 ? h('code', { class: 'hash', 'data-testid': 'verify-sha256' }, r.sha256) : null)),
    sigs.length ? h('ol', { class: 'sig-list' }, sigs.map((s) => h('li', {
      class: `sig-item ${s.valid ? 'sig-ok' : 'sig-bad'}`, 'data-testid': 'verify-signature', 'data-valid': String(Boolean(s.valid)),
    },
    h('div', { class: 'sig-head' },
      h('strong', { 'data-testid': 'verify-signer' }, s.signer || '—'),
      s.valid ? badge(t('verify.sig_valid'), 'ok') : badge(t('verify.sig_invalid'), 'danger'),
      s.revoked ? badge(t('verify.revoked'), 'danger') : null,
      s.covers_whole_file ? badge(t('verify.covers'), 'neutral') : null),
    h('dl', { class: 'facts' },
      fact('verify.organization', s.organization),
      fact('verify.signed_at', s.signed_at ? fmtInstant(s.signed_at) : null),
      fact('sign.reason', s.reason),
      fact('sign.location', s.location),
      fact('verify.cert_subject', s.certificate?.subject),
      fact('verify.cert_issuer', s.certificate?.issuer),
      fact('verify.cert_serial', s.certificate?.serial ? h('code', { class: 'hash' }, s.certificate.serial) : null),
      fact('verify.cert_valid', s.certificate ? `${fmtInstant(s.certificate.not_before)} – ${fmtInstant(s.certificate.not_after)}` : null),
      fact('verify.problem', s.problem)))))
      : null);
}

// Opens the dialog for doc (a Doc with route and files).  onDone(doc) after a signature.
export function openSignDialog(doc, { onDone } = {}) {
  const me = session.user;
  const mine = (doc.route?.signers || []).find((s) => s.user_id === me.id || s.login === me.login) || {};
  const main = (doc.files || []).find((f) => f.slot === 'main');
  const pages = main && main.pages > 0 ? main.pages : 0;
  const titleId = uid('sign-title');
  let signedDoc = null;

  const msg = h('div', { class: 'form-banner', role: 'alert', hidden: true, 'data-testid': 'sign-error' });
  const reason = h('input', { class: 'input', id: uid('sign'), maxlength: '800', value: t('sign.reason_default'), 'data-testid': 'sign-reason' });
  const location = h('input', { class: 'input', id: uid('sign'), maxlength: '800', value: me.unit_name || '', 'data-testid': 'sign-location' });
  const page = h('select', { class: 'input', id: uid('sign'), 'data-testid': 'sign-page' },
    h('option', { value: '0' }, t('sign.page_last')),
    Array.from({ length: pages }, (_, i) => h('option', { value: String(i + 1) }, t('sign.page_n', { n: i + 1 }))));
  const position = h('select', { class: 'input', id: uid('sign'), 'data-testid': 'sign-position' },
    Object.keys(PRESETS).map((k) => h('option', { value: k }, t(`sign.pos_${k}`))));
  const num = (name, v) => h('input', { class: 'input', type: 'number', step: '1', min: '0', value: String(v), 'data-testid': `sign-${name}`, 'aria-label': t(`sign.${name}`) });
  const xs = { x: num('x', PRESETS['bottom-right'].x), y: num('y', PRESETS['bottom-right'].y), w: num('w', BOX_W), h: num('h', BOX_H) };
  const custom = h('div', { class: 'sign-xywh', hidden: true },
    ['x', 'y', 'w', 'h'].map((k) => h('label', { class: 'inline-field' }, h('span', { class: 'field-hint' }, t(`sign.${k}`)), xs[k])));

  // The page preview: a scaled page with the signature's rectangle; a click places it there.
  const box = h('div', { class: 'sign-box', 'data-testid': 'sign-box' }, h('span', { class: 'sign-box-label' }, me.display_name || me.login));
  const sheet = h('div', { class: 'sign-sheet', 'data-testid': 'sign-preview', title: t('sign.preview_click') },
    h('div', { class: 'sign-lines', 'aria-hidden': 'true' }, Array.from({ length: 9 }, () => h('span'))), box);
  sheet.addEventListener('click', (e) => {
    const r = sheet.getBoundingClientRect();
    const w = Number(xs.w.value) || BOX_W;
    const hh = Number(xs.h.value) || BOX_H;
    const px = ((e.clientX - r.left) / r.width) * PAGE_W - w / 2;
    const py = (1 - (e.clientY - r.top) / r.height) * PAGE_H - hh / 2;
    xs.x.value = String(Math.round(Math.max(0, Math.min(PAGE_W - w, px))));
    xs.y.value = String(Math.round(Math.max(0, Math.min(PAGE_H - hh, py))));
    position.value = 'custom';
    sync();
  });

  function sync() {
    const p = PRESETS[position.value];
    if (p) { xs.x.value = String(p.x); xs.y.value = String(p.y); xs.w.value = String(BOX_W); xs.h.value = String(BOX_H); }
    custom.hidden = position.value !== 'custom';
    const auto = position.value === 'auto';
    const x = auto ? PAGE_W - MARGIN - BOX_W : Number(xs.x.value) || 0;
    const y = auto ? 60 : Number(xs.y.value) || 0;
    const w = auto ? BOX_W : Number(xs.w.value) || BOX_W;
    const hh = auto ? BOX_H : Number(xs.h.value) || BOX_H;
    box.style.left = `${(x / PAGE_W) * 100}%`;
    box.style.bottom = `${(y / PAGE_H) * 100}%`;
    box.style.width = `${(w / PAGE_W) * 100}%`;
    box.style.height = `${(hh / PAGE_H) * 100}%`;
    box.classList.toggle('sign-box-auto', auto);
    box.dataset.x = String(Math.round(x));
    box.dataset.y = String(Math.round(y));
  }
  position.addEventListener('change', sync);
  Object.values(xs).forEach((i) => i.addEventListener('input', sync));

  // Images: PNG only, read as base64; a small thumbnail drawn on a canvas.
  const images = { signature: null, seal: null };
  function imageInput(kind) {
    const thumb = h('canvas', { class: 'sign-thumb', width: '120', height: '60', hidden: true, 'aria-hidden': 'true' });
    const err = h('div', { class: 'field-error', role: 'alert', 'data-testid': `sign-${kind}-error` });
    const clearBtn = h('button', { type: 'button', class: 'btn btn-small btn-ghost', hidden: true, onclick: () => { images[kind] = null; fileIn.value = ''; thumb.hidden = true; clearBtn.hidden = true; } }, t('sign.image_remove'));
    const fileIn = h('input', { type: 'file', class: 'input input-file', accept: 'image/png', id: uid('sign'), 'data-testid': `sign-${kind}-file` });
    fileIn.addEventListener('change', async () => {
      err.textContent = '';
      images[kind] = null;
      thumb.hidden = true;
      clearBtn.hidden = true;
      const f = fileIn.files && fileIn.files[0];
      if (!f) return;
      if (f.size > MAX_PNG) { err.textContent = t('sign.image_too_large'); fileIn.value = ''; return; }
      if (!(await isPng(f))) { err.textContent = t('sign.image_not_png'); fileIn.value = ''; return; }
      images[kind] = await readBase64(f);
      fileIn.dataset.loaded = 'true';
      clearBtn.hidden = false;
      try {
        const bmp = await createImageBitmap(f);
        const c = thumb.getContext('2d');
        c.clearRect(0, 0, thumb.width, thumb.height);
        const s = Math.min(thumb.width / bmp.width, thumb.height / bmp.height, 1);
        c.drawImage(bmp, (thumb.width - bmp.width * s) / 2, (thumb.height - bmp.height * s) / 2, bmp.width * s, bmp.height * s);
        thumb.hidden = false;
      } catch { /* no preview for this image */ }
    });
    return h('div', { class: 'field' },
      h('label', { class: 'field-label', for: fileIn.id }, t(`sign.${kind}_image`)),
      fileIn, h('div', { class: 'sign-image-row' }, thumb, clearBtn),
      h('div', { class: 'field-hint' }, t(`sign.${kind}_hint`)), err);
  }

  const lbl = (control, key) => h('label', { class: 'field-label', for: control.id }, t(key));
  const confirm = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'sign-confirm' }, t('sign.confirm'));
  const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'sign-cancel', onclick: () => close() }, t('common.cancel'));
  const form = h('form', { class: 'modal-body', method: 'dialog', novalidate: true, 'data-testid': 'sign-form' },
    msg,
    h('dl', { class: 'facts sign-facts', 'data-testid': 'sign-signer' },
      h('dt', null, t('sign.signer')), h('dd', { 'data-testid': 'sign-signer-name' }, me.display_name || me.login, mine.title ? h('span', { class: 'muted' }, ` · ${mine.title}`) : null),
      h('dt', null, t('sign.organization')), h('dd', null, me.unit_name || me.unit_code || ''),
      h('dt', null, t('sign.document')), h('dd', null, docLabel(doc), ' — ', doc.subject || ''),
      h('dt', null, t('sign.file')), h('dd', null, main ? `${main.name} · v${main.version}${pages ? ` · ${t('sign.pages', { n: pages })}` : ''}` : '—')),
    h('div', { class: 'sign-grid' },
      h('div', null,
        h('div', { class: 'field' }, lbl(reason, 'sign.reason'), reason),
        h('div', { class: 'field' }, lbl(location, 'sign.location'), location),
        h('div', { class: 'form-grid' },
          h('div', { class: 'field' }, lbl(page, 'sign.page'), page),
          h('div', { class: 'field' }, lbl(position, 'sign.position'), position)),
        custom,
        imageInput('signature'),
        imageInput('seal')),
      h('div', { class: 'sign-preview-col' },
        h('span', { class: 'field-label' }, t('sign.preview')),
        sheet,
        h('div', { class: 'field-hint' }, t('sign.preview_hint')))),
    h('p', { class: 'notice sign-warning' }, t('sign.legal')),
    h('div', { class: 'form-actions' }, cancel, confirm));

  const body = h('div', { class: 'modal-content' }, form);
  const dlg = h('dialog', { class: 'modal', 'aria-labelledby': titleId, 'data-testid': 'sign-dialog' },
    h('div', { class: 'modal-head' },
      h('h2', { class: 'modal-title', id: titleId }, t('sign.title')),
      h('button', { type: 'button', class: 'chip-x modal-x', 'aria-label': t('sign.close'), title: t('sign.close'), onclick: () => close() }, '×')),
    body);
  dlg.addEventListener('cancel', (e) => { if (confirm.disabled && !signedDoc) e.preventDefault(); });
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (signedDoc && onDone) onDone(signedDoc);
  });

  function close() { if (!confirm.disabled || signedDoc) dlg.close(); }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.hidden = true;
    const payload = { reason: reason.value.trim(), location: location.value.trim(), page: Number(page.value) || 0 };
    if (position.value !== 'auto') {
      const v = Object.fromEntries(Object.entries(xs).map(([k, i]) => [k, Number(i.value)]));
      if (Object.values(v).some((n) => !Number.isFinite(n) || n < 0) || v.w < 20 || v.h < 10) {
        msg.textContent = t('sign.bad_position');
        msg.hidden = false;
        return;
      }
      Object.assign(payload, v);
    }
    if (images.signature) payload.signature_png_base64 = images.signature;
    if (images.seal) payload.seal_png_base64 = images.seal;
    confirm.disabled = true;
    cancel.disabled = true;
    confirm.textContent = t('sign.signing');
    dlg.setAttribute('aria-busy', 'true');
    try {
      signedDoc = await post(`/documents/${doc.id}/sign`, payload);
    } catch (err) {
      msg.textContent = err.status === 409 ? `${t('sign.conflict')} (${err.message})` : errorText(err);
      msg.hidden = false;
      confirm.disabled = false;
      cancel.disabled = false;
      confirm.textContent = t('sign.confirm');
      dlg.setAttribute('aria-busy', 'false');
      return;
    }
    showResult();
  });

  async function showResult() {
    const report = h('div', { 'data-testid': 'sign-report' }, h('div', { class: 'state state-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('sign.verifying')));
    const done = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'sign-close', onclick: () => dlg.close() }, t('sign.close'));
    mount(body, h('div', { class: 'modal-body', 'data-testid': 'sign-result' },
      h('div', { class: 'notice notice-ok', role: 'status' }, t('sign.done', { status: t(`dstatus.${signedDoc.status}`) })),
      report,
      h('div', { class: 'form-actions' }, done)));
    dlg.setAttribute('aria-busy', 'false');
    done.focus();
    try {
      const r = await get(`/documents/${doc.id}/verify`);
      mount(report, verifyReport(r, { testid: 'sign-verify' }));
    } catch (err) {
      clear(report);
      report.append(h('div', { class: 'form-banner' }, errorText(err)));
    }
  }

  position.value = 'bottom-right';
  sync();
  document.body.append(dlg);
  dlg.showModal();
  reason.focus();
  return dlg;
}
