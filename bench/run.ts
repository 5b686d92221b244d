// `npm run bench`: runs every bench/*.bench.ts and prints medians against their targets, with the
// machine's details. Benchmarks measure; they never fail a test run.
//
// Each benchmark file runs in a process of its own, so that no result depends on which ran
// before it (the heap another benchmark left behind, the code it made the JIT compile, the
// browser it started).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './result.js';

const here = dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
/** The line a child process prints its results on (everything else it prints is passed through). */
const MARK = 'hoplab-bench-results ';

async function child(file: string): Promise<void> {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { default: () => Promise<BenchResult[]> };
  const results = await mod.default();
  console.log(MARK + JSON.stringify(results));
}

function runOne(file: string): BenchResult[] | string {
  // The same node and loader (tsx) as this process.
  const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  let results: BenchResult[] | undefined;
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith(MARK)) results = JSON.parse(line.slice(MARK.length)) as BenchResult[];
    else if (line !== '') console.log(line);
  }
  if (results) return results;
  const err = (r.stderr ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  return err.find((l) => /Error/.test(l)) ?? err[err.length - 1] ?? `exit status ${r.status ?? r.signal}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await child(args[1] ?? '');
    return;
  }
  const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (args.length === 0 || args.some((o) => f.includes(o)))).sort();
  const cpu = cpus()[0];
  console.log(`machine: ${cpu?.model ?? 'unknown cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, node ${process.version}`);
  let missed = 0;
  for (const f of files) {
    const results = runOne(f);
    if (typeof results === 'string') {
      console.log(`${f}: failed: ${results}`);
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
}

await main();
