// The JSON API client: same-origin cookie, X-CSRF-Token on mutations, errors as ApiError.
const BASE = '/api/v1';
let csrfToken = null;
let unauthorizedHandler = () => {};

export class ApiError extends Error {
  constructor(status, code, field, message) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field || '';
  }
}

export function setCsrf(token) { csrfToken = token || null; }
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

export function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// opts.noRedirect: a 401 is returned to the caller without going to the login page.
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, credentials: 'same-origin', headers };
  if (method !== 'GET' && method !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    if (body !== undefined) init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (e) {
    throw new ApiError(0, 'network', '', e.message);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(res.status, e.code || `http_${res.status}`, e.field, e.message || res.statusText);
    if (res.status === 401 && !opts.noRedirect) unauthorizedHandler(err);
    throw err;
  }
  return data;
}

export const get = (path, params, opts) => request('GET', path + query(params), undefined, opts);
export const post = (path, body, opts) => request('POST', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);
