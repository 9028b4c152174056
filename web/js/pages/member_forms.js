// Members: the shared pieces (organizations, statuses, localized GETs, file downloads) and the
// forms — a new person, admission to an organization, and an event on a membership (transfer,
// official, suspend, reinstate, leave, expel, death). Errors are shown next to the field the API names.
import { h, mount } from '../dom.js';
import { get, post, query, ApiError } from '../api.js';
import { t, getLang } from '../i18n.js';
import { session } from '../session.js';
import { navigate, href } from '../router.js';
import { today, isDate, fmtDate } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, card, loading, errorPanel, notify, badge, code } from '../ui.js';

export const ORGS = ['party', 'youth', 'women', 'farmers', 'veterans', 'labour'];
export const STATUSES = ['active', 'suspended', 'left', 'expelled', 'dead'];
export const EVENTS = ['official', 'transfer', 'suspend', 'reinstate', 'leave', 'expel', 'death'];
// Which events a membership in a status may take (the domain has the last word).
const ALLOWED = {
  active: ['transfer', 'official', 'suspend', 'leave', 'expel', 'death'],
  suspended: ['reinstate', 'leave', 'expel', 'death'],
};

export const canWriteMembers = () => ['clerk', 'manager', 'admin'].includes(session.user?.role);
export const orgName = (o) => (o ? t(`org.${o}`) : '');
export const genderName = (g) => (g === 'M' ? t('person.male') : g === 'F' ? t('person.female') : '');

export function statusBadge(status, attrs = {}) {
  const kind = status === 'active' ? 'ok' : status === 'suspended' ? 'warn' : 'neutral';
  return badge(t(`mstatus.${status || 'none'}`), kind, attrs);
}

export function orgSelect(attrs, { any = false } = {}) {
  const opts = ORGS.map((o) => [o, orgName(o)]);
  return select(any ? [['', t('members.any_org')], ...opts] : [['', t('members.choose_org')], ...opts], attrs);
}

// GET with the interface language, so messages the server writes (quality rules) match it.
export async function getL(path, params) {
  let res;
  try {
    res = await fetch(`/api/v1${path}${query(params)}`, {
      credentials: 'same-origin', headers: { Accept: 'application/json', 'Accept-Language': getLang() },
    });
  } catch (e) {
    throw new ApiError(0, 'network', '', e.message);
  }
  if (res.status === 401) return get(path, params); // the common client handles a lost session
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText);
  }
  return data;
}

// Fetches a file reply (export) and hands it to the browser as a download.
export async function download(path, params, fallbackName) {
  const res = await fetch(`/api/v1${path}${query(params)}`, {
    credentials: 'same-origin', headers: { 'Accept-Language': getLang() },
  }).catch((e) => { throw new ApiError(0, 'network', '', e.message); });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText);
  }
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="([^"]+)"/.exec(cd);
  saveBlob(await res.blob(), m ? m[1] : fallbackName);
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export const unitLabel = (u) => (u ? [u.name || u.code, ' ', code(u.code)] : '—');
export const unitLink = (u, asOf) => (u ? h('a', { href: href(`/units/${u.id}`, { as_of: asOf }), 'data-code': u.code }, u.name || u.code) : '—');

// ---- the person's fields (new person and edit) ----

const PERSON_FIELDS = ['full_name', 'gender', 'birth_date', 'citizen_id', 'ethnicity', 'religion',
  'hometown', 'hometown_new', 'residence', 'phone', 'email'];

