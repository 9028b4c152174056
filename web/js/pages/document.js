// One document: header with symbol, status and marks; the next step of its workflow (submit,
// review, sign, issue, distribute); facts and route; the public verification code and link (printed on
// the PDF as a QR code); files with every version; signatures;
// recipients with receipts; links; tasks; history.  Drafts can be edited and re-routed.
import { h, mount } from '../dom.js';
import { get, post, request } from '../api.js';
import { t, tn } from '../i18n.js';
import { session } from '../session.js';
import { href } from '../router.js';
import { today, isDate, fmtDate, fmtInstant } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, card, loading, empty, errorPanel, notify, badge, code, errorText } from '../ui.js';
import {
  SECRECY, URGENCY, canWriteDocs, statusBadge, marks, typeName, typeCode, docLabel, docHref, issuerText,
  unitText, personName, uploadFile, downloadFile, fmtSize, isPdf, userChooser, linkChooser, MAX_UPLOAD,
} from './doc_common.js';
import { openSignDialog, verifyReport } from './sign_dialog.js';

const fact = (label, value, testid) => [h('dt', null, label), h('dd', { 'data-testid': testid || null }, value === '' || value === null || value === undefined ? '—' : value)];

export function render(main, ctx) {
  const id = ctx.params.id;
  if (!/^\d+$/.test(id)) { mount(main, errorPanel({ status: 404 })); return; }
  const me = session.user;
  load();

  async function load(scrollTop = true) {
    if (scrollTop) mount(main, loading());
    let doc;
    let versions;
    try {
      [doc, versions] = await Promise.all([
        get(`/documents/${id}`),
        get(`/documents/${id}/versions`).catch(() => null),
      ]);
    } catch (e) {
      if (ctx.alive()) mount(main, errorPanel(e, 'document'));
      return;
    }
    if (!ctx.alive()) return;
    draw(doc, Array.isArray(versions) ? versions : (versions && versions.items) || doc.files || []);
  }

  // Runs a workflow call, shows its error in the banner, reloads the page after success.
  async function step(btn, banner_, fn, okText) {
    if (banner_) { banner_.hidden = true; banner_.textContent = ''; }
    btn.disabled = true;
    try {
      await fn();
      if (!ctx.alive()) return;
      if (okText) notify(okText);
      load(false);
    } catch (e) {
      btn.disabled = false;
      if (!ctx.alive()) return;
      if (banner_) { banner_.textContent = errorText(e); banner_.hidden = false; } else notify(errorText(e), 'error');
    }
  }

  function draw(d, versions) {
    document.title = `${d.symbol || d.subject || t('title.documents')} · cadre`;
    const out = d.direction !== 'in';
    const mainFile = (d.files || []).find((f) => f.slot === 'main');
    const editable = out && (d.status === 'draft' || d.status === 'returned');

    const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': t('unit.breadcrumb') },
      h('ol', null,
        h('li', null, h('a', { href: '#/documents' }, t('nav.documents'))),
        h('li', null, h('a', { href: href('/documents', { unit: d.unit?.id }) }, d.unit?.name || '')),
        h('li', { 'aria-current': 'page' }, docLabel(d))));

    const head = pageHeader(d.symbol || docLabel(d), d.subject);
    const titleEl = head.querySelector('.page-title');
    titleEl.setAttribute('data-testid', 'doc-title');
    titleEl.dataset.symbol = d.symbol || '';
    head.querySelector('.page-sub').setAttribute('data-testid', 'doc-subject-text');
    head.querySelector('.page-head-text').append(h('div', { class: 'title-badges' },
      statusBadge(d.status), marks(d),
      badge(out ? t('doc.dir_out') : t('doc.dir_in'), 'kind', { 'data-testid': 'doc-direction' }),
      d.type ? badge(typeName(d.type), 'neutral') : null));

    mount(main, crumbs, head,
      actionCard(d, mainFile),
      h('div', { class: 'grid-2' }, infoCard(d), out ? routeCard(d) : linksCard(d)),
      out ? publicCard(d) : null,
      filesCard(d, versions, editable || !out),
      hasSignatures(d, versions) || (!out && mainFile) ? signaturesCard(d) : null,
      out ? recipientsCard(d) : null,
      out ? linksCard(d) : null,
      tasksCard(d),
      editable && canWriteDocs() ? editCard(d) : null,
      historyCard(d));
  }

  // ---- the next step ----
  function actionCard(d, mainFile) {
    const msg = banner();
    msg.setAttribute('data-testid', 'doc-action-error');
    const body = [];
    const writer = canWriteDocs();
    const signers = d.route?.signers || [];
    const mine = signers.find((s) => s.user_id === me.id || s.login === me.login);
    const st = d.status;

    if (st === 'draft' || st === 'returned') {
      if (st === 'returned') {
        const ret = [...(d.history || [])].reverse().find((x) => x.action === 'return');
        if (ret) body.push(h('div', { class: 'notice notice-warn', 'data-testid': 'doc-return-comment' }, t('doc.returned_with', { actor: ret.actor, note: ret.note || '' })));
      }
      if (!mainFile) body.push(h('p', { class: 'muted', 'data-testid': 'doc-need-pdf' }, t('doc.need_pdf')));
      if (writer) {
        const note = input({ maxlength: '1000', placeholder: t('doc.submit_note_ph'), 'data-testid': 'doc-submit-note' });
        const btn = h('button', { type: 'button', class: 'btn btn-primary', disabled: !mainFile, 'data-testid': 'doc-submit' }, t('doc.submit'));
        btn.addEventListener('click', () => step(btn, msg, () => post(`/documents/${d.id}/submit`, { note: note.value.trim() }), t('doc.submitted')));
        body.push(h('div', { class: 'action-row' }, note, btn));
      }
    } else if (st === 'review') {
      const reviewerIsMe = d.route?.reviewer && d.route.reviewer.user_id === me.id;
      if (['manager', 'admin'].includes(me.role) || reviewerIsMe) {
        const comment = h('textarea', { class: 'input', rows: '2', maxlength: '2000', placeholder: t('doc.review_comment_ph'), 'data-testid': 'doc-review-comment' });
        const approve = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'doc-approve' }, t('doc.approve'));
        const ret = h('button', { type: 'button', class: 'btn', 'data-testid': 'doc-return' }, t('doc.return'));
        approve.addEventListener('click', () => step(approve, msg, () => post(`/documents/${d.id}/review`, { decision: 'approve', comment: comment.value.trim() }), t('doc.approved')));
        ret.addEventListener('click', () => {
          if (!comment.value.trim()) { msg.textContent = t('doc.return_needs_comment'); msg.hidden = false; comment.focus(); return; }
          step(ret, msg, () => post(`/documents/${d.id}/review`, { decision: 'return', comment: comment.value.trim() }), t('doc.returned'));
        });
        body.push(comment, h('div', { class: 'action-row action-row-end' }, ret, approve));
      } else {
        body.push(h('p', { class: 'muted' }, d.route?.reviewer ? t('doc.waiting_review_by', { name: personName(d.route.reviewer) }) : t('doc.waiting_review')));
      }
    } else if ((st === 'approved' || st === 'signing') && signers.length) {
      const waiting = signers.filter((s) => !s.signed_at && s.waiting);
      if (mine && !mine.signed_at && mine.waiting) {
        const btn = h('button', { type: 'button', class: 'btn btn-primary btn-sign', 'data-testid': 'sign-open' }, `✍ ${t('sign.open')}`);
        btn.addEventListener('click', () => openSignDialog(d, { onDone: () => { if (ctx.alive()) load(false); } }));
        body.push(h('p', null, t('doc.your_turn')), btn);
      } else {
        body.push(h('p', { class: 'muted', 'data-testid': 'doc-waiting-signers' }, t('doc.waiting_sign', { names: waiting.map(personName).join(', ') || '—' })));
      }
    } else if (st === 'signed' || (st === 'approved' && !signers.length)) {
      if (writer) {
        const date = input({ type: 'date', value: today(), 'data-testid': 'doc-issue-date', 'aria-label': t('doc.issue_date') });
        const hasRecipients = (d.recipients || []).length > 0;
        const dist = h('input', { type: 'checkbox', checked: hasRecipients, disabled: !hasRecipients, 'data-testid': 'doc-issue-distribute' });
        const btn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'doc-issue' }, t('doc.issue'));
        btn.addEventListener('click', () => {
          if (!isDate(date.value)) { msg.textContent = t('form.bad_date'); msg.hidden = false; return; }
          step(btn, msg, () => post(`/documents/${d.id}/issue`, { date: date.value, distribute: dist.checked }), t('doc.issued'));
        });
        body.push(h('p', null, st === 'signed' ? t('doc.ready_issue') : t('doc.ready_issue_paper')),
          h('div', { class: 'action-row' },
            h('label', { class: 'inline-field' }, h('span', { class: 'field-label' }, t('doc.issue_date')), date),
            h('label', { class: 'check' }, dist, t('doc.distribute_now')), btn));
      } else body.push(h('p', { class: 'muted' }, t('doc.ready_issue')));
    } else if (st === 'issued') {
      body.push(h('div', { class: 'issued-box' },
        h('span', { class: 'issued-label' }, t('doc.issued_as')),
        h('strong', { class: 'issued-symbol', 'data-testid': 'doc-issued-symbol' }, d.symbol),
        h('span', { class: 'muted' }, t('doc.number_date', { n: d.number ?? '', date: fmtDate(d.date) }))));
      const unsent = (d.recipients || []).filter((r) => !r.sent_at);
      if (writer && unsent.length) {
        const btn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'doc-distribute' }, t('doc.distribute'));
        btn.addEventListener('click', () => step(btn, msg, () => post(`/documents/${d.id}/distribute`), t('doc.distributed')));
        body.push(h('div', { class: 'action-row' }, h('span', null, tn('doc.unsent', unsent.length)), btn));
      }
    } else if (st === 'received') {
      body.push(h('div', { class: 'issued-box' },
        h('span', { class: 'issued-label' }, t('doc.incoming_as')),
        h('strong', { class: 'issued-symbol', 'data-testid': 'doc-incoming-number' }, String(d.incoming_number ?? '')),
        h('span', { class: 'muted' }, t('doc.received_on', { date: fmtDate(d.received_date) }))));
    }
    if (!body.length) return null;
    return h('section', { class: `card action-card action-${st}`, 'data-testid': 'doc-actions', 'data-status': st },
      h('h2', { class: 'card-title' }, t(`doc.next_${st}`)), msg, body);
  }

  // ---- facts and route ----
  function infoCard(d) {
    const out = d.direction !== 'in';
    return card(t('doc.info'), h('dl', { class: 'facts', 'data-testid': 'doc-facts' },
      fact(out ? t('doc.issuer') : t('doc.from'), issuerText(d)),
      fact(t('doc.unit'), unitText(d.unit)),
      fact(t('doc.type'), d.type ? [typeName(d.type), ' ', code(typeCode(d.type))] : ''),
      fact(t('doc.number'), d.number === null || d.number === undefined ? '' : String(d.number), 'doc-number'),
      fact(t('doc.symbol'), d.symbol ? code(d.symbol) : '', 'doc-symbol'),
      fact(t('doc.date'), fmtDate(d.date)),
      out ? null : fact(t('doc.incoming_number'), d.incoming_number === null ? '' : String(d.incoming_number)),
      out ? null : fact(t('doc.received_date'), fmtDate(d.received_date)),
      fact(t('doc.secrecy'), d.secrecy ? t(`secrecy.${d.secrecy}`) : t('doc.mark_none')),
      fact(t('doc.urgency'), d.urgency ? t(`urgency.${d.urgency}`) : t('doc.mark_none')),
      fact(t('doc.reply_due'), fmtDate(d.reply_due)),
      d.source_id ? fact(t('doc.source'), h('a', { href: docHref(d.source_id) }, t('doc.source_link'))) : null,
      fact(t('doc.created_at'), fmtInstant(d.created_at)),
      fact(t('doc.updated'), fmtInstant(d.updated_at))));
  }

  function routeCard(d) {
    const r = d.route || {};
    const signers = r.signers || [];
    return h('section', { class: 'card', 'data-testid': 'doc-route' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('route.title')),
        badge(r.mode === 'parallel' ? t('route.parallel') : t('route.sequential'), 'neutral', { 'data-testid': 'route-mode' })),
      h('dl', { class: 'facts' }, fact(t('route.reviewer'), r.reviewer ? personName(r.reviewer) : t('route.none'), 'route-reviewer')),
      h('h3', { class: 'sub-title route-sub' }, t('route.signers')),
      signers.length ? h('ol', { class: `route-list${r.mode === 'parallel' ? ' route-parallel' : ''}` }, signers.map((s) => h('li', {
        class: `route-step${s.signed_at ? ' route-done' : s.waiting ? ' route-waiting' : ''}`,
        'data-testid': 'route-signer', 'data-login': s.login, 'data-signed': s.signed_at ? 'true' : 'false',
      },
      h('span', { class: 'route-seq', 'aria-hidden': 'true' }, s.signed_at ? '✓' : String(s.seq)),
      h('div', { class: 'route-who' },
        h('strong', null, personName(s)), s.title ? h('span', { class: 'muted' }, ` · ${s.title}`) : null,
        h('span', { class: 'cell-sub' }, s.signed_at ? t('route.signed_at', { at: fmtInstant(s.signed_at) })
          : s.waiting && ['approved', 'signing'].includes(d.status) ? t('route.turn') : t('route.pending'))))))
        : h('p', { class: 'muted' }, t('route.no_signers')));
  }

  // ---- public verification: the code and short link printed on the PDF as a QR code ----
  function publicCard(d) {
    const p = d.public;
    const body = p
      ? h('dl', { class: 'facts' },
        fact(t('doc.public_code'), code(p.code), 'doc-public-code'),
        fact(t('doc.public_link'), h('a', { href: p.link, target: '_blank', rel: 'noopener', 'data-testid': 'doc-public-link' }, p.link)),
        fact(t('doc.public_published'), badge(p.published ? t('doc.public_yes') : t('doc.public_no'), p.published ? 'ok' : 'neutral',
          { 'data-testid': 'doc-public-published', 'data-published': p.published ? 'true' : 'false' })))
      : h('p', { class: 'muted', 'data-testid': 'doc-public-none' }, t('doc.public_none'));
    return h('section', { class: 'card', 'data-testid': 'doc-public' },
      h('h2', { class: 'card-title' }, t('doc.public_title')),
      p ? h('p', { class: 'muted' }, p.published ? t('doc.public_hint_published') : t('doc.public_hint_reserved')) : null,
      body);
  }

  // ---- files ----
  function filesCard(d, versions, editable) {
    const bySlot = new Map();
    for (const v of versions) {
      if (!bySlot.has(v.slot)) bySlot.set(v.slot, []);
      bySlot.get(v.slot).push(v);
    }
    for (const list of bySlot.values()) list.sort((a, b) => b.version - a.version);
    const slots = [...bySlot.keys()].sort((a, b) => (a === 'main' ? -1 : b === 'main' ? 1 : a.localeCompare(b)));
    const heads = ['file.slot', 'file.version', 'file.name', 'file.size', 'file.origin', 'file.created', '']
      .map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('file.download'))));
    const row = (slot, v, i) => h('tr', {
      class: i ? 'file-old' : 'file-latest', 'data-testid': 'file-version', 'data-slot': v.slot, 'data-version': v.version, 'data-origin': v.origin,
    },
    h('td', null, i ? '' : (slot === 'main' ? t('file.main') : slot)),
    h('td', { class: 'nowrap' }, `v${v.version}`, i ? null : [' ', badge(t('file.latest'), 'ok')]),
    h('td', null, v.name, v.pages ? h('span', { class: 'cell-sub' }, tn('file.pages', v.pages)) : null,
      h('span', { class: 'cell-sub' }, h('code', { class: 'hash', title: 'SHA-256' }, (v.sha256 || '').slice(0, 16)), '…')),
    h('td', { class: 'num' }, fmtSize(v.size)),
    h('td', null, t(`file.origin_${v.origin}`)),
    h('td', { class: 'nowrap' }, fmtInstant(v.created_at)),
    h('td', { class: 'cell-action' }, downloadBtn(d, v)));
    const table = slots.length
      ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'doc-files' },
        h('thead', null, h('tr', null, heads)),
        slots.map((slot) => h('tbody', { class: 'file-slot' }, bySlot.get(slot).map((v, i) => row(slot, v, i))))))
      : empty(t('file.none'));
    return h('section', { class: 'card', 'data-testid': 'doc-files-card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('file.title')), h('span', { class: 'card-meta' }, tn('file.count', versions.length))),
      table,
      canWriteDocs() ? uploadForm(d, editable) : null);
  }

  function downloadBtn(d, v) {
    const btn = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'file-download' }, `⇩ ${t('file.download')}`);
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      try {
        await downloadFile(`/documents/${d.id}/download`, { slot: v.slot, version: v.version }, v.name);
      } catch (e) {
        notify(errorText(e), 'error');
      } finally {
        btn.disabled = false;
      }
    });
    return btn;
  }

  // A new version of the main PDF (drafts and returned documents) or an attachment (any time).
  function uploadForm(d, editable) {
    const msg = banner();
    const slotSel = select([...(editable ? [['main', t('file.main')]] : []), ['attachment', t('file.attachment')]], { 'data-testid': 'upload-slot' });
    const slotName = input({ maxlength: '100', placeholder: t('file.slot_ph'), 'data-testid': 'upload-slot-name', hidden: editable });
    const file = h('input', { type: 'file', class: 'input input-file', 'data-testid': 'upload-file', accept: editable ? 'application/pdf,.pdf' : null });
    slotSel.addEventListener('change', () => {
      slotName.hidden = slotSel.value === 'main';
      file.accept = slotSel.value === 'main' ? 'application/pdf,.pdf' : '';
    });
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'upload-submit' }, `⇪ ${t('file.upload')}`);
    const form = h('form', { class: 'upload-form', novalidate: true, 'data-testid': 'upload-form' },
      msg,
      h('div', { class: 'action-row' }, slotSel, slotName, file, btn),
      h('div', { class: 'field-hint' }, editable ? t('file.upload_hint') : t('file.upload_hint_final')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      msg.hidden = true;
      const f = file.files && file.files[0];
      if (!f) { msg.textContent = t('file.choose'); msg.hidden = false; return; }
      if (f.size > MAX_UPLOAD) { msg.textContent = t('file.too_large'); msg.hidden = false; return; }
      const slot = slotSel.value === 'main' ? 'main' : (slotName.value.trim() || f.name);
      if (slot === 'main' && !(await isPdf(f))) { msg.textContent = t('doc.not_pdf'); msg.hidden = false; return; }
      await step(btn, msg, () => uploadFile(`/documents/${d.id}/versions`, { slot, name: f.name }, f), t('file.uploaded', { name: f.name }));
    });
    return h('div', { class: 'card-inset' }, h('h3', { class: 'sub-title' }, t('file.new_version')), form);
  }

  // ---- signatures ----
  function hasSignatures(d, versions) {
    return ['signing', 'signed', 'issued'].includes(d.status) || versions.some((v) => v.origin === 'signed') || (d.route?.signers || []).some((s) => s.signed_at);
  }

  function signaturesCard(d) {
    const box = h('div');
    const btn = h('button', { type: 'button', class: 'btn', 'data-testid': 'doc-verify' }, t('verify.run'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      mount(box, loading(t('sign.verifying')));
      try {
        const r = await get(`/documents/${d.id}/verify`);
        if (ctx.alive()) mount(box, verifyReport(r));
      } catch (e) {
        if (ctx.alive()) mount(box, h('div', { class: 'form-banner' }, errorText(e)));
      } finally {
        btn.disabled = false;
      }
    });
    return h('section', { class: 'card', 'data-testid': 'doc-signatures' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('verify.title')), btn),
      h('p', { class: 'muted' }, t('verify.hint')), box);
  }

  // ---- recipients and receipts ----
  function recipientsCard(d) {
    const list = d.recipients || [];
    const when = (x) => (x ? fmtInstant(x) : h('span', { class: 'muted' }, '—'));
    const writer = canWriteDocs();
    const msg = banner();
    return h('section', { class: 'card', 'data-testid': 'doc-recipients' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('doc.recipients')), h('span', { class: 'card-meta' }, tn('doc.n_recipients', list.length))),
      msg,
      list.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact' },
        h('thead', null, h('tr', null, ['doc.recipient', 'receipt.sent', 'receipt.received', 'receipt.acknowledged', 'receipt.incoming', 'doc.action'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, list.map((r) => {
          let action = null;
          if (writer && r.sent_at && (!r.received_at || !r.acknowledged_at)) {
            const which = r.received_at ? 'acknowledged' : 'received';
            const btn = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': `receipt-${which}` }, t(which === 'received' ? 'receipt.receive' : 'receipt.acknowledge'));
            btn.addEventListener('click', () => step(btn, msg, () => post(`/documents/${d.id}/receipts`, { unit_id: r.unit.id, action: which }), t(which === 'received' ? 'receipt.done_received' : 'receipt.done_ack', { symbol: d.symbol || '' })));
            action = btn;
          }
          return h('tr', { 'data-testid': 'recipient', 'data-unit': r.unit?.code },
            h('td', null, unitText(r.unit)),
            h('td', { class: 'nowrap' }, when(r.sent_at)),
            h('td', { class: 'nowrap' }, when(r.received_at)),
            h('td', { class: 'nowrap' }, when(r.acknowledged_at)),
            h('td', null, r.incoming_id ? h('a', { href: docHref(r.incoming_id) }, t('receipt.incoming_n', { n: r.incoming_number ?? '' })) : '—'),
            h('td', { class: 'cell-action' }, action));
        })))) : empty(t('doc.no_recipients')));
  }

  // ---- links ----
  function linksCard(d) {
    const links = d.links || [];
    return h('section', { class: 'card', 'data-testid': 'doc-links-card' },
      h('h2', { class: 'card-title' }, t('doc.links')),
      links.length ? h('ul', { class: 'link-list' }, links.map((l) => h('li', { class: 'link-item', 'data-testid': 'doc-link-item', 'data-kind': l.kind, 'data-direction': l.direction },
        h('span', { class: 'badge badge-neutral' }, t(`link.${l.direction === 'in' ? 'rev_' : ''}${l.kind}`)), ' ',
        h('a', { href: docHref(l.doc), class: 'link-name' }, l.doc?.symbol || l.doc?.subject || `#${l.doc?.id}`),
        l.doc?.subject && l.doc?.symbol ? h('span', { class: 'link-meta' }, l.doc.subject) : null)))
        : h('p', { class: 'muted' }, t('doc.no_links')));
  }

  // ---- tasks ----
  function tasksCard(d) {
    const tasks = d.tasks || [];
    const msg = banner();
    const rows = tasks.map((tk) => {
      let done = null;
      if (tk.status === 'open') {
        const note = input({ maxlength: '1000', placeholder: t('task.note_ph'), 'data-testid': 'task-note', 'aria-label': t('task.note_ph') });
        const btn = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'task-done' }, t('task.mark_done'));
        btn.addEventListener('click', () => step(btn, msg, () => post(`/tasks/${tk.id}/done`, { note: note.value.trim() }), t('task.done_ok')));
        done = h('div', { class: 'action-row' }, note, btn);
      }
      return h('tr', { 'data-testid': 'task', 'data-id': tk.id, 'data-status': tk.status },
        h('td', null, tk.what, tk.done_note ? h('span', { class: 'cell-sub' }, tk.done_note) : null),
        h('td', null, unitText(tk.unit), tk.assignee ? h('span', { class: 'cell-sub' }, personName(tk.assignee)) : null),
        h('td', { class: 'nowrap' }, fmtDate(tk.due) || '—', tk.overdue ? [' ', badge(t('task.overdue'), 'danger')] : null),
        h('td', null, tk.status === 'done' ? badge(t('task.done'), 'ok') : badge(t('task.open'), 'warn'),
          tk.done_at ? h('span', { class: 'cell-sub' }, fmtInstant(tk.done_at)) : null),
        h('td', { class: 'cell-action' }, done));
    });
    return h('section', { class: 'card', 'data-testid': 'doc-tasks' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('task.title')), h('span', { class: 'card-meta' }, tn('task.count', tasks.length))),
      msg,
      tasks.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact' },
        h('thead', null, h('tr', null, ['task.what', 'task.unit', 'task.due', 'task.status', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('doc.action')))))),
        h('tbody', null, rows))) : h('p', { class: 'muted' }, t('task.none')),
      canWriteDocs() ? taskForm(d) : null);
  }

  function taskForm(d) {
    const msg = banner();
    const errors = new FormErrors(msg);
    const unit = unitPicker({ testid: 'task-unit' });
    const assignee = userChooser({ testid: 'task-assignee' });
    const what = input({ maxlength: '1000', 'data-testid': 'task-what' });
    const due = input({ type: 'date', 'data-testid': 'task-due' });
    errors.alias('unit_id', 'unit');
    errors.alias('assignee_id', 'assignee');
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'task-add' }, t('task.add'));
    const form = h('form', { class: 'card-inset', novalidate: true, 'data-testid': 'task-form' },
      h('h3', { class: 'sub-title' }, t('task.new')), msg,
      h('div', { class: 'form-grid' },
        field({ label: t('task.what'), control: what, key: 'what', errors, required: true, wide: true }),
        field({ label: t('task.unit'), control: unit.el, key: 'unit', errors, required: true }),
        field({ label: t('task.assignee'), control: assignee.el, key: 'assignee', errors, hint: t('task.assignee_hint') }),
        field({ label: t('task.due'), control: due, key: 'due', errors, required: true })),
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      let ok = true;
      if (!what.value.trim()) { errors.fieldError('what', t('form.required')); ok = false; }
      if (!unit.value()) { errors.fieldError('unit', t('form.required')); ok = false; }
      if (!isDate(due.value)) { errors.fieldError('due', t(due.value ? 'form.bad_date' : 'form.required')); ok = false; }
      if (!ok) return;
      btn.disabled = true;
      try {
        await post(`/documents/${d.id}/tasks`, { unit_id: unit.value().id, assignee_id: assignee.value(), what: what.value.trim(), due: due.value });
        if (!ctx.alive()) return;
        notify(t('task.added'));
        load(false);
      } catch (err) {
        btn.disabled = false;
        if (ctx.alive()) errors.show(err);
      }
    });
    return form;
  }

  // ---- editing a draft: fields (PATCH) and route (PUT) ----
  function editCard(d) {
    const msg = banner();
    const errors = new FormErrors(msg);
    const subject = h('textarea', { class: 'input', rows: '2', maxlength: '1000', 'data-testid': 'edit-subject', value: d.subject || '' });
    const secrecy = select(SECRECY.map((m) => [m, m ? t(`secrecy.${m}`) : t('doc.mark_none')]), { 'data-testid': 'edit-secrecy' });
    secrecy.value = d.secrecy || '';
    const urgency = select(URGENCY.map((m) => [m, m ? t(`urgency.${m}`) : t('doc.mark_none')]), { 'data-testid': 'edit-urgency' });
    urgency.value = d.urgency || '';
    const due = input({ type: 'date', value: d.reply_due || '', 'data-testid': 'edit-reply-due' });
    const recipients = unitPicker({ multiple: true, testid: 'edit-recipients' });
    recipients.set((d.recipients || []).map((r) => r.unit));
    const links = linkChooser({ testid: 'edit-links' });
    links.set((d.links || []).filter((l) => l.direction !== 'in'));
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'edit-save' }, t('doc.save'));
    const form = h('form', { novalidate: true, 'data-testid': 'edit-form' }, msg,
      h('div', { class: 'form-grid' },
        field({ label: t('doc.subject'), control: subject, key: 'subject', errors, required: true, wide: true }),
        field({ label: t('doc.secrecy'), control: secrecy, key: 'secrecy', errors }),
        field({ label: t('doc.urgency'), control: urgency, key: 'urgency', errors }),
        field({ label: t('doc.reply_due'), control: due, key: 'reply_due', errors }),
        field({ label: t('doc.recipients'), control: recipients.el, key: 'recipients', errors, wide: true }),
        field({ label: t('doc.links'), control: links.el, key: 'links', errors, wide: true })),
      h('div', { class: 'form-actions' }, save));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      if (!subject.value.trim()) { errors.fieldError('subject', t('form.required')); return; }
      save.disabled = true;
      try {
        await request('PATCH', `/documents/${d.id}`, {
          rev: d.rev, subject: subject.value.trim(), secrecy: secrecy.value, urgency: urgency.value, reply_due: due.value,
          recipients: recipients.value().map((u) => u.id), links: links.value(),
        });
        if (!ctx.alive()) return;
        notify(t('doc.saved'));
        load(false);
      } catch (err) {
        save.disabled = false;
        if (ctx.alive()) errors.show(err.status === 409 ? Object.assign(err, { field: '' }) : err);
      }
    });

    // The route.
    const rmsg = banner();
    const rerrors = new FormErrors(rmsg);
    const modeSel = select([['sequential', t('route.sequential')], ['parallel', t('route.parallel')]], { 'data-testid': 'edit-route-mode' });
    modeSel.value = d.route?.mode || 'sequential';
    const reviewer = userChooser({ roles: ['manager', 'admin'], testid: 'edit-reviewer' });
    reviewer.set(d.route?.reviewer ? d.route.reviewer.user_id : null);
    const signers = userChooser({ signers: true, multiple: true, titles: true, testid: 'edit-signers' });
    signers.set(d.route?.signers || []);
    rerrors.alias('reviewer_id', 'reviewer');
    rerrors.alias('mode', 'signers');
    const rsave = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'edit-route-save' }, t('route.save'));
    const rform = h('form', { novalidate: true, 'data-testid': 'edit-route-form' }, rmsg,
      h('div', { class: 'form-grid' },
        field({ label: t('route.mode'), control: modeSel, key: 'mode', errors: rerrors }),
        field({ label: t('route.reviewer'), control: reviewer.el, key: 'reviewer', errors: rerrors }),
        field({ label: t('route.signers'), control: signers.el, key: 'signers', errors: rerrors, wide: true, hint: t('route.signers_hint') })),
      h('div', { class: 'form-actions' }, rsave));
    rform.addEventListener('submit', async (e) => {
      e.preventDefault();
      rerrors.clear();
      rsave.disabled = true;
      try {
        await request('PUT', `/documents/${d.id}/route`, { rev: d.rev, mode: modeSel.value, signers: signers.value(), reviewer_id: reviewer.value() });
        if (!ctx.alive()) return;
        notify(t('route.saved'));
        load(false);
      } catch (err) {
        rsave.disabled = false;
        if (ctx.alive()) rerrors.show(err.status === 409 ? Object.assign(err, { field: '' }) : err);
      }
    });

    return h('details', { class: 'card card-details', 'data-testid': 'doc-edit' },
      h('summary', { class: 'card-title' }, t('doc.edit')),
      h('div', { class: 'grid-2 grid-tight' },
        h('div', null, h('h3', { class: 'sub-title' }, t('doc.edit_fields')), form),
        h('div', null, h('h3', { class: 'sub-title' }, t('route.edit')), rform)));
  }

  // ---- history ----
  function historyCard(d) {
    const items = d.history || [];
    const label = (a) => {
      const k = `hist.${a}`;
      const s = t(k);
      return s === k ? a : s;
    };
    return h('section', { class: 'card', 'data-testid': 'doc-history' },
      h('h2', { class: 'card-title' }, t('doc.history')),
      items.length ? h('ol', { class: 'timeline' }, items.map((x) => h('li', { class: `tl-item tl-d-${x.action}`, 'data-testid': 'history-item', 'data-action': x.action },
        h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
        h('div', { class: 'tl-head' },
          h('span', { class: 'tl-date' }, fmtInstant(x.at)),
          h('strong', { class: 'tl-title' }, label(x.action)),
          h('span', { class: 'muted' }, x.actor || '')),
        x.note ? h('div', { class: 'tl-body' }, h('p', null, x.note)) : null)))
        : h('p', { class: 'muted' }, t('doc.no_history')));
  }

}
