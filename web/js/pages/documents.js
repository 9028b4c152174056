// Documents: search (words without diacritics, or a symbol as typed) with filters by unit, type,
// period and status; pages of 50; export of the unit's register for the year as CSV or XLSX.
import { h, mount, debounce } from '../dom.js';
import { get } from '../api.js';
import { t, tn } from '../i18n.js';
import { session } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { isDate, today } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { pager } from '../pager.js';
import { field, select, input, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, notify } from '../ui.js';
import { STATUSES, canWriteDocs, docTable, loadTypes, downloadFile } from './doc_common.js';

const LIMIT = 50;

export function render(main, ctx) {
  const q = ctx.query;
  const f = {
    q: q.get('q') || '', unit: q.get('unit') || '', type: q.get('type') || '', status: q.get('status') || '',
    from: isDate(q.get('from')) ? q.get('from') : '', to: isDate(q.get('to')) ? q.get('to') : '',
    overdue: q.get('overdue') === '1' ? '1' : '',
  };
  let offset = Number(q.get('offset')) || 0;

  const msg = banner();
  const errors = new FormErrors(msg);
  const search = h('input', {
    type: 'search', class: 'input input-search', value: f.q, id: 'docs-search', 'data-testid': 'docs-search',
    placeholder: t('docs.search_ph'), autocomplete: 'off', 'aria-describedby': 'docs-search-hint',
  });
  const status = select([['', t('docs.any_status')], ...STATUSES.map((s) => [s, t(`dstatus.${s}`)])], { 'data-testid': 'docs-status' });
  status.value = f.status;
  const type = h('input', { class: 'input', list: 'docs-types', value: f.type, 'data-testid': 'docs-type', autocomplete: 'off', placeholder: t('docs.type_ph'), maxlength: '12' });
  const typeList = h('datalist', { id: 'docs-types' });
  loadTypes().then((list) => {
    const seen = new Map();
    for (const ty of list) if (!seen.has(ty.code)) seen.set(ty.code, ty);
    mount(typeList, [...seen.values()].map((ty) => h('option', { value: ty.code }, ty.name_vi)));
  }).catch(() => {});
  const from = input({ type: 'date', value: f.from, 'data-testid': 'docs-from' });
  const overdue = h('input', { type: 'checkbox', checked: f.overdue === '1', 'data-testid': 'docs-overdue' });
  const to = input({ type: 'date', value: f.to, 'data-testid': 'docs-to' });
  const unit = unitPicker({ testid: 'docs-unit', placeholder: t('docs.unit_ph'), onChange: (u) => { f.unit = u ? String(u.id) : ''; reload(); } });
  if (/^\d+$/.test(f.unit)) get(`/units/${f.unit}`).then((u) => { if (ctx.alive() && !unit.value()) unit.set([u]); }).catch(() => {});

  const filters = h('form', { class: 'card filters', role: 'search', novalidate: true, 'data-testid': 'docs-filters' },
    msg, typeList,
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'docs-search' }, t('docs.search')),
      h('div', { class: 'search-row' }, search,
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'docs-apply' }, t('docs.apply'))),
      h('div', { class: 'field-hint', id: 'docs-search-hint' }, t('docs.search_hint'))),
    h('div', { class: 'filter-grid doc-filter-grid' },
      field({ label: t('doc.unit'), control: unit.el, key: 'unit', errors }),
      field({ label: t('doc.type'), control: type, key: 'type', errors }),
      field({ label: t('doc.status'), control: status, key: 'status', errors }),
      field({ label: t('docs.from'), control: from, key: 'from', errors }),
      field({ label: t('docs.to'), control: to, key: 'to', errors })),
    h('div', { class: 'filter-foot' },
      h('label', { class: 'check' }, overdue, t('docs.overdue_only')),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'docs-reset', onclick: resetAll }, t('docs.reset'))));

  // Export: the register (outgoing, or incoming when the filter says "received") of the chosen
  // unit or the user's own, for the year of "from" (else this year).
  const csvBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'docs-export-csv', onclick: () => exportAs('csv', csvBtn) }, t('reg.export_csv'));
  const xlsxBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'docs-export-xlsx', onclick: () => exportAs('xlsx', xlsxBtn) }, t('reg.export_xlsx'));
  const exportHint = h('span', { class: 'field-hint', 'data-testid': 'docs-export-hint' });
  const exportBox = h('div', { class: 'export-box' }, h('div', { class: 'export-buttons' }, csvBtn, xlsxBtn), exportHint);

  const box = h('div');
  const meta = h('span', { class: 'card-meta', 'data-testid': 'docs-total' });
  const actions = canWriteDocs() ? [
    h('a', { class: 'btn', href: '#/documents/new?direction=in', 'data-testid': 'docs-new-in' }, t('docs.new_in')),
    h('a', { class: 'btn btn-primary', href: '#/documents/new', 'data-testid': 'docs-new' }, t('docs.new_out')),
  ] : [];
  mount(main,
    pageHeader(t('docs.title'), t('docs.subtitle'), h('a', { class: 'btn', href: '#/registers', 'data-testid': 'docs-registers' }, t('nav.registers')), ...actions),
    filters,
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('docs.list')), meta),
      exportBox, box));

  filters.addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  search.addEventListener('input', debounce(reload, 350));
  status.addEventListener('change', reload);
  type.addEventListener('change', reload);
  from.addEventListener('change', reload);
  to.addEventListener('change', reload);
  overdue.addEventListener('change', reload);

  function exportUnit() {
    const u = unit.value();
    return u ? { id: u.id, code: u.code } : { id: session.user.unit_id, code: session.user.unit_code };
  }
  const exportKind = () => (f.status === 'received' ? 'in' : 'out');
  const exportYear = () => Number((f.from || today()).slice(0, 4));

  function syncExport() {
    exportHint.textContent = t(exportKind() === 'in' ? 'docs.export_hint_in' : 'docs.export_hint_out', { unit: exportUnit().code || '', year: exportYear() });
  }

  async function exportAs(format, btn) {
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = t('common.working');
    errors.clear();
    try {
      await downloadFile('/documents/register/download', { unit: exportUnit().id, kind: exportKind(), year: exportYear(), format }, `register.${format}`);
      notify(t('reg.exported'));
    } catch (e) {
      errors.show(e);
    } finally {
      btn.disabled = false;
      btn.textContent = label;
    }
  }

  function resetAll() {
    search.value = ''; status.value = ''; type.value = ''; from.value = ''; to.value = ''; overdue.checked = false;
    unit.clear();
  }

  function reload() {
    errors.clear();
    if (from.value && to.value && from.value > to.value) { errors.fieldError('to', t('docs.bad_range')); return; }
    Object.assign(f, { q: search.value.trim(), status: status.value, type: type.value.trim(), from: from.value, to: to.value, overdue: overdue.checked ? '1' : '' });
    offset = 0;
    load();
  }

  async function load() {
    syncExport();
    replaceQuiet(href('/documents', { ...f, offset: offset || '' }));
    box.setAttribute('aria-busy', 'true');
    mount(box, loading());
    try {
      // Overdue replies (GET /documents/overdue) take only the unit; the other filters wait.
      const r = f.overdue
        ? await get('/documents/overdue', { unit: f.unit, limit: LIMIT, offset })
        : await get('/documents', { q: f.q, unit: f.unit, type: f.type, status: f.status, from: f.from, to: f.to, limit: LIMIT, offset });
      if (!ctx.alive()) return;
      const items = r.items || [];
      meta.textContent = tn('docs.count', r.total ?? items.length);
      if (!items.length) mount(box, empty(f.q ? t('docs.none_q', { q: f.q }) : t('docs.none')));
      else {
        mount(box, docTable(items, { testid: 'docs-table' }),
          pager({ total: r.total ?? items.length, limit: r.limit || LIMIT, offset: r.offset || 0, onPage: (o) => { offset = o; load(); } }));
      }
    } catch (e) {
      if (!ctx.alive()) return;
      if (e.field && e.status !== 403) { errors.show(e); mount(box, empty()); } else mount(box, errorPanel(e, 'page'));
    }
    box.setAttribute('aria-busy', 'false');
  }

  load();
}
