#!/usr/bin/env node
// `npm start`: launches the Electron shell when the Electron binary is available; otherwise builds the
// same renderer, serves it on 127.0.0.1 (scripts/web.mjs), prints the address and says why.
// `--build-only` builds dist/renderer and dist/electron (main.cjs, preload.cjs) for packaging and exits.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ensureBuilt, serve, ROOT } from './web.mjs';

const OUT = join(ROOT, 'dist', 'electron');

/** The Electron binary, or the reason there is none. */
export function findElectron() {
  const require = createRequire(import.meta.url);
  let bin;
  try {
    bin = require('electron'); // the package's index.js returns the binary's path
  } catch (e) {
    const msg = e && e.message ? e.message : String(e);
    return { reason: /Cannot find module 'electron'/.test(msg) ? 'the electron package is not installed (npm i -D electron)' : `the electron package cannot locate its binary (${msg.split('\n')[0]})` };
  }
  if (typeof bin !== 'string' || !existsSync(bin)) return { reason: `the Electron binary ${String(bin)} is missing (its download did not run)` };
  return { bin };
}

/** Bundles the main process and the preload to CommonJS (a sandboxed preload cannot be an ES module). */
export async function buildShell() {
  const { build } = await import('vite');
  const one = (entry, name) => build({
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: join(ROOT, entry),
      outDir: OUT,
      emptyOutDir: false,
      target: 'node20',
      sourcemap: false,
      rollupOptions: { external: ['electron', /^node:/], output: { format: 'cjs', entryFileNames: name } },
    },
  });
  await one('electron/main/main.ts', 'main.cjs');
  await one('electron/preload/preload.ts', 'preload.cjs');
}

async function main() {
  const args = process.argv.slice(2);
  await ensureBuilt();
  if (args.includes('--build-only')) {
    await buildShell();
    console.log(`hoplab: built ${join('dist', 'renderer')} and ${join('dist', 'electron')}`);
    return;
  }
  const e = findElectron();
  if (e.bin) {
    await buildShell();
    console.log('hoplab: starting Electron');
    const child = spawn(e.bin, [join(OUT, 'main.cjs')], { stdio: 'inherit', env: { ...process.env, ELECTRON_ENABLE_SECURITY_WARNINGS: 'true' } });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  console.log(`hoplab: not starting the desktop shell: ${e.reason}.`);
  console.log('hoplab: serving the same app in the browser instead.');
  const { url } = await serve();
  console.log(`hoplab: open ${url}`);
}

main().catch((err) => {
  console.error(`hoplab: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
