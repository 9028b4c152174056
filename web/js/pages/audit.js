// Audit log (admin, manager): filters, a paginated table, each entry's change and hash on demand.
import { h, mount } from '../dom.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { canReadAudit } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { fmtInstant, isDate } from '../format.js';
import { pager } from '../pager.js';
import { field, input, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, code } from '../ui.js';

const LIMIT = 50;

export function render(main, ctx) {
  if (!canReadAudit()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  const q = ctx.query;
  const f = { actor: q.get('actor') || '', action: q.get('action') || '', from: q.get('from') || '', to: q.get('to') || '' };
  let offset = Number(q.get('offset')) || 0;

  const msg = banner();
  const errors = new FormErrors(msg);
  const actor = input({ value: f.actor, 'data-testid': 'audit-actor', autocomplete: 'off' });
  const action = input({ value: f.action, 'data-testid': 'audit-action', autocomplete: 'off', placeholder: t('audit.action_ph'), list: 'audit-actions' });
  // Suggestions: the actions seen so far in this session of the page.
  const seen = new Set(['session.login', 'session.logout', 'reorg.apply', 'user.create', 'user.password']);
  const actionList = h('datalist', { id: 'audit-actions' });
  const fillActions = () => mount(actionList, [...seen].sort().map((a) => h('option', { value: a })));
  fillActions();
  const from = input({ type: 'date', value: f.from, 'data-testid': 'audit-from' });
  const to = input({ type: 'date', value: f.to, 'data-testid': 'audit-to' });
  const filters = h('form', { class: 'card filters', 'data-testid': 'audit-filters', novalidate: true },
    msg, actionList,
    h('div', { class: 'filter-grid' },
      field({ label: t('audit.actor'), control: actor, key: 'actor', errors }),
      field({ label: t('audit.action'), control: action, key: 'action', errors }),
      field({ label: t('audit.from'), control: from, key: 'from', errors }),
      field({ label: t('audit.to'), control: to, key: 'to', errors }),
      h('div', { class: 'filter-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'audit-apply' }, t('audit.apply')),
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: reset }, t('audit.reset')))));
  const box = h('div');
  mount(main, pageHeader(t('audit.title'), t('audit.subtitle')), filters, h('section', { class: 'card' }, box));

  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    errors.clear();
    if (from.value && to.value && isDate(from.value) && isDate(to.value) && from.value > to.value) { errors.fieldError('to', t('audit.bad_range')); return; }
    Object.assign(f, { actor: actor.value.trim(), action: action.value.trim(), from: from.value, to: to.value });
    offset = 0;
    load();
  });

  function reset() {
    actor.value = ''; action.value = ''; from.value = ''; to.value = '';
    Object.assign(f, { actor: '', action: '', from: '', to: '' });
    offset = 0;
    errors.clear();
    load();
  }

  async function load() {
    replaceQuiet(href('/audit', { ...f, offset: offset || '' }));
    mount(box, loading());
    try {
      const r = await get('/audit', { ...f, limit: LIMIT, offset });
      if (!ctx.alive()) return;
      const items = r.items || [];
      const before = seen.size;
      items.forEach((a) => { if (a.action) seen.add(a.action); });
      if (seen.size !== before) fillActions();
      if (!items.length) { mount(box, empty(t('audit.none'))); return; }
      mount(box,
        h('div', { class: 'table-wrap' }, h('table', { class: 'table table-audit', 'data-testid': 'audit-table' },
          h('thead', null, h('tr', null,
            ['audit.time', 'audit.actor', 'audit.action', 'audit.object', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('audit.details')))))),
          items.map(row))),
        pager({ total: r.total ?? items.length, limit: r.limit || LIMIT, offset: r.offset || 0, onPage: (o) => { offset = o; load(); } }));
    } catch (e) {
      if (!ctx.alive()) return;
      if (e.field) { errors.show(e); mount(box, empty()); } else mount(box, errorPanel(e, 'page'));
    }
  }

  // One entry: a summary row and a hidden detail row (change JSON, hashes) in its own tbody.
  function row(a) {
    const detail = h('tr', { class: 'audit-detail', hidden: true },
      h('td', { colspan: '5' },
        h('div', { class: 'detail-grid' },
          h('div', null, h('h3', { class: 'sub-title' }, t('audit.change')),
            h('pre', { class: 'json', 'data-testid': 'audit-change' }, JSON.stringify(a.change ?? {}, null, 2))),
          h('dl', { class: 'facts facts-hash' },
            h('dt', null, t('audit.id')), h('dd', null, String(a.id)),
            h('dt', null, t('audit.unit')), h('dd', null, a.unit_id === null || a.unit_id === undefined ? '—' : String(a.unit_id)),
            h('dt', null, t('audit.prev_hash')), h('dd', null, h('code', { class: 'hash' }, a.prev_hash || '')),
            h('dt', null, t('audit.hash')), h('dd', null, h('code', { class: 'hash', 'data-testid': 'audit-hash' }, a.hash || ''))))));
    const btn = h('button', {
      type: 'button', class: 'btn btn-small btn-ghost', 'aria-expanded': 'false', 'data-testid': 'audit-expand',
      onclick: () => {
        detail.hidden = !detail.hidden;
        btn.setAttribute('aria-expanded', String(!detail.hidden));
        btn.textContent = detail.hidden ? t('audit.show') : t('audit.hide');
      },
    }, t('audit.show'));
    return h('tbody', { class: 'audit-entry' },
      h('tr', null,
        h('td', { class: 'nowrap' }, fmtInstant(a.ts)),
        h('td', null, a.actor || '—'),
        h('td', null, code(a.action || '')),
        h('td', null, a.object_type || '', a.object_id !== undefined && a.object_id !== null && a.object_id !== '' ? [' ', code(String(a.object_id))] : null),
        h('td', { class: 'cell-action' }, btn)),
      detail);
  }

  load();
}
