// Runs every *.test.mjs here (or those named on the command line) and prints one line per test:
//   ok NAME   |   FAIL NAME: reason      then   "N passed, N failed"; exit 1 on any failure.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { HERE, SHOTS } from './lib.mjs';

const only = process.argv.slice(2);
const files = fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs')).sort()
  .filter((f) => !only.length || only.some((o) => f.includes(o)));
// Failure screenshots of an earlier run would mislead.
if (fs.existsSync(SHOTS)) for (const f of fs.readdirSync(SHOTS)) if (f.startsWith('FAIL-')) fs.rmSync(path.join(SHOTS, f));
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 120000);

let passed = 0;
let failed = 0;
for (const f of files) {
  const mod = await import(pathToFileURL(path.join(HERE, f)).href);
  for (const t of mod.default || []) {
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT} ms`)), TIMEOUT); }),
      ]);
      passed += 1;
      console.log(`ok ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed += 1;
      const reason = String(e && e.message ? e.message : e).split('\n')[0];
      console.log(`FAIL ${t.name}: ${reason}`);
      if (process.env.E2E_VERBOSE) console.error(e);
    } finally {
      clearTimeout(timer);
    }
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
