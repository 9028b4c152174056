// A merge through the reorganization form: pick two units, preview, confirm, see the lineage.
import { withPage, login, api, env, tid, assert, today, screenshot } from './lib.mjs';

// Two active siblings of the same kind, below province level, that changed before today
// (an event must come after a unit's last change). Found through the API of the page.
async function findPair(page, date) {
  const kinds = await api(page, 'GET', '/kinds');
  assert(kinds.status === 200, `GET /kinds → ${kinds.status}`);
  const list = (Array.isArray(kinds.data) ? kinds.data : kinds.data.items || [])
    .filter((k) => k.level >= 2)
    .sort((a, b) => (a.level === 3 ? -1 : b.level === 3 ? 1 : a.level - b.level));
  for (const k of list) {
    const r = await api(page, 'GET', `/units?kind=${encodeURIComponent(k.code)}&as_of=${date}&limit=500`);
    if (r.status !== 200) continue;
    const groups = new Map();
    for (const u of r.data.items || []) {
      if (!u.parent_id || !(u.valid_from < date) || /^E2E/.test(u.code)) continue;
      if (!groups.has(u.parent_id)) groups.set(u.parent_id, []);
      groups.get(u.parent_id).push(u);
    }
    for (const g of groups.values()) if (g.length >= 2) return [g[0], g[1]];
  }
  throw new Error('no two sibling units of one kind found in the demo data');
}

async function pick(page, testid, code) {
  const input = page.locator(tid(testid));
  await input.fill(code);
  await page.locator(`${tid('picker-option')}[data-code="${code}"]`).first().click();
  await page.locator(`${tid(`${testid}-selected`)} [data-code="${code}"]`).waitFor();
}

export default [
  {
    name: 'merge two units via the form, preview and confirm',
    fn: () => withPage('merge', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const date = today();
      const [a, b] = await findPair(page, date);
      const stamp = Date.now().toString(36).toUpperCase();
      const code = `E2E-M${stamp}`;
      const name = `Đơn vị hợp nhất E2E ${stamp}`;

      await page.goto(`${env.url}/#/reorg`);
      await page.locator(tid('reorg-kind')).selectOption('merge');
      await page.locator(tid('reorg-date')).fill(date);
      await page.locator(tid('reorg-decision')).fill(`E2E-${stamp}/NQ`);
      await pick(page, 'reorg-sources', a.code);
      await pick(page, 'reorg-sources', b.code);
      await page.locator(tid('into-new')).check();
      await page.locator(tid('into-code')).fill(code);
      await page.locator(tid('into-name')).fill(name);
      await page.locator(tid('into-kind')).selectOption(a.kind);
      // The parent is suggested from the first source; choose it when it is not.
      const parentChip = page.locator(`${tid('into-parent-selected')} [data-code="${a.parent_code}"]`);
      try {
        await parentChip.waitFor({ timeout: 3000 });
      } catch {
        await pick(page, 'into-parent', a.parent_code);
      }

      await page.locator(tid('reorg-preview')).click();
      const previewNode = page.locator(`${tid('preview-tree')} [data-testid="unit-node"][data-code="${code}"]`);
      await previewNode.waitFor();
      assert(/XEM TRƯỚC|PREVIEW/.test(await page.locator(tid('preview')).textContent()), 'the preview is not marked as a preview');
      // A dry run saves nothing.
      const none = await api(page, 'GET', `/units?q=${encodeURIComponent(code)}&as_of=${date}`);
      assert(none.status === 200 && (none.data.items || []).every((u) => u.code !== code), 'the dry run created the unit');
      await screenshot(page, 'reorg-preview.png', { fullPage: true });

      await page.locator(tid('reorg-confirm')).click();
      await page.waitForURL(/#\/units\/\d+/);
      await page.locator(tid('unit-name'), { hasText: name }).waitFor();
      const preds = page.locator(tid('predecessors'));
      await preds.waitFor();
      for (const u of [a, b]) {
        assert(await preds.locator(`[data-code="${u.code}"]`).count() > 0, `predecessor ${u.code} missing from the lineage`);
      }
      assert(await page.locator(`${tid('timeline')} [data-kind="merge"]`).count() > 0, 'no merge event in the timeline');
    }),
  },
];
