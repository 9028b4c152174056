// Document settings (managers and admins): numbering policies per organization (admins), the
// catalogue of document types, the issuers (units that number documents) and committee terms.
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, notify, code, badge } from '../ui.js';
import { unitPicker } from '../unitpicker.js';
import { fmtDate, isDate } from '../format.js';
import { DOC_ORGS, canConfigDocs, isAdmin, orgName, forgetCatalogues } from './doc_common.js';

const list = (r) => (Array.isArray(r) ? r : (r && r.items) || []);
const orgSelect = (testid) => select(DOC_ORGS.map((o) => [o, orgName(o)]), { 'data-testid': testid });
const table = (testid, heads, rows) => h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': testid },
  h('thead', null, h('tr', null, heads.map((k) => h('th', { scope: 'col' }, t(k))))), h('tbody', null, rows)));

export function render(main, ctx) {
  if (!canConfigDocs()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  mount(main, pageHeader(t('dcfg.title'), t('dcfg.subtitle')),
    h('div', { class: 'grid-2' }, issuersCard(), termsCard()),
    policiesCard(),
    typesCard());

  // ---- policies ----
  function policiesCard() {
    const box = h('div');
    const load = async () => {
      mount(box, loading());
      try {
        const items = list(await get('/documents/policies'));
        if (!ctx.alive()) return;
        mount(box, items.length ? table('dcfg-policies', ['dcfg.org', 'dcfg.style', 'dcfg.pad', 'dcfg.reset', 'dcfg.secret_series'], items.map((p) => h('tr', { 'data-org': p.org },
          h('td', { class: 'nowrap' }, orgName(p.org)), h('td', { class: 'nowrap' }, t(`dcfg.style_${p.style}`)), h('td', { class: 'num' }, String(p.pad)),
          h('td', { class: 'nowrap' }, t(`dcfg.reset_${p.reset}`)), h('td', null, p.secret_series ? badge(t('dcfg.yes'), 'ok') : t('dcfg.no')))))
          : empty());
      } catch (e) { if (ctx.alive()) mount(box, errorPanel(e, 'page')); }
    };
    load();
    let form = null;
    if (isAdmin()) {
      const msg = banner();
      const errors = new FormErrors(msg);
      const org = orgSelect('pol-org');
      const style = select([['party', t('dcfg.style_party')], ['state', t('dcfg.style_state')]], { 'data-testid': 'pol-style' });
      const pad = input({ type: 'number', min: '1', max: '6', value: '2', 'data-testid': 'pol-pad' });
      const reset = select(['term', 'year', 'never'].map((r) => [r, t(`dcfg.reset_${r}`)]), { 'data-testid': 'pol-reset' });
      const secret = h('input', { type: 'checkbox', 'data-testid': 'pol-secret' });
      const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'pol-save' }, t('dcfg.save'));
      form = h('form', { class: 'card-inset', novalidate: true }, h('h3', { class: 'sub-title' }, t('dcfg.policy_set')), msg,
        h('div', { class: 'form-grid' },
          field({ label: t('dcfg.org'), control: org, key: 'org', errors }),
          field({ label: t('dcfg.style'), control: style, key: 'style', errors }),
          field({ label: t('dcfg.pad'), control: pad, key: 'pad', errors }),
          field({ label: t('dcfg.reset'), control: reset, key: 'reset', errors }),
          h('label', { class: 'check' }, secret, t('dcfg.secret_series'))),
        h('div', { class: 'form-actions' }, btn));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        errors.clear();
        btn.disabled = true;
        try {
          await post('/documents/policies', { org: org.value, style: style.value, pad: Number(pad.value) || 0, reset: reset.value, secret_series: secret.checked });
          notify(t('dcfg.saved'));
          load();
        } catch (err) { errors.show(err); } finally { btn.disabled = false; }
      });
    }
    return h('section', { class: 'card', 'data-testid': 'dcfg-policies-card' }, h('h2', { class: 'card-title' }, t('dcfg.policies')), box, form);
  }

  // ---- issuers ----
  function issuersCard() {
    const box = h('div');
    const load = async () => {
      mount(box, loading());
      try {
        const items = list(await get('/documents/issuers'));
        if (!ctx.alive()) return;
        mount(box, items.length ? table('dcfg-issuers', ['dcfg.unit', 'dcfg.org', 'dcfg.symbol'], items.map((i) => h('tr', { 'data-unit-id': i.unit_id },
          h('td', null, i.unit?.name || i.unit_id, ' ', i.unit?.code ? code(i.unit.code) : null), h('td', null, orgName(i.org)), h('td', null, code(i.symbol)))))
          : empty(t('dcfg.no_issuers')));
      } catch (e) { if (ctx.alive()) mount(box, errorPanel(e, 'page')); }
    };
    load();
    const msg = banner();
    const errors = new FormErrors(msg);
    const unit = unitPicker({ testid: 'iss-unit' });
    const org = orgSelect('iss-org');
    const symbol = input({ maxlength: '40', 'data-testid': 'iss-symbol', placeholder: 'UBND, TU, TWĐTN-VP' });
    const termUnit = unitPicker({ testid: 'iss-term-unit' });
    errors.alias('unit_id', 'unit');
    errors.alias('term_unit_id', 'term_unit');
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'iss-save' }, t('dcfg.save'));
    const form = h('form', { class: 'card-inset', novalidate: true }, h('h3', { class: 'sub-title' }, t('dcfg.issuer_set')), msg,
      field({ label: t('dcfg.unit'), control: unit.el, key: 'unit', errors, required: true }),
      h('div', { class: 'form-grid' },
        field({ label: t('dcfg.org'), control: org, key: 'org', errors, required: true }),
        field({ label: t('dcfg.symbol'), control: symbol, key: 'symbol', errors, required: true })),
      field({ label: t('dcfg.term_unit'), control: termUnit.el, key: 'term_unit', errors, hint: t('dcfg.term_unit_hint') }),
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      if (!unit.value()) { errors.fieldError('unit', t('form.required')); return; }
      if (!symbol.value.trim()) { errors.fieldError('symbol', t('form.required')); return; }
      btn.disabled = true;
      try {
        const body = { unit_id: unit.value().id, org: org.value, symbol: symbol.value.trim() };
        if (termUnit.value()) body.term_unit_id = termUnit.value().id;
        await post('/documents/issuers', body);
        forgetCatalogues();
        notify(t('dcfg.saved'));
        load();
      } catch (err) { errors.show(err); } finally { btn.disabled = false; }
    });
    return h('section', { class: 'card', 'data-testid': 'dcfg-issuers-card' }, h('h2', { class: 'card-title' }, t('dcfg.issuers')), h('p', { class: 'muted' }, t('dcfg.issuers_hint')), box, form);
  }

  // ---- types ----
  function typesCard() {
    const box = h('div');
    const filter = orgSelect('types-org');
    const load = async () => {
      mount(box, loading());
      try {
        const items = list(await get('/documents/types', { org: filter.value }));
        if (!ctx.alive()) return;
        mount(box, items.length ? table('dcfg-types', ['dcfg.code', 'dcfg.symbol_code', 'dcfg.name_vi', 'dcfg.name_en', 'dcfg.series_group'], items.map((ty) => h('tr', { 'data-code': ty.code },
          h('td', null, code(ty.code)), h('td', null, ty.symbol_code ? code(ty.symbol_code) : '—'), h('td', null, ty.name_vi), h('td', null, ty.name_en || ''), h('td', null, ty.series_group || '—'))))
          : empty());
      } catch (e) { if (ctx.alive()) mount(box, errorPanel(e, 'page')); }
    };
    filter.addEventListener('change', load);
    load();
    const msg = banner();
    const errors = new FormErrors(msg);
    const codeIn = input({ maxlength: '12', 'data-testid': 'type-code' });
    const sym = input({ maxlength: '12', 'data-testid': 'type-symbol-code' });
    const vi = input({ maxlength: '200', 'data-testid': 'type-name-vi' });
    const en = input({ maxlength: '200', 'data-testid': 'type-name-en' });
    const group = input({ maxlength: '12', 'data-testid': 'type-series-group' });
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'type-add' }, t('dcfg.type_add'));
    const form = h('form', { class: 'card-inset', novalidate: true }, h('h3', { class: 'sub-title' }, t('dcfg.type_new')), msg,
      h('div', { class: 'form-grid' },
        field({ label: t('dcfg.code'), control: codeIn, key: 'code', errors, required: true }),
        field({ label: t('dcfg.symbol_code'), control: sym, key: 'symbol_code', errors, hint: t('dcfg.symbol_code_hint') }),
        field({ label: t('dcfg.name_vi'), control: vi, key: 'name_vi', errors, required: true }),
        field({ label: t('dcfg.name_en'), control: en, key: 'name_en', errors }),
        field({ label: t('dcfg.series_group'), control: group, key: 'series_group', errors, hint: t('dcfg.series_group_hint') })),
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      if (!codeIn.value.trim()) { errors.fieldError('code', t('form.required')); return; }
      if (!vi.value.trim()) { errors.fieldError('name_vi', t('form.required')); return; }
      btn.disabled = true;
      try {
        await post('/documents/types', { org: filter.value, code: codeIn.value.trim(), symbol_code: sym.value.trim(), name_vi: vi.value.trim(), name_en: en.value.trim(), series_group: group.value.trim() });
        forgetCatalogues();
        notify(t('dcfg.saved'));
        form.reset();
        load();
      } catch (err) { errors.show(err); } finally { btn.disabled = false; }
    });
    return h('section', { class: 'card', 'data-testid': 'dcfg-types-card' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('dcfg.types')),
        h('label', { class: 'inline-field' }, h('span', { class: 'field-label' }, t('dcfg.org')), filter)),
      box, form);
  }

  // ---- terms ----
  function termsCard() {
    const box = h('div', null, empty(t('dcfg.terms_choose')));
    const unit = unitPicker({ testid: 'term-unit', onChange: () => load() });
    const load = async () => {
      const u = unit.value();
      if (!u) { mount(box, empty(t('dcfg.terms_choose'))); return; }
      mount(box, loading());
      try {
        const items = list(await get('/documents/terms', { unit: u.id }));
        if (!ctx.alive()) return;
        mount(box, items.length ? table('dcfg-terms', ['dcfg.term_name', 'dcfg.start', 'dcfg.end'], items.map((x) => h('tr', null,
          h('td', null, x.name), h('td', null, fmtDate(x.start_date)), h('td', null, x.end_date ? fmtDate(x.end_date) : t('dcfg.current'))))) : empty(t('dcfg.no_terms')));
      } catch (e) { if (ctx.alive()) mount(box, errorPanel(e, 'page')); }
    };
    const msg = banner();
    const errors = new FormErrors(msg);
    const name = input({ maxlength: '200', 'data-testid': 'term-name', placeholder: t('dcfg.term_name_ph') });
    const start = input({ type: 'date', 'data-testid': 'term-start' });
    const btn = h('button', { type: 'submit', class: 'btn', 'data-testid': 'term-add' }, t('dcfg.term_add'));
    const form = h('form', { class: 'card-inset', novalidate: true }, msg,
      h('div', { class: 'form-grid' },
        field({ label: t('dcfg.term_name'), control: name, key: 'name', errors, required: true }),
        field({ label: t('dcfg.start'), control: start, key: 'start_date', errors, required: true })),
      h('div', { class: 'form-actions' }, btn));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const u = unit.value();
      if (!u) { errors.general(t('dcfg.terms_choose')); return; }
      if (!name.value.trim()) { errors.fieldError('name', t('form.required')); return; }
      if (!isDate(start.value)) { errors.fieldError('start_date', t('form.bad_date')); return; }
      btn.disabled = true;
      try {
        await post('/documents/terms', { unit_id: u.id, name: name.value.trim(), start_date: start.value });
        notify(t('dcfg.saved'));
        form.reset();
        load();
      } catch (err) { errors.show(err); } finally { btn.disabled = false; }
    });
    return h('section', { class: 'card', 'data-testid': 'dcfg-terms-card' },
      h('h2', { class: 'card-title' }, t('dcfg.terms')), h('p', { class: 'muted' }, t('dcfg.terms_hint')),
      field({ label: t('dcfg.unit'), control: unit.el }), box, form);
  }
}
