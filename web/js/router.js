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

// ---- Members (issue 3): pages loaded on first use, registered here so main.js stays as it is. ----
function lazyPage(load, fn = 'render') {
  return {
    render(main, ctx) {
      load().then((m) => { if (ctx.alive()) m[fn](main, ctx); })
        .catch((e) => { if (ctx.alive()) main.textContent = String(e && e.message ? e.message : e); });
    },
  };
}
const memberForms = () => import('./pages/member_forms.js');
route('/members', lazyPage(() => import('./pages/members.js')));
route('/people/new', lazyPage(memberForms, 'renderPersonNew'));
route('/people/:id/admit', lazyPage(memberForms, 'renderAdmit'));
route('/people/:id', lazyPage(() => import('./pages/person.js')));
route('/memberships/:id/transfer', lazyPage(memberForms, 'renderTransfer'));
route('/memberships/:id/event', lazyPage(memberForms, 'renderEvent'));
route('/import', lazyPage(() => import('./pages/import.js')));
route('/quality', lazyPage(() => import('./pages/quality.js')));
route('/stats', lazyPage(() => import('./pages/stats.js')));

// ---- Documents (issue 4): pages loaded on first use. "/documents/new" before "/documents/:id". ----
function docPage(load) {
  return {
    render(main, ctx) {
      load().then((m) => { if (ctx.alive()) m.render(main, ctx); })
        .catch((e) => { if (ctx.alive()) main.textContent = String(e && e.message ? e.message : e); });
    },
  };
}
route('/inbox', docPage(() => import('./pages/inbox.js')));
route('/documents', docPage(() => import('./pages/documents.js')));
route('/documents/new', docPage(() => import('./pages/document_new.js')));
route('/documents/:id', docPage(() => import('./pages/document.js')));
route('/registers', docPage(() => import('./pages/registers.js')));
route('/doc-config', docPage(() => import('./pages/doc_config.js')));
