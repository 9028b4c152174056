// The fields of each kind of reorganization event, and how they become the body of POST /reorg.
import { h } from '../dom.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { allKinds, kindName } from '../kinds.js';
import { unitPicker } from '../unitpicker.js';
import { field, input, select } from '../form.js';

// Fields of one kind of event: {el, collect() → body part or null}; pre: a unit to start with.
export function kindFields(kind, errors, asOf, pre) {
  const kindOptions = () => allKinds().map((k) => [k.code, `${kindName(k.code)} (${k.code})`]);
  const unitKindSel = (testid, value) => {
    const s = select([['', t('reorg.choose_kind')], ...kindOptions()], { 'data-testid': testid });
    if (value) s.value = value;
    return s;
  };
  const picker = (testid, multiple, onChange) => unitPicker({ multiple, asOf, testid, onChange });
  const need = (cond, key) => { if (!cond) errors.fieldError(key, t('form.required')); return cond; };

  if (kind === 'merge') {
    // For a new unit, suggest the kind and the parent of the first source.
    const suggest = async (units) => {
      if (!units.length) return;
      if (!ukind.value) ukind.value = units[0].kind;
      if (!parent.value() && units[0].parent_id) {
        try {
          const p = await get(`/units/${units[0].parent_id}`, { as_of: asOf() });
          if (!parent.value()) parent.set([p]);
        } catch { /* leave it empty */ }
      }
    };
    const sources = picker('reorg-sources', true, suggest);
    errors.alias('revs', 'sources');
    const modeNew = h('input', { type: 'radio', name: 'into-mode', value: 'new', checked: true, 'data-testid': 'into-new' });
    const modeOld = h('input', { type: 'radio', name: 'into-mode', value: 'existing', 'data-testid': 'into-existing' });
    const code = input({ 'data-testid': 'into-code', maxlength: '40', autocomplete: 'off', spellcheck: 'false' });
    const name = input({ 'data-testid': 'into-name', maxlength: '200' });
    const ukind = unitKindSel('into-kind', pre && pre.kind);
    const parent = picker('into-parent', false);
    const existing = picker('into-unit', false);
    if (pre) sources.set([pre]);
    const newBox = h('div', { class: 'form-grid' },
      field({ label: t('reorg.new_code'), control: code, key: 'into.code', errors, required: true, hint: t('reorg.code_hint') }),
      field({ label: t('reorg.new_name'), control: name, key: 'into.name', errors, required: true }),
      field({ label: t('reorg.new_kind'), control: ukind, key: 'into.kind', errors, required: true }),
      field({ label: t('reorg.new_parent'), control: parent.el, key: 'into.parent', errors, required: true }));
    const oldBox = h('div', { hidden: true }, field({ label: t('reorg.into_unit'), control: existing.el, key: 'into', errors, required: true }));
    const sync = () => { newBox.hidden = !modeNew.checked; oldBox.hidden = !modeOld.checked; };
    modeNew.addEventListener('change', sync); modeOld.addEventListener('change', sync);
    return {
      el: h('div', null,
        field({ label: t('reorg.sources'), control: sources.el, key: 'sources', errors, required: true, hint: t('reorg.sources_hint'), wide: true }),
        h('div', { class: 'radio-row', role: 'radiogroup', 'aria-label': t('reorg.into') },
          h('span', { class: 'field-label' }, t('reorg.into')),
          h('label', { class: 'radio' }, modeNew, ` ${t('reorg.into_new')}`),
          h('label', { class: 'radio' }, modeOld, ` ${t('reorg.into_existing')}`)),
        newBox, oldBox),
      collect() {
        const src = sources.value();
        let ok = need(src.length >= 1, 'sources');
        const out = { sources: src.map((u) => u.id), revs: src.map((u) => u.rev) };
        if (modeOld.checked) {
          const into = existing.value();
          ok = need(into, 'into') && ok;
          if (into) out.into = into.id;
        } else {
          ok = need(code.value.trim(), 'into.code') && ok;
          ok = need(name.value.trim(), 'into.name') && ok;
          ok = need(ukind.value, 'into.kind') && ok;
          ok = need(parent.value(), 'into.parent') && ok;
          out.into = { code: code.value.trim(), name: name.value.trim(), kind: ukind.value, parent: parent.value() && parent.value().id };
        }
        return ok ? out : null;
      },
    };
  }

  if (kind === 'split') {
    // New parts take the kind of the unit being split unless one was chosen.
    const unit = picker('reorg-unit', false, (u) => {
      if (u) for (const el of rows.children) { const p = partRows.get(el); if (p && !p.kind.value) p.kind.value = u.kind; }
    });
    errors.alias('rev', 'unit');
    errors.alias('assign', 'parts');
    const rows = h('div', { class: 'parts', 'data-testid': 'parts' });
    const partRows = new WeakMap();
    const partsField = field({ label: t('reorg.parts'), control: rows, key: 'parts', errors, required: true, hint: t('reorg.parts_hint'), wide: true });
    const addRow = (k) => {
      const r = {
        code: input({ placeholder: t('reorg.part_code'), 'aria-label': t('reorg.new_code'), 'data-testid': 'part-code', maxlength: '40' }),
        name: input({ placeholder: t('reorg.part_name'), 'aria-label': t('reorg.new_name'), 'data-testid': 'part-name', maxlength: '200' }),
        kind: unitKindSel('part-kind', k || (unit.value() && unit.value().kind)),
        share: input({ type: 'number', min: '0', max: '100', step: '0.1', placeholder: '%', 'aria-label': t('reorg.share'), 'data-testid': 'part-share' }),
      };
      r.kind.setAttribute('aria-label', t('reorg.new_kind'));
      const rowEl = h('div', { class: 'part-row' }, r.code, r.name, r.kind, r.share,
        h('button', { type: 'button', class: 'btn btn-small btn-ghost', 'aria-label': t('reorg.remove_part'), title: t('reorg.remove_part'),
          onclick: () => { if (rows.children.length > 2) rowEl.remove(); } }, '×'));
      partRows.set(rowEl, r);
      rows.append(rowEl);
    };
    addRow(); addRow();
    if (pre) unit.set([pre]);
    return {
      el: h('div', null,
        field({ label: t('reorg.unit_split'), control: unit.el, key: 'unit', errors, required: true, wide: true }),
        partsField,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => addRow(), 'data-testid': 'add-part' }, `+ ${t('reorg.add_part')}`)),
      collect() {
        const u = unit.value();
        let ok = need(u, 'unit');
        const parts = [...rows.children].map((el) => partRows.get(el)).map((p) => {
          const part = { code: p.code.value.trim(), name: p.name.value.trim(), kind: p.kind.value };
          if (p.share.value !== '') part.share = Number(p.share.value) / 100;
          return part;
        });
        if (parts.some((p) => !p.code || !p.name || !p.kind)) { errors.fieldError('parts', t('reorg.parts_incomplete')); ok = false; }
        return ok ? { unit: u.id, rev: u.rev, parts } : null;
      },
    };
  }

  if (kind === 'rename' || kind === 'move' || kind === 'dissolve') {
    const unit = picker('reorg-unit', false);
    if (pre) unit.set([pre]);
    errors.alias('rev', 'unit');
    const name = input({ 'data-testid': 'reorg-name', maxlength: '200' });
    const parent = picker('reorg-parent', false);
    return {
      el: h('div', null,
        field({ label: t(`reorg.unit_${kind}`), control: unit.el, key: 'unit', errors, required: true, wide: true }),
        kind === 'rename' ? field({ label: t('reorg.new_name'), control: name, key: 'name', errors, required: true, wide: true }) : null,
        kind === 'move' ? field({ label: t('reorg.new_parent'), control: parent.el, key: 'parent', errors, required: true, wide: true }) : null,
        kind === 'dissolve' ? h('p', { class: 'field-hint' }, t('reorg.dissolve_hint')) : null),
      collect() {
        const u = unit.value();
        let ok = need(u, 'unit');
        const out = u ? { unit: u.id, rev: u.rev } : {};
        if (kind === 'rename') { ok = need(name.value.trim(), 'name') && ok; out.name = name.value.trim(); }
        if (kind === 'move') { ok = need(parent.value(), 'parent') && ok; if (parent.value()) out.parent = parent.value().id; }
        return ok ? out : null;
      },
    };
  }

  // create
  const code = input({ 'data-testid': 'create-code', maxlength: '40', spellcheck: 'false' });
  const name = input({ 'data-testid': 'create-name', maxlength: '200' });
  const ukind = unitKindSel('create-kind');
  const parent = picker('create-parent', false);
  if (pre) parent.set([pre]);
  errors.alias('unit_kind', 'unit_kind');
  return {
    el: h('div', { class: 'form-grid' },
      field({ label: t('reorg.new_code'), control: code, key: 'code', errors, required: true, hint: t('reorg.code_hint') }),
      field({ label: t('reorg.new_name'), control: name, key: 'name', errors, required: true }),
      field({ label: t('reorg.new_kind'), control: ukind, key: 'unit_kind', errors, required: true }),
      field({ label: t('reorg.new_parent'), control: parent.el, key: 'parent', errors, required: true })),
    collect() {
      let ok = need(code.value.trim(), 'code');
      ok = need(name.value.trim(), 'name') && ok;
      ok = need(ukind.value, 'unit_kind') && ok;
      ok = need(parent.value(), 'parent') && ok;
      return ok ? createBody(code.value.trim(), name.value.trim(), ukind.value, parent.value().id) : null;
    },
  };
}

// The new unit's kind is "unit_kind": "kind" is the event's (docs/api.md).
function createBody(code, name, unitKind, parent) {
  return { code, name, unit_kind: unitKind, parent };
}
