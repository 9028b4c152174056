// Users (admin): the list (GET /users) and a form to add one (POST /users).
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { canManageUsers } from '../session.js';
import { fmtInstant } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { pager } from '../pager.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, notify, badge, code } from '../ui.js';

const ROLES = ['viewer', 'clerk', 'manager', 'signer', 'admin'];
const LIMIT = 50;

export function render(main, ctx) {
  if (!canManageUsers()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  let offset = 0;
  const listBox = h('div');
  const listCard = h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('users.list')), listBox);
  mount(main, pageHeader(t('users.title'), t('users.subtitle')), h('div', { class: 'users-layout' }, listCard, addForm()));
  load();

  async function load() {
    mount(listBox, loading());
    try {
      const r = await get('/users', { limit: LIMIT, offset });
      if (!ctx.alive()) return;
      const items = r.items || [];
      if (!items.length) { mount(listBox, empty(t('users.none'))); return; }
      mount(listBox,
        h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'users-table' },
          h('thead', null, h('tr', null,
            ['users.login', 'users.name', 'users.role', 'users.unit', 'users.status', 'users.created'].map((k) => h('th', { scope: 'col' }, t(k))))),
          h('tbody', null, items.map((u) => h('tr', { 'data-login': u.login },
            h('td', null, code(u.login)),
            h('td', null, u.display_name),
            h('td', null, t(`role.${u.role}`)),
            h('td', null, u.unit_name || '', ' ', u.unit_code ? code(u.unit_code) : null),
            h('td', null,
              u.disabled ? badge(t('users.disabled'), 'warn') : badge(t('users.enabled'), 'ok'),
              u.must_change_password ? [' ', badge(t('users.must_change'), 'neutral')] : null),
            h('td', { class: 'nowrap' }, fmtInstant(u.created_at))))))),
        pager({ total: r.total ?? items.length, limit: r.limit || LIMIT, offset: r.offset || 0, onPage: (o) => { offset = o; load(); } }));
    } catch (e) {
      if (ctx.alive()) mount(listBox, errorPanel(e, 'page'));
    }
  }

  function addForm() {
    const msg = banner();
    const errors = new FormErrors(msg);
    const login = input({ 'data-testid': 'user-login', autocomplete: 'off', spellcheck: 'false', maxlength: '40' });
    const name = input({ 'data-testid': 'user-display-name', maxlength: '200' });
    const pw = input({ type: 'password', 'data-testid': 'user-password', autocomplete: 'new-password' });
    const role = select(ROLES.map((r) => [r, t(`role.${r}`)]), { 'data-testid': 'user-role' });
    const unit = unitPicker({ testid: 'new-user-unit' });
    errors.alias('unit', 'unit_id');
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'user-submit' }, t('users.add'));
    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'user-form' },
      h('h2', { class: 'card-title' }, t('users.add_title')),
      msg,
      field({ label: t('users.login'), control: login, key: 'login', errors, required: true, hint: t('users.login_hint') }),
      field({ label: t('users.name'), control: name, key: 'display_name', errors, required: true }),
      field({ label: t('users.password'), control: pw, key: 'password', errors, required: true, hint: t('users.password_hint') }),
      field({ label: t('users.role'), control: role, key: 'role', errors, required: true }),
      field({ label: t('users.unit'), control: unit.el, key: 'unit_id', errors, required: true }),
      h('div', { class: 'form-actions' }, submit));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      let ok = true;
      if (!/^[a-z0-9._-]{3,40}$/.test(login.value.trim())) { errors.fieldError('login', t('users.login_hint')); ok = false; }
      if (!name.value.trim()) { errors.fieldError('display_name', t('form.required')); ok = false; }
      if (pw.value.length < 10) { errors.fieldError('password', t('users.password_hint')); ok = false; }
      if (!unit.value()) { errors.fieldError('unit_id', t('form.required')); ok = false; }
      if (!ok) return;
      submit.disabled = true;
      try {
        const u = await post('/users', {
          login: login.value.trim(), display_name: name.value.trim(), password: pw.value, role: role.value, unit_id: unit.value().id,
        });
        if (!ctx.alive()) return;
        notify(t('users.added', { login: u.login || login.value.trim() }));
        form.reset();
        unit.clear();
        offset = 0;
        load();
      } catch (err) {
        if (ctx.alive()) errors.show(err);
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }
}
