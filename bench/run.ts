// `npm run bench`: runs every bench/*.bench.ts and prints medians against their targets, with the
// machine's details. Benchmarks measure; they never fail a test run.
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './result.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o)))).sort();

const cpu = cpus()[0];
console.log(`machine: ${cpu?.model ?? 'unknown cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, node ${process.version}`);
let missed = 0;
for (const f of files) {
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<BenchResult[]> };
  let results: BenchResult[];
  try {
    results = await mod.default();
  } catch (e) {
    console.log(`${f}: failed: ${(e as Error).message}`);
    missed++;
    continue;
  }
  for (const r of results) {
    const target = r.target !== undefined ? ` (target <= ${r.target} ${r.unit}: ${r.median <= r.target ? 'met' : 'MISSED'})` : '';
    if (r.target !== undefined && r.median > r.target) missed++;
    const extra = r.extra ? ` ${Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
    console.log(`${r.name}: median ${r.median.toFixed(r.median < 10 ? 2 : 1)} ${r.unit}${target}${extra}`);
  }
}
console.log(missed ? `${missed} target(s) missed` : 'all targets met');
