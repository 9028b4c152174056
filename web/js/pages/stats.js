// Member statistics of a unit's subtree as of a date: members and people by organization, the
// children of the unit (bar chart), the last periods (admitted and left per quarter or year, and
// the members at the end of each), and breakdowns by gender, age band and ethnicity.
// Figures of units merged away count toward their successor (the server does it).
import { h, mount } from '../dom.js';
import { get } from '../api.js';
import { t, formatNumber } from '../i18n.js';
import { session } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { today, isDate, fmtDate, addDays } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { select } from '../form.js';
import { barChart, columnChart, lineChart } from '../chart.js';
import { pageHeader, loading, empty, errorPanel, code } from '../ui.js';
import { orgName, orgSelect } from './member_forms.js';

const PERIODS = 8;

// The last n periods (quarters or years) ending with the one that holds `date`: [{label, from, to}].
function periods(date, kind, n) {
  const [y, m] = date.split('-').map(Number);
  const out = [];
  for (let k = n - 1; k >= 0; k -= 1) {
    if (kind === 'year') {
      const yy = y - k;
      out.push({ label: String(yy), from: `${yy}-01-01`, to: `${yy}-12-31` });
    } else {
      const q0 = Math.floor((m - 1) / 3) - k;
      const yy = y + Math.floor(q0 / 4);
      const q = ((q0 % 4) + 4) % 4;
      const from = `${yy}-${String(q * 3 + 1).padStart(2, '0')}-01`;
      const next = q === 3 ? `${yy + 1}-01-01` : `${yy}-${String(q * 3 + 4).padStart(2, '0')}-01`;
      out.push({ label: t('stats.quarter', { q: q + 1, y: yy }), from, to: addDays(next, -1) });
    }
  }
  return out;
}

