// One person: their record (editable, with the revision they read), data-quality problems to fix,
// and each membership with its actions and its history — stints and events on a timeline.
import { h, mount } from '../dom.js';
import { get, request } from '../api.js';
import { t } from '../i18n.js';
import { href, replaceQuiet } from '../router.js';
import { fmtDate } from '../format.js';
import { banner, FormErrors } from '../form.js';
import { pageHeader, card, loading, empty, errorPanel, notify, badge, code } from '../ui.js';
import {
  canWriteMembers, orgName, genderName, statusBadge, personFields, unitLink, getL,
} from './member_forms.js';

const FACTS = ['citizen_id', 'gender', 'birth_date', 'ethnicity', 'religion', 'hometown', 'hometown_new', 'residence', 'phone', 'email'];

export function render(main, ctx) {
  const id = ctx.params.id;
  if (!/^\d+$/.test(id)) { mount(main, errorPanel({ status: 404 })); return; }
  let fix = ctx.query.get('fix') || '';
  load();

  async function load() {
    mount(main, loading());
    let p;
    try {
      p = await get(`/people/${id}`);
    } catch (e) {
      if (ctx.alive()) mount(main, errorPanel(e, 'person'));
      return;
    }
    if (!ctx.alive()) return;
    draw(p);
    problems(p);
  }

  function draw(p) {
    document.title = `${p.full_name} · cadre`;
    const write = canWriteMembers();
    const editBtn = write ? h('button', { type: 'button', class: 'btn', 'data-testid': 'person-edit', onclick: () => edit(p) }, t('person.edit')) : null;
    const admitBtn = write ? h('a', { class: 'btn btn-primary', href: href(`/people/${p.id}/admit`), 'data-testid': 'person-admit' }, t('person.admit')) : null;
    const head = pageHeader(p.full_name, null, editBtn, admitBtn);
    head.querySelector('.page-title').setAttribute('data-testid', 'person-name');
    head.querySelector('.page-head-text').append(h('div', { class: 'title-badges' },
      p.citizen_id ? code(p.citizen_id) : badge(t('person.no_citizen_id'), 'warn'),
      (p.memberships || []).map((m) => badge(orgName(m.org), m.ended ? 'neutral' : 'kind'))));
    const facts = h('dl', { class: 'facts facts-inline', 'data-testid': 'person-facts' },
      FACTS.map((k) => [h('dt', null, t(`person.${k}`)),
        h('dd', { 'data-field': k }, k === 'gender' ? genderName(p.gender) || '—' : k.endsWith('_date') ? fmtDate(p[k]) || '—' : p[k] || '—')]),
      h('dt', null, t('person.rev')), h('dd', null, String(p.rev)));
    const info = h('section', { class: 'card', 'data-testid': 'person-card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('person.record')),
        h('span', { class: 'card-meta' }, t('person.updated', { date: fmtDate(p.updated_at) }))),
      facts);
    const ms = (p.memberships || []);
    mount(main,
      h('nav', { class: 'breadcrumb', 'aria-label': t('unit.breadcrumb') }, h('ol', null,
        h('li', null, h('a', { href: '#/members' }, t('nav.members'))), h('li', { 'aria-current': 'page' }, p.full_name))),
      head,
      h('div', { id: 'person-problems', 'data-testid': 'person-problems-box' }),
      h('div', { id: 'person-edit-box' }),
      info,
      ms.length ? ms.map((m) => membershipCard(m)) : card(t('person.memberships'), empty(t('person.no_memberships')),
        p.holder_unit ? h('p', { class: 'muted', 'data-testid': 'person-holder', 'data-unit-id': p.holder_unit.id },
          t('person.held_by', { unit: p.holder_unit.name, code: p.holder_unit.code })) : null));
    if (fix && write) edit(p);
  }

  // The record's problems (GET /people/{id}/quality: the same rules and counting as the unit figures),
  // each with where to correct it: the record's field, a transfer, or the membership's history.
  async function problems(p) {
    let q;
    try {
      q = await get(`/people/${p.id}/quality`);
    } catch { return; /* a help here, not a requirement */ }
    const box = document.getElementById('person-problems');
    if (!ctx.alive() || !box) return;
    const items = q.problems || [];
    if (!items.length) {
      if (q.records) mount(box, h('p', { class: 'quality-ok', 'data-testid': 'person-quality-ok' }, badge(t('person.quality_ok'), 'ok')));
      return;
    }
    const write = canWriteMembers();
    const fieldName = (f) => (t(`person.${f}`) !== `person.${f}` ? t(`person.${f}`) : f);
    const fixLink = (it) => {
      if (!write || !it.counted) return null;
      if (it.fix === 'person') return h('a', { class: 'btn btn-small', href: href(`/people/${p.id}`, { fix: it.field }), 'data-testid': 'problem-fix', onclick: (e) => { e.preventDefault(); fix = it.field; replaceQuiet(href(`/people/${p.id}`, { fix: it.field })); edit(p); } }, t('person.fix_field', { field: fieldName(it.field) }));
      if (it.fix === 'transfer') return h('a', { class: 'btn btn-small', href: href(`/memberships/${it.membership_id}/transfer`), 'data-testid': 'problem-fix' }, t('person.fix_transfer'));
      if (it.fix === 'history') return h('a', { class: 'btn btn-small', href: href(`/memberships/${it.membership_id}/event`), 'data-testid': 'problem-fix' }, t('person.fix_history'));
      return h('span', { class: 'muted' }, t('person.fix_number'));
    };
    const summary = q.ok ? t('person.quality_warnings', { n: q.warnings }) : t('person.quality_errors', { n: q.errors });
    mount(box, h('section', { class: q.ok ? 'card' : 'card card-warn', 'data-testid': 'person-problems', 'data-ok': q.ok ? '1' : '0' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('person.problems')), h('span', { class: 'card-meta', 'data-testid': 'person-problems-summary' }, summary)),
      h('ul', { class: 'problem-list' }, items.map((it) => h('li', { 'data-rule': it.rule, 'data-field': it.field, 'data-severity': it.severity, 'data-testid': 'person-problem' },
        badge(t(`severity.${it.severity}`), it.severity === 'error' ? 'danger' : 'warn'), ' ',
        h('strong', null, fieldName(it.field)), ': ', it.message,
        it.detail ? [' ', h('span', { class: 'muted' }, `(${it.detail})`)] : null,
        ' ', h('span', { class: 'muted' }, `· ${orgName(it.org)}`),
        it.counted ? null : [' ', badge(t('person.problem_ended'), 'neutral')],
        ' ', fixLink(it)))),
      write ? h('p', { class: 'muted' }, t('person.problems_hint')) : null));
  }

  function edit(p) {
    const box = document.getElementById('person-edit-box');
    if (!box) return;
    const msg = banner();
    const errors = new FormErrors(msg);
    const f = personFields(errors, p);
    const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'person-save' }, t('person.save'));
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'person-cancel' }, t('common.cancel'));
    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'person-form' },
      h('h2', { class: 'card-title' }, t('person.edit_title')), msg, f.el, h('div', { class: 'form-actions' }, cancel, save));
    mount(box, form);
    cancel.addEventListener('click', () => { mount(box); fix = ''; replaceQuiet(href(`/people/${p.id}`)); });
    const focus = f.controls[fix] || f.controls.full_name;
    if (f.controls[fix]) focus.closest('.field').classList.add('field-fix');
    focus.focus();
    form.scrollIntoView({ block: 'start' });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const body = f.collect();
      if (!body) { errors.general(t('form.fix')); return; }
      if (!Object.keys(body).length) { mount(box); return; }
      save.disabled = true;
      try {
        await request('PATCH', `/people/${p.id}`, { ...body, rev: p.rev });
        if (!ctx.alive()) return;
        notify(t('person.saved'));
        fix = '';
        replaceQuiet(href(`/people/${p.id}`));
        load();
      } catch (err) {
        if (!ctx.alive()) return;
        if (err.status === 409 && err.field === 'rev') {
          errors.general(t('person.stale'));
          msg.append(' ', h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'person-reload', onclick: load }, t('person.reload')));
        } else errors.show(err);
      } finally {
        save.disabled = false;
      }
    });
  }

  function membershipCard(m) {
    const write = canWriteMembers() && !m.ended;
    const facts = h('dl', { class: 'facts facts-inline' },
      h('dt', null, t('member.unit')), h('dd', { 'data-testid': 'membership-unit' }, unitLink(m.unit), ' ', m.unit ? code(m.unit.code) : null),
      h('dt', null, t('member.number')), h('dd', null, m.number || '—'),
      h('dt', null, t('member.joined')), h('dd', null, fmtDate(m.joined) || '—'),
      h('dt', null, t('member.official')), h('dd', null, fmtDate(m.official) || '—'),
      m.ended ? [h('dt', null, t('member.ended')), h('dd', null, fmtDate(m.ended))] : null);
    const actions = write ? h('div', { class: 'card-actions' },
      h('a', { class: 'btn btn-small', href: href(`/memberships/${m.id}/transfer`), 'data-testid': 'membership-transfer' }, t('mevent.transfer')),
      h('a', { class: 'btn btn-small btn-ghost', href: href(`/memberships/${m.id}/event`), 'data-testid': 'membership-event' }, t('member.other_event'))) : null;
    return h('section', { class: 'card membership', 'data-testid': 'membership-card', 'data-org': m.org, 'data-id': m.id },
      h('div', { class: 'card-head' },
        h('h2', { class: 'card-title' }, orgName(m.org), ' ', statusBadge(m.status, { 'data-testid': 'membership-status', 'data-status': m.status })),
        actions),
      facts,
      h('h3', { class: 'sub-title' }, t('member.history')),
      timeline(m));
  }

  // Events and stints of one membership, oldest first, as on the unit page.
  function timeline(m) {
    const items = [];
    (m.events || []).forEach((ev, i) => items.push({ date: ev.date, ev, order: i }));
    const list = h('ol', { class: 'timeline', 'data-testid': 'membership-timeline' });
    items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
    for (const it of items) list.append(eventItem(m, it.ev));
    const stints = h('div', { class: 'stints', 'data-testid': 'membership-stints' },
      h('h3', { class: 'sub-title' }, t('member.stints')),
      h('ol', { class: 'stint-list' }, (m.stints || []).map((s) => h('li', { class: `stint${s.to ? '' : ' stint-current'}`, 'data-testid': 'stint', 'data-code': s.unit && s.unit.code },
        h('span', { class: 'stint-period' }, t('unit.period', { from: fmtDate(s.from), to: s.to ? fmtDate(s.to) : t('unit.now') })),
        h('span', null, unitLink(s.unit, s.from), ' ', s.unit ? code(s.unit.code) : null),
        s.to ? null : badge(t('unit.current'), 'ok')))));
    return h('div', { class: 'membership-history' }, items.length ? list : empty(t('unit.no_history')), stints);
  }

  function eventItem(m, ev) {
    const body = [];
    if (ev.kind === 'transfer') {
      body.push(h('p', { class: 'tl-units' }, h('span', { class: 'tl-label' }, `${t('member.from_unit')}: `), unitLink(ev.from_unit, ev.date),
        ' → ', h('span', { class: 'tl-label' }, `${t('member.to_unit')}: `), unitLink(ev.to_unit, ev.date)));
    } else if (ev.kind === 'admit' && ev.to_unit) {
      body.push(h('p', { class: 'tl-units' }, h('span', { class: 'tl-label' }, `${t('member.unit')}: `), unitLink(ev.to_unit, ev.date)));
    }
    if (ev.decision) body.push(h('p', { class: 'tl-decision' }, h('span', { class: 'tl-label' }, `${t('unit.decision')}: `), ev.decision));
    if (ev.note) body.push(h('p', { class: 'tl-note' }, ev.note));
    return h('li', { class: `tl-item tl-m-${ev.kind}`, 'data-testid': 'timeline-item', 'data-kind': ev.kind },
      h('div', { class: 'tl-dot', 'aria-hidden': 'true' }),
      h('div', { class: 'tl-body' },
        h('div', { class: 'tl-head' }, h('time', { class: 'tl-date', datetime: ev.date }, fmtDate(ev.date)),
          h('strong', { class: 'tl-title' }, t(`mevent.${ev.kind}`))),
        body));
  }
}
