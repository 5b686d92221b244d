// The Electron main process, kept thin: it wires the plain modules next to it (security, folders,
// ipc-handlers, menu, recent) to Electron's objects. One window, the renderer served from app://hoplab
// out of the bundle with a strict CSP header, file I/O only through the validated IPC handlers.

import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { promises as fs, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EVENTS, type Language } from '../shared/ipc-contract.js';
import { FolderRegistry } from './folders.js';
import { handleInvoke, INVOKE_CHANNELS } from './ipc-handlers.js';
import { menuTemplate } from './menu.js';
import { loadRecent, saveRecent } from './recent.js';
import { allowNavigation, APP_ENTRY, APP_SCHEME, bundlePathFor, contentSecurityPolicy, mimeFor, windowOptions } from './security.js';

const HERE = __dirname; // dist/electron when bundled
const RENDERER_DIR = resolve(HERE, '..', 'renderer');
const PRELOAD = join(HERE, 'preload.cjs');
const DEFAULT_SCENARIO = 'ictsc2020-nodeport-source-ip';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const folders = new FolderRegistry();
let win: BrowserWindow | undefined;
let language: Language = 'en';
let presentation = false;
let recent: string[] = [];

function topologiesDir(): string {
  const res = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const packaged = res ? join(res, 'topologies') : undefined;
  return app.isPackaged && packaged ? packaged : resolve(HERE, '..', '..', 'topologies');
}

function rebuildMenu(): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(
    { language, presentation, recent, isMac: process.platform === 'darwin', dev: !app.isPackaged },
    {
      openFolder: () => void openFolder(),
      openRecent: (p) => void grantAndSend(p),
      togglePresentation: () => setPresentation(!presentation, true),
      setLanguage: (l) => {
        language = l;
        rebuildMenu();
        send(EVENTS.menuCommand, { command: 'set-language', language: l });
      },
      showHelp: () => send(EVENTS.menuCommand, { command: 'show-help' }),
    },
  )));
}

function send(channel: string, payload: unknown): void {
  if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
}

async function pickFolder(): Promise<string | undefined> {
  if (!win) return undefined;
  const r = await dialog.showOpenDialog(win, { properties: ['openDirectory'] });
  return r.canceled ? undefined : r.filePaths[0];
}

async function grantAndSend(path: string): Promise<void> {
  try {
    const g = await folders.grant(path);
    recordRecent(path);
    send(EVENTS.folderOpened, g);
  } catch {
    recent = recent.filter((p) => p !== path);
    rebuildMenu();
  }
}

async function openFolder(): Promise<void> {
  const p = await pickFolder();
  if (p !== undefined) await grantAndSend(p);
}

function recordRecent(p: string): void {
  recent = saveRecent(app.getPath('userData'), recent, p);
  rebuildMenu();
}

function setPresentation(on: boolean, notify: boolean): void {
  presentation = on;
  if (win) win.setFullScreen(on);
  rebuildMenu();
  if (notify) send(EVENTS.menuCommand, { command: 'toggle-presentation' });
}

function createWindow(): void {
  win = new BrowserWindow({
    ...windowOptions(),
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const w = win;
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    win = undefined;
  });
  void w.loadURL(APP_ENTRY);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('window-all-closed', () => app.quit());

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  protocol.handle(APP_SCHEME, async (req) => {
    const rel = bundlePathFor(req.url);
    if (rel === undefined) return new Response('not found', { status: 404 });
    const file = resolve(RENDERER_DIR, ...rel.split('/'));
    if (!file.startsWith(RENDERER_DIR) || !existsSync(file)) return new Response('not found', { status: 404 });
    const body = await fs.readFile(file);
    return new Response(body, { headers: { 'content-type': mimeFor(rel), 'content-security-policy': contentSecurityPolicy(), 'x-content-type-options': 'nosniff' } });
  });
  recent = loadRecent(app.getPath('userData'));
  language = app.getLocale().startsWith('ja') ? 'ja' : 'en';
  const deps = {
    folders,
    isOurWindow: (id: number) => win !== undefined && !win.isDestroyed() && win.webContents.id === id,
    actions: {
      pickFolder,
      defaultScenarioPath: () => {
        const p = join(topologiesDir(), DEFAULT_SCENARIO);
        return existsSync(p) ? p : undefined;
      },
      addRecent: recordRecent,
      setLanguage: (l: Language) => {
        language = l;
        rebuildMenu();
      },
      setPresentation: (on: boolean) => setPresentation(on, false),
    },
  };
  for (const ch of INVOKE_CHANNELS) {
    ipcMain.handle(ch, (e: IpcMainInvokeEvent, ...args: unknown[]) =>
      handleInvoke(deps, ch, { frame: e.senderFrame, webContentsId: e.sender.id }, args));
  }
  rebuildMenu();
  createWindow();
});

