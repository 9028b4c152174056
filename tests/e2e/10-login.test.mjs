// Logging in: the header shows the user's name; a wrong password shows an error.
import { withPage, login, api, env, tid, assert } from './lib.mjs';

export default [
  {
    name: 'login shows the user name',
    fn: () => withPage('login', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const s = await api(page, 'GET', '/session');
      assert(s.status === 200, `GET /session → ${s.status}`);
      const shown = (await page.locator(tid('user-name')).textContent()).trim();
      const expected = s.data.user.display_name || s.data.user.login;
      assert(shown === expected, `header shows "${shown}", expected "${expected}"`);
      assert(await page.locator(tid('logout')).isVisible(), 'no log-out button');
    }),
  },
  {
    name: 'wrong password is refused with a message',
    fn: () => withPage('login-wrong', async (page) => {
      // A login that does not exist, so the admin's failure counter is not touched.
      await page.goto(`${env.url}/#/`);
      await page.locator(tid('login')).fill(`nobody-${Date.now().toString(36)}`);
      await page.locator(tid('password')).fill('not-the-password');
      await page.locator(tid('login-submit')).click();
      const msg = page.locator(`${tid('login-error')}:visible`);
      await msg.waitFor();
      const text = (await msg.textContent()).trim();
      assert(text.length > 0, 'empty error message');
      assert(await page.locator(tid('user-name')).count() === 0, 'logged in with a wrong password');
    }),
  },
  {
    name: 'log out returns to the login form',
    fn: () => withPage('logout', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.locator(tid('logout')).click();
      await page.locator(tid('login-submit')).waitFor();
      const s = await api(page, 'GET', '/session');
      assert(s.status === 401, `GET /session after log out → ${s.status}, expected 401`);
    }),
  },
];
