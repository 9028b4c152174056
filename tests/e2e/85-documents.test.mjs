// Documents: register an incoming document (a wrong type code in its symbol is refused); an
// outgoing draft through the form with a PDF, submitted and approved (stamped with the QR code of its
// public page, shown with its short link); the signer signs it in the
// sign dialog and sees the verification report; the document is numbered and issued; search finds
// it without diacritics.
//
// The signing part needs a signer with a certificate (CADRE_SIGNER_LOGIN / CADRE_SIGNER_PASSWORD):
//   cadre ca init --db DB --unit VN --name "CA Việt Nam"
//   printf '%s\n' signer-password-123 | cadre user add --db DB --login e2e.signer --role signer --unit VN-01 --name "Trần Văn Ký"
//   cadre ca issue --db DB --login e2e.signer
// Without them those tests print "ok … (skipped: no signer)".  The signer's unit is made an issuer
// (org state, symbol CADRE_DOC_ISSUER_SYMBOL or UBND) when it is not one yet.
import zlib from 'node:zlib';
import { withPage, login, api, env, tid, assert, today, screenshot } from './lib.mjs';

const signer = { login: process.env.CADRE_SIGNER_LOGIN || '', password: process.env.CADRE_SIGNER_PASSWORD || '' };
const haveSigner = Boolean(signer.login && signer.password);
const stamp = Date.now().toString(36);
const subject = `Quyết định thử nghiệm ký số đợt ${stamp}`;
const query = `quyet dinh thu nghiem ky so dot ${stamp}`;
const shared = { id: 0, symbol: '' };

