// Vietnamese by default; English on request, remembered after a reload.
import { withPage, login, env, tid, assert } from './lib.mjs';

export default [
  {
    name: 'switch language to English',
    fn: () => withPage('language', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/`);
      const nav = page.locator(tid('nav-tree'));
      assert((await nav.textContent()).includes('Cơ cấu tổ chức'), 'the default language is not Vietnamese');
      await page.locator(tid('lang-en')).click();
      await page.locator(tid('nav-tree'), { hasText: 'Organization' }).waitFor();
      assert((await page.locator(tid('logout')).textContent()).trim() === 'Log out', 'log-out button not in English');
      assert(await page.locator('html').getAttribute('lang') === 'en', 'html lang is not en');
      assert(await page.locator('label[for="as-of"]').textContent() === 'As of', 'date label not in English');
      await page.reload();
      await page.locator(tid('nav-tree'), { hasText: 'Organization' }).waitFor();
      await page.locator(tid('lang-vi')).click();
      await page.locator(tid('nav-tree'), { hasText: 'Cơ cấu tổ chức' }).waitFor();
    }),
  },
];
