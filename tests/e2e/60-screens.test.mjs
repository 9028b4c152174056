// Screenshots of the tree page and a unit page (for the README), and a narrow window.
import { withPage, login, api, env, tid, assert, screenshot, treeLoaded } from './lib.mjs';

export default [
  {
    name: 'screenshots of the tree and unit pages',
    fn: () => withPage('screens', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/?as_of=2025-07-01`);
      await treeLoaded(page, '2025-07-01');
      const node = page.locator(`${tid('org-tree')} [data-testid="unit-node"][data-code="VN-01"]`).first();
      await node.locator(':scope > .node-row [data-testid="node-toggle"]').click();
      await node.locator(':scope > ul > li[data-testid="unit-node"]').first().waitFor();
      await screenshot(page, 'tree.png');

      const r = await api(page, 'GET', '/units?q=VN-N08&as_of=2025-07-01');
      const u = (r.data.items || []).find((x) => x.code === 'VN-N08');
      assert(u, 'VN-N08 not found');
      await page.goto(`${env.url}/#/units/${u.id}?as_of=2025-07-01`);
      await page.locator(tid('timeline')).waitFor();
      await page.locator(tid('predecessors')).waitFor();
      await page.locator(`${tid('org-tree')}[aria-busy="false"]`).waitFor();
      await screenshot(page, 'unit.png', { fullPage: true });
    }),
  },
  {
    name: 'narrow window keeps the page usable',
    fn: () => withPage('narrow', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/?as_of=2025-07-01`);
      await treeLoaded(page, '2025-07-01');
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 1, `page is ${overflow}px wider than the window`);
      await page.locator('.menu-btn').click();
      await page.locator(tid('nav-tree')).waitFor({ state: 'visible' });
      await screenshot(page, 'tree-narrow.png');
    }, { viewport: { width: 400, height: 800 } }),
  },
];
