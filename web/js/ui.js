// Shared pieces of page: headings, loading/empty/error states, badges, notices.
import { h } from './dom.js';
import { t } from './i18n.js';

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-head' },
    h('div', { class: 'page-head-text' },
      h('h1', { class: 'page-title' }, title),
      subtitle ? h('p', { class: 'page-sub' }, subtitle) : null),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function card(title, ...body) {
  return h('section', { class: 'card' },
    title ? h('h2', { class: 'card-title' }, title) : null,
    body);
}

export function loading(text) {
  return h('div', { class: 'state state-loading', role: 'status', 'aria-live': 'polite' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }), text || t('common.loading'));
}

export function empty(text) {
  return h('div', { class: 'state state-empty' }, text || t('common.empty'));
}

export function badge(text, kind = 'neutral', attrs = {}) {
  return h('span', { class: `badge badge-${kind}`, ...attrs }, text);
}

export function code(text) {
  return h('code', { class: 'ucode' }, text);
}

// A message for a failed request: 403 gets the "no access" panel the tests look for.
export function errorPanel(err, what = 'unit') {
  if (err && err.status === 403 && err.code !== 'csrf') {
    return h('div', { class: 'panel panel-forbidden', 'data-testid': 'forbidden', role: 'alert' },
      h('div', { class: 'panel-icon', 'aria-hidden': 'true' }, '⛔'),
      h('div', null,
        h('h2', null, t(`forbidden.title.${what}`)),
        h('p', null, t(`forbidden.text.${what}`)),
        h('p', null, h('a', { href: '#/' }, t('forbidden.back')))));
  }
  if (err && err.status === 404) {
    return h('div', { class: 'panel panel-notfound', 'data-testid': 'not-found', role: 'alert' },
      h('div', { class: 'panel-icon', 'aria-hidden': 'true' }, '?'),
      h('div', null, h('h2', null, t('notfound.title')), h('p', null, t('notfound.text')),
        h('p', null, h('a', { href: '#/' }, t('forbidden.back')))));
  }
  return h('div', { class: 'panel panel-error', 'data-testid': 'error', role: 'alert' },
    h('div', { class: 'panel-icon', 'aria-hidden': 'true' }, '!'),
    h('div', null, h('h2', null, t('error.title')), h('p', null, errorText(err))));
}

export function errorText(err) {
  if (!err) return t('error.generic');
  if (err.status === 0) return t('error.network');
  const key = `error.code.${err.code}`;
  const known = t(key);
  const base = known === key ? t('error.generic') : known;
  return err.message && err.message !== err.code ? `${base} (${err.message})` : base;
}

// A short message at the top of the page content that fades by itself.
export function notify(text, kind = 'ok') {
  let box = document.getElementById('toasts');
  if (!box) {
    box = h('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' });
    document.body.append(box);
  }
  const el = h('div', { class: `toast toast-${kind}`, role: 'status' }, text);
  box.append(el);
  setTimeout(() => el.remove(), 5000);
}