export function render(main, ctx) {
  const qp = ctx.query;
  const st = {
    unit: /^\d+$/.test(qp.get('unit') || '') ? qp.get('unit') : String(session.user.unit_id),
    as_of: isDate(qp.get('as_of')) ? qp.get('as_of') : today(),
    org: qp.get('org') || '',
    period: qp.get('period') === 'year' ? 'year' : 'quarter',
  };
  const picker = unitPicker({
    testid: 'stats-unit', placeholder: t('quality.unit_ph'), asOf: () => st.as_of,
    onChange: (u) => { if (u && String(u.id) !== st.unit) { st.unit = String(u.id); load(); } },
  });
  const dateIn = h('input', { type: 'date', class: 'input input-date', value: st.as_of, id: 'stats-as-of', 'data-testid': 'stats-as-of', max: '9999-12-31' });
  const org = orgSelect({ id: 'stats-org', 'data-testid': 'stats-org' }, { any: true });
  org.value = st.org;
  const period = select([['quarter', t('stats.by_quarter')], ['year', t('stats.by_year')]], { id: 'stats-period', 'data-testid': 'stats-period' });
  period.value = st.period;
  dateIn.addEventListener('change', () => { if (isDate(dateIn.value)) { st.as_of = dateIn.value; load(); } });
  org.addEventListener('change', () => { st.org = org.value; load(); });
  period.addEventListener('change', () => { st.period = period.value; loadPeriods(); syncUrl(); });

  const totals = h('div');
  const unitsBox = h('div');
  const periodBox = h('div');
  const breakBox = h('div');
  mount(main,
    pageHeader(t('stats.title'), t('stats.subtitle')),
    h('section', { class: 'card toolbar' },
      h('div', { class: 'toolbar-group toolbar-grow' }, h('span', { class: 'field-label' }, t('quality.unit')), picker.el),
      h('div', { class: 'toolbar-group' }, h('label', { class: 'field-label', for: 'stats-as-of' }, t('tree.as_of')), dateIn),
      h('div', { class: 'toolbar-group' }, h('label', { class: 'field-label', for: 'stats-org' }, t('member.org')), org),
      h('div', { class: 'toolbar-group' }, h('label', { class: 'field-label', for: 'stats-period' }, t('stats.period')), period)),
    totals,
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('stats.by_unit')), unitsBox),
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('stats.by_period')), periodBox),
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('stats.breakdowns')), breakBox));
  load();

  function syncUrl() {
    replaceQuiet(href('/stats', { unit: st.unit, as_of: st.as_of === today() ? '' : st.as_of, org: st.org, period: st.period === 'quarter' ? '' : st.period }));
  }

  async function load() {
    syncUrl();
    mount(totals, loading());
    [unitsBox, breakBox].forEach((b) => mount(b));
    let s;
    try {
      s = await get(`/units/${st.unit}/stats`, { as_of: st.as_of, org: st.org });
    } catch (e) {
      if (ctx.alive()) mount(totals, errorPanel(e, 'unit'));
      return;
    }
    if (!ctx.alive()) return;
    if (!picker.value() || String(picker.value().id) !== String(s.unit.id)) picker.set([s.unit]);
    drawTotals(s);
    drawUnits(s);
    drawBreakdowns(s);
    loadPeriods();
  }

  function drawTotals(s) {
    const big = (key, value) => h('div', { class: 'stat stat-big', 'data-testid': `stats-${key}`, 'data-value': String(value) },
      h('span', { class: 'stat-value' }, formatNumber(value)), h('span', { class: 'stat-label' }, t(`stats.${key}`)));
    const orgs = s.orgs || [];
    mount(totals, h('section', { class: 'card', 'data-testid': 'stats-totals' },
      h('div', { class: 'card-head' },
        h('h2', { class: 'card-title' }, s.unit.name, ' ', code(s.unit.code)),
        h('span', { class: 'card-meta' }, t('stats.as_of', { date: fmtDate(s.as_of) }))),
      h('div', { class: 'stats-row' }, big('members', s.members), big('people', s.people)),
      orgs.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'stats-orgs' },
        h('thead', null, h('tr', null, ['member.org', 'stats.members', 'stats.people'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, orgs.map((o) => h('tr', { 'data-org': o.org },
          h('td', null, orgName(o.org)), h('td', { class: 'num' }, formatNumber(o.members)), h('td', { class: 'num' }, formatNumber(o.people))))))) : empty(t('stats.none'))));
  }

  function drawUnits(s) {
    const units = (s.by_unit || []).slice().sort((a, b) => b.members - a.members);
    if (!units.length) { mount(unitsBox, empty(t('stats.no_children'))); return; }
    const top = units.slice(0, 25);
    mount(unitsBox,
      barChart({
        title: t('stats.chart_units', { unit: s.unit.name, date: fmtDate(s.as_of) }), testid: 'stats-by-unit-chart',
        items: top.map((u) => ({ label: u.name, title: `${u.name} (${u.code})`, value: u.members })),
      }),
      units.length > top.length ? h('p', { class: 'muted' }, t('stats.more_units', { shown: top.length, total: units.length })) : null,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'stats-units' },
        h('thead', null, h('tr', null, ['quality.unit', 'stats.members', 'stats.people', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('stats.open')))))),
        h('tbody', null, units.map((u) => h('tr', { 'data-code': u.code },
          h('td', null, u.name, ' ', code(u.code)),
          h('td', { class: 'num' }, formatNumber(u.members)),
          h('td', { class: 'num' }, formatNumber(u.people)),
          h('td', { class: 'cell-action' }, h('a', { class: 'btn btn-small btn-ghost', href: href('/stats', { unit: u.id, as_of: st.as_of, org: st.org }) }, t('stats.open')))))))));
  }

  let pseq = 0;
  async function loadPeriods() {
    const my = ++pseq;
    mount(periodBox, loading());
    const ps = periods(st.as_of, st.period, PERIODS);
    let rows;
    try {
      rows = await Promise.all(ps.map((p) => get(`/units/${st.unit}/stats`, {
        as_of: p.to < st.as_of ? p.to : st.as_of, from: p.from, to: p.to, org: st.org, breakdowns: 0, children: 0,
      })));
    } catch (e) {
      if (ctx.alive() && my === pseq) mount(periodBox, errorPanel(e, 'unit'));
      return;
    }
    if (!ctx.alive() || my !== pseq) return;
    const labels = ps.map((p) => p.label);
    mount(periodBox, h('div', { class: 'grid-2 grid-tight' },
      columnChart({
        title: t('stats.chart_flow'), testid: 'stats-by-period-chart', labels,
        series: [{ label: t('stats.admitted'), values: rows.map((r) => r.admitted || 0) }, { label: t('stats.left'), values: rows.map((r) => r.left || 0) }],
      }),
      lineChart({
        title: t('stats.chart_trend'), testid: 'stats-trend-chart',
        points: rows.map((r, i) => ({ label: labels[i], value: r.members })),
      })));
  }

  function drawBreakdowns(s) {
    const orgs = s.orgs || [];
    if (!orgs.length) { mount(breakBox, empty(t('stats.none'))); return; }
    const sum = (get1) => orgs.reduce((acc, o) => { const v = get1(o) || {}; for (const [k, n] of Object.entries(v)) acc[k] = (acc[k] || 0) + n; return acc; }, {});
    const gender = sum((o) => o.by_gender);
    const age = sum((o) => o.by_age);
    const eth = {};
    for (const o of orgs) for (const e of o.by_ethnicity || []) eth[e.ethnicity] = (eth[e.ethnicity] || 0) + e.count;
    const ethItems = Object.entries(eth).sort((a, b) => (a[0] === 'other') - (b[0] === 'other') || b[1] - a[1])
      .map(([k, n]) => ({ label: k === 'other' ? t('stats.other') : k, value: n }));
    mount(breakBox,
      st.org ? null : h('p', { class: 'muted' }, t('stats.breakdown_note')),
      h('div', { class: 'grid-2 grid-tight' },
        barChart({
          title: t('stats.by_gender'), testid: 'stats-by-gender', width: 460,
          items: [['M', t('person.male')], ['F', t('person.female')], ['unknown', t('stats.unknown')]].map(([k, l]) => ({ label: l, value: gender[k] || 0 })),
        }),
        barChart({
          title: t('stats.by_age'), testid: 'stats-by-age', width: 460,
          items: ['<30', '30-45', '46-60', '>60', 'unknown'].map((k) => ({ label: k === 'unknown' ? t('stats.unknown') : t('stats.age', { band: k }), value: age[k] || 0 })),
        })),
      barChart({ title: t('stats.by_ethnicity'), testid: 'stats-by-ethnicity', items: ethItems }));
  }
}
