// Labelled form fields and API errors shown next to the field named in error.field.
import { h, uid } from './dom.js';
import { t } from './i18n.js';
import { errorText } from './ui.js';

// field({label, control, hint, key, errors}) — control is an element; its id is set for the label.
export function field({ label, control, hint, key, errors, required, wide }) {
  const id = control.id || uid('fld');
  const focusable = control.matches('input,select,textarea') ? control : control.querySelector('input,select,textarea');
  if (focusable && !focusable.id) focusable.id = id;
  const err = h('div', { class: 'field-error', role: 'alert', 'data-testid': key ? `error-${key}` : null });
  const wrap = h('div', { class: `field${wide ? ' field-wide' : ''}`, 'data-field': key || null },
    h('label', { class: 'field-label', for: focusable ? focusable.id : null },
      label, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('div', { class: 'field-hint' }, hint) : null,
    err);
  if (errors && key) errors.register(key, wrap, err, focusable);
  return wrap;
}

export class FormErrors {
  constructor(banner) {
    this.banner = banner;
    this.fields = new Map();
    this.aliases = new Map();
  }

  register(key, wrap, slot, control) { this.fields.set(key, { wrap, slot, control }); }

  // Several API field names can point at one form field (e.g. "revs" → "sources").
  alias(apiField, key) { this.aliases.set(apiField, key); }

  clear() {
    for (const f of this.fields.values()) { f.slot.textContent = ''; f.wrap.classList.remove('has-error'); }
    if (this.banner) { this.banner.textContent = ''; this.banner.hidden = true; }
  }

  resolve(name) {
    if (!name) return null;
    const candidates = [name, name.replace(/\[\d+\]/g, ''), name.split('.')[0], name.replace(/\[.*$/, '')];
    const last = name.split('.').pop();
    candidates.push(last);
    for (const c of candidates) {
      const k = this.aliases.get(c) || c;
      if (this.fields.has(k)) return this.fields.get(k);
    }
    return null;
  }

  fieldError(key, message) {
    const f = this.fields.get(key) || this.resolve(key);
    if (!f) return this.general(message);
    f.slot.textContent = message;
    f.wrap.classList.add('has-error');
    return f;
  }

  general(message) {
    if (!this.banner) return null;
    this.banner.textContent = message;
    this.banner.hidden = false;
    return null;
  }

  // Shows an ApiError: next to its field when the form has one, else in the banner.
  show(err) {
    const message = err.field ? (err.message || errorText(err)) : errorText(err);
    const f = err.field ? this.resolve(err.field) : null;
    if (f) {
      f.slot.textContent = message;
      f.wrap.classList.add('has-error');
      if (f.control) f.control.focus();
    } else {
      this.general(err.field ? `${err.field}: ${errorText(err)}` : message);
    }
  }
}

export function banner() {
  return h('div', { class: 'form-banner', role: 'alert', hidden: true, 'data-testid': 'form-error' });
}

export function input(attrs) {
  return h('input', { class: 'input', type: 'text', ...attrs });
}

export function select(options, attrs) {
  return h('select', { class: 'input', ...attrs },
    options.map(([value, label]) => h('option', { value }, label)));
}

export function button(label, attrs = {}) {
  return h('button', { type: 'button', class: 'btn', ...attrs }, label);
}

export function requiredMsg() { return t('form.required'); }
