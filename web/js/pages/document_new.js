// A new outgoing draft (POST /documents: issuer, type, subject, marks, route, recipients, links,
// then its PDF) or the registration of an incoming document (direction "in": its own symbol and
// date, the next incoming number of the receiving unit).
import { h, mount } from '../dom.js';
import { post } from '../api.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { navigate, href } from '../router.js';
import { today, isDate } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, loading, errorPanel, notify } from '../ui.js';
import {
  SECRECY, URGENCY, DOC_ORGS, canWriteDocs, orgName, loadIssuers, loadTypes, typeOptionLabel,
  userChooser, linkChooser, uploadFile, isPdf, MAX_UPLOAD,
} from './doc_common.js';

export function render(main, ctx) {
  if (!canWriteDocs()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  const incoming = ctx.query.get('direction') === 'in';
  mount(main, loading());
  loadIssuers().catch(() => []).then((issuers) => {
    if (!ctx.alive()) return;
    if (incoming) drawIncoming(main, ctx, issuers); else drawOutgoing(main, ctx, issuers);
  });
}

const markSelect = (list, prefix, testid) => select(list.map((m) => [m, m ? t(`${prefix}.${m}`) : t('doc.mark_none')]), { 'data-testid': testid });

// Fills a type <select> with the catalogue of an organization.
async function fillTypes(sel, org, keep) {
  const prev = keep ? sel.value : '';
  mount(sel, h('option', { value: '' }, t('common.loading')));
  sel.disabled = true;
  try {
    const list = org ? await loadTypes(org) : [];
    mount(sel, h('option', { value: '' }, org ? t('doc.choose_type') : t('doc.choose_issuer_first')),
      list.map((ty) => h('option', { value: ty.code }, typeOptionLabel(ty))));
    if (prev && list.some((ty) => ty.code === prev)) sel.value = prev;
  } catch {
    mount(sel, h('option', { value: '' }, t('error.generic')));
  }
  sel.disabled = false;
}

function fileField(errors, wide) {
  const file = h('input', { type: 'file', class: 'input input-file', accept: 'application/pdf,.pdf', 'data-testid': 'doc-file' });
  return { file, el: field({ label: t('doc.main_pdf'), control: file, key: 'file', errors, wide, hint: t('doc.main_pdf_hint') }) };
}

// After the document exists: its PDF, if one was chosen.  A failed upload still opens the document.
async function afterCreate(doc, fileInput) {
  const f = fileInput.files && fileInput.files[0];
  if (f) {
    try {
      await uploadFile(`/documents/${doc.id}/versions`, { slot: 'main', name: f.name }, f);
    } catch (e) {
      notify(t('doc.upload_failed', { message: e.message || e.code }), 'error');
    }
  }
  navigate(href(`/documents/${doc.id}`));
}

function drawOutgoing(main, ctx, issuers) {
  const msg = banner();
  const errors = new FormErrors(msg);
  const mine = issuers.find((i) => i.unit_id === session.user.unit_id);
  const issuer = select([['', t('doc.choose_issuer')], ...issuers.map((i) => [String(i.unit_id), `${i.unit?.name || i.unit_id} (${i.symbol}) · ${orgName(i.org)}`])], { 'data-testid': 'doc-issuer' });
  const type = h('select', { class: 'input', 'data-testid': 'doc-type' });
  const subject = h('textarea', { class: 'input', rows: '3', maxlength: '1000', 'data-testid': 'doc-subject' });
  const secrecy = markSelect(SECRECY, 'secrecy', 'doc-secrecy');
  const urgency = markSelect(URGENCY, 'urgency', 'doc-urgency');
  const due = input({ type: 'date', 'data-testid': 'doc-reply-due' });
  const modeSeq = h('input', { type: 'radio', name: 'route-mode', value: 'sequential', checked: true, 'data-testid': 'route-sequential' });
  const modePar = h('input', { type: 'radio', name: 'route-mode', value: 'parallel', 'data-testid': 'route-parallel' });
  const reviewer = userChooser({ roles: ['manager', 'admin'], testid: 'doc-reviewer' });
  const signers = userChooser({ signers: true, multiple: true, titles: true, testid: 'doc-signers' });
  const recipients = unitPicker({ multiple: true, testid: 'doc-recipients', placeholder: t('doc.recipients_ph') });
  const links = linkChooser({ testid: 'doc-links' });
  const { file, el: fileEl } = fileField(errors);
  errors.alias('issuer_id', 'issuer');
  errors.alias('reviewer_id', 'reviewer');
  errors.alias('route_mode', 'signers');

  issuer.addEventListener('change', () => {
    const i = issuers.find((x) => String(x.unit_id) === issuer.value);
    fillTypes(type, i ? i.org : '', true);
  });
  if (mine) issuer.value = String(mine.unit_id);
  else if (issuers.length === 1) issuer.value = String(issuers[0].unit_id);
  fillTypes(type, (issuers.find((x) => String(x.unit_id) === issuer.value) || {}).org || '');

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'doc-create' }, t('doc.create_draft'));
  const form = h('form', { class: 'doc-form', novalidate: true, 'data-testid': 'doc-new-form' },
    h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, t('doc.section_doc')),
      msg,
      issuers.length ? null : h('div', { class: 'notice notice-warn', 'data-testid': 'no-issuer' }, t('doc.no_issuer')),
      h('div', { class: 'form-grid' },
        field({ label: t('doc.issuer'), control: issuer, key: 'issuer', errors, required: true }),
        field({ label: t('doc.type'), control: type, key: 'type', errors, required: true }),
        field({ label: t('doc.subject'), control: subject, key: 'subject', errors, required: true, wide: true }),
        field({ label: t('doc.secrecy'), control: secrecy, key: 'secrecy', errors }),
        field({ label: t('doc.urgency'), control: urgency, key: 'urgency', errors }),
        field({ label: t('doc.reply_due'), control: due, key: 'reply_due', errors, hint: t('doc.reply_due_hint') }),
        fileEl)),
    h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, t('doc.section_route')),
      h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': t('route.mode') },
        h('label', { class: 'radio' }, modeSeq, t('route.sequential')),
        h('label', { class: 'radio' }, modePar, t('route.parallel'))),
      h('div', { class: 'form-grid' },
        field({ label: t('route.reviewer'), control: reviewer.el, key: 'reviewer', errors, hint: t('route.reviewer_hint') }),
        field({ label: t('route.signers'), control: signers.el, key: 'signers', errors, hint: t('route.signers_hint') }))),
    h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, t('doc.section_send')),
      field({ label: t('doc.recipients'), control: recipients.el, key: 'recipients', errors }),
      field({ label: t('doc.links'), control: links.el, key: 'links', errors, hint: t('link.hint') }),
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn btn-ghost', href: '#/documents' }, t('common.cancel')), submit)));

  mount(main, pageHeader(t('doc.new_out_title'), t('doc.new_out_sub')), form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    let ok = true;
    if (!issuer.value) { errors.fieldError('issuer', t('form.required')); ok = false; }
    if (!type.value) { errors.fieldError('type', t('form.required')); ok = false; }
    if (!subject.value.trim()) { errors.fieldError('subject', t('form.required')); ok = false; }
    if (due.value && !isDate(due.value)) { errors.fieldError('reply_due', t('form.bad_date')); ok = false; }
    const f = file.files && file.files[0];
    if (f && f.size > MAX_UPLOAD) { errors.fieldError('file', t('file.too_large')); ok = false; } else if (f && !(await isPdf(f))) { errors.fieldError('file', t('doc.not_pdf')); ok = false; }
    if (!ok) return;
    submit.disabled = true;
    try {
      const doc = await post('/documents', {
        issuer_id: Number(issuer.value), type: type.value, subject: subject.value.trim(),
        secrecy: secrecy.value, urgency: urgency.value, reply_due: due.value,
        route_mode: modePar.checked ? 'parallel' : 'sequential', reviewer_id: reviewer.value(),
        signers: signers.value(), recipients: recipients.value().map((u) => u.id), links: links.value(),
      });
      if (!ctx.alive()) return;
      notify(t('doc.created'));
      await afterCreate(doc, file);
    } catch (err) {
      if (ctx.alive()) errors.show(err);
    } finally {
      submit.disabled = false;
    }
  });
}

