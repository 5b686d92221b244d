#!/usr/bin/env node
// The `hoplab` command. It runs the CLI bundled by esbuild (dist/cli/hoplab.mjs), as the app runs
// its engine bundled: starting takes a fraction of what a per-file TypeScript loader takes, and the
// simulator runs as fast as in the app. The bundle is rebuilt first whenever a source file is newer
// than it (a fresh clone, or after an edit), which takes well under a second.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist', 'cli', 'hoplab.mjs');
/** What the CLI is built from, and what decides how (esbuild reads the tsconfig files; this file holds the options). */
const SOURCES = ['cli', 'sim', 'lab', 'package.json', 'tsconfig.json', 'tsconfig.base.json', 'bin/hoplab.mjs'].map((p) => join(ROOT, p));

/** The newest modification time under `paths` (files and folders, recursively). */
function newest(paths) {
  let t = 0;
  const walk = (p) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else t = Math.max(t, st.mtimeMs);
  };
  for (const p of paths) walk(p);
  return t;
}

async function buildIfStale() {
  if (existsSync(OUT) && statSync(OUT).mtimeMs >= newest(SOURCES)) return;
  const { build } = await import('esbuild');
  mkdirSync(dirname(OUT), { recursive: true });
  // Written beside the bundle and renamed over it: a CLI started meanwhile reads the old or the new, never half.
  const tmp = `${OUT}.${process.pid}.tmp.mjs`;
  await build({ entryPoints: [join(ROOT, 'cli', 'main.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile: tmp, logLevel: 'error' });
  renameSync(tmp, OUT);
}

await buildIfStale();
const { main } = await import(pathToFileURL(OUT).href);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
