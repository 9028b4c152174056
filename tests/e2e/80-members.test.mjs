// Members: find a member in the list (diacritics ignored), open the person page, and transfer the
// membership to another cell through the transfer form — with inline errors by field first.
import { withPage, login, api, env, tid, assert, screenshot } from './lib.mjs';

// A citizen ID the rules accept: Hà Nội (001), male born in the 1900s, the year, a serial unique
// to this run (≥ 500000: the demo's serials are lower).
export function citizenId(year, female = false, k = 0) {
  const serial = 500000 + ((Date.now() + k * 7919) % 400000);
  return `001${female ? 1 : 0}${String(year % 100).padStart(2, '0')}${serial}`;
}

// A word unique to this run for names: letters only (a digit in a name is a quality problem).
export function nameStamp() {
  const s = Date.now().toString(36).slice(-5).replace(/[0-9]/g, (d) => 'abcdefghij'[d]);
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export async function unitByCode(page, code) {
  const r = await api(page, 'GET', `/units?q=${encodeURIComponent(code)}&limit=50`);
  assert(r.status === 200, `GET /units?q=${code} → ${r.status}`);
  const u = (r.data.items || []).find((x) => x.code === code);
  assert(u, `unit ${code} not found`);
  return u;
}

// A new person admitted to the party in unitId; returns {person, membership, citizen_id, name}.
export async function newMember(page, { name, year = 1988, unitId, date = '2020-05-19', citizen }) {
  const cid = citizen || citizenId(year);
  const p = await api(page, 'POST', '/people', { full_name: name, gender: 'M', birth_date: `${year}-03-04`, citizen_id: cid });
  assert(p.status === 201, `POST /people → ${p.status} ${JSON.stringify(p.data)}`);
  const m = await api(page, 'POST', '/memberships', {
    person_id: p.data.id, org: 'party', unit_id: unitId, date, decision: 'QĐ kết nạp E2E',
  });
  assert(m.status === 201, `POST /memberships → ${m.status} ${JSON.stringify(m.data)}`);
  return { person: p.data, membership: m.data, citizen_id: cid, name };
}

async function pick(page, testid, code) {
  await page.locator(tid(testid)).fill(code);
  await page.locator(`${tid('picker-option')}[data-code="${code}"]`).first().click();
  await page.locator(`${tid(`${testid}-selected`)} [data-code="${code}"]`).waitFor();
}

export default [
  {
    name: 'members: search ignoring diacritics, open the person, transfer through the form',
    fn: () => withPage('members-transfer', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const c1 = await unitByCode(page, 'VN-01-C01');
      const c3 = await unitByCode(page, 'VN-01-C03');
      const stamp = nameStamp();
      const name = `Trịnh Văn Chuyển ${stamp}`;
      const m = await newMember(page, { name, unitId: c1.id });

      // The list finds "Trịnh Văn Chuyển" from "trinh van chuyen".
      await page.goto(`${env.url}/#/members`);
      await page.locator(tid('members-table')).waitFor();
      await page.locator(tid('members-search')).fill(`trinh van chuyen ${stamp.toLowerCase()}`);
      const row = page.locator(`${tid('member-row')}[data-person-id="${m.person.id}"]`);
      await row.waitFor();
      assert(await page.locator(tid('member-row')).count() === 1, 'the search should find exactly one row');
      assert((await row.textContent()).includes('VN-01-C01'), 'the row does not show the unit');
      await row.locator(tid('member-link')).click();
      await page.waitForURL(new RegExp(`#/people/${m.person.id}$`));
      await page.locator(tid('person-name'), { hasText: name }).waitFor();
      const card = page.locator(`${tid('membership-card')}[data-org="party"]`);
      assert((await card.locator(tid('membership-unit')).textContent()).includes('VN-01-C01'), 'the membership is not in VN-01-C01');

      // The transfer form: errors next to their fields, then a transfer to VN-01-C03.
      await card.locator(tid('membership-transfer')).click();
      await page.waitForURL(/#\/memberships\/\d+\/transfer/);
      await page.locator(tid('event-form')).waitFor();
      await page.locator(tid('event-date')).fill('2025-09-15');
      await page.locator(tid('event-submit')).click();
      await page.locator(`${tid('error-decision')}:not(:empty)`).waitFor();
      await page.locator(`${tid('error-to_unit')}:not(:empty)`).waitFor();
      // A unit of another organization is refused by the server, shown at the unit field.
      await pick(page, 'event-to-unit', 'VN-01-DTN');
      await page.locator(tid('event-decision')).fill(`E2E-${stamp}/QĐ-ĐU`);
      await page.locator(tid('event-submit')).click();
      await page.locator(`${tid('error-to_unit')}:not(:empty)`).waitFor();
      assert(await page.locator(tid('error-decision')).textContent() === '', 'the decision should no longer be in error');
      await page.locator(`${tid('event-to-unit-selected')} .chip-x`).click();
      await pick(page, 'event-to-unit', 'VN-01-C03');
      await screenshot(page, 'member-transfer.png', { fullPage: true });
      await page.locator(tid('event-submit')).click();

      await page.waitForURL(new RegExp(`#/people/${m.person.id}$`));
      const after = page.locator(`${tid('membership-card')}[data-org="party"]`);
      await after.locator(tid('membership-unit'), { hasText: 'VN-01-C03' }).waitFor();
      assert(await after.locator(`${tid('timeline-item')}[data-kind="transfer"]`).count() === 1, 'no transfer in the timeline');
      assert(await after.locator(tid('stint')).count() === 2, 'the history should show two stints');
      assert(await after.locator(`${tid('stint')}[data-code="VN-01-C01"]`).count() === 1, 'the closed stint in VN-01-C01 is missing');
      await screenshot(page, 'person.png', { fullPage: true });

      // The server agrees.
      const r = await api(page, 'GET', `/memberships/${m.membership.id}`);
      assert(r.status === 200 && r.data.unit.id === c3.id, 'the membership is not in VN-01-C03');
      assert(r.data.stints.length === 2 && r.data.stints[0].to === '2025-09-15', 'the first stint does not end on the transfer date');

      // The list as of a date before the transfer shows the member in the unit of that day, by name.
      const q = encodeURIComponent(`trinh van chuyen ${stamp.toLowerCase()}`);
      await page.goto(`${env.url}/#/members?q=${q}&as_of=2025-09-01`);
      await page.locator(`${tid('members-total')}[data-as-of="2025-09-01"]`).waitFor();
      const then = page.locator(`${tid('member-row')}[data-person-id="${m.person.id}"] ${tid('member-unit')}`);
      await then.waitFor();
      assert(await then.getAttribute('data-unit-id') === String(c1.id), 'as of 2025-09-01 the member should be in VN-01-C01');
      assert((await then.textContent()).includes(c1.name), 'the list does not show the unit name');
      await page.locator(tid('members-as-of')).fill('');
      await page.locator(`${tid('members-total')}[data-as-of=""]`).waitFor();
      await page.locator(`${tid('member-row')}[data-person-id="${m.person.id}"] ${tid('member-unit')}[data-unit-id="${c3.id}"]`).waitFor();

      // The person page lists the record's problems, each with where to fix it.
      const bad = await newMember(page, { name: `Lỗi Văn Tỉnh ${stamp}`, unitId: c1.id, citizen: `099${citizenId(1988).slice(3)}` });
      await page.goto(`${env.url}/#/people/${bad.person.id}`);
      const problem = page.locator(`${tid('person-problems')}[data-ok="0"] ${tid('person-problem')}[data-rule="citizen_id.province"]`);
      await problem.waitFor();
      assert(await problem.getAttribute('data-severity') === 'error', 'the province rule should be an error');
      assert(await problem.locator(tid('problem-fix')).count() === 1, 'the problem has no link to fix it');
      await page.locator(`${tid('person-problems')}[data-ok="0"]`).waitFor();
    }),
  },
  {
    name: 'members: a person registered through the form is held by the chosen unit until admitted',
    fn: async () => {
      let person;
      await withPage('members-holder', async (page) => {
        await login(page, env.adminLogin, env.adminPassword);
        const c1 = await unitByCode(page, 'VN-01-C01');
        const name = `Hồ Văn Chờ ${nameStamp()}`;
        await page.goto(`${env.url}/#/people/new`);
        await page.locator(tid('person-form')).waitFor();
        await page.locator(tid('person-field-full_name')).fill(name);
        await pick(page, 'person-holder-unit', 'VN-01-C01');
        await page.locator(tid('person-create')).click();
        await page.waitForURL(/#\/people\/\d+\/admit$/);
        const id = Number(page.url().match(/people\/(\d+)\/admit/)[1]);
        const r = await api(page, 'GET', `/people/${id}`);
        assert(r.status === 200 && r.data.holder_unit_id === c1.id, `holder ${JSON.stringify(r.data.holder_unit)}`);
        person = { id, name };
        await page.goto(`${env.url}/#/people/${id}`);
        await page.locator(`${tid('person-holder')}[data-unit-id="${c1.id}"]`).waitFor();
        await screenshot(page, 'person-held.png');
      });
      // The Hà Nội viewer sees the record held by a Hà Nội cell.
      if (!env.scopedLogin) throw new Error('CADRE_SCOPED_LOGIN is not set');
      await withPage('members-holder-viewer', async (page) => {
        await login(page, env.scopedLogin, env.scopedPassword);
        await page.goto(`${env.url}/#/people/${person.id}`);
        await page.locator(tid('person-name'), { hasText: person.name }).waitFor();
        await page.locator(tid('person-holder')).waitFor();
      });
    },
  },
  {
    name: 'members: a viewer sees the list but no forms',
    fn: () => withPage('members-viewer', async (page) => {
      if (!env.scopedLogin) throw new Error('CADRE_SCOPED_LOGIN is not set');
      await login(page, env.scopedLogin, env.scopedPassword);
      await page.goto(`${env.url}/#/members`);
      await page.locator(tid('members-filters')).waitFor();
      assert(await page.locator(tid('members-add')).count() === 0, 'a viewer should not see “new person”');
      assert(await page.locator(tid('nav-import')).count() === 0, 'a viewer should not see the import');
      await page.goto(`${env.url}/#/import`);
      await page.locator(tid('forbidden')).waitFor();
    }),
  },
];
