// A searchable unit picker: type a name or code → GET /units?q= → choose one (or several).
import { h, clear, debounce, uid } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';
import { kindName } from './kinds.js';

// unitPicker({multiple, asOf: () => 'YYYY-MM-DD', testid, placeholder, onChange})
// → {el, input, value() (array when multiple, else unit|null), set(units), clear()}
export function unitPicker({ multiple = false, asOf = () => '', testid, placeholder, onChange } = {}) {
  let selected = [];
  let results = [];
  let active = -1;
  let seq = 0;
  const listId = uid('picker-list');
  const chips = h('div', { class: 'picker-chips', 'data-testid': testid ? `${testid}-selected` : null });
  const input = h('input', {
    class: 'input picker-input', type: 'search', autocomplete: 'off', role: 'combobox',
    'aria-expanded': 'false', 'aria-controls': listId, 'aria-autocomplete': 'list',
    placeholder: placeholder || t('picker.placeholder'), 'data-testid': testid || null,
  });
  const list = h('ul', { class: 'picker-list', id: listId, role: 'listbox', hidden: true });
  const el = h('div', { class: 'picker' }, chips, h('div', { class: 'picker-box' }, input, list));

  function changed() { renderChips(); if (onChange) onChange(api.value()); }

  function renderChips() {
    clear(chips);
    for (const u of selected) {
      chips.append(h('span', { class: 'chip', 'data-code': u.code, 'data-testid': 'picked-unit' },
        h('span', { class: 'chip-name' }, u.name), ' ', h('code', { class: 'ucode' }, u.code),
        h('button', { type: 'button', class: 'chip-x', 'aria-label': t('picker.remove', { name: u.name }), title: t('picker.remove', { name: u.name }),
          onclick: () => { selected = selected.filter((x) => x.id !== u.id); changed(); } }, '×')));
    }
    input.hidden = !multiple && selected.length > 0;
  }

  function close() { list.hidden = true; input.setAttribute('aria-expanded', 'false'); active = -1; }

  function choose(u) {
    if (multiple) { if (!selected.some((x) => x.id === u.id)) selected.push(u); } else selected = [u];
    input.value = '';
    close();
    changed();
    if (multiple) input.focus();
  }

  function renderList(state) {
    clear(list);
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    if (state) { list.append(h('li', { class: 'picker-state' }, state)); return; }
    results.forEach((u, i) => {
      const taken = selected.some((x) => x.id === u.id);
      list.append(h('li', {
        class: `picker-option${i === active ? ' active' : ''}${taken ? ' taken' : ''}`, role: 'option', id: `${listId}-${i}`,
        'aria-selected': i === active ? 'true' : 'false', 'data-testid': 'picker-option', 'data-code': u.code,
        onmousedown: (e) => { e.preventDefault(); choose(u); },
      },
      h('span', { class: 'opt-name' }, u.name),
      h('span', { class: 'opt-meta' }, h('code', { class: 'ucode' }, u.code), ` · ${kindName(u.kind)}`,
        u.parent_code ? ` · ${t('picker.under', { code: u.parent_name || u.parent_code })}` : '')));
    });
    if (active >= 0) input.setAttribute('aria-activedescendant', `${listId}-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  const search = debounce(async () => {
    const q = input.value.trim();
    const my = ++seq;
    if (!q) { close(); return; }
    renderList(t('common.loading'));
    try {
      const r = await get('/units', { q, as_of: asOf() || undefined, limit: 12 });
      if (my !== seq) return;
      results = r.items || [];
      active = results.length ? 0 : -1;
      if (!results.length) renderList(t('picker.none'));
      else renderList();
    } catch (e) {
      if (my !== seq) return;
      renderList(e.message || t('error.generic'));
    }
  }, 250);

  input.addEventListener('input', search);
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('keydown', (e) => {
    if (list.hidden || !results.length) return;
    if (e.key === 'ArrowDown') { active = (active + 1) % results.length; renderList(); e.preventDefault(); }
    else if (e.key === 'ArrowUp') { active = (active - 1 + results.length) % results.length; renderList(); e.preventDefault(); }
    else if (e.key === 'Enter') { if (active >= 0) choose(results[active]); e.preventDefault(); }
    else if (e.key === 'Escape') { close(); }
  });

  const api = {
    el, input,
    value: () => (multiple ? selected.slice() : selected[0] || null),
    set(units) { selected = (Array.isArray(units) ? units : [units]).filter(Boolean); changed(); },
    clear() { selected = []; changed(); },
  };
  renderChips();
  return api;
}
