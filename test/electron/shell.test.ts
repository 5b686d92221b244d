// The shell's security settings, app:// path mapping, menu template and recent-folder list, checked
// without Electron.
import { describe, expect, it } from 'vitest';
import { allowNavigation, bundlePathFor, contentSecurityPolicy, CSP_DIRECTIVES, isTrustedSender, mimeFor, windowOptions } from '../../electron/main/security.js';
import { menuTemplate, pushRecent, MENU_LABELS, type MenuHandlers } from '../../electron/main/menu.js';
import { parseRecent } from '../../electron/main/recent.js';
import type { MenuItemConstructorOptions } from 'electron';

describe('security', () => {
  it('window: hidden until its page is ready; its webPreferences are checked by electronegativity where they are written', () => {
    const w = windowOptions();
    expect(w).toMatchObject({ show: false, title: 'hoplab' });
    expect('webPreferences' in w).toBe(false);
  });

  it('CSP: nothing by default, our own origin for scripts and workers, no inline script, no eval, no remote', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('script-src app://hoplab');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(CSP_DIRECTIVES['script-src']).not.toMatch(/unsafe|http|\*/);
    expect(csp).not.toMatch(/https?:|\*/);
  });

  it('the renderer HTML carries the same policy in a meta tag', async () => {
    const { readFileSync } = await import('node:fs');
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    for (const [k, v] of Object.entries(CSP_DIRECTIVES)) if (k !== 'frame-ancestors') expect(meta, k).toContain(`${k} ${v}`);
  });

  it('navigation is never allowed; only our own top frame is trusted', () => {
    for (const u of ['app://hoplab/index.html', 'https://example.com', 'file:///etc/passwd']) expect(allowNavigation(u)).toBe(false);
    expect(isTrustedSender({ url: 'app://hoplab/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://hoplab.evil/index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null })).toBe(false);
  });

  it('app:// URLs map into the bundle and never out of it', () => {
    expect(bundlePathFor('app://hoplab/')).toBe('index.html');
    expect(bundlePathFor('app://hoplab/assets/index-1.js')).toBe('assets/index-1.js');
    // dot segments are resolved by the URL parser and cannot climb above the bundle's root
    expect(bundlePathFor('app://hoplab/assets/%2e%2e/%2e%2e/etc/passwd')).toBe('etc/passwd');
    expect(bundlePathFor('app://hoplab/a/%2F..%2F..%2Fx')).toBeUndefined();
    expect(bundlePathFor('app://hoplab/a//b')).toBeUndefined();
    expect(bundlePathFor('app://other/index.html')).toBeUndefined();
    expect(bundlePathFor('https://hoplab/index.html')).toBeUndefined();
    expect(bundlePathFor('app://hoplab/%E0%A4%A')).toBeUndefined();
    expect(mimeFor('a/b.js')).toMatch(/javascript/);
    expect(mimeFor('x.exe')).toBe('application/octet-stream');
  });
});

describe('menu', () => {
  const calls: string[] = [];
  const h: MenuHandlers = { openFolder: () => calls.push('open'), openRecent: (p) => calls.push(`recent ${p}`), togglePresentation: () => calls.push('pres'), setLanguage: (l) => calls.push(`lang ${l}`), showHelp: () => calls.push('help') };
  const find = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined => {
    for (const i of items) {
      if (i.id === id) return i;
      const sub = i.submenu ? find(i.submenu, id) : undefined;
      if (sub) return sub;
    }
    return undefined;
  };

  it('File, View and Help, in both languages, with the items the app needs', () => {
    for (const language of ['en', 'ja'] as const) {
      const m = menuTemplate({ language, presentation: false, recent: ['/a', '/b'], isMac: false, dev: false }, h);
      expect(m.map((i) => i.label ?? i.role)).toEqual([MENU_LABELS[language].file, 'editMenu', MENU_LABELS[language].view, MENU_LABELS[language].help]);
      expect(find(m, 'open-folder')?.label).toBe(MENU_LABELS[language].openFolder);
      expect(find(m, 'open-recent')?.submenu?.map((i) => i.label)).toEqual(['/a', '/b']);
      expect(find(m, 'quit')?.role).toBe('quit');
      expect(find(m, 'language-ja')?.checked).toBe(language === 'ja');
    }
    expect(Object.keys(MENU_LABELS.ja).sort()).toEqual(Object.keys(MENU_LABELS.en).sort());
  });

  it('items call the handlers; an empty recent list is a disabled entry; macOS gets the app menu', () => {
    const m = menuTemplate({ language: 'en', presentation: true, recent: [], isMac: true, dev: true }, h);
    find(m, 'open-folder')?.click?.();
    find(m, 'presentation')?.click?.();
    find(m, 'language-ja')?.click?.();
    find(m, 'help')?.click?.();
    expect(calls).toEqual(['open', 'pres', 'lang ja', 'help']);
    expect(find(m, 'open-recent')?.submenu?.[0]?.enabled).toBe(false);
    expect(find(m, 'presentation')?.checked).toBe(true);
    expect(m[0]?.role).toBe('appMenu');
  });

  it('recent: newest first, unique, capped, corrupt files ignored', () => {
    expect(pushRecent(['/a', '/b', '/c'], '/b')).toEqual(['/b', '/a', '/c']);
    expect(pushRecent(Array.from({ length: 10 }, (_, i) => `/${i}`), '/new')).toHaveLength(10);
    expect(parseRecent('["/a", 3, "rel/path", "/b"]')).toEqual(['/a', '/b']);
    expect(parseRecent('{not json')).toEqual([]);
  });
});
