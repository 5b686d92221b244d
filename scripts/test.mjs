#!/usr/bin/env node
// The whole test suite: type-check, lint, then vitest. Ends with one line a CI can read,
// `N passed, N failed, N skipped`, computed from vitest's JSON report (each check before it
// counts as one test).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const extra = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

function check(name, cmd, args) {
  console.log(`\n== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status === 0) passed++;
  else { failed++; console.log(`== ${name} FAILED (exit ${r.status ?? r.signal})`); }
}

if (extra.length === 0) {
  check('typecheck sim/ (no DOM, no Node)', 'npx', ['tsc', '-p', 'sim/tsconfig.json', '--noEmit']);
  check('typecheck project', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  check('lint and import boundaries', 'npx', ['eslint', '.']);
}

const dir = mkdtempSync(join(tmpdir(), 'hoplab-test-'));
const report = join(dir, 'vitest.json');
console.log('\n== vitest');
const v = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], { stdio: 'inherit' });
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed += json.numPassedTests ?? 0;
  failed += json.numFailedTests ?? 0;
  skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  // A file that fails to load has no tests in it; count it as a failure.
  for (const f of json.testResults ?? []) {
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) failed++;
  }
} catch (e) {
  console.log(`== vitest produced no report (${e.message}); exit ${v.status ?? v.signal}`);
  failed++;
}
rmSync(dir, { recursive: true, force: true });
if (v.status !== 0 && failed === 0) failed++;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