// {el, controls, collect(errors) → body or null}; p: the person being edited (or null).
export function personFields(errors, p) {
  const c = {};
  const v = (k) => (p && p[k]) || '';
  c.full_name = input({ value: v('full_name'), maxlength: '200', autocomplete: 'off' });
  c.gender = select([['', t('person.gender_unknown')], ['M', t('person.male')], ['F', t('person.female')]]);
  c.gender.value = v('gender');
  c.birth_date = input({ type: 'date', value: v('birth_date'), max: today() });
  c.citizen_id = input({ value: v('citizen_id'), maxlength: '20', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false' });
  for (const k of ['ethnicity', 'religion', 'hometown', 'hometown_new', 'residence']) c[k] = input({ value: v(k), maxlength: '200' });
  c.phone = input({ type: 'tel', value: v('phone'), maxlength: '20' });
  c.email = input({ type: 'email', value: v('email'), maxlength: '200' });
  for (const k of PERSON_FIELDS) c[k].setAttribute('data-testid', `person-field-${k}`);
  const hints = { citizen_id: t('person.citizen_id_hint'), hometown_new: t('person.hometown_new_hint') };
  const el = h('div', { class: 'form-grid' },
    PERSON_FIELDS.map((k) => field({
      label: t(`person.${k}`), control: c[k], key: k, errors, required: k === 'full_name', hint: hints[k],
      wide: k === 'full_name' || k === 'residence',
    })));
  return {
    el,
    controls: c,
    // Only the changed fields of an existing person; every filled field of a new one.
    collect() {
      let ok = true;
      const body = {};
      for (const k of PERSON_FIELDS) {
        const val = c[k].value.trim();
        if (p ? val !== v(k) : val) body[k] = val;
      }
      if (!c.full_name.value.trim()) { errors.fieldError('full_name', t('form.required')); ok = false; }
      const cid = c.citizen_id.value.replace(/[\s.-]/g, '');
      if (cid && !/^\d{12}$/.test(cid)) { errors.fieldError('citizen_id', t('person.citizen_id_hint')); ok = false; }
      if ('citizen_id' in body) body.citizen_id = cid;
      if (c.birth_date.value && !isDate(c.birth_date.value)) { errors.fieldError('birth_date', t('form.bad_date')); ok = false; }
      return ok ? body : null;
    },
  };
}

// ---- #/people/new ----

export function renderPersonNew(main, ctx) {
  if (!canWriteMembers()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  const msg = banner();
  const errors = new FormErrors(msg);
  const f = personFields(errors, null);
  const holder = unitPicker({ testid: 'person-holder-unit' });
  errors.alias('unit', 'unit_id');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'person-create' }, t('person.create'));
  const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'person-form' },
    msg, f.el,
    h('div', { class: 'form-grid' },
      field({ label: t('person.holder'), control: holder.el, key: 'unit_id', errors, wide: true, hint: t('person.holder_hint') })),
    h('div', { class: 'form-actions' },
      h('a', { class: 'btn btn-ghost', href: '#/members' }, t('common.cancel')), submit));
  mount(main, pageHeader(t('person.new_title'), t('person.new_subtitle')), form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    const body = f.collect();
    if (!body) { errors.general(t('form.fix')); return; }
    if (holder.value()) body.unit_id = holder.value().id;
    submit.disabled = true;
    try {
      const p = await post('/people', body);
      if (!ctx.alive()) return;
      notify(t('person.created', { name: p.full_name }));
      navigate(href(`/people/${p.id}/admit`));
    } catch (err) {
      if (ctx.alive()) errors.show(err);
    } finally {
      submit.disabled = false;
    }
  });
}

// ---- #/people/:id/admit ----