function drawIncoming(main, ctx, issuers) {
  const msg = banner();
  const errors = new FormErrors(msg);
  const owner = unitPicker({ testid: 'doc-owner' });
  if (session.user.unit_id) owner.set([{ id: session.user.unit_id, code: session.user.unit_code, name: session.user.unit_name }]);
  const known = h('input', { type: 'radio', name: 'issuer-kind', value: 'known', 'data-testid': 'issuer-known', checked: issuers.length > 0, disabled: !issuers.length });
  const other = h('input', { type: 'radio', name: 'issuer-kind', value: 'other', 'data-testid': 'issuer-other', checked: !issuers.length });
  const issuer = select([['', t('doc.choose_issuer')], ...issuers.map((i) => [String(i.unit_id), `${i.unit?.name || i.unit_id} (${i.symbol})`])], { 'data-testid': 'doc-issuer' });
  const issuerName = input({ maxlength: '200', 'data-testid': 'doc-issuer-name', placeholder: t('doc.issuer_name_ph') });
  const issuerOrg = select(DOC_ORGS.map((o) => [o, orgName(o)]), { 'data-testid': 'doc-issuer-org' });
  issuerOrg.value = 'state';
  const type = h('select', { class: 'input', 'data-testid': 'doc-type' });
  const symbol = input({ maxlength: '80', 'data-testid': 'doc-symbol-in', placeholder: t('doc.symbol_ph'), spellcheck: 'false' });
  const date = input({ type: 'date', 'data-testid': 'doc-date' });
  const received = input({ type: 'date', value: today(), 'data-testid': 'doc-received' });
  const subject = h('textarea', { class: 'input', rows: '3', maxlength: '1000', 'data-testid': 'doc-subject' });
  const due = input({ type: 'date', 'data-testid': 'doc-reply-due' });
  const links = linkChooser({ testid: 'doc-links' });
  const { file, el: fileEl } = fileField(errors, true);
  errors.alias('owner_id', 'owner');
  errors.alias('issuer_id', 'issuer');
  errors.alias('issuer_name', 'issuer');
  errors.alias('issuer_org', 'issuer');

  const knownBox = h('div', null, issuer);
  const otherBox = h('div', { class: 'chooser-row' }, issuerName, issuerOrg);
  function org() {
    if (known.checked) return (issuers.find((x) => String(x.unit_id) === issuer.value) || {}).org || '';
    return issuerOrg.value;
  }
  function sync() {
    knownBox.hidden = !known.checked;
    otherBox.hidden = known.checked;
    fillTypes(type, org(), true);
  }
  [known, other, issuer, issuerOrg].forEach((x) => x.addEventListener('change', sync));
  sync();

  const issuerErr = h('div', { class: 'field-error', role: 'alert', 'data-testid': 'error-issuer' });
  const issuerWrap = h('div', { class: 'field field-wide', 'data-field': 'issuer' },
    h('span', { class: 'field-label' }, t('doc.issuer'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    h('div', { class: 'radio-row' },
      h('label', { class: 'radio' }, known, t('doc.issuer_known')),
      h('label', { class: 'radio' }, other, t('doc.issuer_other'))),
    knownBox, otherBox, issuerErr);
  errors.register('issuer', issuerWrap, issuerErr, null);

  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'doc-register' }, t('doc.register_in'));
  const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'doc-in-form' },
    msg,
    h('div', { class: 'form-grid' },
      field({ label: t('doc.owner'), control: owner.el, key: 'owner', errors, required: true, hint: t('doc.owner_hint') }),
      field({ label: t('doc.received_date'), control: received, key: 'received', errors, required: true }),
      issuerWrap,
      field({ label: t('doc.type'), control: type, key: 'type', errors, required: true }),
      field({ label: t('doc.symbol'), control: symbol, key: 'symbol', errors, required: true, hint: t('doc.symbol_hint') }),
      field({ label: t('doc.date'), control: date, key: 'date', errors, required: true }),
      field({ label: t('doc.reply_due'), control: due, key: 'reply_due', errors }),
      field({ label: t('doc.subject'), control: subject, key: 'subject', errors, required: true, wide: true }),
      field({ label: t('doc.links'), control: links.el, key: 'links', errors, wide: true, hint: t('link.hint') }),
      fileEl),
    h('div', { class: 'form-actions' }, h('a', { class: 'btn btn-ghost', href: '#/documents' }, t('common.cancel')), submit));

  mount(main, pageHeader(t('doc.new_in_title'), t('doc.new_in_sub')), form);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    let ok = true;
    if (!owner.value()) { errors.fieldError('owner', t('form.required')); ok = false; }
    if (known.checked ? !issuer.value : !issuerName.value.trim()) { errors.fieldError('issuer', t('form.required')); ok = false; }
    if (!type.value) { errors.fieldError('type', t('form.required')); ok = false; }
    if (!symbol.value.trim()) { errors.fieldError('symbol', t('form.required')); ok = false; }
    if (!isDate(date.value)) { errors.fieldError('date', t(date.value ? 'form.bad_date' : 'form.required')); ok = false; }
    if (!isDate(received.value)) { errors.fieldError('received', t(received.value ? 'form.bad_date' : 'form.required')); ok = false; }
    if (!subject.value.trim()) { errors.fieldError('subject', t('form.required')); ok = false; }
    const f = file.files && file.files[0];
    if (f && f.size > MAX_UPLOAD) { errors.fieldError('file', t('file.too_large')); ok = false; } else if (f && !(await isPdf(f))) { errors.fieldError('file', t('doc.not_pdf')); ok = false; }
    if (!ok) return;
    const body = {
      direction: 'in', owner_id: owner.value().id, type: type.value, symbol: symbol.value.trim(), date: date.value,
      received: received.value, subject: subject.value.trim(), reply_due: due.value, links: links.value(),
    };
    if (known.checked) body.issuer_id = Number(issuer.value);
    else { body.issuer_name = issuerName.value.trim(); body.issuer_org = issuerOrg.value; }
    submit.disabled = true;
    try {
      const doc = await post('/documents', body);
      if (!ctx.alive()) return;
      notify(t('doc.registered', { n: doc.incoming_number ?? '' }));
      await afterCreate(doc, file);
    } catch (err) {
      if (ctx.alive()) errors.show(err);
    } finally {
      submit.disabled = false;
    }
  });
}