// A one-page PDF written by hand (poppler opens it; the signer appends an incremental update).
function tinyPdf(text) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 18 Tf 72 770 Td (${text}) Tj ET`;
  objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// A small RGBA PNG (a blue stroke on transparent) for the signature image.
function tinyPng(w = 60, h = 24) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const on = Math.abs(y - h / 2 - Math.round(6 * Math.sin(x / 6))) < 2;
      const p = y * (w * 4 + 1) + 1 + x * 4;
      raw[p] = 20; raw[p + 1] = 60; raw[p + 2] = 200; raw[p + 3] = on ? 255 : 0;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// The signer (through the admin's GET /users) and an issuer for the signer's unit.
async function setup(page) {
  const users = await api(page, 'GET', '/users?limit=500');
  assert(users.status === 200, `GET /users → ${users.status}`);
  const u = (users.data.items || []).find((x) => x.login === signer.login);
  assert(u, `the signer ${signer.login} does not exist`);
  const issuers = await api(page, 'GET', '/documents/issuers');
  assert(issuers.status === 200, `GET /documents/issuers → ${issuers.status}`);
  let issuer = (issuers.data || []).find((i) => i.unit_id === u.unit_id);
  if (!issuer) {
    const r = await api(page, 'POST', '/documents/issuers', { unit_id: u.unit_id, org: 'state', symbol: process.env.CADRE_DOC_ISSUER_SYMBOL || 'UBND' });
    assert(r.status === 200 || r.status === 201, `POST /documents/issuers → ${r.status} ${JSON.stringify(r.data)}`);
    issuer = (r.data || []).find((i) => i.unit_id === u.unit_id);
  }
  const types = await api(page, 'GET', `/documents/types?org=${encodeURIComponent(issuer.org)}`);
  const list = types.data || [];
  const type = list.find((x) => x.code === 'QĐ') || list.find((x) => x.symbol_code) || list[0];
  assert(type, `no document type for ${issuer.org}`);
  return { user: u, issuer, type };
}

async function waitStatus(page, status) {
  await page.locator(`${tid('doc-actions')}[data-status="${status}"]`).waitFor();
}

const skipped = (name) => ({ name: `${name} (skipped: no signer)`, fn: async () => {} });

export default [
  {
    name: 'documents: register an incoming document; a wrong type code is refused; search without diacritics',
    fn: () => withPage('documents-incoming', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const n = Math.floor(Date.now() / 1000) % 100000;
      const inSubject = `Về việc tổng hợp báo cáo chuyển đổi số ${stamp}`;
      await page.goto(`${env.url}/#/documents/new?direction=in`);
      await page.locator(tid('doc-in-form')).waitFor();
      await page.locator(tid('issuer-other')).check();
      await page.locator(tid('doc-issuer-name')).fill('Bộ Nội vụ');
      await page.locator(tid('doc-issuer-org')).selectOption('state');
      await page.locator(`${tid('doc-type')} option[value="NQ"]`).waitFor({ state: 'attached' });
      await page.locator(tid('doc-type')).selectOption('NQ');
      await page.locator(tid('doc-symbol-in')).fill(`${n}/QĐ-BNV`);
      await page.locator(tid('doc-date')).fill(today());
      await page.locator(tid('doc-subject')).fill(inSubject);
      await page.locator(tid('doc-register')).click();
      // 422 field "symbol": the type code in the symbol is not the document's type.
      await page.locator(`${tid('error-symbol')}:not(:empty)`).waitFor();
      await page.locator(tid('doc-type')).selectOption('QĐ');
      await page.locator(tid('doc-register')).click();
      await page.waitForURL(/#\/documents\/\d+$/);
      await page.locator(`${tid('doc-actions')}[data-status="received"]`).waitFor();
      const no = (await page.locator(tid('doc-incoming-number')).textContent()).trim();
      assert(/^\d+$/.test(no), `incoming number is "${no}"`);
      const id = Number(page.url().match(/documents\/(\d+)/)[1]);

      await page.goto(`${env.url}/#/documents`);
      await page.locator(tid('docs-search')).fill(`tong hop bao cao chuyen doi so ${stamp}`);
      await page.locator(tid('docs-apply')).click();
      await page.locator(`${tid('docs-table')} ${tid('doc-row')}[data-id="${id}"]`).waitFor();
      const rows = await page.locator(`${tid('docs-table')} ${tid('doc-row')}`).count();
      assert(rows === 1, `the search found ${rows} documents`);

      // The incoming register of the unit lists it.
      await page.goto(`${env.url}/#/registers?kind=in&year=${today().slice(0, 4)}`);
      await page.locator(`${tid('reg-table')}[data-kind="in"] ${tid('reg-row')}[data-id="${id}"]`).waitFor();
    }),
  },
  haveSigner ? {
    name: 'documents: a draft through the form with its PDF, submitted and approved',
    fn: () => withPage('documents-draft', async (page) => {
      await login(page, env.adminLogin, env.adminPassword);
      const { user, issuer, type } = await setup(page);
      await page.goto(`${env.url}/#/documents/new`);
      await page.locator(tid('doc-new-form')).waitFor();
      await page.locator(tid('doc-issuer')).selectOption(String(issuer.unit_id));
      await page.locator(`${tid('doc-type')} option[value="${type.code}"]`).waitFor({ state: 'attached' });
      await page.locator(tid('doc-type')).selectOption(type.code);
      await page.locator(tid('doc-subject')).fill(subject);
      await page.locator(tid('doc-urgency')).selectOption('khan');
      await page.locator(`${tid('doc-signers')} option[value="${user.id}"]`).waitFor({ state: 'attached' });
      await page.locator(tid('doc-signers')).selectOption(String(user.id));
      await page.locator(tid('doc-signers-title')).fill('Phó Chủ tịch');
      await page.locator(tid('doc-signers-add')).click();
      await page.locator(`${tid('chosen-signer')}[data-user-id="${user.id}"]`).waitFor();
      await page.locator(tid('doc-file')).setInputFiles({ name: 'quyet-dinh.pdf', mimeType: 'application/pdf', buffer: tinyPdf(`cadre e2e ${stamp}`) });
      await page.locator(tid('doc-create')).click();
      await page.waitForURL(/#\/documents\/\d+$/);
      shared.id = Number(page.url().match(/documents\/(\d+)/)[1]);
      await waitStatus(page, 'draft');
      await page.locator(`${tid('file-version')}[data-slot="main"][data-version="1"]`).waitFor();
      await page.locator(`${tid('route-signer')}[data-login="${signer.login}"][data-signed="false"]`).waitFor();

      await page.locator(tid('doc-submit-note')).fill('Kính trình lãnh đạo xem xét');
      await page.locator(tid('doc-submit')).click();
      await waitStatus(page, 'review');
      await page.locator(tid('doc-review-comment')).fill('Đồng ý');
      await page.locator(tid('doc-approve')).click();
      await waitStatus(page, 'approved');
      assert(await page.locator(`${tid('history-item')}[data-action="approve"]`).count() === 1, 'no approval in the history');
      // Approved: the PDF is stamped with the QR code and short link of its public page (a new
      // version, before anyone signs); the page shows the code and the link, not yet published.
      await page.locator(`${tid('file-version')}[data-slot="main"][data-version="2"][data-origin="stamped"]`).waitFor();
      assert(await page.locator(`${tid('history-item')}[data-action="stamp"]`).count() === 1, 'no stamp in the history');
      const code = (await page.locator(tid('doc-public-code')).textContent()).trim();
      assert(/^[1-9][0-9]{14}$/.test(code), `the public code is "${code}"`);
      const href = await page.locator(tid('doc-public-link')).getAttribute('href');
      assert(href && href.endsWith(`/verify/${code}`), `the short link is ${href}`);
      await page.locator(`${tid('doc-public-published')}[data-published="false"]`).waitFor();
      shared.code = code;
    }),
  } : skipped('documents: a draft through the form with its PDF, submitted and approved'),
  haveSigner ? {
    name: 'documents: the signer signs in the sign dialog and sees the verification report',
    fn: () => withPage('documents-sign', async (page) => {
      assert(shared.id, 'no draft from the previous test');
      await login(page, signer.login, signer.password);
      await page.goto(`${env.url}/#/inbox`);
      const row = page.locator(`${tid('inbox-sign')} ${tid('doc-row')}[data-id="${shared.id}"]`);
      await row.waitFor();
      await row.locator(tid('inbox-open-sign')).click();
      await page.waitForURL(new RegExp(`#/documents/${shared.id}$`));
      await page.locator(tid('sign-open')).click();
      const dlg = page.locator(tid('sign-dialog'));
      await dlg.waitFor();
      const me = await api(page, 'GET', '/session');
      const shown = (await dlg.locator(tid('sign-signer-name')).textContent()).trim();
      assert(shown.includes(me.data.user.display_name || me.data.user.login), `the dialog shows "${shown}" as the signer`);
      await dlg.locator(tid('sign-reason')).fill('Phê duyệt quyết định');
      await dlg.locator(tid('sign-location')).fill('Hà Nội');
      // A preset moves the preview box; a click on the page makes a custom position.
      await dlg.locator(tid('sign-position')).selectOption('bottom-left');
      assert(await dlg.locator(tid('sign-box')).getAttribute('data-x') === '40', 'the preview did not move to the left');
      const sheet = await dlg.locator(tid('sign-preview')).boundingBox();
      await page.mouse.click(sheet.x + sheet.width * 0.7, sheet.y + sheet.height * 0.85);
      assert(await dlg.locator(tid('sign-position')).inputValue() === 'custom', 'a click on the preview did not choose a custom position');
      await dlg.locator(tid('sign-signature-file')).setInputFiles({ name: 'chu-ky.png', mimeType: 'image/png', buffer: tinyPng() });
      await dlg.locator(`${tid('sign-signature-file')}[data-loaded="true"]`).waitFor();
      // Not a PNG: refused in the dialog, nothing sent.
      await dlg.locator(tid('sign-seal-file')).setInputFiles({ name: 'con-dau.png', mimeType: 'image/png', buffer: Buffer.from('not a png') });
      await dlg.locator(`${tid('sign-seal-error')}:not(:empty)`).waitFor();
      await screenshot(page, 'sign-dialog.png');

      await dlg.locator(tid('sign-confirm')).click();
      await dlg.locator(tid('sign-result')).waitFor({ timeout: 60000 });
      const valid = dlg.locator(`${tid('sign-verify')} ${tid('verify-valid')}`);
      await valid.waitFor({ timeout: 30000 });
      assert(await valid.getAttribute('data-valid') === 'true', `the report says: ${await valid.textContent()}`);
      const sigs = dlg.locator(tid('verify-signature'));
      assert(await sigs.count() === 1, `the report lists ${await sigs.count()} signatures`);
      assert(await sigs.first().getAttribute('data-valid') === 'true', 'the signature is not valid');
      assert(/^[0-9a-f]{64}$/.test((await dlg.locator(tid('verify-sha256')).textContent()).trim()), 'no SHA-256 in the report');
      await screenshot(page, 'sign-result.png');
      await dlg.locator(tid('sign-close')).click();
      await dlg.waitFor({ state: 'detached' });
      await waitStatus(page, 'signed');
      await page.locator(`${tid('file-version')}[data-slot="main"][data-origin="signed"]`).waitFor();
      await page.locator(`${tid('route-signer')}[data-login="${signer.login}"][data-signed="true"]`).waitFor();
    }),
  } : skipped('documents: the signer signs in the sign dialog and sees the verification report'),
  haveSigner ? {
    name: 'documents: issue the signed document, see its number and symbol, find it without diacritics',
    fn: () => withPage('documents-issue', async (page) => {
      assert(shared.id, 'no signed document from the previous test');
      await login(page, env.adminLogin, env.adminPassword);
      await page.goto(`${env.url}/#/documents/${shared.id}`);
      await waitStatus(page, 'signed');
      await page.locator(tid('doc-issue-date')).fill(today());
      await page.locator(tid('doc-issue')).click();
      await waitStatus(page, 'issued');
      const symbol = (await page.locator(tid('doc-issued-symbol')).textContent()).trim();
      const doc = await api(page, 'GET', `/documents/${shared.id}`);
      assert(doc.status === 200 && doc.data.symbol === symbol && doc.data.number > 0, `the page shows "${symbol}", the API ${JSON.stringify(doc.data.symbol)}`);
      assert((await page.locator(tid('doc-title')).textContent()).trim() === symbol, 'the title is not the symbol');
      // Issued: the public block says published, and its link opens the public page of the code.
      await page.locator(`${tid('doc-public-published')}[data-published="true"]`).waitFor();
      assert((await page.locator(tid('doc-public-code')).textContent()).trim() === shared.code, 'the code changed at issuing');
      const [pub] = await Promise.all([page.waitForEvent('popup'), page.locator(tid('doc-public-link')).click()]);
      await pub.waitForURL(`**/verify/${shared.code}`);
      await pub.locator(`${tid('verify-doc')}[data-code="${shared.code}"]`).waitFor();
      assert((await pub.locator(tid('verify-symbol')).first().textContent()).trim() === symbol, 'the public page shows another symbol');
      await pub.close();
      // Issuing twice is refused (409) and said on the page, not silently ignored.
      const again = await api(page, 'POST', `/documents/${shared.id}/issue`, { date: today(), distribute: false });
      assert(again.status === 409, `issuing again → ${again.status}`);
      shared.symbol = symbol;

      await page.goto(`${env.url}/#/documents`);
      await page.locator(tid('docs-search')).fill(query);
      await page.locator(tid('docs-apply')).click();
      const found = page.locator(`${tid('docs-table')} ${tid('doc-row')}[data-id="${shared.id}"]`);
      await found.waitFor();
      assert((await found.locator(tid('doc-symbol')).textContent()).trim() === symbol, 'the list shows another symbol');
      await found.locator(`${tid('doc-status')}[data-status="issued"]`).waitFor();
      // The symbol as typed finds it too.
      await page.locator(tid('docs-search')).fill(symbol);
      await page.locator(tid('docs-apply')).click();
      await page.locator(`${tid('docs-table')} ${tid('doc-row')}[data-id="${shared.id}"]`).waitFor();
    }),
  } : skipped('documents: issue the signed document, see its number and symbol, find it without diacritics'),
];
