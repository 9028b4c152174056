// The application frame: top bar (user, unit, language, log out) and left navigation.
import { h } from './dom.js';
import { t, getLang, setLang, languages } from './i18n.js';
import { session, canReorg, canManageUsers, canReadAudit } from './session.js';

export function langSwitch() {
  return h('div', { class: 'lang-switch', role: 'group', 'aria-label': t('header.language') },
    languages().map((l) => h('button', {
      type: 'button', class: `lang-btn${l === getLang() ? ' active' : ''}`, 'data-testid': `lang-${l}`,
      'aria-pressed': l === getLang() ? 'true' : 'false', lang: l, title: t(`lang.${l}`),
      onclick: () => setLang(l),
    }, l.toUpperCase())));
}

function navLink(hash, label, icon, current, testid) {
  const active = current === hash || (hash !== '#/' && current.startsWith(hash));
  return h('li', null, h('a', {
    href: hash, class: `nav-link${active ? ' active' : ''}`, 'aria-current': active ? 'page' : null, 'data-testid': testid,
  }, h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, icon), h('span', null, label)));
}

// Returns {root, main}: put the page into main.
export function shell({ path, onLogout }) {
  const u = session.user;
  const cur = `#${path}`;
  const treeActive = path === '/' || path.startsWith('/units');
  const nav = h('nav', { class: 'sidebar', id: 'sidebar', 'aria-label': t('nav.label') },
    h('ul', { class: 'nav-list' },
      h('li', null, h('a', {
        href: '#/', class: `nav-link${treeActive ? ' active' : ''}`, 'aria-current': treeActive ? 'page' : null, 'data-testid': 'nav-tree',
      }, h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, '⌂'), h('span', null, t('nav.tree')))),
      // Members (issue 3): a person's and a membership's pages belong to the member list.
      navLink('#/members', t('nav.members'), '☷', /^#\/(people|memberships)\//.test(cur) ? '#/members' : cur, 'nav-members'),
      ['clerk', 'manager', 'admin'].includes(u.role) ? navLink('#/import', t('nav.import'), '⇪', cur, 'nav-import') : null,
      navLink('#/quality', t('nav.quality'), '✓', cur, 'nav-quality'),
      navLink('#/stats', t('nav.stats'), '▥', cur, 'nav-stats'),
      // Documents (issue 4).
      navLink('#/inbox', t('nav.inbox'), '✉', cur, 'nav-inbox'),
      navLink('#/documents', t('nav.documents'), '❏', cur, 'nav-documents'),
      navLink('#/registers', t('nav.registers'), '▦', cur, 'nav-registers'),
      ['manager', 'admin'].includes(u.role) ? navLink('#/doc-config', t('nav.doc_config'), '⚙', cur, 'nav-doc-config') : null,
      canReorg() ? navLink('#/reorg', t('nav.reorg'), '⇄', cur, 'nav-reorg') : null,
      canManageUsers() ? navLink('#/users', t('nav.users'), '☺', cur, 'nav-users') : null,
      canReadAudit() ? navLink('#/audit', t('nav.audit'), '☰', cur, 'nav-audit') : null),
    h('div', { class: 'sidebar-user' },
      h('strong', null, u.display_name || u.login), h('span', null, `${u.unit_name || u.unit_code || ''} · ${t(`role.${u.role}`)}`)),
    h('div', { class: 'sidebar-foot' }, t('app.footer')));

  const menuBtn = h('button', {
    type: 'button', class: 'menu-btn', 'aria-controls': 'sidebar', 'aria-expanded': 'false', 'aria-label': t('nav.menu'),
    onclick: () => {
      const open = !root.classList.contains('nav-open');
      root.classList.toggle('nav-open', open);
      menuBtn.setAttribute('aria-expanded', String(open));
    },
  }, '☰');

  const header = h('header', { class: 'topbar' },
    menuBtn,
    h('a', { class: 'brand', href: '#/' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'c'),
      h('span', { class: 'brand-text' }, h('span', { class: 'brand-name' }, 'cadre'), h('span', { class: 'brand-tag' }, t('app.tagline')))),
    h('div', { class: 'topbar-spacer' }),
    h('div', { class: 'user-box' },
      h('span', { class: 'user-name', 'data-testid': 'user-name' }, u.display_name || u.login),
      h('span', { class: 'user-unit', 'data-testid': 'user-unit' }, `${u.unit_name || u.unit_code || ''} · ${t(`role.${u.role}`)}`)),
    langSwitch(),
    h('button', { type: 'button', class: 'btn btn-ghost logout', 'data-testid': 'logout', onclick: onLogout }, t('header.logout')));

  const main = h('main', { class: 'content', id: 'main', tabindex: '-1' });
  const root = h('div', { class: 'app-shell' }, header, nav,
    h('div', { class: 'scrim', onclick: () => { root.classList.remove('nav-open'); menuBtn.setAttribute('aria-expanded', 'false'); } }),
    main);
  return { root, main };
}
