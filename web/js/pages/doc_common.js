// Documents (issue 4): what the document pages share — roles, status and mark badges, the
// catalogues (types, issuers), file upload and download, user and document pickers, a document table.
import { h, clear, debounce, uid } from '../dom.js';
import { get, query, ApiError } from '../api.js';
import { t, getLang } from '../i18n.js';
import { session } from '../session.js';
import { href } from '../router.js';
import { fmtDate } from '../format.js';
import { badge, code } from '../ui.js';

export const STATUSES = ['draft', 'review', 'returned', 'approved', 'signing', 'signed', 'issued', 'received'];
export const SECRECY = ['', 'mat', 'toi_mat', 'tuyet_mat'];
export const URGENCY = ['', 'khan', 'thuong_khan', 'hoa_toc'];
export const DOC_ORGS = ['party', 'state', 'front', 'youth', 'women', 'farmers', 'veterans', 'labour', 'other'];
// The largest file the documents API takes (docs/api.md: 50 MiB, else 413).
export const MAX_UPLOAD = 50 * 1024 * 1024;

const role = () => session.user?.role;
export const canWriteDocs = () => ['clerk', 'manager', 'signer', 'admin'].includes(role());
export const canConfigDocs = () => ['manager', 'admin'].includes(role());
export const isAdmin = () => role() === 'admin';

export const orgName = (o) => (o ? t(`dorg.${o}`) : '');

const STATUS_KIND = {
  draft: 'neutral', review: 'kind', returned: 'warn', approved: 'kind', signing: 'kind', signed: 'ok', issued: 'ok', received: 'ok',
};

export function statusBadge(status, attrs = {}) {
  return badge(t(`dstatus.${status}`), STATUS_KIND[status] || 'neutral',
    { 'data-testid': 'doc-status', 'data-status': status, ...attrs });
}

// Secrecy and urgency marks, red as they are stamped on paper.
export function marks(d) {
  return [
    d.secrecy ? badge(t(`secrecy.${d.secrecy}`), 'danger', { 'data-testid': 'doc-secrecy', 'data-mark': d.secrecy }) : null,
    d.urgency ? badge(t(`urgency.${d.urgency}`), 'danger', { 'data-testid': 'doc-urgency', 'data-mark': d.urgency }) : null,
  ];
}

// A list Doc has "type" as a code; one Doc has it as an object.
export const typeCode = (ty) => (ty && typeof ty === 'object' ? ty.code : ty || '');
export function typeName(ty) {
  if (!ty) return '';
  if (typeof ty !== 'object') return ty;
  return (getLang() === 'en' ? ty.name_en : ty.name_vi) || ty.name_vi || ty.code;
}

// What to call a document: its symbol, or for a draft its register and "draft".
export function docLabel(d) {
  if (d.symbol) return d.symbol;
  return t('doc.unnumbered', { type: typeCode(d.type) });
}

export const docHref = (d) => href(`/documents/${d.id ?? d}`);

export function docLink(d, attrs = {}) {
  return h('a', { href: docHref(d), class: 'link-name', 'data-testid': 'doc-link', 'data-id': d.id, ...attrs }, d.subject || docLabel(d));
}

export function issuerText(d) {
  if (d.issuer && d.issuer.name) return d.issuer.name;
  return d.issuer_name || '';
}

export const unitText = (u) => (u ? [u.name || u.code, ' ', code(u.code)] : '—');
export const personName = (p) => (p ? p.name || p.login || String(p.user_id) : '—');

