// Change the one-time password (POST /session/password) before anything else.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { session, changePassword } from '../session.js';
import { field, input, banner, FormErrors } from '../form.js';
import { langSwitch } from '../layout.js';

export function renderPasswordChange(root, { onDone, onLogout }) {
  const msg = banner();
  const errors = new FormErrors(msg);
  const oldIn = input({ type: 'password', autocomplete: 'current-password', 'data-testid': 'old-password' });
  const newIn = input({ type: 'password', autocomplete: 'new-password', 'data-testid': 'new-password', minlength: '10' });
  const againIn = input({ type: 'password', autocomplete: 'new-password', 'data-testid': 'new-password-again' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'password-submit' }, t('password.submit'));

  const form = h('form', { class: 'auth-form', novalidate: true, 'data-testid': 'password-form' },
    h('h1', { class: 'auth-title' }, t('password.title')),
    h('p', { class: 'auth-sub' }, t('password.intro', { name: session.user.display_name || session.user.login })),
    msg,
    field({ label: t('password.old'), control: oldIn, key: 'old_password', errors, required: true }),
    field({ label: t('password.new'), control: newIn, key: 'new_password', errors, hint: t('password.rule'), required: true }),
    field({ label: t('password.again'), control: againIn, key: 'again', errors, required: true }),
    submit,
    h('button', { type: 'button', class: 'btn btn-ghost btn-block', onclick: onLogout }, t('header.logout')));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errors.clear();
    let bad = false;
    if (!oldIn.value) { errors.fieldError('old_password', t('form.required')); bad = true; }
    if (newIn.value.length < 10) { errors.fieldError('new_password', t('password.rule')); bad = true; }
    if (newIn.value !== againIn.value) { errors.fieldError('again', t('password.mismatch')); bad = true; }
    if (bad) return;
    submit.disabled = true;
    try {
      await changePassword(oldIn.value, newIn.value);
      onDone();
    } catch (err) {
      errors.show(err);
      submit.disabled = false;
    }
  });

  mount(root, h('div', { class: 'auth-page' },
    h('div', { class: 'auth-top' }, langSwitch()),
    h('div', { class: 'auth-card' }, form)));
  oldIn.focus();
}
