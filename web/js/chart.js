// Small SVG charts without a library: horizontal bars, grouped columns and a line.
// Each chart is a <figure> with an accessible name, a <title> on every mark, and its
// figures in a table under "Show data" (for screen readers and for copying).
import { h } from './dom.js';
import { t, formatNumber } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const tip = (text) => s('title', null, text);

function cut(text, max) {
  const str = String(text ?? '');
  return str.length > max ? `${str.slice(0, max - 1)}…` : str;
}

// A "nice" upper bound for an axis: 1, 2 or 5 × 10^k at or above v.
function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function dataTable(columns, rows) {
  return h('details', { class: 'chart-data' },
    h('summary', null, t('chart.show_data')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact' },
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'num' }, c)))))))));
}

// The drawing is made for `width` pixels and never grows past them (text keeps its size).
function sized(svg, width) {
  svg.style.maxWidth = `${width}px`;
  return svg;
}

function figure(title, svg, table, testid, legend) {
  return h('figure', { class: 'chart', 'data-testid': testid || null },
    h('figcaption', { class: 'chart-title' }, title),
    legend || null,
    svg, table);
}

function legendOf(series) {
  return h('ul', { class: 'chart-legend' },
    series.map((se, i) => h('li', null, h('span', { class: `chart-swatch chart-c${i}`, 'aria-hidden': 'true' }), se.label)));
}

// Horizontal bars, one per item: {title, items: [{label, value, title?}], format?, testid}.
export function barChart({ title, items, format = formatNumber, testid, width: W = 760 }) {
  const rowH = 28;
  const left = Math.min(220, Math.round(W * 0.34));
  const right = 70;
  const top = 6;
  const height = top * 2 + Math.max(1, items.length) * rowH;
  const max = niceMax(Math.max(0, ...items.map((i) => Number(i.value) || 0)));
  const scale = (v) => ((W - left - right) * (Number(v) || 0)) / max;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${height}`, class: 'chart-svg', role: 'img',
    'aria-label': `${title}: ${items.map((i) => `${i.label} ${format(i.value)}`).join('; ')}`,
  });
  svg.append(s('line', { x1: left, x2: left, y1: 0, y2: height, class: 'chart-axis' }));
  items.forEach((it, k) => {
    const y = top + k * rowH;
    const label = `${it.title || it.label}: ${format(it.value)}`;
    svg.append(s('g', { class: 'chart-row' },
      tip(label),
      s('text', { x: left - 8, y: y + rowH / 2, class: 'chart-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, cut(it.label, Math.round(left / 7.2))),
      s('rect', { x: left, y: y + 5, width: Math.max(scale(it.value), it.value ? 2 : 0), height: rowH - 10, rx: 3, class: 'chart-bar chart-c0' }),
      s('text', { x: left + scale(it.value) + 6, y: y + rowH / 2, class: 'chart-value', 'dominant-baseline': 'middle' }, format(it.value))));
  });
  const table = dataTable([t('chart.item'), t('chart.value')], items.map((i) => [i.title || i.label, format(i.value)]));
  return figure(title, sized(svg, W), table, testid);
}

// Vertical grouped columns: {title, labels: [..], series: [{label, values: [..]}], testid}.
export function columnChart({ title, labels, series, format = formatNumber, testid, width: W = 520 }) {
  const height = 240;
  const left = 48;
  const bottom = 34;
  const top = 12;
  const plotH = height - top - bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((se) => se.values.map((v) => Number(v) || 0))));
  const groupW = (W - left - 8) / Math.max(1, labels.length);
  const barW = Math.min(28, (groupW - 10) / Math.max(1, series.length));
  const y = (v) => top + plotH - (plotH * (Number(v) || 0)) / max;
  const svg = s('svg', { viewBox: `0 0 ${W} ${height}`, class: 'chart-svg', role: 'img', 'aria-label': title });
  for (const f of [0, 0.5, 1]) {
    const v = max * f;
    svg.append(s('line', { x1: left, x2: W - 4, y1: y(v), y2: y(v), class: f ? 'chart-grid' : 'chart-axis' }),
      s('text', { x: left - 6, y: y(v), class: 'chart-tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(v)));
  }
  labels.forEach((lab, g) => {
    const x0 = left + g * groupW + (groupW - barW * series.length) / 2;
    series.forEach((se, k) => {
      const v = se.values[g] || 0;
      svg.append(s('rect', {
        x: x0 + k * barW, y: y(v), width: Math.max(1, barW - 2), height: Math.max(0, top + plotH - y(v)), rx: 2, class: `chart-bar chart-c${k}`,
      }, tip(`${lab} · ${se.label}: ${format(v)}`)));
    });
    svg.append(s('text', { x: left + g * groupW + groupW / 2, y: height - bottom + 16, class: 'chart-tick', 'text-anchor': 'middle' }, cut(lab, 12)));
  });
  const table = dataTable([t('chart.period'), ...series.map((se) => se.label)],
    labels.map((lab, g) => [lab, ...series.map((se) => format(se.values[g] || 0))]));
  return figure(title, sized(svg, W), table, testid, legendOf(series));
}

// A line over points {label, value} (value null = no figure): {title, points, min?, max?, format, testid}.
export function lineChart({ title, points, min, max, format = formatNumber, testid, width: W = 520 }) {
  const height = 220;
  const left = 52;
  const right = 16;
  const top = 14;
  const bottom = 34;
  const plotH = height - top - bottom;
  const vals = points.map((p) => p.value).filter((v) => v !== null && v !== undefined);
  let hi = max ?? niceMax(Math.max(...vals, 1));
  let lo = min ?? Math.max(0, Math.floor(Math.min(...vals, hi) - (hi - Math.min(...vals, hi)) * 0.25));
  if (lo === hi) { lo -= 1; hi += 1; }
  const x = (i) => left + (points.length <= 1 ? (W - left - right) / 2 : ((W - left - right) * i) / (points.length - 1));
  const y = (v) => top + plotH - (plotH * (v - lo)) / (hi - lo);
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${height}`, class: 'chart-svg', role: 'img',
    'aria-label': `${title}: ${points.map((p) => `${p.label} ${p.value === null ? '—' : format(p.value)}`).join('; ')}`,
  });
  for (const f of [0, 0.5, 1]) {
    const v = lo + (hi - lo) * f;
    svg.append(s('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: f ? 'chart-grid' : 'chart-axis' }),
      s('text', { x: left - 6, y: y(v), class: 'chart-tick', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, format(v)));
  }
  const pts = points.map((p, i) => (p.value === null || p.value === undefined ? null : [x(i), y(p.value)]));
  const d = pts.reduce((acc, p, i) => (p ? `${acc}${acc && pts[i - 1] ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}` : acc), '');
  if (d) svg.append(s('path', { d, class: 'chart-line chart-c0' }));
  const every = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (pts[i]) svg.append(s('circle', { cx: pts[i][0], cy: pts[i][1], r: 4, class: 'chart-dot chart-c0' }, tip(`${p.label}: ${format(p.value)}`)));
    if (i % every === 0 || i === points.length - 1) {
      svg.append(s('text', { x: x(i), y: height - bottom + 18, class: 'chart-tick', 'text-anchor': 'middle' }, cut(p.label, 12)));
    }
  });
  const table = dataTable([t('chart.point'), t('chart.value')], points.map((p) => [p.label, p.value === null ? '—' : format(p.value)]));
  return figure(title, sized(svg, W), table, testid);
}