// A table of Doc (lists, inbox, overdue).  opts.extra(d) adds a last cell.
export function docTable(items, { testid = 'doc-table', extra, extraHead } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', { class: 'table doc-table', 'data-testid': testid },
    h('thead', null, h('tr', null,
      ['doc.symbol', 'doc.date', 'doc.subject', 'doc.issuer', 'doc.status'].map((k) => h('th', { scope: 'col' }, t(k))),
      extra ? h('th', { scope: 'col' }, extraHead || '') : null)),
    h('tbody', null, items.map((d) => h('tr', { 'data-testid': 'doc-row', 'data-id': d.id, 'data-status': d.status },
      h('td', { class: 'nowrap' },
        d.symbol ? h('span', { class: 'doc-symbol', 'data-testid': 'doc-symbol' }, d.symbol) : h('span', { class: 'muted' }, docLabel(d)),
        d.direction === 'in' && d.incoming_number !== null && d.incoming_number !== undefined
          ? h('span', { class: 'cell-sub' }, t('doc.incoming_no', { n: d.incoming_number })) : null),
      h('td', { class: 'nowrap' }, fmtDate(d.date) || h('span', { class: 'muted' }, '—'),
        d.reply_due ? h('span', { class: 'cell-sub' }, t('doc.due_short', { date: fmtDate(d.reply_due) })) : null),
      h('td', null, docLink(d), h('span', { class: 'cell-sub' }, typeName(d.type), d.direction === 'in' ? ` · ${t('doc.dir_in')}` : '')),
      h('td', null, issuerText(d) || h('span', { class: 'muted' }, '—')),
      h('td', null, h('div', { class: 'doc-badges' }, statusBadge(d.status), marks(d))),
      extra ? h('td', { class: 'cell-action' }, extra(d)) : null)))));
}

// ---- catalogues ----
const cache = { types: new Map(), issuers: null, users: undefined, signers: undefined };

export async function loadTypes(org) {
  const k = org || '';
  if (!cache.types.has(k)) cache.types.set(k, get('/documents/types', { org: org || undefined }).catch((e) => { cache.types.delete(k); throw e; }));
  const r = await cache.types.get(k);
  return Array.isArray(r) ? r : (r && r.items) || [];
}

export async function loadIssuers(force) {
  if (force || !cache.issuers) cache.issuers = get('/documents/issuers').catch((e) => { cache.issuers = null; throw e; });
  const r = await cache.issuers;
  return Array.isArray(r) ? r : (r && r.items) || [];
}

export function forgetCatalogues() { cache.types.clear(); cache.issuers = null; }

// Users who may sign, in units the caller can see (GET /documents/signers: any role that reads).
export async function loadSigners() {
  if (cache.signers === undefined) {
    cache.signers = get('/documents/signers', { limit: 500 }).then((r) => r.items || []).catch((e) => {
      cache.signers = undefined;
      throw e;
    });
  }
  return cache.signers;
}

// Users an admin can list (GET /users); null when the caller may not list users.
export async function loadUsers() {
  if (cache.users === undefined) {
    cache.users = get('/users', { limit: 500 }).then((r) => r.items || []).catch((e) => {
      if (e.status === 403) return null;
      cache.users = undefined;
      throw e;
    });
  }
  return cache.users;
}

export function typeOptionLabel(ty) {
  const name = (getLang() === 'en' ? ty.name_en : ty.name_vi) || ty.name_vi || ty.code;
  return `${ty.code} — ${name}`;
}

// ---- files ----
async function csrfToken() {
  const s = await get('/session');
  return s.csrf_token;
}

// POST the bytes of a File as the body (not JSON) → the parsed JSON answer.
export async function uploadFile(path, params, file) {
  const token = await csrfToken();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  let res;
  try {
    res = await fetch(`/api/v1${path}?${q}`, {
      method: 'POST', credentials: 'same-origin', body: file,
      headers: { Accept: 'application/json', 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': token },
    });
  } catch (e) {
    throw new ApiError(0, 'network', '', e.message);
  }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText);
  }
  return data;
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name || 'file', hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// GET a file reply (…/download: the bytes with Content-Type and Content-Disposition) and hand it to
// the browser as a download named as the server says (fallbackName otherwise).
export async function downloadFile(path, params, fallbackName) {
  const res = await fetch(`/api/v1${path}${query(params)}`, {
    credentials: 'same-origin', headers: { 'Accept-Language': getLang() },
  }).catch((e) => { throw new ApiError(0, 'network', '', e.message); });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText);
  }
  const m = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  saveBlob(await res.blob(), m ? m[1] : fallbackName);
}

// A File → its bytes as base64 (no "data:" prefix), and whether they start like a PNG.
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => {
      const s = String(fr.result || '');
      resolve(s.slice(s.indexOf(',') + 1));
    };
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(file);
  });
}

