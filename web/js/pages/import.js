// Import wizard: 1 choose the file and where it goes → 2 preview (the server reads the header and
// the first rows and shows the column mapping the import will use; optional check by a dry run)
// → 3 run with a progress bar → 4 result: counts, quality %, refused rows with line numbers and
// reasons (downloadable as CSV). The last imports are listed below.
import { h, mount } from '../dom.js';
import { get, ApiError } from '../api.js';
import { t, tn, formatNumber, getLang } from '../i18n.js';
import { href } from '../router.js';
import { fmtInstant } from '../format.js';
import { unitPicker } from '../unitpicker.js';
import { field, banner, FormErrors } from '../form.js';
import { pageHeader, loading, empty, errorPanel, badge, code, errorText } from '../ui.js';
import { canWriteMembers, orgName, orgSelect, saveBlob } from './member_forms.js';

const SAMPLE_BYTES = 256 * 1024; // a CSV preview needs only its first rows
const MAX_BYTES = 50 * 1024 * 1024;

const pct = (v) => (v === null || v === undefined ? '—' : `${formatNumber(Math.round(v * 100) / 100)} %`);
const isZip = async (file) => {
  const b = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4;
};

function ticketId() {
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return `imp-${Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// POST raw bytes with XMLHttpRequest (for the upload progress); resolves {status, data}.
async function upload(path, blob, onUpload) {
  const s = await get('/session');
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', `/api/v1${path}`);
    x.setRequestHeader('X-CSRF-Token', s.csrf_token);
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Accept-Language', getLang());
    x.upload.onprogress = (e) => { if (onUpload && e.lengthComputable) onUpload(e.loaded / e.total); };
    x.onload = () => {
      let data = null;
      try { data = JSON.parse(x.responseText); } catch { data = null; }
      resolve({ status: x.status, data });
    };
    x.onerror = () => reject(new ApiError(0, 'network', '', 'network error'));
    x.send(blob);
  });
}

const toError = (r) => {
  const e = (r.data && r.data.error) || {};
  return new ApiError(r.status, e.code || `http_${r.status}`, e.field, e.message);
};

export function render(main, ctx) {
  if (!canWriteMembers()) { mount(main, errorPanel({ status: 403 }, 'page')); return; }
  const state = { file: null, org: '', unit: null, skip: false, preview: null, check: null };
  const stepsNav = h('ol', { class: 'steps', 'data-testid': 'import-steps' });
  const body = h('div', { class: 'import-body' });
  const jobsBox = h('div');
  mount(main,
    pageHeader(t('import.title'), t('import.subtitle')),
    stepsNav, body,
    h('section', { class: 'card' }, h('h2', { class: 'card-title' }, t('import.jobs')), jobsBox));
  step1();
  loadJobs();

  function setStep(n) {
    mount(stepsNav, [1, 2, 3, 4].map((k) => h('li', {
      class: `step${k === n ? ' step-current' : ''}${k < n ? ' step-done' : ''}`, 'aria-current': k === n ? 'step' : null,
    }, h('span', { class: 'step-n' }, String(k)), t(`import.step${k}`))));
  }

  // ---- 1. choose ----
  function step1() {
    setStep(1);
    const msg = banner();
    const errors = new FormErrors(msg);
    const fileIn = h('input', { type: 'file', class: 'input input-file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'data-testid': 'import-file' });
    const org = orgSelect({ 'data-testid': 'import-org' });
    org.value = state.org;
    const unit = unitPicker({ testid: 'import-unit' });
    if (state.unit) unit.set([state.unit]);
    const skip = h('input', { type: 'checkbox', 'data-testid': 'import-skip-invalid', checked: state.skip });
    const next = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'import-next' }, t('import.next'));
    const form = h('form', { class: 'card form-card', novalidate: true, 'data-testid': 'import-form' },
      msg,
      field({ label: t('import.file'), control: fileIn, key: 'file', errors, required: true, hint: t('import.file_hint'), wide: true }),
      h('div', { class: 'form-grid' },
        field({ label: t('member.org'), control: org, key: 'org', errors, required: true }),
        field({ label: t('import.unit'), control: unit.el, key: 'unit_id', errors, hint: t('import.unit_hint') })),
      h('div', { class: 'field' },
        h('label', { class: 'check' }, skip, ' ', t('import.skip_invalid')),
        h('div', { class: 'field-hint' }, t('import.skip_hint'))),
      h('div', { class: 'form-actions' }, next));
    errors.alias('unit', 'unit_id');
    mount(body, form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      errors.clear();
      const file = fileIn.files && fileIn.files[0];
      let ok = true;
      if (!file) { errors.fieldError('file', t('form.required')); ok = false; } else if (file.size > MAX_BYTES) { errors.fieldError('file', t('import.too_large')); ok = false; }
      if (!org.value) { errors.fieldError('org', t('form.required')); ok = false; }
      if (!ok) return;
      Object.assign(state, { file, org: org.value, unit: unit.value(), skip: skip.checked, preview: null, check: null });
      next.disabled = true;
      next.textContent = t('common.working');
      try {
        const zip = await isZip(file);
        const sample = zip ? file : file.slice(0, SAMPLE_BYTES);
        const r = await upload(`/imports/preview?rows=10&file_name=${encodeURIComponent(file.name)}`, sample);
        if (!ctx.alive()) return;
        if (r.status !== 200) { errors.fieldError('file', errorText(toError(r))); return; }
        state.preview = r.data;
        step2();
      } catch (err) {
        if (ctx.alive()) errors.show(err);
      } finally {
        next.disabled = false;
        next.textContent = t('import.next');
      }
    });
  }

  // ---- 2. preview ----
  function step2() {
    setStep(2);
    const p = state.preview;
    const fields = new Set(p.columns.filter((c) => c.field).map((c) => c.field));
    const problem = p.problem
      ? h('div', { class: 'notice notice-warn', role: 'alert', 'data-testid': 'import-problem' }, p.problem.message)
      : null;
    const missing = p.missing.length
      ? h('div', { class: 'notice notice-warn', role: 'alert', 'data-testid': 'import-missing' },
        t('import.missing', { fields: p.missing.map((f) => t(`person.${f}`) !== `person.${f}` ? t(`person.${f}`) : f).join(', ') }))
      : null;
    const mapping = h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'import-mapping' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('import.column')), h('th', { scope: 'col' }, t('import.maps_to')))),
      h('tbody', null, p.columns.map((c) => h('tr', { 'data-field': c.field || '', class: c.field ? '' : 'row-ignored' },
        h('td', null, c.header || h('span', { class: 'muted' }, `#${c.index + 1}`)),
        h('td', null, c.field ? [fieldName(c.field), ' ', code(c.field)] : h('span', { class: 'muted' }, t('import.ignored'))))))));
    const shown = p.columns.filter((c) => c.field);
    const sample = p.rows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-compact', 'data-testid': 'import-sample' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('import.line')), shown.map((c) => h('th', { scope: 'col' }, fieldName(c.field))))),
      h('tbody', null, p.rows.map((r) => h('tr', null, h('td', { class: 'num' }, String(r.line)),
        shown.map((c) => h('td', null, (r.values && r.values[c.field]) || '')))))))
      : empty(t('import.no_rows'));
    const checkBox = h('div', { 'aria-live': 'polite' });
    const blocked = Boolean(p.problem || p.missing.length);
    const back = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'import-back', onclick: step1 }, t('import.back'));
    const check = h('button', { type: 'button', class: 'btn', 'data-testid': 'import-check', disabled: blocked }, t('import.check'));
    const run = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'import-run', disabled: blocked }, t('import.run'));
    mount(body, h('section', { class: 'card', 'data-testid': 'import-preview' },
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, t('import.preview_title', { name: state.file.name })),
        h('span', { class: 'card-meta' }, `${p.format.toUpperCase()}${p.format === 'csv' ? ` · ${t('import.delimiter', { d: p.delimiter })}` : ''} · ${formatBytes(state.file.size)}`)),
      h('p', { class: 'muted' }, t('import.target', { org: orgName(state.org), unit: state.unit ? state.unit.name : t('import.unit_from_file') }),
        ' ', state.skip ? badge(t('import.mode_skip'), 'warn') : badge(t('import.mode_all'), 'neutral')),
      problem, missing,
      h('div', { class: 'import-mapping' }, h('h3', { class: 'sub-title' }, t('import.mapping')), mapping,
        fields.size ? null : empty(t('import.no_mapping'))),
      h('div', { class: 'import-sample' }, h('h3', { class: 'sub-title' }, t('import.sample')), sample),
      checkBox,
      h('div', { class: 'form-actions' }, back, check, run)));
    check.addEventListener('click', () => step3(true, checkBox, [check, run, back]));
    run.addEventListener('click', () => step3(false));
  }

  function fieldName(f) {
    const k = `person.${f}`;
    const l = t(k);
    if (l !== k) return l;
    const m = t(`member.${f === 'unit_code' ? 'unit_code' : f}`);
    return m.startsWith('member.') ? f : m;
  }

  // ---- 3. run (or the dry-run check, shown inside the preview) ----
  async function step3(dryRun, checkBox, buttons) {
    const ticket = ticketId();
    const bar = h('div', { class: 'progress-fill' });
    const progress = h('div', {
      class: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
      'aria-label': t('import.progress'), 'data-testid': 'import-progress',
    }, bar);
    const label = h('p', { class: 'progress-label', 'data-testid': 'import-progress-label' }, t('import.uploading', { pct: 0 }));
    const setPct = (v, text) => {
      const n = Math.max(0, Math.min(100, Math.round(v)));
      bar.style.width = `${n}%`;
      progress.setAttribute('aria-valuenow', String(n));
      label.textContent = text;
    };
    if (dryRun) {
      buttons.forEach((b) => { b.disabled = true; });
      mount(checkBox, h('div', { class: 'card-inset' }, progress, label));
    } else {
      setStep(3);
      mount(body, h('section', { class: 'card', 'data-testid': 'import-running' },
        h('h2', { class: 'card-title' }, t('import.running', { name: state.file.name })), progress, label,
        h('p', { class: 'muted' }, t('import.running_hint'))));
    }
    let uploaded = false;
    let stop = false;
    // While the server works, ask how many rows it has read.
    const poll = async () => {
      while (!stop) {
        await new Promise((r) => { setTimeout(r, 400); });
        if (stop || !uploaded) continue;
        try {
          const g = await get('/imports/progress', { ticket });
          if (stop) break;
          if (g.rows_estimate > 0) setPct(30 + (70 * g.rows) / g.rows_estimate, t('import.rows_of', { n: formatNumber(g.rows), total: formatNumber(g.rows_estimate) }));
          else setPct(35, tn('import.rows_read', g.rows));
        } catch { /* the answer of the POST will tell */ }
      }
    };
    poll();
    const params = new URLSearchParams({ org: state.org, file_name: state.file.name, ticket });
    if (state.unit) params.set('unit', state.unit.id);
    if (state.skip) params.set('skip_invalid', '1');
    if (dryRun) params.set('dry_run', '1');
    let r;
    try {
      r = await upload(`/imports?${params}`, state.file, (f) => {
        setPct(30 * f, t('import.uploading', { pct: Math.round(100 * f) }));
        if (f >= 1) { uploaded = true; setPct(30, t('import.processing')); }
      });
      uploaded = true;
    } catch (e) {
      stop = true;
      if (!ctx.alive()) return;
      const err = h('div', { class: 'form-banner', role: 'alert', 'data-testid': 'form-error' }, errorText(e));
      if (dryRun) { mount(checkBox, err); buttons.forEach((b) => { b.disabled = false; }); } else mount(body, err, h('button', { type: 'button', class: 'btn', onclick: step1 }, t('import.back')));
      return;
    }
    stop = true;
    if (!ctx.alive()) return;
    setPct(100, t('import.finished'));
    const result = r.data && typeof r.data.rows === 'number' ? r.data : null;
    if (dryRun) {
      buttons.forEach((b) => { b.disabled = false; });
      mount(checkBox, result ? checkSummary(result) : h('div', { class: 'form-banner', role: 'alert', 'data-testid': 'form-error' }, errorText(toError(r))));
      return;
    }
    step4(r, result);
    loadJobs();
  }

  function checkSummary(res) {
    return h('div', { class: 'card-inset', 'data-testid': 'import-check-result' },
      h('p', null, h('strong', null, t('import.check_title')), ' ',
        t('import.check_text', { rows: formatNumber(res.rows), valid: formatNumber(res.valid), rejected: formatNumber(res.rejected), pct: pct(res.quality_pct) })),
      res.errors && res.errors.length ? rejectsTable(res) : null);
  }

  // ---- 4. result ----
  function step4(r, res) {
    setStep(4);
    const ok = r.status === 200 || r.status === 201;
    const err = !ok ? toError(r) : null;
    const committed = res && res.committed;
    const head = ok
      ? h('div', { class: 'notice notice-ok', role: 'status', 'data-testid': 'import-done' }, t('import.done', { name: state.file.name }))
      : h('div', { class: 'form-banner', role: 'alert', 'data-testid': 'import-failed' },
        res && res.rejected ? t('import.refused_all', { n: formatNumber(res.rejected) }) : errorText(err),
        err && err.message && res && res.rejected ? h('div', { class: 'muted' }, err.message) : null);
    const parts = [head];
    if (res) {
      const count = (key, value, kind) => h('div', { class: `stat${kind ? ` stat-${kind}` : ''}`, 'data-testid': `import-count-${key}`, 'data-value': String(value) },
        h('span', { class: 'stat-value' }, formatNumber(value)), h('span', { class: 'stat-label' }, t(`import.count_${key}`)));
      parts.push(h('div', { class: 'stats-row', 'data-testid': 'import-counts' },
        count('rows', res.rows),
        count('valid', res.valid, 'ok'),
        count('rejected', res.rejected, res.rejected ? 'warn' : null),
        count('inserted', committed ? res.inserted : 0),
        count('updated', committed ? res.updated : 0),
        count('unchanged', committed ? res.unchanged : 0),
        h('div', { class: 'stat stat-quality', 'data-testid': 'import-quality', 'data-value': String(res.quality_pct) },
          h('span', { class: 'stat-value' }, pct(res.quality_pct)), h('span', { class: 'stat-label' }, t('import.quality')))));
      if (!committed) parts.push(h('p', { class: 'muted', 'data-testid': 'import-not-committed' }, t('import.nothing_written')));
      if (res.errors && res.errors.length) parts.push(rejectsTable(res));
    }
    parts.push(h('div', { class: 'form-actions' },
      h('a', { class: 'btn', href: href('/members', { org: state.org, unit: state.unit ? state.unit.id : '' }), 'data-testid': 'import-to-members' }, t('import.see_members')),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'import-again', onclick: () => { state.file = null; step1(); } }, t('import.again'))));
    mount(body, h('section', { class: 'card', 'data-testid': 'import-result' }, h('h2', { class: 'card-title' }, t('import.result')), parts));
  }

  function rejectsTable(res) {
    const more = res.rejected > res.errors.length ? h('p', { class: 'muted' }, t('import.rejects_more', { shown: formatNumber(res.errors.length), total: formatNumber(res.rejected) })) : null;
    const dl = h('button', {
      type: 'button', class: 'btn btn-small', 'data-testid': 'import-rejects-download',
      onclick: () => {
        const esc = (v) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
        const safe = (v) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
        const lines = [[t('import.line'), t('import.reasons')], ...res.errors.map((e) => [String(e.line), e.message])];
        const text = `\ufeff${lines.map((l) => l.map((c) => esc(safe(String(c)))).join(',')).join('\r\n')}\r\n`;
        saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), `${state.file ? state.file.name.replace(/\.[^.]+$/, '') : 'import'}-rejects.csv`);
      },
    }, t('import.rejects_download'));
    return h('div', { class: 'rejects' },
      h('div', { class: 'card-head' }, h('h3', { class: 'sub-title' }, t('import.rejects')), dl),
      h('div', { class: 'table-wrap table-scroll' }, h('table', { class: 'table table-compact', 'data-testid': 'import-rejects' },
        h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('import.line')), h('th', { scope: 'col' }, t('import.reasons')))),
        h('tbody', null, res.errors.map((e) => h('tr', { 'data-testid': 'import-reject', 'data-line': e.line },
          h('td', { class: 'num' }, String(e.line)),
          h('td', null, h('ul', { class: 'reason-list' }, String(e.message).split('; ').map((m) => h('li', null, m))))))))),
      more);
  }

  async function loadJobs() {
    mount(jobsBox, loading());
    try {
      const r = await get('/imports', { limit: 10 });
      if (!ctx.alive()) return;
      const items = r.items || [];
      if (!items.length) { mount(jobsBox, empty(t('import.no_jobs'))); return; }
      mount(jobsBox, h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'import-jobs' },
        h('thead', null, h('tr', null, ['import.started', 'import.file', 'member.org', 'import.status', 'import.count_rows', 'import.count_inserted', 'import.count_rejected', 'import.quality', 'import.actor']
          .map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', null, items.map((j) => h('tr', { 'data-testid': 'import-job', 'data-id': j.id },
          h('td', { class: 'nowrap' }, fmtInstant(j.started_at)),
          h('td', null, j.file),
          h('td', null, orgName(j.org)),
          h('td', null, badge(t(`import.job_${j.status}`) !== `import.job_${j.status}` ? t(`import.job_${j.status}`) : j.status, j.status === 'done' ? 'ok' : j.status === 'failed' ? 'warn' : 'neutral')),
          h('td', { class: 'num' }, formatNumber(j.rows)),
          h('td', { class: 'num' }, formatNumber(j.status === 'done' ? j.inserted : 0)),
          h('td', { class: 'num' }, formatNumber(j.rejected)),
          h('td', { class: 'num' }, pct(j.quality_pct)),
          h('td', null, j.actor)))))));
    } catch (e) {
      if (ctx.alive()) mount(jobsBox, errorPanel(e, 'page'));
    }
  }

  function formatBytes(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${formatNumber(Math.round(n / 102.4) / 10)} KB`;
    return `${formatNumber(Math.round(n / 104857.6) / 10)} MB`;
  }
}
