// Shared helpers for the browser tests: environment, Chromium, logging in.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.join(HERE, 'screenshots');

export const env = {
  url: (process.env.CADRE_URL || 'http://127.0.0.1:18080').replace(/\/+$/, ''),
  adminLogin: process.env.CADRE_ADMIN_LOGIN || 'admin',
  adminPassword: process.env.CADRE_ADMIN_PASSWORD || '',
  scopedLogin: process.env.CADRE_SCOPED_LOGIN || '',
  scopedPassword: process.env.CADRE_SCOPED_PASSWORD || '',
  otherUnitId: process.env.CADRE_OTHER_UNIT_ID || '',
};

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'];

export function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// Runs fn(page) in a fresh Chromium profile; on failure saves screenshots/FAIL-<name>.png.
export async function withPage(name, fn, { viewport = { width: 1280, height: 800 } } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadre-e2e-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true, args: ARGS, viewport, locale: 'vi-VN',
  });
  ctx.setDefaultTimeout(15000);
  const page = ctx.pages()[0] || await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // A refused script, style or connection (Content-Security-Policy) is a bug of the UI.
  page.on('console', (m) => { if (m.type() === 'error' && /Refused to/.test(m.text())) problems.push(`console: ${m.text()}`); });
  try {
    await fn(page);
    assert(problems.length === 0, problems.join('; '));
  } catch (e) {
    try {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `FAIL-${name.replace(/[^a-z0-9-]+/gi, '_')}.png`), fullPage: true });
    } catch { /* the page may be gone */ }
    if (problems.length) e.message += ` [${problems.join('; ')}]`;
    throw e;
  } finally {
    await ctx.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export const tid = (id) => `[data-testid="${id}"]`;

// Calls the API from inside the page (same cookie, CSRF token from GET /session).
export async function api(page, method, p, body) {
  return page.evaluate(async ({ method, p, body }) => {
    const headers = { Accept: 'application/json' };
    if (method !== 'GET') {
      const s = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
      headers['Content-Type'] = 'application/json';
      headers['X-CSRF-Token'] = s.csrf_token;
    }
    const res = await fetch(`/api/v1${p}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let data = null;
    try { data = JSON.parse(text); } catch { data = text; }
    return { status: res.status, data };
  }, { method, p, body });
}

// Logs in through the form. A one-time password is changed through the change-password
// form and then set back through the API, so the credentials in the environment stay valid.
export async function login(page, loginName, password) {
  assert(loginName && password, 'credentials missing in the environment');
  await page.goto(`${env.url}/#/`);
  await page.locator(tid('login')).fill(loginName);
  await page.locator(tid('password')).fill(password);
  await page.locator(tid('login-submit')).click();
  const which = await Promise.race([
    page.locator(tid('user-name')).waitFor({ state: 'attached' }).then(() => 'home'),
    page.locator(tid('password-form')).waitFor().then(() => 'change'),
    page.locator(`${tid('login-error')}:visible`).waitFor().then(() => 'error'),
  ]);
  if (which === 'error') throw new Error(`login failed: ${await page.locator(tid('login-error')).textContent()}`);
  if (which === 'change') {
    const temp = `${password}#e2e`;
    await page.locator(tid('old-password')).fill(password);
    await page.locator(tid('new-password')).fill(temp);
    await page.locator(tid('new-password-again')).fill(temp);
    await page.locator(tid('password-submit')).click();
    await page.locator(tid('user-name')).waitFor({ state: 'attached' });
    const r = await api(page, 'POST', '/session/password', { old_password: temp, new_password: password });
    assert(r.status === 200, `could not restore the password: ${r.status} ${JSON.stringify(r.data)}`);
  }
}

export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export async function screenshot(page, name, opts = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: file, ...opts });
  return file;
}

// Waits until the tree shows the given date and has finished loading.
export async function treeLoaded(page, asOf) {
  await page.locator(`${tid('org-tree')}[data-as-of="${asOf}"][aria-busy="false"]`).first().waitFor();
}
