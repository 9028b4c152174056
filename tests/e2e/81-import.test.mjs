// The import wizard end to end with a CSV made here: choose the file, see the column mapping and
// the first rows, run it all-or-nothing (refused: nothing written, the bad row with its line and
// reason), then again skipping invalid rows (2 loaded), with counts, quality % and the rejects.
import fs from 'node:fs';
import { withPage, login, api, env, tid, assert, screenshot } from './lib.mjs';
import { citizenId, unitByCode, nameStamp } from './80-members.test.mjs';

function makeCsv(stamp) {
  const a = citizenId(1986, false, 1);
  const b = citizenId(1993, true, 2);
  const rows = [
    'Họ và tên;Giới tính;Ngày sinh;Số CCCD;Ngày vào Đảng;Mã đơn vị;Dân tộc',
    `Lý Văn Nhập ${stamp};Nam;04/05/1986;${a};19/05/2012;VN-01-C01;Kinh`,
    `"Mai Thị Tệp ${stamp}";Nữ;21/11/1993;${b};03/02/2018;;Tày`,
    `Hà Văn Sai ${stamp};Nam;01/01/1980;12345;01/01/2010;VN-01-C01;Kinh`,
  ];
  return { text: `\ufeff${rows.join('\r\n')}\r\n`, a, b };
}

async function chooseFile(page, csv, skip, unitCode) {
  await page.locator(tid('import-file')).setInputFiles({ name: 'dang-vien-e2e.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.locator(tid('import-org')).selectOption('party');
  if (unitCode && await page.locator(`${tid('import-unit-selected')} [data-code="${unitCode}"]`).count() === 0) {
    await page.locator(tid('import-unit')).fill(unitCode);
    await page.locator(`${tid('picker-option')}[data-code="${unitCode}"]`).first().click();
  }
  await page.locator(tid('import-skip-invalid')).setChecked(skip);
  await page.locator(tid('import-next')).click();
  await page.locator(tid('import-preview')).waitFor();
}

const value = async (page, id) => Number(await page.locator(tid(id)).getAttribute('data-value'));

export default [
  {
    name: 'import wizard: preview, all-or-nothing refusal, then skip invalid rows',
    fn: () => withPage('import-wizard', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const c1 = await unitByCode(page, 'VN-01-C01');
      const stamp = nameStamp();
      const { text, a, b } = makeCsv(stamp);

      await page.goto(`${env.url}/#/import`);
      await page.locator(tid('import-form')).waitFor();
      // Nothing chosen: errors next to the fields.
      await page.locator(tid('import-next')).click();
      await page.locator(`${tid('error-file')}:not(:empty)`).waitFor();
      await page.locator(`${tid('error-org')}:not(:empty)`).waitFor();

      // 1–2: the preview maps the Vietnamese headers and shows normalized first rows.
      await chooseFile(page, text, false, 'VN-01-C01');
      const mapping = page.locator(tid('import-mapping'));
      for (const f of ['full_name', 'gender', 'birth_date', 'citizen_id', 'joined', 'unit_code', 'ethnicity']) {
        assert(await mapping.locator(`tr[data-field="${f}"]`).count() === 1, `column for ${f} not recognised`);
      }
      const sample = page.locator(tid('import-sample'));
      assert(await sample.locator('tbody tr').count() === 3, 'the preview should show the 3 rows');
      assert((await sample.textContent()).includes('1986-05-04'), 'dates are not shown normalized');
      assert(await page.locator(tid('import-missing')).count() === 0, 'no column should be missing');
      await screenshot(page, 'import-preview.png', { fullPage: true });

      // A check (dry run) first: counts, nothing written.
      await page.locator(tid('import-check')).click();
      await page.locator(tid('import-check-result')).waitFor();
      assert((await page.locator(tid('import-check-result')).textContent()).includes('12345'), 'the check does not show the bad row');

      // 3–4, all or nothing: refused, the bad row listed with its line number.
      await page.locator(tid('import-run')).click();
      await page.locator(tid('import-result')).waitFor({ timeout: 60000 });
      await page.locator(tid('import-failed')).waitFor();
      assert(await value(page, 'import-count-rows') === 3, 'rows ≠ 3');
      assert(await value(page, 'import-count-valid') === 2, 'valid ≠ 2');
      assert(await value(page, 'import-count-rejected') === 1, 'rejected ≠ 1');
      assert(await value(page, 'import-count-inserted') === 0, 'an all-or-nothing refusal inserted rows');
      const reject = page.locator(`${tid('import-reject')}[data-line="4"]`);
      await reject.waitFor();
      assert((await reject.textContent()).includes('citizen_id'), 'the reason does not name the field');
      let r = await api(page, 'GET', `/people?q=${a}`);
      assert(r.status === 200 && r.data.total === 0, 'the refused import wrote a person');

      // Again, skipping invalid rows: 2 loaded, quality 66.67 %.
      await page.locator(tid('import-again')).click();
      await page.locator(tid('import-form')).waitFor();
      await chooseFile(page, text, true, 'VN-01-C01');
      await page.locator(tid('import-run')).click();
      await page.locator(tid('import-done')).waitFor({ timeout: 60000 });
      assert(await value(page, 'import-count-rows') === 3, 'rows ≠ 3');
      assert(await value(page, 'import-count-inserted') === 2, 'inserted ≠ 2');
      assert(await value(page, 'import-count-rejected') === 1, 'rejected ≠ 1');
      const q = await value(page, 'import-quality');
      assert(Math.abs(q - 66.667) < 0.01, `quality ${q} ≠ 66.67 %`);
      assert((await page.locator(tid('import-quality')).textContent()).includes('%'), 'quality is not shown as a percentage');
      await screenshot(page, 'import-result.png', { fullPage: true });

      // The rejected rows download as CSV, with the line number.
      const [dl] = await Promise.all([page.waitForEvent('download'), page.locator(tid('import-rejects-download')).click()]);
      const file = await dl.path();
      const csv = fs.readFileSync(file, 'utf8');
      assert(/\r\n4,/.test(csv) && csv.includes('citizen_id'), `the rejects file lacks line 4: ${csv.slice(0, 200)}`);

      // The job is listed, and the people exist (the second row took the default unit).
      await page.locator(`${tid('import-job')}`).first().waitFor();
      r = await api(page, 'GET', `/people?q=${b}`);
      assert(r.status === 200 && r.data.total === 1, 'the imported person is missing');
      assert(r.data.items[0].unit.id === c1.id, 'the row without a unit code is not in the default unit');
      r = await api(page, 'GET', `/people?q=${a}`);
      assert(r.data.total === 1 && r.data.items[0].unit.code === 'VN-01-C01', 'the first row is not in VN-01-C01');
    }),
  },
];
