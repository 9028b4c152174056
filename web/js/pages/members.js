// Member list: search by name, citizen ID or card number (diacritics ignored), filters by
// organization, unit (its subtree), status and an "as of" date (the list as it stood that day:
// each member in the unit of that day, with that day's status), pages of 50, and export of the
// same list as CSV or XLSX.
import { h, mount, debounce } from '../dom.js';
import { get } from '../api.js';
import { t, tn } from '../i18n.js';
import { session } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { isDate, fmtDate } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { pager } from '../pager.js';
import { field, select, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, notify, code } from '../ui.js';
import {
  STATUSES, canWriteMembers, orgName, orgSelect, statusBadge, genderName, download,
} from './member_forms.js';

const LIMIT = 50;

export function render(main, ctx) {
  const q = ctx.query;
  const f = {
    q: q.get('q') || '', org: q.get('org') || '', status: q.get('status') || '', unit: q.get('unit') || '',
    as_of: isDate(q.get('as_of') || '') ? q.get('as_of') : '',
  };
  let offset = Number(q.get('offset')) || 0;

  const msg = banner();
  const errors = new FormErrors(msg);
  const search = h('input', {
    type: 'search', class: 'input input-search', value: f.q, 'data-testid': 'members-search', id: 'members-search',
    placeholder: t('members.search_ph'), autocomplete: 'off', 'aria-describedby': 'members-search-hint',
  });
  const org = orgSelect({ 'data-testid': 'members-org' }, { any: true });
  org.value = f.org;
  const status = select([['', t('members.any_status')], ...STATUSES.map((s) => [s, t(`mstatus.${s}`)])], { 'data-testid': 'members-status' });
  // The list as of a date (empty: today's records).
  const asOf = h('input', {
    type: 'date', class: 'input input-date', 'data-testid': 'members-as-of', id: 'members-as-of', max: '9999-12-31',
    value: f.as_of,
  });
  status.value = f.status;
  const unit = unitPicker({ testid: 'members-unit', placeholder: t('members.unit_ph'), onChange: (u) => { f.unit = u ? String(u.id) : ''; reload(); } });
  if (/^\d+$/.test(f.unit)) {
    get(`/units/${f.unit}`).then((u) => { if (ctx.alive() && !unit.value()) unit.set([u]); }).catch(() => {});
  }

  const filters = h('form', { class: 'card filters', 'data-testid': 'members-filters', novalidate: true, role: 'search' },
    msg,
    h('div', { class: 'field' },
      h('label', { class: 'field-label', for: 'members-search' }, t('members.search')),
      search,
      h('div', { class: 'field-hint', id: 'members-search-hint' }, t('members.search_hint'))),
    h('div', { class: 'filter-grid filter-grid-3' },
      field({ label: t('member.org'), control: org, key: 'org', errors }),
      field({ label: t('member.status'), control: status, key: 'status', errors }),
      field({ label: t('member.unit'), control: unit.el, key: 'unit', errors }),
      field({ label: t('members.as_of'), control: asOf, key: 'as_of', errors, hint: t('members.as_of_hint') })));

  // Export: the current filters (with the list's date), an organization.
  const csvBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'members-export-csv', onclick: () => exportAs('csv') }, t('members.export_csv'));
  const xlsxBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'members-export-xlsx', onclick: () => exportAs('xlsx') }, t('members.export_xlsx'));
  const exportHint = h('span', { class: 'field-hint', 'data-testid': 'members-export-hint' });
  const exportBox = h('div', { class: 'export-box' },
    h('div', { class: 'export-buttons' }, csvBtn, xlsxBtn), exportHint);

  const box = h('div');
  const meta = h('span', { class: 'card-meta', 'data-testid': 'members-total' });
  const actions = canWriteMembers() ? [
    h('a', { class: 'btn', href: '#/import', 'data-testid': 'members-import' }, t('nav.import')),
    h('a', { class: 'btn btn-primary', href: '#/people/new', 'data-testid': 'members-add' }, t('members.add')),
  ] : [];
  mount(main,
    pageHeader(t('members.title'), t('members.subtitle'), ...actions),
    filters,
    h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('members.list')), meta),
      exportBox, box));

  filters.addEventListener('submit', (e) => { e.preventDefault(); reload(); });
  search.addEventListener('input', debounce(reload, 300));
  org.addEventListener('change', reload);
  status.addEventListener('change', reload);
  asOf.addEventListener('change', reload);

  function syncExport() {
    const ok = Boolean(f.org);
    csvBtn.disabled = !ok;
    xlsxBtn.disabled = !ok;
    exportHint.textContent = !ok ? t('members.export_need_org')
      : f.as_of ? t('members.export_hint_as_of', { org: orgName(f.org), date: fmtDate(f.as_of) })
        : t('members.export_hint', { org: orgName(f.org) });
  }

  function reload() {
    Object.assign(f, { q: search.value.trim(), org: org.value, status: status.value, as_of: asOf.value });
    offset = 0;
    load();
  }

  async function exportAs(format) {
    errors.clear();
    if (f.as_of && !isDate(f.as_of)) { errors.fieldError('as_of', t('form.bad_date')); return; }
    const btn = format === 'csv' ? csvBtn : xlsxBtn;
    const label = btn.textContent;
    btn.disabled = true;
    btn.textContent = t('common.working');
    try {
      await download('/members/export', {
        format, org: f.org, status: f.status, unit: f.unit || session.user.unit_id, as_of: f.as_of,
      }, `members.${format}`);
      notify(t('members.exported'));
    } catch (e) {
      errors.show(e);
    } finally {
      btn.disabled = false;
      btn.textContent = label;
    }
  }

  async function load() {
    syncExport();
    replaceQuiet(href('/members', { ...f, offset: offset || '' }));
    mount(box, loading());
    errors.clear();
    if (f.as_of && !isDate(f.as_of)) { errors.fieldError('as_of', t('form.bad_date')); mount(box, empty()); return; }
    try {
      const r = await get('/people', { q: f.q, org: f.org, status: f.status, unit: f.unit, as_of: f.as_of, limit: LIMIT, offset });
      if (!ctx.alive()) return;
      const items = r.items || [];
      meta.textContent = tn('members.count', r.total ?? items.length) + (r.as_of ? ` · ${t('members.as_of_on', { date: fmtDate(r.as_of) })}` : '');
      meta.dataset.asOf = r.as_of || '';
      if (!items.length) { mount(box, empty(f.q ? t('members.none_q', { q: f.q }) : t('members.none'))); return; }
      mount(box,
        h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'members-table' },
          h('thead', null, h('tr', null,
            ['person.full_name', 'person.citizen_id', 'person.birth_date', 'member.org', 'member.unit', 'member.number', 'member.joined', 'member.status']
              .map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, items.map(row)))),
        pager({ total: r.total ?? items.length, limit: r.limit || LIMIT, offset: r.offset || 0, onPage: (o) => { offset = o; load(); } }));
    } catch (e) {
      if (!ctx.alive()) return;
      if (e.field && e.status !== 403) { errors.show(e); mount(box, empty()); } else mount(box, errorPanel(e, 'page'));
    }
  }

  function row(it) {
    return h('tr', { 'data-testid': 'member-row', 'data-person-id': it.person_id, 'data-membership-id': it.membership_id ?? '' },
      h('td', null, h('a', { href: href(`/people/${it.person_id}`), class: 'link-name', 'data-testid': 'member-link' }, it.full_name),
        it.gender ? h('span', { class: 'muted cell-sub' }, genderName(it.gender)) : null),
      h('td', { class: 'nowrap' }, it.citizen_id ? code(it.citizen_id) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'nowrap' }, fmtDate(it.birth_date)),
      h('td', null, it.org ? orgName(it.org) : h('span', { class: 'muted' }, t('members.no_membership'))),
      h('td', { 'data-testid': 'member-unit', 'data-unit-id': it.unit ? it.unit.id : '' },
        it.unit ? [h('span', { class: 'cell-main' }, it.unit.name || ''), ' ', code(it.unit.code)] : ''),
      h('td', null, it.number || ''),
      h('td', { class: 'nowrap' }, fmtDate(it.joined)),
      h('td', null, it.status ? statusBadge(it.status) : ''));
  }

  syncExport();
  load();
}
