// Data quality: a record whose citizen ID has no valid province code is flagged; the clerk opens it
// from the worklist, corrects the ID in the person form, and the unit's quality % goes up at once.
import { withPage, login, api, env, tid, assert, screenshot } from './lib.mjs';
import { citizenId, unitByCode, newMember, nameStamp } from './80-members.test.mjs';

const num = async (page, id) => Number(await page.locator(tid(id)).getAttribute('data-value'));

export default [
  {
    name: 'quality: fix a flagged record from the worklist and see the % change',
    fn: () => withPage('quality-fix', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const c1 = await unitByCode(page, 'VN-01-C01');
      const stamp = nameStamp();
      const good = citizenId(1984, false, 5);
      const bad = `099${good.slice(3)}`; // province 099 does not exist
      const m = await newMember(page, { name: `Đào Văn Gắn Cờ ${stamp}`, year: 1984, unitId: c1.id, citizen: bad });

      await page.goto(`${env.url}/#/quality?unit=${c1.id}`);
      await page.locator(tid('quality-summary')).waitFor();
      const pct0 = await num(page, 'quality-pct');
      const clean0 = await num(page, 'quality-clean');
      const records = await num(page, 'quality-records');
      assert(records >= 1 && pct0 < 100, `the unit should have a flagged record (pct ${pct0})`);
      await page.locator(`${tid('quality-rules')} tr[data-rule="citizen_id.province"]`).waitFor();
      await page.locator(tid('quality-history-chart')).waitFor();
      await screenshot(page, 'quality.png', { fullPage: true });

      // The worklist (paged) holds the record; "Fix" opens the person at the citizen ID.
      const sel = `${tid('quality-problem')}[data-person-id="${m.person.id}"][data-rule="citizen_id.province"]`;
      let row = page.locator(sel);
      for (let i = 0; i < 50 && await row.count() === 0; i += 1) {
        const next = page.locator(tid('pager-next'));
        assert(await next.isEnabled(), 'the flagged record is not in the worklist');
        await next.click();
        await page.waitForTimeout(300);
        row = page.locator(sel);
      }
      assert(await page.locator(`${tid('quality-problem')}[data-person-id="${m.person.id}"]`).count() === 1, 'the record should have one problem only');
      await row.locator(tid('quality-fix')).click();
      await page.waitForURL(new RegExp(`#/people/${m.person.id}\\?fix=citizen_id`));
      await page.locator(`${tid('person-problems')} li[data-rule="citizen_id.province"]`).waitFor();
      const input = page.locator(tid('person-field-citizen_id'));
      await input.waitFor();
      assert(await input.inputValue() === bad, 'the form does not hold the current citizen ID');

      // A wrong length is caught next to the field; then the right ID is saved.
      await input.fill('0011');
      await page.locator(tid('person-save')).click();
      await page.locator(`${tid('error-citizen_id')}:not(:empty)`).waitFor();
      await input.fill(good);
      await page.locator(tid('person-save')).click();
      await page.locator(`${tid('person-facts')} dd[data-field="citizen_id"]`, { hasText: good }).waitFor();
      assert(await page.locator(tid('person-problems')).count() === 0, 'the problem is still listed after the fix');

      // The unit's figures changed at once.
      await page.goto(`${env.url}/#/quality?unit=${c1.id}`);
      await page.locator(tid('quality-summary')).waitFor();
      const pct1 = await num(page, 'quality-pct');
      assert(await num(page, 'quality-clean') === clean0 + 1, 'clean records did not go up by one');
      assert(pct1 > pct0, `quality % did not go up (${pct0} → ${pct1})`);
      const r = await api(page, 'GET', `/quality/problems?unit=${c1.id}&limit=500`);
      assert(r.status === 200 && !(r.data.items || []).some((x) => x.person_id === m.person.id), 'the record is still in the worklist');
    }),
  },
  {
    name: 'statistics page: totals and charts by unit and by period',
    fn: () => withPage('stats', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const hn = await unitByCode(page, 'VN-01');
      await page.goto(`${env.url}/#/stats?unit=${hn.id}`);
      await page.locator(tid('stats-totals')).waitFor();
      const s = await api(page, 'GET', `/units/${hn.id}/stats`);
      assert(s.status === 200, `GET stats → ${s.status}`);
      assert(Number(await page.locator(tid('stats-members')).getAttribute('data-value')) === s.data.members, 'members differ from the API');
      await page.locator(`${tid('stats-by-unit-chart')} svg[role="img"]`).waitFor();
      await page.locator(`${tid('stats-by-period-chart')} svg`).waitFor();
      await page.locator(`${tid('stats-trend-chart')} svg`).waitFor();
      assert(await page.locator(`${tid('stats-by-period-chart')} rect.chart-bar title`).count() >= 8, 'the period chart has no labelled bars');
      await page.locator(tid('stats-period')).selectOption('year');
      await page.locator(`${tid('stats-by-period-chart')} svg`).waitFor();
      await screenshot(page, 'stats.png', { fullPage: true });
    }),
  },
];
