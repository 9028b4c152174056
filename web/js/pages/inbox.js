// Inbox (GET /inbox): what waits for me — documents to review, to sign, to receive,
// my open tasks and documents whose reply is overdue.
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { t, tn } from '../i18n.js';
import { fmtDate } from '../format.js';
import { pageHeader, loading, empty, errorPanel, notify, badge, errorText } from '../ui.js';
import { docTable, docHref, unitText, canWriteDocs } from './doc_common.js';

const SECTIONS = ['sign', 'review', 'receive', 'tasks', 'overdue'];

export function render(main, ctx) {
  const box = h('div', { 'data-testid': 'inbox', 'aria-busy': 'true' }, loading());
  const actions = canWriteDocs() ? [
    h('a', { class: 'btn', href: '#/documents/new?direction=in', 'data-testid': 'inbox-register-in' }, t('docs.new_in')),
    h('a', { class: 'btn btn-primary', href: '#/documents/new', 'data-testid': 'inbox-new' }, t('docs.new_out')),
  ] : [];
  mount(main, pageHeader(t('inbox.title'), t('inbox.subtitle'), ...actions), box);
  load();

  async function load() {
    box.setAttribute('aria-busy', 'true');
    let r;
    try {
      r = await get('/inbox');
    } catch (e) {
      if (ctx.alive()) { mount(box, errorPanel(e, 'page')); box.setAttribute('aria-busy', 'false'); }
      return;
    }
    if (!ctx.alive()) return;
    const counts = Object.fromEntries(SECTIONS.map((s) => [s, (r[s] || []).length]));
    const total = SECTIONS.reduce((n, s) => n + counts[s], 0);
    mount(box,
      h('div', { class: 'stats-row inbox-counts' }, SECTIONS.map((s) => h('a', {
        class: `stat inbox-stat${counts[s] ? ' stat-warn' : ''}`, href: `#inbox-${s}`, 'data-testid': `inbox-count-${s}`, 'data-n': counts[s],
        onclick: (e) => { e.preventDefault(); document.getElementById(`inbox-${s}`)?.scrollIntoView({ behavior: 'smooth', block: 'start' }); },
      }, h('span', { class: 'stat-value' }, String(counts[s])), h('span', { class: 'stat-label' }, t(`inbox.${s}`))))),
      total ? null : h('div', { class: 'notice notice-ok', 'data-testid': 'inbox-empty' }, t('inbox.nothing')),
      section('sign', r.sign || [], (items) => docTable(items, {
        testid: 'inbox-sign-table', extraHead: t('doc.action'),
        extra: (d) => h('a', { class: 'btn btn-small btn-primary', href: docHref(d), 'data-testid': 'inbox-open-sign' }, t('inbox.open_sign')),
      })),
      section('review', r.review || [], (items) => docTable(items, {
        testid: 'inbox-review-table', extraHead: t('doc.action'),
        extra: (d) => h('a', { class: 'btn btn-small', href: docHref(d), 'data-testid': 'inbox-open-review' }, t('inbox.open_review')),
      })),
      section('receive', r.receive || [], receiveTable),
      section('tasks', r.tasks || [], taskTable),
      section('overdue', r.overdue || [], (items) => docTable(items, { testid: 'inbox-overdue-table' })));
    box.setAttribute('aria-busy', 'false');
  }

  function section(key, items, table) {
    return h('section', { class: 'card', id: `inbox-${key}`, 'data-testid': `inbox-${key}` },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t(`inbox.${key}`)),
        h('span', { class: 'card-meta' }, tn('inbox.count', items.length))),
      items.length ? table(items) : empty(t(`inbox.none_${key}`)));
  }

  // {doc, unit, received}: an issued document sent to a unit in my scope.
  function receiveTable(items) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'inbox-receive-table' },
      h('thead', null, h('tr', null, ['doc.symbol', 'doc.subject', 'doc.recipient', 'doc.status', 'doc.action'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, items.map((it) => {
        const d = it.doc || {};
        const btn = h('button', {
          type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'inbox-receive-btn', 'data-id': d.id,
          onclick: () => act(btn, it.received ? 'acknowledged' : 'received', d, it.unit),
        }, it.received ? t('receipt.acknowledge') : t('receipt.receive'));
        return h('tr', { 'data-testid': 'inbox-receive-row', 'data-id': d.id, 'data-unit': it.unit?.code },
          h('td', { class: 'nowrap' }, d.symbol || '—', h('span', { class: 'cell-sub' }, fmtDate(d.date))),
          h('td', null, h('a', { href: docHref(d), class: 'link-name' }, d.subject || '')),
          h('td', null, unitText(it.unit)),
          h('td', null, it.received ? badge(t('receipt.received'), 'ok') : badge(t('receipt.sent'), 'warn')),
          h('td', { class: 'cell-action' }, canWriteDocs() ? btn : null));
      }))));
  }

  async function act(btn, action, d, unit) {
    btn.disabled = true;
    try {
      await post(`/documents/${d.id}/receipts`, { unit_id: unit.id, action });
      if (!ctx.alive()) return;
      notify(t(action === 'received' ? 'receipt.done_received' : 'receipt.done_ack', { symbol: d.symbol || '' }));
      load();
    } catch (e) {
      btn.disabled = false;
      notify(errorText(e), 'error');
    }
  }

  function taskTable(items) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'inbox-tasks-table' },
      h('thead', null, h('tr', null, ['task.what', 'task.unit', 'task.due', 'doc.document', 'doc.action'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', null, items.map((tk) => {
        const btn = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'inbox-task-done', onclick: () => done(btn, tk) }, t('task.mark_done'));
        return h('tr', { 'data-testid': 'inbox-task-row', 'data-id': tk.id },
          h('td', null, tk.what),
          h('td', null, unitText(tk.unit)),
          h('td', { class: 'nowrap' }, fmtDate(tk.due), tk.overdue ? [' ', badge(t('task.overdue'), 'danger')] : null),
          h('td', null, h('a', { href: docHref(tk.doc_id) }, t('task.open_doc'))),
          h('td', { class: 'cell-action' }, btn));
      }))));
  }

  async function done(btn, tk) {
    btn.disabled = true;
    try {
      await post(`/tasks/${tk.id}/done`, { note: '' });
      if (!ctx.alive()) return;
      notify(t('task.done_ok'));
      load();
    } catch (e) {
      btn.disabled = false;
      notify(errorText(e), 'error');
    }
  }
}
