// Hash routing: "#/units/12?as_of=2025-06-30" → {path: "/units/12", params: {id: "12"}, query}.
const routes = [];

export function route(pattern, page) {
  const names = [];
  const re = new RegExp(`^${pattern.replace(/:(\w+)/g, (m, n) => { names.push(n); return '([^/]+)'; })}/?$`);
  routes.push({ re, names, page });
}

export function parseHash(hash = location.hash) {
  const raw = hash.replace(/^#/, '') || '/';
  const qi = raw.indexOf('?');
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const query = new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1));
  return { path: path.startsWith('/') ? path : `/${path}`, query };
}

export function match(hash) {
  const { path, query } = parseHash(hash);
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      return { page: r.page, params, query, path };
    }
  }
  return { page: null, params: {}, query, path };
}

// Builds "#/path?k=v" skipping empty values.
export function href(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== null && v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(hashHref) {
  if (location.hash === hashHref) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hashHref;
}

// Changes the address without rendering again (the page already shows the new state).
export function replaceQuiet(hashHref) {
  history.replaceState(null, '', hashHref);
}
