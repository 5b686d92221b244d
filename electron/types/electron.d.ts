// The slice of Electron's API that hoplab's shell uses, declared locally: the `electron` package's
// postinstall downloads a binary, which these build machines cannot do. Names and signatures follow
// Electron's own electron.d.ts (https://www.electronjs.org/docs/latest/api/); anything not listed
// here is deliberately unused. Keep this file in step with the Electron version in
// electron/electron-builder.yml.

declare module 'electron' {
  type Listener = (...args: never[]) => void;

  interface Event {
    preventDefault(): void;
  }

  interface WebFrameMain {
    readonly url: string;
    readonly top: WebFrameMain | null;
    readonly parent: WebFrameMain | null;
    readonly processId: number;
    readonly routingId: number;
  }

  interface HandlerDetails {
    readonly url: string;
    readonly frameName: string;
  }

  interface WebContents {
    readonly id: number;
    readonly mainFrame: WebFrameMain;
    send(channel: string, ...args: unknown[]): void;
    on(event: 'will-navigate' | 'will-redirect', listener: (event: Event, url: string) => void): this;
    on(event: 'will-attach-webview', listener: (event: Event) => void): this;
    setWindowOpenHandler(handler: (details: HandlerDetails) => { action: 'deny' } | { action: 'allow' }): void;
    isDestroyed(): boolean;
    openDevTools(): void;
  }

  interface WebPreferences {
    preload?: string;
    contextIsolation?: boolean;
    sandbox?: boolean;
    nodeIntegration?: boolean;
    nodeIntegrationInWorker?: boolean;
    nodeIntegrationInSubFrames?: boolean;
    webSecurity?: boolean;
    allowRunningInsecureContent?: boolean;
    webviewTag?: boolean;
    experimentalFeatures?: boolean;
    enableBlinkFeatures?: string;
    disableBlinkFeatures?: string;
    navigateOnDragDrop?: boolean;
    spellcheck?: boolean;
    safeDialogs?: boolean;
  }

  interface BrowserWindowConstructorOptions {
    width?: number;
    height?: number;
    minWidth?: number;
    minHeight?: number;
    title?: string;
    show?: boolean;
    backgroundColor?: string;
    webPreferences?: WebPreferences;
  }

  class BrowserWindow {
    constructor(options?: BrowserWindowConstructorOptions);
    readonly webContents: WebContents;
    loadURL(url: string): Promise<void>;
    once(event: 'ready-to-show', listener: () => void): this;
    on(event: 'closed', listener: () => void): this;
    show(): void;
    isFullScreen(): boolean;
    setFullScreen(flag: boolean): void;
    isDestroyed(): boolean;
    static getAllWindows(): BrowserWindow[];
  }

  interface IpcMainInvokeEvent {
    readonly sender: WebContents;
    readonly senderFrame: WebFrameMain | null;
  }

  interface IpcMain {
    handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  }

  interface IpcRendererEvent {
    readonly senderId: number;
  }

  interface IpcRenderer {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
    removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): this;
  }

  interface ContextBridge {
    exposeInMainWorld(apiKey: string, api: unknown): void;
  }

  interface OpenDialogOptions {
    title?: string;
    properties?: ('openDirectory' | 'openFile' | 'multiSelections' | 'createDirectory')[];
  }
  interface OpenDialogReturnValue {
    canceled: boolean;
    filePaths: string[];
  }
  interface Dialog {
    showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  }

  interface MenuItemConstructorOptions {
    label?: string;
    role?: 'quit' | 'about' | 'toggleDevTools' | 'reload' | 'copy' | 'paste' | 'selectAll' | 'close' | 'minimize' | 'zoomIn' | 'zoomOut' | 'resetZoom' | 'appMenu' | 'editMenu' | 'windowMenu';
    type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio';
    accelerator?: string;
    checked?: boolean;
    enabled?: boolean;
    id?: string;
    click?: () => void;
    submenu?: MenuItemConstructorOptions[];
  }

  class Menu {
    static buildFromTemplate(template: MenuItemConstructorOptions[]): Menu;
    static setApplicationMenu(menu: Menu | null): void;
  }

  interface CustomScheme {
    scheme: string;
    privileges?: { standard?: boolean; secure?: boolean; supportFetchAPI?: boolean; corsEnabled?: boolean; stream?: boolean; allowServiceWorkers?: boolean; codeCache?: boolean };
  }
  interface Protocol {
    registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  }

  interface PermissionRequestHandler {
    (webContents: WebContents, permission: string, callback: (granted: boolean) => void): void;
  }
  interface Session {
    setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  }
  const session: { readonly defaultSession: Session };

  interface App {
    readonly isPackaged: boolean;
    whenReady(): Promise<void>;
    on(event: 'window-all-closed' | 'activate', listener: () => void): this;
    on(event: 'web-contents-created', listener: (event: Event, contents: WebContents) => void): this;
    quit(): void;
    getPath(name: 'userData' | 'home' | 'documents'): string;
    getAppPath(): string;
    getLocale(): string;
    setName(name: string): void;
  }

  interface Shell {
    openExternal(url: string): Promise<void>;
  }

  export const app: App;
  export const ipcMain: IpcMain;
  export const ipcRenderer: IpcRenderer;
  export const contextBridge: ContextBridge;
  export const dialog: Dialog;
  export const protocol: Protocol;
  export const shell: Shell;
  export { BrowserWindow, Menu, session };
  export type {
    Event, WebContents, WebFrameMain, WebPreferences, BrowserWindowConstructorOptions, IpcMainInvokeEvent,
    IpcRendererEvent, MenuItemConstructorOptions, OpenDialogOptions, HandlerDetails, Listener,
  };
}
