#!/usr/bin/env node
// `npm run web`: builds the renderer when its sources changed since the last build, then serves it on
// 127.0.0.1 (port from PORT, default 5178; PORT=0 picks a free one) together with the scenarios in
// topologies/: GET topologies/index.json lists each folder and its files (built at serve time), and
// GET topologies/<folder>/<path> returns a file. Nothing else on disk is reachable.
// Flags: --no-build (serve dist/renderer as it is), --build-only (build and exit).

import { createServer } from 'node:http';
import { existsSync, mkdirSync, promises as fs, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep, relative, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist', 'renderer');
const TOPOLOGIES = join(ROOT, 'topologies');
const DEFAULT_PORT = 5178;
const TEXT_FILE = /\.(ya?ml|cfg|conf|sh|v4|v6|rules|json|txt|md|ipt|nft)$/i;
const MAX_FILES = 2000;

export const CSP = "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; frame-src 'none'";

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json; charset=utf-8', '.woff2': 'font/woff2' };

function newestMtime(paths) {
  let newest = 0;
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) walk(p);
  return newest;
}

/** True when dist/renderer is missing or older than anything it is built from. */
export function buildIsStale() {
  const index = join(DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = newestMtime([join(ROOT, 'renderer'), join(ROOT, 'sim'), join(ROOT, 'electron', 'shared'), join(ROOT, 'vite.config.ts')]);
  return sources > built;
}

export async function buildRenderer({ quiet = false } = {}) {
  const { build } = await import('vite');
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: quiet ? 'warn' : 'info' });
}

/** Runs fn while holding dist/.build.lock, so concurrent servers (parallel test files) never build over each other. */
async function withBuildLock(fn) {
  const lock = join(ROOT, 'dist', '.build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true }); // left by a killed build
      } catch {
        // it went away meanwhile
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export async function ensureBuilt({ quiet = false } = {}) {
  if (!buildIsStale()) return false;
  return withBuildLock(async () => {
    if (!buildIsStale()) return false; // another process built it while we waited
    if (!quiet) console.log('hoplab: building the renderer (vite)…');
    await buildRenderer({ quiet });
    return true;
  });
}

function inside(root, p) {
  const rel = relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

async function listFolder(dir) {
  const out = [];
  const queue = [''];
  while (queue.length > 0 && out.length < MAX_FILES) {
    const rel = queue.shift();
    const entries = (await fs.readdir(join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) queue.push(r);
      else if (e.isFile() && TEXT_FILE.test(e.name)) out.push(r);
    }
  }
  return out;
}

/** The topology index: every folder of topologies/ that has a topology.yaml, with its text files. */
export async function topologyIndex(root = TOPOLOGIES) {
  if (!existsSync(root)) return [];
  const out = [];
  for (const e of (await fs.readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory() || e.name.startsWith('.')) continue;
    const dir = join(root, e.name);
    if (!existsSync(join(dir, 'topology.yaml'))) continue;
    const text = await fs.readFile(join(dir, 'topology.yaml'), 'utf8');
    const title = /^title:\s*(.+)$/m.exec(text)?.[1]?.replace(/^["']|["']$/g, '');
    out.push({ name: e.name, ...(title ? { title } : {}), files: await listFolder(dir) });
  }
  return out;
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'content-security-policy': CSP, 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end(body);
}

export function createHandler({ dist = DIST, topologies = TOPOLOGIES } = {}) {
  return async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let path;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return send(res, 400, 'bad path');
      }
      if (path.includes('\0') || path.split('/').some((s) => s === '..')) return send(res, 400, 'bad path');
      if (path === '/topologies/index.json') return send(res, 200, JSON.stringify(await topologyIndex(topologies)), MIME['.json']);
      if (path.startsWith('/topologies/')) {
        const file = resolve(topologies, ...path.slice('/topologies/'.length).split('/'));
        if (!inside(topologies, file) || !TEXT_FILE.test(file) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
        return send(res, 200, await fs.readFile(file), 'text/plain; charset=utf-8');
      }
      const rel = path === '/' ? 'index.html' : path.slice(1);
      const file = resolve(dist, ...rel.split('/'));
      if (!inside(dist, file) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
      if (rel === 'index.html') {
        // The page names the desktop app's origin (app://hoplab) in its CSP; served over http, the
        // same policy is our own origin.
        return send(res, 200, (await fs.readFile(file, 'utf8')).replaceAll('app://hoplab', "'self'"), MIME['.html']);
      }
      return send(res, 200, await fs.readFile(file), MIME[extname(file)] ?? 'application/octet-stream');
    } catch (e) {
      return send(res, 500, String(e && e.message ? e.message : e));
    }
  };
}

/** Starts the server; resolves to { url, close }. */
export async function serve({ port = Number(process.env.PORT ?? DEFAULT_PORT), host = '127.0.0.1' } = {}) {
  const server = createServer(createHandler());
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const addr = server.address();
  const url = `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/`;
  return { url, close: () => new Promise((ok) => server.close(() => ok())) };
}

async function main() {
  const args = process.argv.slice(2);
  if (!args.includes('--no-build')) await ensureBuilt();
  if (args.includes('--build-only')) return;
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('hoplab: dist/renderer is missing; run without --no-build');
    process.exit(1);
  }
  if (process.env.PORT === undefined) console.log(`hoplab: PORT is not set; using the default ${DEFAULT_PORT}`);
  const { url } = await serve();
  console.log(`hoplab: serving the app at ${url}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`hoplab: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
}

export { ROOT, DIST, sep };
