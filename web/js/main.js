// Boot: translations, session, then one render per address change.
import { h, mount } from './dom.js';
import { initI18n, onLangChange, t } from './i18n.js';
import { onUnauthorized } from './api.js';
import { session, restore, logout } from './session.js';
import { loadKinds } from './kinds.js';
import { route, match } from './router.js';
import { shell } from './layout.js';
import { errorPanel } from './ui.js';
import { renderLogin } from './pages/login.js';
import { renderPasswordChange } from './pages/password.js';
import * as home from './pages/home.js';
import * as unit from './pages/unit.js';
import * as reorg from './pages/reorg.js';
import * as users from './pages/users.js';
import * as audit from './pages/audit.js';

const app = document.getElementById('app');
let generation = 0;

route('/', home);
route('/units/:id', unit);
route('/reorg', reorg);
route('/users', users);
route('/audit', audit);

async function doLogout() {
  await logout();
  location.hash = '#/';
  render();
}

async function render() {
  const gen = ++generation;
  app.className = '';
  if (!session.user) {
    document.title = `${t('login.title')} · cadre`;
    renderLogin(app, () => render());
    return;
  }
  if (session.user.must_change_password) {
    document.title = `${t('password.title')} · cadre`;
    renderPasswordChange(app, { onDone: () => render(), onLogout: doLogout });
    return;
  }
  const m = match(location.hash);
  const { root, main } = shell({ path: m.path, onLogout: doLogout });
  mount(app, root);
  try {
    await loadKinds();
  } catch { /* names fall back to codes */ }
  if (gen !== generation) return;
  const ctx = { params: m.params, query: m.query, alive: () => gen === generation };
  if (!m.page) {
    mount(main, errorPanel({ status: 404 }));
    return;
  }
  document.title = `${t(`title.${m.path.split('/')[1] || 'home'}`)} · cadre`;
  m.page.render(main, ctx);
}

onUnauthorized(() => {
  if (!session.user) return;
  session.user = null;
  render();
});

async function boot() {
  try {
    await initI18n();
  } catch { /* keys are shown as-is */ }
  try {
    await restore();
  } catch (e) {
    mount(app, h('div', { class: 'auth-page' }, errorPanel(e)));
    return;
  }
  window.addEventListener('hashchange', render);
  onLangChange(render);
  render();
}

boot();
