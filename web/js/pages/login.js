// Log in (POST /session): wrong password → 401, too many attempts → 429.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { login } from '../session.js';
import { field, input, banner } from '../form.js';
import { langSwitch } from '../layout.js';
import { errorText } from '../ui.js';

export function renderLogin(root, onDone) {
  const loginIn = input({ name: 'login', autocomplete: 'username', 'data-testid': 'login', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pwIn = input({ name: 'password', type: 'password', autocomplete: 'current-password', 'data-testid': 'password', required: true });
  const msg = banner();
  msg.setAttribute('data-testid', 'login-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, t('login.submit'));

  const form = h('form', { class: 'auth-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title', class: 'auth-title' }, t('login.title')),
    h('p', { class: 'auth-sub' }, t('login.subtitle')),
    msg,
    field({ label: t('login.login'), control: loginIn }),
    field({ label: t('login.password'), control: pwIn }),
    submit);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    msg.hidden = true;
    if (!loginIn.value.trim() || !pwIn.value) {
      msg.textContent = t('login.missing');
      msg.hidden = false;
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.busy');
    try {
      const user = await login(loginIn.value.trim(), pwIn.value);
      onDone(user);
    } catch (err) {
      if (err.status === 401) msg.textContent = t('login.wrong');
      else if (err.status === 429) msg.textContent = t('login.locked');
      else msg.textContent = errorText(err);
      msg.hidden = false;
      pwIn.value = '';
      pwIn.focus();
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  mount(root, h('div', { class: 'auth-page' },
    h('div', { class: 'auth-top' }, langSwitch()),
    h('div', { class: 'auth-card' },
      h('div', { class: 'auth-brand' },
        h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'c'),
        h('span', { class: 'brand-text' }, h('span', { class: 'brand-name' }, 'cadre'), h('span', { class: 'brand-tag' }, t('app.tagline')))),
      form),
    h('p', { class: 'auth-foot' }, t('login.help'))));
  loginIn.focus();
}