export function renderAdmit(main, ctx) {
  const id = ctx.params.id;
  if (!canWriteMembers()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  if (!/^\d+$/.test(id)) { mount(main, errorPanel({ status: 404 })); return; }
  mount(main, loading());
  get(`/people/${id}`).then((p) => { if (ctx.alive()) draw(p); })
    .catch((e) => { if (ctx.alive()) mount(main, errorPanel(e, 'person')); });

  function draw(p) {
    const msg = banner();
    const errors = new FormErrors(msg);
    const taken = new Set((p.memberships || []).map((m) => m.org));
    const orgSel = orgSelect({ 'data-testid': 'admit-org' });
    for (const o of orgSel.options) if (taken.has(o.value)) o.disabled = true;
    const pre = ctx.query.get('org');
    if (ORGS.includes(pre) && !taken.has(pre)) orgSel.value = pre;
    const dateIn = input({ type: 'date', value: today(), 'data-testid': 'admit-date' });
    const unit = unitPicker({ testid: 'admit-unit', asOf: () => (isDate(dateIn.value) ? dateIn.value : today()) });
    const decision = input({ maxlength: '500', 'data-testid': 'admit-decision', placeholder: t('member.decision_ph') });
    const number = input({ maxlength: '40', 'data-testid': 'admit-number', autocomplete: 'off' });
    const official = input({ type: 'date', 'data-testid': 'admit-official' });
    const note = h('textarea', { class: 'input', rows: '2', maxlength: '1000', 'data-testid': 'admit-note' });
    errors.alias('unit', 'unit_id');
    errors.alias('person_id', 'org');
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'admit-submit' }, t('member.admit_submit'));
    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'admit-form' },
      msg,
      h('div', { class: 'form-grid' },
        field({ label: t('member.org'), control: orgSel, key: 'org', errors, required: true }),
        field({ label: t('member.admit_date'), control: dateIn, key: 'date', errors, required: true }),
        field({ label: t('member.unit'), control: unit.el, key: 'unit_id', errors, required: true, wide: true, hint: t('member.unit_hint') }),
        field({ label: t('member.decision'), control: decision, key: 'decision', errors, required: true, wide: true }),
        field({ label: t('member.number'), control: number, key: 'number', errors }),
        field({ label: t('member.official'), control: official, key: 'official', errors, hint: t('member.official_hint') }),
        field({ label: t('member.note'), control: note, key: 'note', errors, wide: true })),
      h('div', { class: 'form-actions' },
        h('a', { class: 'btn btn-ghost', href: href(`/people/${p.id}`) }, t('common.cancel')), submit));
    mount(main,
      pageHeader(t('member.admit_title'), h('span', null, t('member.admit_subtitle'), ' ', h('strong', null, p.full_name))),
      form);

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      let ok = true;
      if (!orgSel.value) { errors.fieldError('org', t('form.required')); ok = false; }
      if (!isDate(dateIn.value)) { errors.fieldError('date', t('form.bad_date')); ok = false; }
      if (!unit.value()) { errors.fieldError('unit_id', t('form.required')); ok = false; }
      if (!decision.value.trim()) { errors.fieldError('decision', t('form.required')); ok = false; }
      if (official.value && !isDate(official.value)) { errors.fieldError('official', t('form.bad_date')); ok = false; }
      if (!ok) { errors.general(t('form.fix')); return; }
      const body = {
        person_id: Number(p.id), org: orgSel.value, unit_id: unit.value().id, date: dateIn.value, decision: decision.value.trim(),
      };
      if (number.value.trim()) body.number = number.value.trim();
      if (official.value) body.official = official.value;
      if (note.value.trim()) body.note = note.value.trim();
      submit.disabled = true;
      try {
        await post('/memberships', body);
        if (!ctx.alive()) return;
        notify(t('member.admitted', { name: p.full_name, org: orgName(body.org) }));
        navigate(href(`/people/${p.id}`));
      } catch (err) {
        if (ctx.alive()) errors.show(err);
      } finally {
        submit.disabled = false;
      }
    });
  }
}

// ---- #/memberships/:id/transfer and #/memberships/:id/event?kind= ----

export function renderTransfer(main, ctx) { renderEvent(main, ctx, 'transfer'); }

