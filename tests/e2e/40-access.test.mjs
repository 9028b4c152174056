// A user scoped to one province opening a unit outside it sees "no access", not a blank page.
import { withPage, login, env, tid, assert } from './lib.mjs';

export default [
  {
    name: 'out-of-scope unit shows the forbidden message',
    fn: () => withPage('forbidden', async (page) => {
      assert(env.otherUnitId, 'CADRE_OTHER_UNIT_ID is not set');
      await login(page, env.scopedLogin, env.scopedPassword);
      await page.goto(`${env.url}/#/units/${env.otherUnitId}`);
      const panel = page.locator(tid('forbidden'));
      await panel.waitFor();
      const text = await panel.textContent();
      assert(/không có quyền|do not have access/i.test(text), `forbidden panel says "${text}"`);
      assert(await page.locator(tid('user-name')).isVisible(), 'the frame is gone');
    }),
  },
  {
    name: 'scoped user sees only their own unit tree',
    fn: () => withPage('scoped-tree', async (page) => {
      await login(page, env.scopedLogin, env.scopedPassword);
      await page.goto(`${env.url}/#/`);
      const root = page.locator(`${tid('org-tree')} > ul > li[data-testid="unit-node"]`).first();
      await root.waitFor();
      const code = await root.getAttribute('data-code');
      assert(code && code !== 'VN', `the scoped user's tree starts at "${code}"`);
      assert(await page.locator(tid('nav-users')).count() === 0, 'a viewer sees the users page link');
    }),
  },
];
