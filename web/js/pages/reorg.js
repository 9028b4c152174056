// Reorganization: merge, split, rename, move, create, dissolve — preview (dry run), then confirm.
import { h, mount } from '../dom.js';
import { get, post } from '../api.js';
import { t } from '../i18n.js';
import { canReorg } from '../session.js';
import { navigate, href } from '../router.js';
import { today, isDate, fmtDate } from '../format.js';
import { staticTree } from '../tree.js';
import { field, input, select, banner, FormErrors } from '../form.js';
import { pageHeader, errorPanel, notify, badge } from '../ui.js';
import { kindFields } from './reorg_fields.js';

const KINDS = ['merge', 'split', 'rename', 'move', 'create', 'dissolve'];

export function render(main, ctx) {
  if (!canReorg()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  const state = {
    kind: KINDS.includes(ctx.query.get('kind')) ? ctx.query.get('kind') : 'merge',
    date: isDate(ctx.query.get('as_of')) ? ctx.query.get('as_of') : today(),
    decision: '', note: '', prefill: null,
  };
  const formBox = h('div');
  const previewBox = h('div', { class: 'preview-box', 'aria-live': 'polite' });
  mount(main, pageHeader(t('reorg.title'), t('reorg.subtitle')), h('div', { class: 'reorg-layout' }, formBox, previewBox));

  const unitParam = ctx.query.get('unit');
  if (unitParam && /^\d+$/.test(unitParam)) {
    get(`/units/${unitParam}`, { as_of: state.date }).then((u) => {
      if (!ctx.alive()) return;
      state.prefill = u;
      build();
    }).catch(() => build());
  } else build();

  function build() {
    const msg = banner();
    const errors = new FormErrors(msg);
    const asOf = () => (isDate(dateIn.value) ? dateIn.value : today());
    const kindSel = select(KINDS.map((k) => [k, t(`event.${k}`)]), { 'data-testid': 'reorg-kind', value: state.kind });
    kindSel.value = state.kind;
    const dateIn = input({ type: 'date', value: state.date, 'data-testid': 'reorg-date' });
    const decisionIn = input({ value: state.decision, 'data-testid': 'reorg-decision', maxlength: '500', placeholder: t('reorg.decision_ph') });
    const noteIn = h('textarea', { class: 'input', rows: '2', 'data-testid': 'reorg-note', maxlength: '2000' });
    noteIn.value = state.note;

    const specific = kindFields(state.kind, errors, asOf, state.prefill);
    const previewBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'reorg-preview' }, t('reorg.preview'));
    const confirmBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reorg-confirm' }, t('reorg.confirm'));

    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'reorg-form' },
      msg,
      h('div', { class: 'form-grid' },
        field({ label: t('reorg.kind'), control: kindSel, key: 'kind', errors, hint: t(`reorg.kind_hint.${state.kind}`) }),
        field({ label: t('reorg.date'), control: dateIn, key: 'date', errors, required: true }),
        field({ label: t('reorg.decision'), control: decisionIn, key: 'decision', errors, required: true, wide: true })),
      h('fieldset', { class: 'fieldset' }, h('legend', null, t(`event.${state.kind}`)), specific.el),
      field({ label: t('reorg.note'), control: noteIn, key: 'note', errors, wide: true }),
      h('div', { class: 'form-actions' }, previewBtn, confirmBtn));
    mount(formBox, form);
    mount(previewBox, h('section', { class: 'card preview-placeholder' },
      h('h2', { class: 'card-title' }, t('reorg.preview_empty_title')),
      h('p', { class: 'muted' }, t('reorg.preview_empty'))));

    kindSel.addEventListener('change', () => {
      state.kind = kindSel.value; state.date = dateIn.value; state.decision = decisionIn.value; state.note = noteIn.value;
      build();
    });
    form.addEventListener('input', () => stale());
    form.addEventListener('change', () => stale());

    function stale() {
      const p = previewBox.querySelector('.preview');
      if (p && !p.classList.contains('stale')) {
        p.classList.add('stale');
        p.prepend(h('p', { class: 'notice notice-warn', 'data-testid': 'preview-stale' }, t('reorg.stale')));
      }
    }

    function body(dryRun) {
      errors.clear();
      let ok = true;
      if (!isDate(dateIn.value)) { errors.fieldError('date', t('form.bad_date')); ok = false; }
      if (!decisionIn.value.trim()) { errors.fieldError('decision', t('form.required')); ok = false; }
      const b = { kind: state.kind, date: dateIn.value, decision: decisionIn.value.trim(), note: noteIn.value.trim() };
      const extra = specific.collect(errors);
      if (!extra) ok = false;
      if (!ok) { errors.general(t('form.fix')); return null; }
      return { ...b, ...extra, dry_run: dryRun };
    }

    async function send(dryRun) {
      const b = body(dryRun);
      if (!b) return;
      previewBtn.disabled = true; confirmBtn.disabled = true;
      const btn = dryRun ? previewBtn : confirmBtn;
      const label = btn.textContent;
      btn.textContent = t('common.working');
      try {
        const r = await post('/reorg', b);
        if (!ctx.alive()) return;
        if (dryRun) showPreview(r);
        else {
          notify(t('reorg.done', { kind: t(`event.${b.kind}`) }));
          const target = resultUnit(r.event);
          navigate(target ? href(`/units/${target.id}`, { as_of: b.date }) : '#/');
        }
      } catch (e) {
        if (!ctx.alive()) return;
        errors.show(e);
      } finally {
        previewBtn.disabled = false; confirmBtn.disabled = false; btn.textContent = label;
      }
    }

    previewBtn.addEventListener('click', () => send(true));
    form.addEventListener('submit', (e) => { e.preventDefault(); send(false); });
  }

  function showPreview(r) {
    const ev = r.event || {};
    const ids = new Set((ev.units || []).map((u) => u.id));
    const created = (ev.units || []).filter((u, i, all) => (u.role === 'created' || u.role === 'target')
      && all.findIndex((x) => x.id === u.id && (x.role === 'created' || x.role === 'target')) === i);
    mount(previewBox, h('section', { class: 'card preview', 'data-testid': 'preview' },
      h('div', { class: 'preview-banner' }, badge(t('reorg.preview_badge'), 'preview'), h('span', null, t('reorg.preview_note'))),
      h('h2', { class: 'card-title' }, t('reorg.preview_title', { kind: t(`event.${ev.kind || state.kind}`), date: fmtDate(ev.date) })),
      created.length ? h('p', null, t('reorg.preview_result'), ' ', created.map((u, i) => [i ? ', ' : '', h('strong', null, u.name), ` (${u.code})`])) : null,
      r.preview && r.preview.root
        ? staticTree(r.preview, { asOf: ev.date, highlight: ids })
        : h('p', { class: 'muted', 'data-testid': 'preview-tree' }, t('reorg.preview_none')),
      h('p', { class: 'legend' }, h('span', { class: 'legend-hl' }, '■'), ` ${t('reorg.legend')}`)));
  }

  function resultUnit(ev) {
    const us = (ev && ev.units) || [];
    for (const role of ['created', 'target', 'subject', 'dissolved', 'source']) {
      const u = us.find((x) => x.role === role);
      if (u) return u;
    }
    return null;
  }
}
