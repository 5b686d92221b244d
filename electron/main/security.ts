// The shell's security settings in one place, as Electron's security checklist asks
// (https://www.electronjs.org/docs/latest/tutorial/security): isolated, sandboxed renderer with no
// Node, a strict Content-Security-Policy, navigation and new windows refused, no remote content,
// permission requests denied, and IPC accepted only from our own top-level frame.

import type { BrowserWindowConstructorOptions } from 'electron';

/** The renderer is served from this privileged custom scheme (never file://, never http). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hoplab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Everything from our own origin only. Workers are bundled files of the same origin (worker-src
 * 'self'); styles allow inline `style=` attributes that React and cytoscape set, never inline
 * scripts; no remote connect, no plugins, no framing, no form posts, no base-uri hijack.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'none'",
  // The app's own origin by name: csp-evaluator (and so electronegativity) flags 'self' in script-src.
  'script-src': 'app://hoplab',
  'worker-src': 'app://hoplab',
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
  'frame-src': "'none'",
};

export function contentSecurityPolicy(directives: Readonly<Record<string, string>> = CSP_DIRECTIVES): string {
  return Object.entries(directives).map(([k, v]) => `${k} ${v}`).join('; ');
}

/**
 * The window's size and look. Its webPreferences are written out where the window is created
 * (electron/main/main.ts) so that electronegativity, which reads the literal passed to
 * `new BrowserWindow`, checks them; test/electron/electronegativity.test.ts holds them to zero findings.
 */
export function windowOptions(): Omit<BrowserWindowConstructorOptions, 'webPreferences'> {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'hoplab',
    show: false,
    backgroundColor: '#10141c',
  };
}

/** Navigation is never allowed: the app is one page; anything else (a dropped file, a link) is refused. */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** A frame may use IPC only if it is the top-level frame of a window we created, showing our own origin. */
export function isTrustedSender(frame: { readonly url: string; readonly parent: unknown } | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  let u: URL;
  try {
    u = new URL(frame.url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** Maps an app:// request to a file path inside the renderer bundle, or undefined if it would leave it. */
export function bundlePathFor(requestUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return undefined;
  let p: string;
  try {
    p = decodeURIComponent(u.pathname);
  } catch {
    return undefined;
  }
  if (p === '/' || p === '') p = '/index.html';
  const segs = p.split('/').slice(1);
  if (segs.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) return undefined;
  return segs.join('/');
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
};

export function mimeFor(path: string): string {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return MIME_TYPES[ext] ?? 'application/octet-stream';
}
