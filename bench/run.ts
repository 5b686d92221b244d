// `npm run bench`: runs every bench/*.bench.ts and prints medians against their targets, with the
// machine's details. Benchmarks measure; they never fail a test run.
//
// Each benchmark runs as the engine ships: bundled by esbuild, as the app's build bundles the
// engine into its worker, then run by plain node in a process of its own. Not through tsx, whose
// per-file transform keeps every function's name with a wrapper (slower closures than any shipped
// build has); and alone, so that no result depends on which benchmark ran before it (the heap
// another left behind, the code it made the JIT compile, the browser it started). A benchmark whose
// file exports `processes` runs in that many processes, one after another, and its samples are
// pooled.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { median, type BenchResult } from './result.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the bundles go (dist/ is not versioned; packages resolve from the project's node_modules). */
const OUT = join(here, '..', 'dist', 'bench');
/** The line a benchmark's process prints its results on (everything else it prints is passed through). */
const MARK = 'hoplab-bench-results ';

/** One benchmark file bundled with an entry that runs it and prints its results after MARK. */
async function bundle(file: string): Promise<string> {
  const outfile = join(OUT, file.replace(/\.ts$/, '.mjs'));
  await build({
    stdin: {
      contents: `import run, * as bench from ${JSON.stringify(`./${file}`)};\nconsole.log(${JSON.stringify(MARK)} + JSON.stringify({ processes: bench.processes ?? 1, results: await run() }));\n`,
      resolveDir: here,
      sourcefile: `${file} (entry)`,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
    // `processes` is optional: a benchmark without it runs in one process.
    logOverride: { 'import-is-undefined': 'silent' },
  });
  return outfile;
}

interface ProcessResults { readonly processes: number; readonly results: BenchResult[] }

/** One process running a bundled benchmark: its results, or why there are none. */
function runProcess(bundled: string): ProcessResults | string {
  const r = spawnSync(process.execPath, [bundled], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  let out: ProcessResults | undefined;
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith(MARK)) out = JSON.parse(line.slice(MARK.length)) as ProcessResults;
    else if (line !== '') console.log(line);
  }
  if (out) return out;
  const err = (r.stderr ?? '').trim().split('\n').filter((l) => l.trim() !== '');
  return err.find((l) => /Error/.test(l)) ?? err[err.length - 1] ?? `exit status ${r.status ?? r.signal}`;
}

/**
 * Results of several processes as one: pooled samples and their median (or the median of the
 * processes' medians when a result has no samples), with each process's median beside it. One
 * process's median moves with the machine's speed over its few seconds; pooling several
 * processes, run one after another, is a steadier estimate.
 */
function pool(runs: readonly BenchResult[][]): BenchResult[] {
  const first = runs[0] ?? [];
  if (runs.length < 2) return first;
  return first.map((r) => {
    const same = runs.map((rs) => rs.find((x) => x.name === r.name)).filter((x): x is BenchResult => x !== undefined);
    const samples = same.every((x) => x.samples !== undefined) ? same.flatMap((x) => x.samples ?? []) : undefined;
    const perProcess = same.map((x) => x.median.toFixed(x.median < 10 ? 2 : 1)).join('/');
    return {
      ...r,
      median: samples ? median(samples) : median(same.map((x) => x.median)),
      extra: { ...r.extra, processes: same.length, medians: perProcess },
      ...(samples ? { samples } : {}),
    };
  });
}

async function runOne(file: string): Promise<BenchResult[] | string> {
  let bundled: string;
  try {
    bundled = await bundle(file);
  } catch (e) {
    return `bundling failed: ${(e as Error).message.split('\n')[0] ?? ''}`;
  }
  const first = runProcess(bundled);
  if (typeof first === 'string') return first;
  const runs = [first.results];
  for (let i = 1; i < first.processes; i++) {
    const more = runProcess(bundled);
    if (typeof more === 'string') return more;
    runs.push(more.results);
  }
  return pool(runs);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const files = readdirSync(here).filter((f) => f.endsWith('.bench.ts') && (args.length === 0 || args.some((o) => f.includes(o)))).sort();
  const cpu = cpus()[0];
  console.log(`machine: ${cpu?.model ?? 'unknown cpu'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, ${platform()} ${release()}, node ${process.version}`);
  console.log('each benchmark bundled by esbuild (as the app ships the engine) and run by plain node in a process of its own');
  let missed = 0;
  for (const f of files) {
    const results = await runOne(f);
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
