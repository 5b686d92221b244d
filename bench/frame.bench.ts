// Frame time of the app in Chromium: 500 packets in flight on a 300-element graph (the renderer's
// ?bench=frames scene) while playing: p95 of each frame's cost, from the frame's start to the first
// task after its paint (target <= 16.7 ms, one 60 Hz frame), with the frame intervals, dropped frames
// and the packet layer's own work alongside; and the time from navigation to
// interactive (the ICTSC topology drawn and the Run button shown; target <= 1.5 s). Serves the built
// renderer with scripts/web.mjs and drives Debian's Chromium through playwright-core.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { median, type BenchResult } from './result.js';

interface FrameBench {
  elements: number;
  inFlight: number;
  frames: number;
  p50: number;
  p95: number;
  intervalP95: number;
  dropped: number;
  workP95: number;
}

/** The project's folder: the nearest one above this file (or its bundle) with the project's package.json. */
function projectRoot(): string {
  for (let d = dirname(fileURLToPath(import.meta.url)); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, 'scripts', 'web.mjs'))) return d;
    if (dirname(d) === d) throw new Error('frame bench: cannot find the project folder');
  }
}
const ROOT = projectRoot();
const CHROMIUM = '/usr/bin/chromium';
const RUNS = 3;

function startServer(): Promise<{ url: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'web.mjs')], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /serving the app at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve({ url: m[1] as string, stop: () => child.kill() });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`web server exited (${code}): ${out}`)));
  });
}

export default async function run(): Promise<BenchResult[]> {
  if (!existsSync(CHROMIUM)) {
    console.log(`frame.bench: ${CHROMIUM} is not installed; nothing measured`);
    return [];
  }
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-bench-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const tti: number[] = [];
    for (let k = 0; k < RUNS; k++) {
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true' && document.querySelector('[data-testid=run]') !== null, undefined, { timeout: 30_000 });
      tti.push(await page.evaluate(() => (window as Window & { __hoplabReady?: number }).__hoplabReady ?? Number.NaN));
    }
    const frames: FrameBench[] = [];
    for (let k = 0; k < RUNS; k++) {
      await page.goto(`${server.url}?bench=frames&ms=3000`);
      await page.waitForFunction(() => (window as Window & { __hoplabBench?: unknown }).__hoplabBench !== undefined, undefined, { timeout: 60_000 });
      frames.push(await page.evaluate(() => (window as Window & { __hoplabBench?: FrameBench }).__hoplabBench as FrameBench));
    }
    const f0 = frames[0] as FrameBench;
    const results: BenchResult[] = [
      {
        name: `frame time p95, ${f0.inFlight} packets in flight on a ${f0.elements}-element graph (Chromium)`,
        median: median(frames.map((f) => f.p95)),
        unit: 'ms',
        target: 16.7,
        extra: { p50: Number(median(frames.map((f) => f.p50)).toFixed(2)), intervalP95: Number(median(frames.map((f) => f.intervalP95)).toFixed(2)), dropped: median(frames.map((f) => f.dropped)), packetLayerWorkP95: Number(median(frames.map((f) => f.workP95)).toFixed(2)), frames: f0.frames, runs: RUNS },
      },
      { name: 'start to interactive (ICTSC topology and Run button, Chromium)', median: median(tti), unit: 'ms', target: 1500, extra: { runs: RUNS, min: Math.round(Math.min(...tti)) } },
    ];
    for (const r of results) console.log(`frame.bench: ${r.name}: ${r.median.toFixed(1)} ${r.unit} (target ${r.target} ${r.unit})`);
    return results;
  } finally {
    await ctx.close();
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
