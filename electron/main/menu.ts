// The native menu as data: File (Open Topology Folder…, Open Recent, Quit), View (Presentation Mode,
// Language), Help. Labels in English and Japanese, like the renderer's. Items call back into the shell
// through `MenuHandlers`, so the template is built and tested without Electron.

import type { MenuItemConstructorOptions } from 'electron';
import { LANGUAGES, type Language } from '../shared/ipc-contract.js';

export const MENU_LABELS = {
  en: {
    file: 'File', openFolder: 'Open Topology Folder…', openRecent: 'Open Recent', noRecent: 'No recent folders', quit: 'Quit',
    view: 'View', presentation: 'Presentation Mode', language: 'Language', reload: 'Reload', devtools: 'Toggle Developer Tools',
    help: 'Help', helpShow: 'hoplab Help', en: 'English', ja: '日本語',
  },
  ja: {
    file: 'ファイル', openFolder: 'トポロジーフォルダーを開く…', openRecent: '最近使ったフォルダー', noRecent: '最近使ったフォルダーはありません', quit: '終了',
    view: '表示', presentation: 'プレゼンテーションモード', language: '言語', reload: '再読み込み', devtools: '開発者ツールの切り替え',
    help: 'ヘルプ', helpShow: 'hoplab ヘルプ', en: 'English', ja: '日本語',
  },
} as const satisfies Record<Language, Record<string, string>>;

export interface MenuHandlers {
  openFolder(): void;
  openRecent(path: string): void;
  togglePresentation(): void;
  setLanguage(l: Language): void;
  showHelp(): void;
}

export interface MenuState {
  readonly language: Language;
  readonly presentation: boolean;
  readonly recent: readonly string[];
  readonly isMac: boolean;
  readonly dev: boolean;
}

export function menuTemplate(s: MenuState, h: MenuHandlers): MenuItemConstructorOptions[] {
  const L = MENU_LABELS[s.language];
  const recent: MenuItemConstructorOptions[] = s.recent.length === 0
    ? [{ label: L.noRecent, enabled: false }]
    : s.recent.map((p) => ({ label: p, click: () => h.openRecent(p) }));
  const file: MenuItemConstructorOptions = {
    label: L.file,
    submenu: [
      { id: 'open-folder', label: L.openFolder, accelerator: 'CmdOrCtrl+O', click: () => h.openFolder() },
      { id: 'open-recent', label: L.openRecent, submenu: recent },
      { type: 'separator' },
      { id: 'quit', label: L.quit, role: 'quit', accelerator: 'CmdOrCtrl+Q' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: L.view,
    submenu: [
      { id: 'presentation', label: L.presentation, type: 'checkbox', checked: s.presentation, accelerator: 'F5', click: () => h.togglePresentation() },
      { id: 'language', label: L.language, submenu: LANGUAGES.map((l) => ({ id: `language-${l}`, label: L[l], type: 'radio' as const, checked: s.language === l, click: () => h.setLanguage(l) })) },
      ...(s.dev ? [{ type: 'separator' as const }, { label: L.reload, role: 'reload' as const }, { label: L.devtools, role: 'toggleDevTools' as const }] : []),
    ],
  };
  const help: MenuItemConstructorOptions = { label: L.help, submenu: [{ id: 'help', label: L.helpShow, accelerator: 'F1', click: () => h.showHelp() }] };
  return [...(s.isMac ? [{ role: 'appMenu' as const }] : []), file, { role: 'editMenu' }, view, help];
}

/** Keeps the most recent first, no duplicates, at most `max`. */
export function pushRecent(list: readonly string[], path: string, max = 10): string[] {
  return [path, ...list.filter((p) => p !== path)].slice(0, max);
}
