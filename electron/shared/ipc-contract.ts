// The one registry of IPC channels between the shell and the renderer, their argument and result
// types, and the validators every main-process handler runs before it touches anything (Electron
// security checklist, "Validate the sender of all IPC messages" and "Do not expose Electron APIs to
// untrusted web content"). The preload exposes exactly the verbs of `HoplabBridge`.

/** Renderer -> main requests (ipcRenderer.invoke / ipcMain.handle). */
export const INVOKE = {
  chooseFolder: 'hoplab:choose-folder',
  openDefaultScenario: 'hoplab:open-default-scenario',
  readFile: 'hoplab:read-file',
  setLanguage: 'hoplab:set-language',
  setPresentation: 'hoplab:set-presentation',
} as const;
export type InvokeChannel = (typeof INVOKE)[keyof typeof INVOKE];

/** Main -> renderer events (webContents.send / ipcRenderer.on). */
export const EVENTS = {
  folderOpened: 'hoplab:folder-opened',
  menuCommand: 'hoplab:menu-command',
} as const;
export type EventChannel = (typeof EVENTS)[keyof typeof EVENTS];

export const LANGUAGES = ['en', 'ja'] as const;
export type Language = (typeof LANGUAGES)[number];

/** A folder the user granted: an opaque token (the renderer never learns the absolute path), a display name and its files. */
export interface GrantedFolder {
  readonly token: string;
  readonly name: string;
  /** Paths relative to the folder, '/'-separated, text files only. */
  readonly files: readonly string[];
}

export const MENU_COMMANDS = ['open-folder', 'toggle-presentation', 'set-language', 'show-help'] as const;
export type MenuCommandName = (typeof MENU_COMMANDS)[number];
export type MenuCommand =
  | { readonly command: 'open-folder' }
  | { readonly command: 'toggle-presentation' }
  | { readonly command: 'set-language'; readonly language: Language }
  | { readonly command: 'show-help' };

/** What the preload exposes on `window.hoplab`: named verbs, never ipcRenderer. */
export interface HoplabBridge {
  readonly platform: 'electron';
  chooseFolder(): Promise<GrantedFolder | null>;
  openDefaultScenario(): Promise<GrantedFolder | null>;
  readFile(token: string, path: string): Promise<string>;
  setLanguage(language: Language): Promise<void>;
  setPresentation(on: boolean): Promise<void>;
  onFolderOpened(cb: (folder: GrantedFolder) => void): () => void;
  onMenuCommand(cb: (cmd: MenuCommand) => void): () => void;
}

/** Argument tuples per invoke channel. */
export interface InvokeArgs {
  'hoplab:choose-folder': [];
  'hoplab:open-default-scenario': [];
  'hoplab:read-file': [token: string, path: string];
  'hoplab:set-language': [language: Language];
  'hoplab:set-presentation': [on: boolean];
}
export interface InvokeResults {
  'hoplab:choose-folder': GrantedFolder | null;
  'hoplab:open-default-scenario': GrantedFolder | null;
  'hoplab:read-file': string;
  'hoplab:set-language': void;
  'hoplab:set-presentation': void;
}

export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const MAX_PATH_CHARS = 1024;
export const TOKEN_RE = /^[0-9a-f]{32}$/;

/**
 * A relative path inside a granted folder: '/'-separated, no empty, '.' or '..' segments, no
 * backslash (a Windows separator), no drive letter or leading '/', no NUL or control characters.
 */
export function validateRelativePath(p: unknown): Validation<string> {
  if (typeof p !== 'string') return { ok: false, error: 'path must be a string' };
  if (p.length === 0 || p.length > MAX_PATH_CHARS) return { ok: false, error: `path must have 1..${MAX_PATH_CHARS} characters` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(p)) return { ok: false, error: 'path contains control characters' };
  if (p.includes('\\')) return { ok: false, error: 'path must use / separators' };
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return { ok: false, error: 'path must be relative' };
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return { ok: false, error: `path segment "${seg}" is not allowed` };
  }
  return { ok: true, value: p };
}

export function validateToken(t: unknown): Validation<string> {
  return typeof t === 'string' && TOKEN_RE.test(t) ? { ok: true, value: t } : { ok: false, error: 'token must be 32 lower-case hex digits' };
}

export function validateLanguage(l: unknown): Validation<Language> {
  return typeof l === 'string' && (LANGUAGES as readonly string[]).includes(l) ? { ok: true, value: l as Language } : { ok: false, error: `language must be one of ${LANGUAGES.join(', ')}` };
}

/** Validates the whole argument list of a channel: the count must match exactly (extra arguments are refused too). */
export function validateInvokeArgs<C extends InvokeChannel>(channel: C, args: readonly unknown[]): Validation<InvokeArgs[C]> {
  const arity = (n: number): string | undefined => (args.length === n ? undefined : `${channel} takes ${n} argument(s), got ${args.length}`);
  switch (channel) {
    case INVOKE.chooseFolder:
    case INVOKE.openDefaultScenario: {
      const e = arity(0);
      return e ? { ok: false, error: e } : { ok: true, value: [] as unknown as InvokeArgs[C] };
    }
    case INVOKE.readFile: {
      const e = arity(2);
      if (e) return { ok: false, error: e };
      const t = validateToken(args[0]);
      if (!t.ok) return t;
      const p = validateRelativePath(args[1]);
      if (!p.ok) return p;
      return { ok: true, value: [t.value, p.value] as InvokeArgs[C] };
    }
    case INVOKE.setLanguage: {
      const e = arity(1);
      if (e) return { ok: false, error: e };
      const l = validateLanguage(args[0]);
      return l.ok ? { ok: true, value: [l.value] as InvokeArgs[C] } : l;
    }
    case INVOKE.setPresentation: {
      const e = arity(1);
      if (e) return { ok: false, error: e };
      return typeof args[0] === 'boolean' ? { ok: true, value: [args[0]] as InvokeArgs[C] } : { ok: false, error: 'on must be a boolean' };
    }
    default:
      return { ok: false, error: `unknown channel ${String(channel)}` };
  }
}

/** Renderer-side check of what main sends: a folder grant. */
export function validateGrantedFolder(v: unknown): Validation<GrantedFolder> {
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'folder must be an object' };
  const o = v as Record<string, unknown>;
  const t = validateToken(o['token']);
  if (!t.ok) return t;
  if (typeof o['name'] !== 'string') return { ok: false, error: 'folder name must be a string' };
  const files = o['files'];
  if (!Array.isArray(files)) return { ok: false, error: 'files must be an array' };
  for (const f of files) {
    const p = validateRelativePath(f);
    if (!p.ok) return p;
  }
  return { ok: true, value: { token: t.value, name: o['name'], files: files as string[] } };
}

export function validateMenuCommand(v: unknown): Validation<MenuCommand> {
  if (typeof v !== 'object' || v === null) return { ok: false, error: 'menu command must be an object' };
  const o = v as Record<string, unknown>;
  switch (o['command']) {
    case 'open-folder':
    case 'toggle-presentation':
    case 'show-help':
      return { ok: true, value: { command: o['command'] } };
    case 'set-language': {
      const l = validateLanguage(o['language']);
      return l.ok ? { ok: true, value: { command: 'set-language', language: l.value } } : l;
    }
    default:
      return { ok: false, error: `unknown menu command ${String(o['command'])}` };
  }
}