export function renderEvent(main, ctx, fixedKind) {
  const id = ctx.params.id;
  if (!canWriteMembers()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  if (!/^\d+$/.test(id)) { mount(main, errorPanel({ status: 404 })); return; }
  mount(main, loading());
  (async () => {
    try {
      const m = await get(`/memberships/${id}`);
      const p = await get(`/people/${m.person_id}`);
      if (ctx.alive()) draw(m, p);
    } catch (e) {
      if (ctx.alive()) mount(main, errorPanel(e, 'person'));
    }
  })();

  function draw(m, p) {
    const allowed = ALLOWED[m.status] || [];
    const wanted = fixedKind || ctx.query.get('kind');
    let kind = allowed.includes(wanted) ? wanted : allowed[0];
    const back = href(`/people/${p.id}`);
    const head = pageHeader(t(fixedKind === 'transfer' ? 'member.transfer_title' : 'member.event_title'),
      h('span', null, h('strong', { 'data-testid': 'event-person' }, p.full_name), ' · ', orgName(m.org), ' · ', statusBadge(m.status)));
    if (!kind) {
      mount(main, head, card(null, h('p', { class: 'notice' }, t('member.no_events', { status: t(`mstatus.${m.status}`) })),
        h('a', { class: 'btn', href: back }, t('member.back_to_person'))));
      return;
    }
    const msg = banner();
    const errors = new FormErrors(msg);
    const kindSel = select(allowed.map((k) => [k, t(`mevent.${k}`)]), { 'data-testid': 'event-kind', disabled: Boolean(fixedKind) });
    kindSel.value = kind;
    const dateIn = input({ type: 'date', value: today(), 'data-testid': 'event-date' });
    const toUnit = unitPicker({ testid: 'event-to-unit', asOf: () => (isDate(dateIn.value) ? dateIn.value : today()) });
    const decision = input({ maxlength: '500', 'data-testid': 'event-decision', placeholder: t('member.decision_ph') });
    const note = h('textarea', { class: 'input', rows: '2', maxlength: '1000', 'data-testid': 'event-note' });
    errors.alias('membership', 'kind');
    errors.alias('rev', 'kind');
    const toField = field({ label: t('member.to_unit'), control: toUnit.el, key: 'to_unit', errors, required: true, wide: true, hint: t('member.to_unit_hint', { org: orgName(m.org) }) });
    const sync = () => { toField.hidden = kind !== 'transfer'; };
    kindSel.addEventListener('change', () => { kind = kindSel.value; sync(); });
    sync();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'event-submit' }, t('member.event_submit'));
    const current = h('dl', { class: 'facts' },
      h('dt', null, t('member.current_unit')), h('dd', { 'data-testid': 'event-current-unit' }, unitLabel(m.unit)),
      h('dt', null, t('member.since')), h('dd', null, fmtDate(m.unit_from)),
      h('dt', null, t('member.number')), h('dd', null, m.number || '—'));
    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'event-form' },
      msg,
      h('div', { class: 'form-grid' },
        field({ label: t('member.event_kind'), control: kindSel, key: 'kind', errors, required: true }),
        field({ label: t('member.event_date'), control: dateIn, key: 'date', errors, required: true }),
        toField,
        field({ label: t('member.decision'), control: decision, key: 'decision', errors, required: true, wide: true }),
        field({ label: t('member.note'), control: note, key: 'note', errors, wide: true })),
      h('div', { class: 'form-actions' }, h('a', { class: 'btn btn-ghost', href: back }, t('common.cancel')), submit));
    mount(main, head, h('div', { class: 'member-form-layout' }, form, card(t('member.current'), current)));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      let ok = true;
      if (!isDate(dateIn.value)) { errors.fieldError('date', t('form.bad_date')); ok = false; }
      if (kind === 'transfer' && !toUnit.value()) { errors.fieldError('to_unit', t('form.required')); ok = false; }
      if (!decision.value.trim()) { errors.fieldError('decision', t('form.required')); ok = false; }
      if (!ok) { errors.general(t('form.fix')); return; }
      const body = { kind, date: dateIn.value, decision: decision.value.trim(), rev: m.rev };
      if (kind === 'transfer') body.to_unit = toUnit.value().id;
      if (note.value.trim()) body.note = note.value.trim();
      submit.disabled = true;
      try {
        const r = await post(`/memberships/${m.id}/events`, body);
        if (!ctx.alive()) return;
        notify(kind === 'transfer'
          ? t('member.transferred', { name: p.full_name, unit: (r.unit && r.unit.name) || '' })
          : t('member.event_done', { kind: t(`mevent.${kind}`) }));
        navigate(back);
      } catch (err) {
        if (!ctx.alive()) return;
        if (err.status === 409) errors.general(t('member.stale'));
        else errors.show(err);
      } finally {
        submit.disabled = false;
      }
    });
  }
}
