// One unit: breadcrumb, facts, sub-units, and its history and lineage as a timeline.
import { h, mount } from '../dom.js';
import { get } from '../api.js';
import { t, tn } from '../i18n.js';
import { kindName } from '../kinds.js';
import { canReorg } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { today, isDate, fmtDate } from '../format.js';
import { lazyTree } from '../tree.js';
import { pageHeader, card, loading, empty, errorPanel, badge, code } from '../ui.js';

const unitLink = (u, asOf) => h('a', { href: href(`/units/${u.id}`, { as_of: asOf }), 'data-code': u.code }, u.name);
const period = (from, to) => t('unit.period', { from: fmtDate(from), to: to ? fmtDate(to) : t('unit.now') });

export function render(main, ctx) {
  const id = ctx.params.id;
  let asOf = isDate(ctx.query.get('as_of')) ? ctx.query.get('as_of') : today();
  if (!/^\d+$/.test(id)) { mount(main, errorPanel({ status: 404 })); return; }
  load();

  async function load() {
    mount(main, loading());
    let unit;
    let lineage = null;
    try {
      [unit, lineage] = await Promise.all([
        get(`/units/${id}`, { as_of: asOf }),
        get(`/units/${id}/lineage`).catch((e) => ({ error: e })),
      ]);
    } catch (e) {
      if (ctx.alive()) mount(main, errorPanel(e, 'unit'));
      return;
    }
    if (!ctx.alive()) return;
    draw(unit, lineage);
  }

  function setDate(d) {
    if (!isDate(d)) return;
    asOf = d;
    replaceQuiet(href(`/units/${id}`, { as_of: asOf }));
    load();
  }

  function draw(u, lineage) {
    const active = u.active !== false;
    document.title = `${u.name} · cadre`;
    const crumbs = h('nav', { class: 'breadcrumb', 'aria-label': t('unit.breadcrumb'), 'data-testid': 'breadcrumb' },
      h('ol', null,
        (u.path || []).map((p) => h('li', null, unitLink(p, asOf))),
        h('li', { 'aria-current': 'page' }, u.name)));

    const dateIn = h('input', { type: 'date', class: 'input input-date', value: asOf, 'data-testid': 'unit-as-of', id: 'unit-as-of' });
    dateIn.addEventListener('change', () => setDate(dateIn.value));

    const badges = h('div', { class: 'title-badges' },
      code(u.code), badge(kindName(u.kind), 'kind'),
      active ? badge(t('unit.active'), 'ok') : badge(inactiveText(u), 'warn', { 'data-testid': 'inactive-badge' }));

    const actions = [
      h('div', { class: 'inline-field' }, h('label', { for: 'unit-as-of', class: 'field-label' }, t('tree.as_of')), dateIn),
      canReorg() && active ? h('a', { class: 'btn', href: href('/reorg', { unit: u.id, as_of: asOf }), 'data-testid': 'unit-reorg' }, t('unit.reorg')) : null,
    ];

    const head = pageHeader(u.name, null, actions);
    head.querySelector('.page-title').setAttribute('data-testid', 'unit-name');
    head.querySelector('.page-head-text').append(badges);

    const facts = h('dl', { class: 'facts' },
      fact(t('unit.code'), code(u.code)),
      fact(t('unit.kind'), kindName(u.kind)),
      fact(t('unit.parent'), parentOf(u)),
      fact(t('unit.valid'), period(u.valid_from, u.valid_to)),
      active ? fact(t('unit.children'), tn('unit.children_n', u.children || 0)) : null,
      active ? fact(t('unit.descendants'), tn('tree.descendants', u.descendants || 0)) : null,
      fact(t('unit.rev'), String(u.rev ?? '')));

    const sub = active && (u.children || 0) > 0
      ? card(t('unit.subunits'), h('div', { class: 'tree-scroll' }, lazyTree({ rootId: u.id, asOf })))
      : card(t('unit.subunits'), empty(active ? t('unit.no_children') : t('unit.inactive_no_children')));

    mount(main,
      crumbs, head,
      active ? null : h('div', { class: 'notice notice-warn', role: 'note' }, inactiveText(u, true)),
      h('div', { class: 'grid-2' }, card(t('unit.info'), facts), sub),
      lineageCard(u, lineage),
      timelineCard(u));
  }

  function inactiveText(u, long) {
    const vs = u.versions || [];
    const last = vs[vs.length - 1];
    const first = vs[0];
    if (first && asOf < first.valid_from) return t(long ? 'unit.not_yet_long' : 'unit.not_yet', { date: fmtDate(first.valid_from), as_of: fmtDate(asOf) });
    if (last && last.valid_to && asOf >= last.valid_to) return t(long ? 'unit.ended_long' : 'unit.ended', { date: fmtDate(last.valid_to), as_of: fmtDate(asOf) });
    return t('unit.inactive', { as_of: fmtDate(asOf) });
  }

  // The parent as of the date; for a unit not alive then, the parent of its nearest version.
  function parentOf(u) {
    if (u.path && u.path.length) return unitLink(u.path[u.path.length - 1], asOf);
    const vs = u.versions || [];
    const v = u.active === false ? (asOf < (vs[0] || {}).valid_from ? vs[0] : vs[vs.length - 1]) : null;
    if (v && v.parent_id) {
      return [unitLink({ id: v.parent_id, name: v.parent_name || v.parent_code, code: v.parent_code }, v.valid_from), ' ',
        h('span', { class: 'muted' }, t('unit.parent_then', { from: fmtDate(v.valid_from), to: v.valid_to ? fmtDate(v.valid_to) : t('unit.now') }))];
    }
    return t('unit.no_parent');
  }

  function fact(label, value) {
    return [h('dt', null, label), h('dd', null, value)];
  }

  function linkList(links, testid, emptyText) {
    if (!links.length) return h('p', { class: 'muted', 'data-testid': testid }, emptyText);
    return h('ul', { class: 'link-list', 'data-testid': testid },
      links.map((l) => h('li', { class: 'link-item', 'data-testid': 'lineage-link', 'data-code': l.unit.code },
        h('a', { href: href(`/units/${l.unit.id}`), class: 'link-name' }, l.unit.name),
        ' ', code(l.unit.code),
        h('span', { class: 'link-meta' },
          `${t(`event.${l.kind}`)} · ${fmtDate(l.date)}`,
          l.share !== null && l.share !== undefined ? ` · ${t('unit.share', { pct: Math.round(l.share * 1000) / 10 })}` : '',
          l.depth > 1 ? ` · ${t('unit.indirect', { n: l.depth })}` : ''))));
  }

  function lineageCard(u, lineage) {
    if (!lineage || lineage.error) {
      return card(t('unit.lineage'), lineage && lineage.error ? errorPanel(lineage.error) : empty());
    }
    return h('section', { class: 'card', 'data-testid': 'lineage' },
      h('h2', { class: 'card-title' }, t('unit.lineage')),
      h('div', { class: 'grid-2 grid-tight' },
        h('div', null, h('h3', { class: 'sub-title' }, t('unit.predecessors')),
          linkList(lineage.predecessors || [], 'predecessors', t('unit.no_predecessors'))),
        h('div', null, h('h3', { class: 'sub-title' }, t('unit.successors')),
          linkList(lineage.successors || [], 'successors', t('unit.no_successors')))));
  }

  function timelineCard(u) {
    const events = (u.events || []).slice();
    const versions = u.versions || [];
    const items = [];
    const used = new Set();
    // Events in the order the API gives (oldest first), then versions not made by a listed event.
    events.forEach((ev, i) => {
      const vs = versions.filter((v) => v.event_id === ev.id);
      vs.forEach((v) => used.add(v));
      items.push({ date: ev.date, ev, versions: vs, order: i });
    });
    versions.forEach((v, i) => {
      if (!used.has(v)) items.push({ date: v.valid_from, versions: [v], prev: versions[i - 1], order: 1000 + i });
    });
    const last = versions[versions.length - 1];
    if (last && last.valid_to && !events.some((e) => e.date === last.valid_to)) items.push({ date: last.valid_to, end: true, order: 9999 });
    items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));

    const list = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
    for (const it of items) list.append(timelineItem(u, it));
    return h('section', { class: 'card' },
      h('h2', { class: 'card-title' }, t('unit.history')),
      items.length ? list : empty(t('unit.no_history')));
  }

  // "Sources: A, B, C … and 12 more" — long lists (children moved along) are folded.
  function unitsLine(role, units, date) {
    const FOLD = 6;
    const line = h('p', { class: 'tl-units', 'data-role': role }, h('span', { class: 'tl-label' }, `${t(`roles.${role}`)}: `));
    const items = units.map((x, i) => h('span', { class: 'tl-unit', hidden: i >= FOLD }, i ? ', ' : '', unitLink(x, date), ' ', code(x.code)));
    line.append(...items);
    if (units.length > FOLD) {
      const more = h('button', { type: 'button', class: 'btn btn-small btn-ghost', onclick: () => { items.forEach((el) => { el.hidden = false; }); more.remove(); } },
        t('unit.show_more', { n: units.length - FOLD }));
      line.append(' ', more);
    }
    return line;
  }

  function timelineItem(u, it) {
    const current = it.versions && it.versions.some((v) => v.valid_from <= asOf && (!v.valid_to || asOf < v.valid_to));
    let title;
    let kind = 'version';
    if (it.ev) { kind = it.ev.kind; title = t(`event.${it.ev.kind}`); }
    else if (it.end) { kind = 'end'; title = t('unit.tl_end'); }
    else {
      const v = it.versions[0];
      const p = it.prev;
      if (!p) title = t('unit.tl_start');
      else if (p.name !== v.name && p.parent_id !== v.parent_id) title = t('unit.tl_changed');
      else if (p.name !== v.name) title = t('event.rename');
      else if (p.parent_id !== v.parent_id) title = t('unit.tl_parent');
      else title = t('unit.tl_changed');
    }
    const body = [];
    if (it.ev) {
      const mine = (it.ev.units || []).filter((x) => String(x.id) === String(u.id)).map((x) => x.role);
      if (mine.length) body.push(h('p', { class: 'tl-role' }, t('unit.this_role'), ' ', mine.map((r) => badge(t(`roles.${r}`), 'role'))));
      const others = (it.ev.units || []).filter((x) => String(x.id) !== String(u.id));
      const roles = [...new Set(others.map((x) => x.role))];
      for (const r of roles) body.push(unitsLine(r, others.filter((x) => x.role === r), it.ev.date));
      if (it.ev.decision) body.push(h('p', { class: 'tl-decision' }, h('span', { class: 'tl-label' }, `${t('unit.decision')}: `), it.ev.decision));
      if (it.ev.note) body.push(h('p', { class: 'tl-note' }, it.ev.note));
    }
    for (const v of it.versions || []) {
      body.push(h('div', { class: 'tl-version' },
        h('span', null, h('span', { class: 'tl-label' }, `${t('unit.name')}: `), v.name),
        h('span', null, h('span', { class: 'tl-label' }, `${t('unit.parent')}: `),
          v.parent_id ? [unitLink({ id: v.parent_id, name: v.parent_name || v.parent_code, code: v.parent_code }, v.valid_from), ' ', v.parent_code ? code(v.parent_code) : null] : t('unit.no_parent')),
        h('span', null, h('span', { class: 'tl-label' }, `${t('unit.valid')}: `), period(v.valid_from, v.valid_to))));
    }
    return h('li', { class: `tl-item tl-k-${kind}${current ? ' tl-current' : ''}`, 'data-testid': 'timeline-item', 'data-kind': kind },
      h('div', { class: 'tl-dot', 'aria-hidden': 'true' }),
      h('div', { class: 'tl-body' },
        h('div', { class: 'tl-head' }, h('time', { class: 'tl-date', datetime: it.date }, fmtDate(it.date)),
          h('strong', { class: 'tl-title' }, title), current ? badge(t('unit.current'), 'ok') : null),
        body));
  }
}
