// Registers: the outgoing and incoming register of a unit for a year (GET /documents/register),
// exported as CSV or XLSX; and a number taken outside the workflow (POST /documents/number).
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { t, tn } from '../i18n.js';
import { session } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { today, isDate, fmtDate } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, notify, code } from '../ui.js';
import { canWriteDocs, loadIssuers, loadTypes, typeOptionLabel, orgName, downloadFile, docHref } from './doc_common.js';

const COLUMNS = {
  out: ['number', 'symbol', 'date', 'type', 'subject', 'signers', 'recipients', 'secrecy', 'urgency', 'status'],
  in: ['incoming_number', 'received_date', 'symbol', 'date', 'issuer', 'type', 'subject', 'reply_due', 'secrecy', 'urgency'],
};
const DATES = new Set(['date', 'received_date', 'reply_due']);

function cell(key, v) {
  if (v === null || v === undefined || v === '') return h('span', { class: 'muted' }, '—');
  if (DATES.has(key)) return fmtDate(v);
  if (key === 'secrecy') return t(`secrecy.${v}`);
  if (key === 'urgency') return t(`urgency.${v}`);
  if (key === 'status') return t(`dstatus.${v}`);
  if (key === 'symbol') return code(String(v));
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function colLabel(key) {
  const k = `regcol.${key}`;
  const s = t(k);
  return s === k ? key : s;
}

export function render(main, ctx) {
  const q = ctx.query;
  const thisYear = Number(today().slice(0, 4));
  const f = {
    kind: q.get('kind') === 'in' ? 'in' : 'out',
    year: /^\d{4}$/.test(q.get('year') || '') ? Number(q.get('year')) : thisYear,
    unit: /^\d+$/.test(q.get('unit') || '') ? q.get('unit') : String(session.user.unit_id || ''),
  };

  const msg = banner();
  const errors = new FormErrors(msg);
  const unit = unitPicker({ testid: 'reg-unit', onChange: (u) => { if (u) { f.unit = String(u.id); load(); } } });
  const kind = select([['out', t('reg.kind_out')], ['in', t('reg.kind_in')]], { 'data-testid': 'reg-kind' });
  kind.value = f.kind;
  const year = input({ type: 'number', min: '1900', max: '9999', step: '1', value: String(f.year), 'data-testid': 'reg-year' });
  const csvBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'reg-export-csv', onclick: () => exportAs('csv', csvBtn) }, t('reg.export_csv'));
  const xlsxBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'reg-export-xlsx', onclick: () => exportAs('xlsx', xlsxBtn) }, t('reg.export_xlsx'));
  const filters = h('form', { class: 'card filters', novalidate: true, 'data-testid': 'reg-filters' },
    msg,
    h('div', { class: 'filter-grid reg-filter-grid' },
      field({ label: t('reg.unit'), control: unit.el, key: 'unit', errors }),
      field({ label: t('reg.kind'), control: kind, key: 'kind', errors }),
      field({ label: t('reg.year'), control: year, key: 'year', errors }),
      h('div', { class: 'filter-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reg-apply' }, t('reg.show')))),
    h('div', { class: 'export-box' }, h('div', { class: 'export-buttons' }, csvBtn, xlsxBtn), h('span', { class: 'field-hint' }, t('reg.export_hint'))));
  const box = h('div');
  const title = h('h2', { class: 'card-title', 'data-testid': 'reg-title' });
  const meta = h('span', { class: 'card-meta', 'data-testid': 'reg-total' });

  mount(main,
    pageHeader(t('reg.title'), t('reg.subtitle'), h('a', { class: 'btn', href: '#/documents' }, t('nav.documents'))),
    filters,
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, title, meta), box),
    canWriteDocs() ? numberCard() : null);

  if (/^\d+$/.test(f.unit)) {
    get(`/units/${f.unit}`).then((u) => { if (ctx.alive() && !unit.value()) unit.set([u]); }).catch(() => {});
  }

  filters.addEventListener('submit', (e) => { e.preventDefault(); apply(); });
  kind.addEventListener('change', apply);

  function apply() {
    errors.clear();
    const y = Number(year.value);
    if (!Number.isInteger(y) || y < 1900 || y > 9999) { errors.fieldError('year', t('reg.bad_year')); return; }
    f.kind = kind.value;
    f.year = y;
    load();
  }

  async function exportAs(format, btn) {
    errors.clear();
    if (!f.unit) { errors.fieldError('unit', t('form.required')); return; }
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = t('common.working');
    try {
      await downloadFile('/documents/register/download', { unit: f.unit, kind: f.kind, year: f.year, format }, `register-${f.kind}-${f.year}.${format}`);
      notify(t('reg.exported'));
    } catch (e) {
      errors.show(e);
    } finally {
      btn.disabled = false;
      btn.textContent = label;
    }
  }

  async function load() {
    replaceQuiet(href('/registers', f));
    title.textContent = t(f.kind === 'in' ? 'reg.in_title' : 'reg.out_title', { year: f.year });
    meta.textContent = '';
    if (!f.unit) { mount(box, empty(t('reg.choose_unit'))); return; }
    box.setAttribute('aria-busy', 'true');
    mount(box, loading());
    try {
      const r = await get('/documents/register', { unit: f.unit, kind: f.kind, year: f.year });
      if (!ctx.alive()) return;
      const items = r.items || [];
      if (r.unit && r.unit.name) title.textContent = t(f.kind === 'in' ? 'reg.in_title_unit' : 'reg.out_title_unit', { year: f.year, unit: r.unit.name });
      meta.textContent = tn('reg.count', items.length);
      if (!items.length) mount(box, empty(t('reg.none')));
      else {
        const cols = [...COLUMNS[f.kind]];
        for (const it of items) for (const k of Object.keys(it)) if (k !== 'id' && !cols.includes(k)) cols.push(k);
        mount(box, h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact reg-table', 'data-testid': 'reg-table', 'data-kind': f.kind },
          h('thead', null, h('tr', null, cols.map((k) => h('th', { scope: 'col' }, colLabel(k))))),
          h('tbody', null, items.map((it) => h('tr', { 'data-testid': 'reg-row', 'data-id': it.id },
            cols.map((k) => h('td', { class: k === 'subject' ? '' : 'nowrap' },
              k === 'subject' && it.id ? h('a', { href: docHref(it.id) }, it.subject || '—') : cell(k, it[k])))))))));
      }
    } catch (e) {
      if (!ctx.alive()) return;
      if (e.field && e.status !== 403) { errors.show(e); mount(box, empty()); } else mount(box, errorPanel(e, 'page'));
    }
    box.setAttribute('aria-busy', 'false');
  }

  // A number taken now and recorded in the outgoing register (documents numbered outside the workflow).
  function numberCard() {
    const nmsg = banner();
    const nerr = new FormErrors(nmsg);
    const issuer = h('select', { class: 'input', 'data-testid': 'num-issuer' });
    const type = h('select', { class: 'input', 'data-testid': 'num-type' });
    const date = input({ type: 'date', value: today(), 'data-testid': 'num-date' });
    const conf = h('input', { type: 'checkbox', 'data-testid': 'num-confidential' });
    const subject = input({ maxlength: '1000', 'data-testid': 'num-subject' });
    const result = h('div', { 'aria-live': 'polite', 'data-testid': 'num-result' });
    let issuers = [];
    const fillTypes = async () => {
      const i = issuers.find((x) => String(x.unit_id) === issuer.value);
      mount(type);
      if (!i) return;
      try {
        const list = await loadTypes(i.org);
        mount(type, list.map((ty) => h('option', { value: ty.code }, typeOptionLabel(ty))));
      } catch { /* the select stays empty */ }
    };
    loadIssuers().then((list) => {
      issuers = list;
      mount(issuer, list.map((i) => h('option', { value: String(i.unit_id) }, `${i.unit?.name || i.unit_id} (${i.symbol}) · ${orgName(i.org)}`)));
      const mine = list.find((i) => i.unit_id === session.user.unit_id);
      if (mine) issuer.value = String(mine.unit_id);
      fillTypes();
    }).catch(() => {});
    issuer.addEventListener('change', fillTypes);
    nerr.alias('issuer_id', 'issuer');
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'num-take' }, t('num.take'));
    const form = h('form', { class: 'card', novalidate: true, 'data-testid': 'num-form' },
      h('h2', { class: 'card-title' }, t('num.title')),
      h('p', { class: 'muted' }, t('num.hint')),
      nmsg,
      h('div', { class: 'form-grid' },
        field({ label: t('doc.issuer'), control: issuer, key: 'issuer', errors: nerr, required: true }),
        field({ label: t('doc.type'), control: type, key: 'type', errors: nerr, required: true }),
        field({ label: t('doc.date'), control: date, key: 'date', errors: nerr, required: true }),
        h('div', { class: 'field' }, h('span', { class: 'field-label' }, t('num.confidential')), h('label', { class: 'check' }, conf, t('num.confidential_hint'))),
        field({ label: t('doc.subject'), control: subject, key: 'subject', errors: nerr, required: true, wide: true })),
      result,
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      nerr.clear();
      let ok = true;
      if (!issuer.value) { nerr.fieldError('issuer', t('form.required')); ok = false; }
      if (!type.value) { nerr.fieldError('type', t('form.required')); ok = false; }
      if (!isDate(date.value)) { nerr.fieldError('date', t('form.bad_date')); ok = false; }
      if (!subject.value.trim()) { nerr.fieldError('subject', t('form.required')); ok = false; }
      if (!ok) return;
      btn.disabled = true;
      try {
        const r = await post('/documents/number', { issuer_id: Number(issuer.value), type: type.value, date: date.value, confidential: conf.checked, subject: subject.value.trim() });
        if (!ctx.alive()) return;
        mount(result, h('div', { class: 'issued-box' },
          h('span', { class: 'issued-label' }, t('num.taken')),
          h('strong', { class: 'issued-symbol', 'data-testid': 'num-symbol' }, r.symbol),
          h('span', { class: 'muted' }, t('doc.number_date', { n: r.number, date: fmtDate(r.date) }))));
        subject.value = '';
        if (f.kind === 'out' && String(f.unit) === issuer.value) load();
      } catch (err) {
        if (ctx.alive()) nerr.show(err);
      } finally {
        btn.disabled = false;
      }
    });
    return form;
  }

  load();
}