export async function isPng(file) {
  const b = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  return [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((x, i) => b[i] === x);
}

export async function isPdf(file) {
  const b = new Uint8Array(await file.slice(0, 1024).arrayBuffer());
  const s = String.fromCharCode(...b);
  return s.includes('%PDF-');
}

export function fmtSize(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return t('file.bytes', { n });
  if (n < 1024 * 1024) return t('file.kb', { n: (n / 1024).toFixed(1) });
  return t('file.mb', { n: (n / 1024 / 1024).toFixed(1) });
}

// ---- pickers ----

// Choose users (signers, a reviewer).  signers: the list is GET /documents/signers (those who may
// sign, for every writer); otherwise GET /users (admins) filtered by role, or the user's numeric id
// is typed.  → {el, value() → [{user_id, title, name}] | id|null, set()}
export function userChooser({ roles, multiple = false, titles = false, testid, signers: signerList = false }) {
  let users = null;
  let chosen = [];
  const listBox = h('ol', { class: 'signer-list', 'data-testid': testid ? `${testid}-list` : null });
  const sel = h('select', { class: 'input', 'data-testid': testid || null, 'aria-label': t(multiple ? 'route.add_signer' : 'route.reviewer') });
  const idIn = h('input', { class: 'input input-id', type: 'number', min: '1', step: '1', hidden: true, 'data-testid': testid ? `${testid}-id` : null, placeholder: t('route.user_id') });
  const title = titles ? h('input', { class: 'input', maxlength: '200', placeholder: t('route.title_ph'), 'data-testid': testid ? `${testid}-title` : null, 'aria-label': t('route.title') }) : null;
  const add = multiple ? h('button', { type: 'button', class: 'btn', 'data-testid': testid ? `${testid}-add` : null, onclick: addOne }, t('route.add')) : null;
  const hint = h('div', { class: 'field-hint', hidden: true }, t('route.no_user_list'));
  const el = h('div', { class: 'user-chooser' },
    multiple ? listBox : null,
    h('div', { class: multiple ? 'chooser-row' : '' }, sel, idIn, title, add),
    hint);

  function nameOf(id) {
    const u = (users || []).find((x) => x.id === id);
    return u ? `${u.display_name || u.login} (${u.login})` : t('route.user_n', { id });
  }

  function draw() {
    clear(listBox);
    chosen.forEach((c, i) => {
      listBox.append(h('li', { class: 'signer-item', 'data-testid': 'chosen-signer', 'data-user-id': c.user_id },
        h('span', { class: 'signer-name' }, c.name || nameOf(c.user_id)),
        c.title ? h('span', { class: 'muted' }, ` · ${c.title}`) : null,
        h('span', { class: 'signer-tools' },
          h('button', { type: 'button', class: 'btn btn-small btn-ghost', disabled: i === 0, 'aria-label': t('route.up'), title: t('route.up'), onclick: () => { [chosen[i - 1], chosen[i]] = [chosen[i], chosen[i - 1]]; draw(); } }, '↑'),
          h('button', { type: 'button', class: 'btn btn-small btn-ghost', disabled: i === chosen.length - 1, 'aria-label': t('route.down'), title: t('route.down'), onclick: () => { [chosen[i + 1], chosen[i]] = [chosen[i], chosen[i + 1]]; draw(); } }, '↓'),
          h('button', { type: 'button', class: 'chip-x', 'aria-label': t('route.remove'), title: t('route.remove'), onclick: () => { chosen.splice(i, 1); draw(); } }, '×'))));
    });
  }

  function current() {
    if (users) return sel.value ? Number(sel.value) : null;
    return /^\d+$/.test(idIn.value.trim()) ? Number(idIn.value.trim()) : null;
  }

  function addOne() {
    const id = current();
    if (!id || chosen.some((c) => c.user_id === id)) return;
    chosen.push({ user_id: id, title: title ? title.value.trim() : '', name: nameOf(id) });
    if (title) title.value = '';
    if (users) sel.value = ''; else idIn.value = '';
    draw();
  }

  let pendingSingle = null;
  (signerList ? loadSigners() : loadUsers()).then((list) => {
    if (list === null) {
      sel.hidden = true;
      idIn.hidden = false;
      hint.hidden = false;
      return;
    }
    users = signerList ? list : list.filter((u) => !u.disabled && (!roles || roles.includes(u.role)));
    sel.append(h('option', { value: '' }, multiple ? t('route.choose_signer') : t('route.no_reviewer')),
      ...users.map((u) => h('option', { value: String(u.id), 'data-login': u.login },
        `${u.display_name || u.login} (${u.login}) · ${u.unit_code || ''}${u.certificate === false ? ` · ${t('route.no_certificate')}` : ''}`)));
    if (!multiple && pendingSingle) sel.value = String(pendingSingle);
    draw();
  }).catch(() => { sel.hidden = true; idIn.hidden = false; hint.hidden = false; });

  return {
    el,
    value() {
      if (multiple) return chosen.map((c) => ({ user_id: c.user_id, title: c.title }));
      return current();
    },
    set(v) {
      if (multiple) {
        chosen = (v || []).map((s) => ({ user_id: s.user_id, title: s.title || '', name: s.name ? `${s.name} (${s.login})` : '' }));
        draw();
      } else {
        pendingSingle = v || null;
        if (users) sel.value = v ? String(v) : '';
        idIn.value = v ? String(v) : '';
      }
    },
  };
}

// Search documents (GET /documents?q=) and pick several, each with a link kind.
export function linkChooser({ testid = 'doc-links' } = {}) {
  let chosen = [];
  let seq = 0;
  const listId = uid('doc-picker');
  const kinds = ['answers', 'implements', 'replaces'];
  const kind = h('select', { class: 'input input-kind', 'data-testid': `${testid}-kind`, 'aria-label': t('link.kind') },
    kinds.map((k) => h('option', { value: k }, t(`link.${k}`))));
  const input = h('input', { class: 'input picker-input', type: 'search', autocomplete: 'off', placeholder: t('link.search_ph'), 'data-testid': testid, 'aria-controls': listId });
  const list = h('ul', { class: 'picker-list', id: listId, role: 'listbox', hidden: true });
  const chips = h('div', { class: 'picker-chips', 'data-testid': `${testid}-selected` });
  const el = h('div', { class: 'picker' }, chips, h('div', { class: 'chooser-row' }, kind, h('div', { class: 'picker-box' }, input, list)));

  function draw() {
    clear(chips);
    chosen.forEach((c, i) => chips.append(h('span', { class: 'chip', 'data-id': c.doc.id },
      h('span', { class: 'chip-name' }, `${t(`link.${c.kind}`)}: ${c.doc.symbol || c.doc.subject}`),
      h('button', { type: 'button', class: 'chip-x', 'aria-label': t('route.remove'), onclick: () => { chosen.splice(i, 1); draw(); } }, '×'))));
  }

  const search = debounce(async () => {
    const q = input.value.trim();
    const my = ++seq;
    if (!q) { list.hidden = true; return; }
    clear(list);
    list.hidden = false;
    list.append(h('li', { class: 'picker-state' }, t('common.loading')));
    try {
      const r = await get('/documents', { q, limit: 10 });
      if (my !== seq) return;
      clear(list);
      const items = r.items || [];
      if (!items.length) list.append(h('li', { class: 'picker-state' }, t('docs.none')));
      items.forEach((d) => list.append(h('li', {
        class: 'picker-option', role: 'option', 'data-testid': 'doc-option', 'data-id': d.id,
        onmousedown: (e) => {
          e.preventDefault();
          if (!chosen.some((c) => c.doc.id === d.id)) chosen.push({ kind: kind.value, doc: d });
          input.value = '';
          list.hidden = true;
          draw();
        },
      }, h('span', { class: 'opt-name' }, d.subject), h('span', { class: 'opt-meta' }, `${d.symbol || docLabel(d)} · ${fmtDate(d.date)}`))));
    } catch (e) {
      if (my !== seq) return;
      clear(list);
      list.append(h('li', { class: 'picker-state' }, e.message || t('error.generic')));
    }
  }, 250);
  input.addEventListener('input', search);
  input.addEventListener('blur', () => setTimeout(() => { list.hidden = true; }, 150));

  return {
    el,
    value: () => chosen.map((c) => ({ kind: c.kind, to: c.doc.id })),
    set(links) { chosen = (links || []).map((l) => ({ kind: l.kind, doc: l.doc })); draw(); },
  };
}
