// End-to-end harness: serves the built renderer with scripts/web.mjs on 127.0.0.1 (a free port) and
// drives Debian's Chromium through playwright-core. Without /usr/bin/chromium the e2e tests skip and
// say why. Screenshots go to test-results/ (git-ignored).
import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RESULTS = join(ROOT, 'test-results');
export const hasChromium = existsSync(CHROMIUM);
export const skipReason = hasChromium ? '' : `${CHROMIUM} is not installed (apt-get install chromium); skipping the browser tests`;
if (!hasChromium) console.warn(`e2e: ${skipReason}`);

export interface Served {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `node scripts/web.mjs` (it builds the renderer first when sources changed) and waits for its address. */
export function startServer(): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts', 'web.mjs')], { cwd: ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`web server did not start:\n${out}`));
    }, 120_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /serving the app at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1] as string,
          stop: () => new Promise((ok) => {
            child.once('exit', () => ok());
            child.kill();
          }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web server exited (${code}):\n${out}`));
    });
  });
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Waits until the app has opened its first scenario. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset['ready'] === 'true', undefined, { timeout: 30_000 });
  await page.waitForSelector('[data-testid=scenario-title]:not(:empty)');
}

/** Presses step-forward until `done` holds for the current event row (or gives up). */
export async function stepUntil(page: Page, done: (rowText: string) => boolean, max = 3000): Promise<string> {
  for (let k = 0; k < max; k++) {
    await page.keyboard.press('ArrowRight');
    const row = (await page.locator('.ev-row.current').textContent()) ?? '';
    if (done(row)) return row;
  }
  throw new Error('the event never came');
}

/**
 * One served app and one browser for a describe block: started before its tests, closed after.
 * The returned getter gives the browser (with the app open) once the hooks have run.
 */
export function useApp(): () => Browser {
  let server: Served | undefined;
  let b: Browser | undefined;
  beforeAll(async () => {
    server = await startServer();
    b = await launch();
    await openApp(b.page, server.url);
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await server?.stop();
  });
  return () => {
    if (!b) throw new Error('the app is not open yet');
    return b;
  };
}
