// Admin pages: add a user through the form; read the audit log and open an entry.
import { withPage, login, env, tid, assert } from './lib.mjs';

async function pick(page, testid, code) {
  await page.locator(tid(testid)).fill(code);
  await page.locator(`${tid('picker-option')}[data-code="${code}"]`).first().click();
}

export default [
  {
    name: 'admin adds a user',
    fn: () => withPage('users', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/users`);
      await page.locator(tid('users-table')).waitFor();
      // Client-side checks first: nothing is sent with a short password.
      await page.locator(tid('user-login')).fill('e2e');
      await page.locator(tid('user-password')).fill('short');
      await page.locator(tid('user-submit')).click();
      await page.locator(`${tid('error-password')}:not(:empty)`).waitFor();
      const loginName = `e2e.${Date.now().toString(36)}`;
      await page.locator(tid('user-login')).fill(loginName);
      await page.locator(tid('user-display-name')).fill('Nguyễn Thị Kiểm Thử');
      await page.locator(tid('user-password')).fill('e2e-password-123');
      await page.locator(tid('user-role')).selectOption('clerk');
      await pick(page, 'new-user-unit', 'VN-01');
      await page.locator(tid('user-submit')).click();
      await page.locator(`tr[data-login="${loginName}"]`).waitFor();
      // The same login again: the API's 409 is shown next to the login field.
      await page.locator(tid('user-login')).fill(loginName);
      await page.locator(tid('user-display-name')).fill('Trùng');
      await page.locator(tid('user-password')).fill('e2e-password-123');
      await pick(page, 'new-user-unit', 'VN-01');
      await page.locator(tid('user-submit')).click();
      await page.locator(`${tid('error-login')}:not(:empty)`).waitFor();
    }),
  },
  {
    name: 'audit log lists entries and shows one in full',
    fn: () => withPage('audit', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/audit`);
      await page.locator(tid('audit-table')).waitFor();
      await page.locator(tid('audit-expand')).first().click();
      const hash = (await page.locator(tid('audit-hash')).first().textContent()).trim();
      assert(/^[0-9a-f]{64}$/.test(hash), `hash is "${hash}"`);
      await page.locator(tid('audit-action')).fill('session.login');
      await page.locator(tid('audit-apply')).click();
      await page.waitForFunction(() => {
        const cells = [...document.querySelectorAll('[data-testid="audit-table"] .audit-entry td:nth-child(3)')];
        return cells.length > 0 && cells.every((c) => c.textContent.trim() === 'session.login');
      });
    }),
  },
];
