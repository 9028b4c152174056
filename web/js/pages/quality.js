// Data quality of a unit's subtree: its quality % (records without an error / all records),
// the problems by rule and by unit, a chart of the % over time, and the clerk's worklist of
// problem records — each links to the person page with the field to fix — exportable as CSV/XLSX.
import { h, mount } from '../dom.js';
import { get } from '../api.js';
import { t, tn, formatNumber } from '../i18n.js';
import { session } from '../session.js';
import { href, replaceQuiet } from '../router.js';
import { fmtDate } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { pager } from '../pager.js';
import { lineChart, barChart } from '../chart.js';
import { pageHeader, card, loading, empty, errorPanel, notify, badge, code } from '../ui.js';
import { orgName, getL, download } from './member_forms.js';

const LIMIT = 50;
const pct = (v) => (v === null || v === undefined ? '—' : `${formatNumber(v)} %`);

export function render(main, ctx) {
  let unitId = /^\d+$/.test(ctx.query.get('unit') || '') ? ctx.query.get('unit') : String(session.user.unit_id);
  let offset = 0;
  const picker = unitPicker({
    testid: 'quality-unit', placeholder: t('quality.unit_ph'),
    onChange: (u) => { if (u && String(u.id) !== unitId) { unitId = String(u.id); offset = 0; load(); } },
  });
  const summary = h('div');
  const chartBox = h('div');
  const rulesBox = h('div');
  const unitsBox = h('div');
  const workBox = h('div');
  const workMeta = h('span', { class: 'card-meta' });
  const exportBtn = (format) => h('button', {
    type: 'button', class: 'btn btn-small', 'data-testid': `quality-export-${format}`,
    onclick: async (e) => {
      const b = e.currentTarget;
      b.disabled = true;
      try {
        await download('/quality/problems', { unit: unitId, format }, `quality.${format}`);
        notify(t('members.exported'));
      } catch (err) {
        notify(err.message || t('error.generic'), 'error');
      } finally {
        b.disabled = false;
      }
    },
  }, t(`members.export_${format}`));

  mount(main,
    pageHeader(t('quality.title'), t('quality.subtitle')),
    h('section', { class: 'card toolbar' },
      h('div', { class: 'toolbar-group toolbar-grow' }, h('span', { class: 'field-label' }, t('quality.unit')), picker.el)),
    summary,
    h('div', { class: 'grid-2' },
      h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('quality.history')), chartBox),
      h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('quality.by_rule')), rulesBox)),
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('quality.by_unit')), unitsBox),
    h('section', { class: 'card', 'data-testid': 'quality-worklist-card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('quality.worklist')), workMeta,
        h('div', { class: 'export-buttons' }, exportBtn('csv'), exportBtn('xlsx'))),
      h('p', { class: 'muted' }, t('quality.worklist_hint')),
      workBox));
  load();

  async function load() {
    replaceQuiet(href('/quality', { unit: unitId }));
    mount(summary, loading());
    [chartBox, rulesBox, unitsBox, workBox].forEach((b) => mount(b));
    let q;
    try {
      q = await getL('/quality', { unit: unitId });
    } catch (e) {
      if (ctx.alive()) mount(summary, errorPanel(e, 'unit'));
      return;
    }
    if (!ctx.alive()) return;
    if (!picker.value() || String(picker.value().id) !== String(q.unit_id)) picker.set([{ id: q.unit_id, code: q.code, name: q.name }]);
    drawSummary(q);
    drawRules(q);
    drawUnits(q);
    loadHistory();
    loadWork();
  }

  function drawSummary(q) {
    const problems = (q.by_rule || []).reduce((n, r) => n + r.count, 0);
    const level = q.quality_pct === null ? 'none' : q.quality_pct >= 99 ? 'ok' : q.quality_pct >= 95 ? 'warn' : 'bad';
    mount(summary, h('section', { class: 'card quality-summary', 'data-testid': 'quality-summary' },
      h('div', { class: `quality-big quality-${level}` },
        h('span', { class: 'quality-pct', 'data-testid': 'quality-pct', 'data-value': q.quality_pct === null ? '' : String(q.quality_pct) }, pct(q.quality_pct)),
        h('span', { class: 'stat-label' }, t('quality.pct_label'))),
      h('div', { class: 'quality-facts' },
        h('h2', { class: 'card-title' }, q.name, ' ', code(q.code)),
        h('div', { class: 'stats-row' },
          stat('records', q.records), stat('clean', q.clean), stat('with_errors', q.records - q.clean, q.records > q.clean ? 'warn' : null),
          stat('problems', problems)),
        h('p', { class: 'muted' }, t('quality.as_of', { date: fmtDate(q.as_of) }), ' · ', t('quality.definition')))));
  }

  function stat(key, value, kind) {
    return h('div', { class: `stat${kind ? ` stat-${kind}` : ''}`, 'data-testid': `quality-${key}`, 'data-value': String(value) },
      h('span', { class: 'stat-value' }, formatNumber(value)), h('span', { class: 'stat-label' }, t(`quality.${key}`)));
  }

  function drawRules(q) {
    const rules = q.by_rule || [];
    if (!rules.length) { mount(rulesBox, empty(t('quality.no_problems'))); return; }
    mount(rulesBox, h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'quality-rules' },
      h('thead', null, h('tr', null, ['quality.rule', 'quality.severity', 'quality.count'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, rules.map((r) => h('tr', { 'data-rule': r.rule },
        h('td', null, r.message, h('span', { class: 'cell-sub' }, code(r.rule))),
        h('td', null, badge(t(`severity.${r.severity}`), r.severity === 'error' ? 'danger' : 'warn')),
        h('td', { class: 'num' }, formatNumber(r.count))))))));
  }

  function drawUnits(q) {
    const units = (q.by_unit || []).filter((u) => u.depth === 1);
    if (!units.length) { mount(unitsBox, empty(t('quality.no_units'))); return; }
    units.sort((a, b) => (a.quality_pct ?? 101) - (b.quality_pct ?? 101));
    mount(unitsBox,
      barChart({
        title: t('quality.chart_units'), testid: 'quality-units-chart', format: (v) => `${formatNumber(v)} %`,
        items: units.slice(0, 20).map((u) => ({ label: u.name, title: `${u.name} (${u.code})`, value: u.quality_pct ?? 0 })),
      }),
      h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'quality-units' },
        h('thead', null, h('tr', null, ['quality.unit', 'quality.records', 'quality.clean', 'quality.pct_label'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, units.map((u) => h('tr', { 'data-code': u.code },
          h('td', null, h('a', { href: href('/quality', { unit: u.unit_id }), 'data-testid': 'quality-unit-link' }, u.name), ' ', code(u.code)),
          h('td', { class: 'num' }, formatNumber(u.records)),
          h('td', { class: 'num' }, formatNumber(u.clean)),
          h('td', { class: 'num' }, pct(u.quality_pct))))))));
  }

  async function loadHistory() {
    mount(chartBox, loading());
    try {
      const r = await get('/quality/history', { unit: unitId });
      if (!ctx.alive()) return;
      const items = r.items || [];
      if (!items.length) { mount(chartBox, empty()); return; }
      const lows = items.map((i) => i.quality_pct).filter((v) => v !== null);
      const lo = Math.max(0, Math.floor(Math.min(...lows, 100) - 1));
      mount(chartBox, lineChart({
        title: t('quality.chart_history'), testid: 'quality-history-chart', min: lo, max: 100,
        format: (v) => `${formatNumber(Math.round(v * 100) / 100)} %`,
        points: items.map((i) => ({ label: fmtDate(i.day), value: i.quality_pct })),
      }), items.length < 2 ? h('p', { class: 'muted' }, t('quality.history_hint')) : null);
    } catch (e) {
      if (ctx.alive()) mount(chartBox, errorPanel(e, 'unit'));
    }
  }

  async function loadWork() {
    mount(workBox, loading());
    try {
      const r = await getL('/quality/problems', { unit: unitId, limit: LIMIT, offset });
      if (!ctx.alive()) return;
      const items = r.items || [];
      workMeta.textContent = tn('quality.problem_count', r.total ?? items.length);
      if (!items.length) { mount(workBox, empty(t('quality.no_problems'))); return; }
      mount(workBox,
        h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'quality-worklist' },
          h('thead', null, h('tr', null, ['person.full_name', 'person.citizen_id', 'member.org', 'member.unit', 'quality.problem', ''].map((k) => h('th', { scope: 'col' }, k ? t(k) : h('span', { class: 'sr-only' }, t('quality.fix')))))),
          h('tbody', null, items.map((it) => h('tr', { 'data-testid': 'quality-problem', 'data-person-id': it.person_id, 'data-rule': it.rule },
            h('td', null, h('a', { href: href(`/people/${it.person_id}`), class: 'link-name' }, it.full_name)),
            h('td', { class: 'nowrap' }, it.citizen_id ? code(it.citizen_id) : '—'),
            h('td', null, orgName(it.org)),
            h('td', null, code(it.unit_code)),
            h('td', null, badge(t(`severity.${it.severity}`), it.severity === 'error' ? 'danger' : 'warn'), ' ', it.message),
            h('td', { class: 'cell-action' }, h('a', {
              class: 'btn btn-small', 'data-testid': 'quality-fix', href: href(`/people/${it.person_id}`, { fix: it.field }),
            }, t('quality.fix')))))))),
        pager({ total: r.total ?? items.length, limit: r.limit || LIMIT, offset: r.offset || 0, onPage: (o) => { offset = o; loadWork(); } }));
    } catch (e) {
      if (ctx.alive()) mount(workBox, errorPanel(e, 'unit'));
    }
  }
}
