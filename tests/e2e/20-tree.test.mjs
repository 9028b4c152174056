// The organization tree as of the dates around the 2025 merger of provinces, and the search.
import { withPage, login, env, tid, assert, treeLoaded } from './lib.mjs';

async function setDate(page, date) {
  await page.locator(tid('as-of')).fill(date);
  await treeLoaded(page, date);
}

// Province-level children of the root VN node, by code: VN-02, VN-N08, …
async function provinceCodes(page) {
  const root = page.locator(`${tid('org-tree')} [data-testid="unit-node"][data-code="VN"]`).first();
  await root.waitFor();
  const codes = await root.locator(':scope > ul > li[data-testid="unit-node"]').evaluateAll((els) => els.map((e) => e.dataset.code));
  return codes.filter((c) => /^VN-N?\d{2}$/.test(c));
}

async function nodeName(page, code) {
  const n = page.locator(`${tid('org-tree')} [data-testid="unit-node"][data-code="${code}"] > .node-row .node-name`);
  return (await n.count()) ? (await n.first().textContent()).trim() : null;
}

export default [
  {
    name: 'tree as of 2025-06-30 has 63 provinces',
    fn: () => withPage('tree-0630', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/`);
      await setDate(page, '2025-06-30');
      const codes = await provinceCodes(page);
      assert(codes.length === 63, `${codes.length} provinces as of 2025-06-30, expected 63`);
      assert(await nodeName(page, 'VN-02') === 'Tỉnh Hà Giang', `VN-02 is "${await nodeName(page, 'VN-02')}"`);
      assert(!codes.some((c) => c.startsWith('VN-N')), 'a 2025 province appears before 2025-07-01');
    }),
  },
  {
    name: 'tree as of 2025-07-01 has 34 provinces',
    fn: () => withPage('tree-0701', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/?as_of=2025-06-30`);
      await treeLoaded(page, '2025-06-30');
      await setDate(page, '2025-07-01');
      const codes = await provinceCodes(page);
      assert(codes.length === 34, `${codes.length} provinces as of 2025-07-01, expected 34`);
      assert(await nodeName(page, 'VN-N08') === 'Tỉnh Tuyên Quang', `VN-N08 is "${await nodeName(page, 'VN-N08')}"`);
      assert(!codes.includes('VN-02'), 'VN-02 still appears as of 2025-07-01');
      // Expanding a node loads its children.
      const hn = page.locator(`${tid('org-tree')} [data-testid="unit-node"][data-code="VN-01"]`).first();
      await hn.locator(':scope > .node-row [data-testid="node-toggle"]').click();
      await hn.locator(':scope > ul > li[data-testid="unit-node"]').first().waitFor();
      assert(await hn.getAttribute('aria-expanded') === 'true', 'VN-01 not expanded');
    }),
  },
  {
    name: 'search "dak lak" finds Đắk Lắk',
    fn: () => withPage('search', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/`);
      await page.locator(tid('unit-search')).fill('dak lak');
      const hit = page.locator(`${tid('search-result')}`, { hasText: 'Đắk Lắk' }).first();
      await hit.waitFor();
      // The result leads to the unit page.
      await hit.locator('.result-name').click();
      await page.waitForURL(/#\/units\/\d+/);
      const title = await page.locator(tid('unit-name')).textContent();
      assert(/Đắk Lắk/.test(title), `unit page shows "${title}"`);
    }),
  },
];
