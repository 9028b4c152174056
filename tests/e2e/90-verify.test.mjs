// The public verification page (/verify, /verify/CODE), opened WITHOUT logging in: a dropped
// issued PDF is recognised (its document shown, the link to its page followed), the page of a
// code shows the public fields, a modified file is flagged as not the issued copy, a classified
// document never shows its subject, an unknown code says so, and the page switches language.
// The documents are made first through the API as the admin (a unit of its own, configured as an
// issuer; a draft with a PDF, submitted, approved — which stamps it with the QR code of its public
// page —, issued on paper; the issued, stamped file is what is dropped).
import { withPage, login, api, env, tid, assert, today } from './lib.mjs';

const RUN = Date.now().toString(36).toUpperCase();

// A one-page PDF that poppler opens, showing ASCII text (unique per run, so its hash is new).
function makePdf(text) {
  const safe = text.replace(/[()\\]/g, '');
  const stream = `BT /F1 14 Tf 60 760 Td (${safe}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  out += offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// POST raw bytes from inside the logged-in page (cookie + CSRF token).
async function upload(page, p, bytes) {
  return page.evaluate(async ({ p, b64 }) => {
    const s = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
    const body = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const res = await fetch(`/api/v1${p}`, {
      method: 'POST', credentials: 'same-origin', body,
      headers: { 'X-CSRF-Token': s.csrf_token, 'Content-Type': 'application/pdf', Accept: 'application/json' },
    });
    return { status: res.status, data: await res.json().catch(() => null) };
  }, { p, b64: bytes.toString('base64') });
}

function ok(r, what) {
  assert(r.status >= 200 && r.status < 300, `${what} → ${r.status} ${JSON.stringify(r.data)}`);
  return r.data;
}

// Issued documents made once for all the tests of this file.
let fixture = null;
async function issued() {
  if (fixture) return fixture;
  await withPage('verify-setup', async (page) => {
    await login(page, env.adminLogin, env.adminPassword);
    const me = ok(await api(page, 'GET', '/session'), 'GET /session');
    const unit = ok(await api(page, 'POST', '/reorg', {
      kind: 'create', date: today(), decision: `e2e verify ${RUN}`, code: `E2E-VF${RUN}`,
      name: `Văn phòng kiểm thử ${RUN}`, unit_kind: 'organization', parent: me.user.unit_id,
    }), 'create the unit').event.units[0].id;
    ok(await api(page, 'POST', '/documents/issuers', { unit_id: unit, org: 'state', symbol: `VF${RUN}` }), 'issuer');
    const make = async (subject, secrecy, text) => {
      const d = ok(await api(page, 'POST', '/documents', { issuer_id: unit, type: 'QĐ', subject, secrecy }), 'draft');
      const pdf = makePdf(text);
      ok(await upload(page, `/documents/${d.id}/versions?slot=main&name=qd.pdf`, pdf), 'upload');
      ok(await api(page, 'POST', `/documents/${d.id}/submit`, {}), 'submit');
      ok(await api(page, 'POST', `/documents/${d.id}/review`, { decision: 'approve' }), 'approve');
      const doc = ok(await api(page, 'POST', `/documents/${d.id}/issue`, {}), 'issue');
      assert(doc.status === 'issued' && doc.symbol, `not issued: ${JSON.stringify(doc)}`);
      // The issued file is the upload stamped at approval with the QR code of its public page.
      const file = ok(await api(page, 'GET', `/documents/${d.id}/file?slot=main`), 'the issued file');
      const issuedPdf = Buffer.from(file.content_base64, 'base64');
      assert(file.version.origin === 'stamped' && issuedPdf.length > pdf.length, `the issued file is ${file.version.origin}`);
      assert(issuedPdf.includes(`/verify/${doc.public.code}`), 'the issued file does not carry its link');
      return { id: d.id, symbol: doc.symbol, subject, pdf: issuedPdf, upload: pdf, stampedCode: doc.public.code };
    };
    fixture = {
      open: await make(`Quyết định công khai kiểm thử ${RUN}`, '', `Public decision ${RUN}`),
      secret: await make(`Phương án tuyệt mật kiểm thử ${RUN}`, 'mat', `Classified plan ${RUN}`),
    };
  });
  return fixture;
}

// Drop a file on the drop zone as a browser would (a DataTransfer with one File).
async function dropFile(page, name, bytes) {
  const dt = await page.evaluateHandle(({ name, b64 }) => {
    const data = new DataTransfer();
    const body = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    data.items.add(new File([body], name, { type: 'application/pdf' }));
    return data;
  }, { name, b64: bytes.toString('base64') });
  await page.locator(tid('verify-drop')).dispatchEvent('drop', { dataTransfer: dt });
}

const text = async (page, id) => (await page.locator(tid(id)).first().textContent()).trim();

export default [
  {
    name: 'verify: a dropped issued PDF is known and leads to its page, without login',
    fn: async () => {
      const f = await issued();
      await withPage('verify-drop', async (page) => {
        await page.goto(`${env.url}/verify`);
        await page.locator(tid('verify-drop')).waitFor();
        const s = await api(page, 'GET', '/session');
        assert(s.status === 401, `this browser is logged in (${s.status})`);
        await dropFile(page, 'quyet-dinh.pdf', f.open.pdf);
        const known = page.locator(tid('verify-known'));
        await known.waitFor();
        assert(await known.getAttribute('data-known') === 'true', `not known: ${await known.textContent()}`);
        assert(await text(page, 'verify-symbol') === f.open.symbol, `symbol ${await text(page, 'verify-symbol')}`);
        assert(await text(page, 'verify-subject') === f.open.subject, 'the subject of a public document is shown');
        assert(/không có chữ ký số/i.test(await text(page, 'verify-sig-summary')), 'a paper-signed file has no signature');
        const code = await page.locator(tid('verify-doc')).getAttribute('data-code');
        assert(/^[1-9][0-9]{14}$/.test(code || ''), `code "${code}"`);
        assert(code === f.open.stampedCode, `the code ${code} is not the one on the PDF (${f.open.stampedCode})`);
        f.open.code = code;
        // Its page, by the link.
        await page.locator(`${tid('verify-result')} a[href="/verify/${code}"]`).click();
        await page.waitForURL(`**/verify/${code}`);
        await page.locator(`${tid('verify-doc')}[data-code="${code}"]`).waitFor();
        assert(await text(page, 'verify-status') === 'Đã ban hành', `status ${await text(page, 'verify-status')}`);
        assert((await text(page, 'verify-issuer')).startsWith('Văn phòng kiểm thử'), 'issuer name');
        assert((await text(page, 'verify-sha256')).length === 64, 'the hash of the issued file');
      });
    },
  },
  {
    name: 'verify: the page of a code flags a modified file and switches language',
    fn: async () => {
      const f = await issued();
      assert(f.open.code, 'no code from the previous test');
      await withPage('verify-code', async (page) => {
        await page.goto(`${env.url}/verify/${f.open.code}`);
        await page.locator(tid('verify-symbol')).waitFor();
        assert(await text(page, 'verify-symbol') === f.open.symbol, 'symbol on the code page');
        // One byte more: not the issued copy.
        await page.locator(tid('verify-file')).setInputFiles({
          name: 'sua-doi.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([f.open.pdf, Buffer.from('%\n')]),
        });
        const known = page.locator(tid('verify-known'));
        await known.waitFor();
        assert(await known.getAttribute('data-known') === 'false', 'a modified file is known');
        assert(await page.locator(tid('verify-match')).getAttribute('data-match') === 'false', 'a modified file matches');
        // The same file: the issued copy.
        await page.locator(tid('verify-file')).setInputFiles({ name: 'ban-goc.pdf', mimeType: 'application/pdf', buffer: f.open.pdf });
        await page.locator(`${tid('verify-match')}[data-match="true"]`).waitFor();
        await page.locator(tid('lang-en')).click();
        await page.locator(tid('verify-status')).filter({ hasText: 'Issued' }).waitFor();
        assert(/exactly the issued copy/.test(await text(page, 'verify-match')), 'English result');
        assert(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang');
        await page.locator(tid('lang-vi')).click();
        await page.locator(tid('verify-status')).filter({ hasText: 'Đã ban hành' }).waitFor();
        // The upload as it was before the stamp is not the issued copy.
        await page.locator(tid('verify-file')).setInputFiles({ name: 'ban-tai-len.pdf', mimeType: 'application/pdf', buffer: f.open.upload });
        await page.locator(`${tid('verify-match')}[data-match="false"]`).waitFor();
        assert(await page.locator(tid('verify-known')).getAttribute('data-known') === 'false', 'the unstamped upload is known');
      });
    },
  },
  {
    name: 'verify: a classified document never shows its subject; an unknown code is not found',
    fn: async () => {
      const f = await issued();
      await withPage('verify-secret', async (page) => {
        await page.goto(`${env.url}/verify`);
        await dropFile(page, 'mat.pdf', f.secret.pdf);
        await page.locator(`${tid('verify-known')}[data-known="true"]`).waitFor();
        await page.locator(tid('verify-withheld')).waitFor();
        const code = await page.locator(tid('verify-doc')).getAttribute('data-code');
        await page.goto(`${env.url}/verify/${code}`);
        await page.locator(tid('verify-withheld')).waitFor();
        const body = await page.locator('body').textContent();
        assert(!body.includes(f.secret.subject) && !body.includes('tuyệt mật kiểm thử'), 'the classified subject is on the page');
        assert(await text(page, 'verify-symbol') === f.secret.symbol, 'the symbol is public');
        await page.goto(`${env.url}/verify/100000000000000`);
        await page.locator(tid('verify-notfound')).waitFor();
        await page.locator(tid('verify-code-input')).fill(code);
        await page.locator(`${tid('verify-code-input')} ~ button`).click();
        await page.waitForURL(`**/verify/${code}`);
        await page.locator(tid('verify-withheld')).waitFor();
      });
    },
  },
];
