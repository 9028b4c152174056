// The organization tree: lazily expanding (one level per request) or static (a preview).
import { h, clear } from './dom.js';
import { get } from './api.js';
import { t, tn } from './i18n.js';
import { kindName } from './kinds.js';
import { href } from './router.js';
import { loading, empty, errorPanel } from './ui.js';
import { fmtDate } from './format.js';

function nodeRow(u, { asOf, toggle, expanded, highlight }) {
  const hasKids = (u.children || 0) > 0;
  return h('div', { class: `node-row${highlight ? ' node-hl' : ''}` },
    hasKids && toggle
      ? h('button', {
        type: 'button', class: 'node-toggle', 'aria-label': t(expanded ? 'tree.collapse' : 'tree.expand', { name: u.name }),
        'data-testid': 'node-toggle', onclick: toggle,
      }, h('span', { class: 'caret', 'aria-hidden': 'true' }, '▸'))
      : h('span', { class: `node-toggle node-leaf${hasKids ? ' node-more' : ''}`, 'aria-hidden': 'true' }, hasKids ? (expanded ? '▾' : '▸') : '•'),
    h('span', { class: 'node-main' },
      h('a', { class: 'node-name', href: href(`/units/${u.id}`, { as_of: asOf }) }, u.name),
      h('code', { class: 'ucode' }, u.code),
      h('span', { class: 'node-kind' }, kindName(u.kind))),
    hasKids || u.descendants
      ? h('span', { class: 'node-count', title: t('tree.count_title', { children: u.children || 0, descendants: u.descendants || 0 }) },
        tn('tree.descendants', u.descendants || 0))
      : null);
}

function nodeEl(u, extra = {}) {
  return h('li', {
    class: 'tree-node', role: 'treeitem', 'data-testid': 'unit-node', 'data-code': u.code, 'data-id': u.id,
    'data-kind': u.kind, 'data-level': u.level, ...extra,
  });
}

// Lazy tree rooted at rootId as of asOf. onRootError(err) lets the page replace it with a panel.
export function lazyTree({ rootId, asOf, onLoaded }) {
  const container = h('div', { class: 'tree', 'data-testid': 'org-tree', 'data-as-of': asOf, 'aria-busy': 'true' });
  const fetchLevel = (id) => get(`/units/${id}/tree`, { as_of: asOf, depth: 1 });

  function renderNode(u, childrenList) {
    const li = nodeEl(u);
    const kids = h('ul', { class: 'tree-children', role: 'group' });
    let loaded = false;
    let open = false;

    async function toggle() {
      open = !open;
      li.setAttribute('aria-expanded', String(open));
      li.replaceChild(row(), li.firstChild);
      kids.hidden = !open;
      if (open && !loaded) {
        loaded = true;
        kids.append(h('li', { class: 'tree-loading' }, loading()));
        try {
          const r = await fetchLevel(u.id);
          fill(r.root.children_list || []);
        } catch (e) {
          loaded = false;
          clear(kids).append(h('li', null, errorPanel(e)));
        }
      }
    }

    function row() { return nodeRow(u, { asOf, toggle, expanded: open }); }

    function fill(list) {
      clear(kids);
      li.setAttribute('data-loaded', 'true');
      for (const c of list) kids.append(renderNode(c, null));
    }

    if ((u.children || 0) > 0) li.setAttribute('aria-expanded', 'false');
    li.append(row(), kids);
    kids.hidden = true;
    if (childrenList) { loaded = true; open = true; li.setAttribute('aria-expanded', 'true'); li.replaceChild(row(), li.firstChild); kids.hidden = false; fill(childrenList); }
    return li;
  }

  container.append(loading());
  fetchLevel(rootId).then((r) => {
    clear(container);
    const ul = h('ul', { class: 'tree-root', role: 'tree' });
    ul.append(renderNode(r.root, r.root.children_list || []));
    container.append(ul);
    container.setAttribute('aria-busy', 'false');
    if (onLoaded) onLoaded(r);
  }).catch((e) => {
    clear(container).append(e.status === 404 ? empty(t('tree.root_missing', { date: fmtDate(asOf) })) : errorPanel(e));
    container.setAttribute('aria-busy', 'false');
  });
  return container;
}

// A tree already in memory (a reorganization preview): nothing is fetched. Branches that hold
// a highlighted unit start open; the others can be opened by hand.
export function staticTree(tree, { asOf, highlight = new Set(), testid = 'preview-tree' } = {}) {
  const holds = (u) => highlight.has(u.id) || (u.children_list || []).some(holds);
  function renderNode(u, depth) {
    const kids = u.children_list || [];
    const li = nodeEl(u);
    if (!kids.length) {
      li.append(nodeRow(u, { asOf, highlight: highlight.has(u.id) }));
      return li;
    }
    let open = depth === 0 || kids.some(holds);
    const ul = h('ul', { class: 'tree-children', role: 'group', hidden: !open }, kids.map((c) => renderNode(c, depth + 1)));
    const row = () => nodeRow(u, { asOf, toggle, expanded: open, highlight: highlight.has(u.id) });
    function toggle() {
      open = !open;
      ul.hidden = !open;
      li.setAttribute('aria-expanded', String(open));
      li.replaceChild(row(), li.firstChild);
    }
    li.setAttribute('aria-expanded', String(open));
    li.append(row(), ul);
    return li;
  }
  return h('div', { class: 'tree tree-static', 'data-testid': testid },
    h('ul', { class: 'tree-root', role: 'tree' }, renderNode(tree.root, 0)));
}
