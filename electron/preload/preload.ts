// The preload: runs sandboxed with context isolation and exposes `window.hoplab`, a set of named
// verbs (HoplabBridge). It never hands out ipcRenderer or an event object, and it validates what main
// sends before the page sees it. Bundled to CommonJS (sandboxed preloads cannot load ES modules).

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENTS, INVOKE, validateGrantedFolder, validateMenuCommand, type GrantedFolder, type HoplabBridge, type Language, type MenuCommand } from '../shared/ipc-contract.js';

function subscribe<T>(channel: string, check: (v: unknown) => { ok: true; value: T } | { ok: false; error: string }, cb: (v: T) => void): () => void {
  const listener = (_e: IpcRendererEvent, payload: unknown): void => {
    const v = check(payload);
    if (v.ok) cb(v.value);
  };
  ipcRenderer.on(channel, listener);
  return () => {
    ipcRenderer.removeListener(channel, listener);
  };
}

const bridge: HoplabBridge = {
  platform: 'electron',
  chooseFolder: async () => (await ipcRenderer.invoke(INVOKE.chooseFolder)) as GrantedFolder | null,
  openDefaultScenario: async () => (await ipcRenderer.invoke(INVOKE.openDefaultScenario)) as GrantedFolder | null,
  readFile: async (token: string, path: string) => String(await ipcRenderer.invoke(INVOKE.readFile, token, path)),
  setLanguage: async (language: Language) => {
    await ipcRenderer.invoke(INVOKE.setLanguage, language);
  },
  setPresentation: async (on: boolean) => {
    await ipcRenderer.invoke(INVOKE.setPresentation, on);
  },
  onFolderOpened: (cb: (f: GrantedFolder) => void) => subscribe(EVENTS.folderOpened, validateGrantedFolder, cb),
  onMenuCommand: (cb: (c: MenuCommand) => void) => subscribe(EVENTS.menuCommand, validateMenuCommand, cb),
};

contextBridge.exposeInMainWorld('hoplab', bridge);
