// Home: the organization tree as of a date, with a diacritic-insensitive unit search.
import { h, clear, mount, debounce } from '../dom.js';
import { get } from '../api.js';
import { t, tn } from '../i18n.js';
import { session } from '../session.js';
import { kindName } from '../kinds.js';
import { href, replaceQuiet } from '../router.js';
import { today, isDate, fmtDate } from '../format.js';
import { lazyTree } from '../tree.js';
import { pageHeader, card, loading, empty, errorPanel, code } from '../ui.js';

const QUICK = ['2025-06-30', '2025-07-01'];

export function render(main, ctx) {
  let asOf = isDate(ctx.query.get('as_of')) ? ctx.query.get('as_of') : today();
  let q = ctx.query.get('q') || '';

  const dateIn = h('input', { type: 'date', class: 'input input-date', value: asOf, 'data-testid': 'as-of', id: 'as-of', max: '9999-12-31' });
  const quick = h('div', { class: 'quick-dates', role: 'group', 'aria-label': t('tree.quick') },
    QUICK.map((d) => h('button', { type: 'button', class: 'btn btn-small btn-soft', 'data-date': d, onclick: () => setDate(d) }, fmtDate(d))),
    h('button', { type: 'button', class: 'btn btn-small btn-soft', 'data-date': today(), 'data-testid': 'as-of-today', onclick: () => setDate(today()) }, t('tree.today')));
  const markQuick = () => quick.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.date === asOf)));
  const searchIn = h('input', {
    type: 'search', class: 'input input-search', value: q, 'data-testid': 'unit-search', id: 'unit-search',
    placeholder: t('tree.search_placeholder'), autocomplete: 'off', 'aria-describedby': 'search-hint',
  });
  const results = h('div', { class: 'search-results', 'data-testid': 'search-results', 'aria-live': 'polite' });
  const treeTitle = h('h2', { class: 'card-title' });
  const treeMeta = h('span', { class: 'card-meta', 'data-testid': 'tree-meta' });
  const treeBox = h('div', { class: 'tree-box' });

  const toolbar = h('section', { class: 'card toolbar' },
    h('div', { class: 'toolbar-group' },
      h('label', { for: 'as-of', class: 'field-label' }, t('tree.as_of')),
      h('div', { class: 'date-row' }, dateIn, quick)),
    h('div', { class: 'toolbar-group toolbar-grow' },
      h('label', { for: 'unit-search', class: 'field-label' }, t('tree.search')),
      searchIn,
      h('div', { class: 'field-hint', id: 'search-hint' }, t('tree.search_hint'))));

  mount(main,
    pageHeader(t('tree.title'), t('tree.subtitle')),
    toolbar,
    results,
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, treeTitle, treeMeta), treeBox));

  function syncUrl() { replaceQuiet(href('/', { as_of: asOf === today() ? '' : asOf, q })); }

  function loadTree() {
    markQuick();
    treeTitle.textContent = t('tree.heading', { date: fmtDate(asOf) });
    treeMeta.textContent = '';
    const tree = lazyTree({
      rootId: session.user.unit_id, asOf,
      onLoaded: (r) => { if (ctx.alive()) treeMeta.textContent = tn('tree.total', r.count ?? ((r.root.descendants || 0) + 1)); },
    });
    mount(treeBox, tree);
  }

  let seq = 0;
  async function runSearch() {
    const my = ++seq;
    q = searchIn.value.trim();
    syncUrl();
    if (!q) { clear(results); return; }
    mount(results, card(t('tree.results'), loading()));
    try {
      const r = await get('/units', { q, as_of: asOf, limit: 20 });
      if (my !== seq || !ctx.alive()) return;
      showResults(r, my);
    } catch (e) {
      if (my !== seq || !ctx.alive()) return;
      mount(results, card(t('tree.results'), errorPanel(e)));
    }
  }

  function showResults(r, my) {
    const items = r.items || [];
    if (!items.length) { mount(results, card(t('tree.results'), empty(t('tree.no_results', { q, date: fmtDate(asOf) })))); return; }
    const list = h('ul', { class: 'result-list', 'data-testid': 'search-list' });
    items.forEach((u, i) => {
      const pathEl = h('span', { class: 'result-path' }, u.parent_code ? t('picker.under', { code: u.parent_name || u.parent_code }) : '');
      list.append(h('li', { class: 'result', 'data-testid': 'search-result', 'data-code': u.code },
        h('a', { class: 'result-name', href: href(`/units/${u.id}`, { as_of: asOf }) }, u.name),
        h('span', { class: 'result-meta' }, code(u.code), h('span', { class: 'node-kind' }, kindName(u.kind))),
        pathEl));
      if (i < 10) fillPath(u, pathEl, my);
    });
    const more = r.total > items.length ? h('p', { class: 'muted' }, t('tree.more_results', { shown: items.length, total: r.total })) : null;
    mount(results, h('section', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('tree.results')), h('span', { class: 'card-meta' }, tn('tree.found', r.total ?? items.length))),
      list, more));
  }

  // The breadcrumb of a result (ancestors as of the date), fetched after the list is shown.
  async function fillPath(u, el, my) {
    try {
      const d = await get(`/units/${u.id}`, { as_of: asOf });
      if (my !== seq || !ctx.alive() || !Array.isArray(d.path)) return;
      el.textContent = d.path.map((p) => p.name).join(' › ');
    } catch { /* keep the parent code */ }
  }

  function setDate(d) {
    if (!isDate(d)) return;
    asOf = d;
    dateIn.value = d;
    syncUrl();
    loadTree();
    if (searchIn.value.trim()) runSearch();
  }

  dateIn.addEventListener('change', () => setDate(dateIn.value));
  searchIn.addEventListener('input', debounce(runSearch, 250));
  searchIn.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); runSearch(); } });

  loadTree();
  if (q) runSearch();
}
