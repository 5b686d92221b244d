// The main process's IPC handlers as plain functions: each checks the sending frame, validates every
// argument against the contract, then does its one job. `registerIpc` wires them to ipcMain; tests
// call `handleInvoke` directly with fake frames and arguments.

import { INVOKE, validateInvokeArgs, type InvokeArgs, type InvokeChannel, type InvokeResults, type Language } from '../shared/ipc-contract.js';
import { isTrustedSender } from './security.js';
import type { FolderRegistry } from './folders.js';
import type { GrantedFolder } from '../shared/ipc-contract.js';

export interface ShellActions {
  /** Shows the native folder dialog; resolves to the chosen absolute path or undefined. */
  pickFolder(): Promise<string | undefined>;
  /** The bundled scenario opened on first launch. */
  defaultScenarioPath(): string | undefined;
  addRecent(absPath: string): void;
  setLanguage(language: Language): void;
  setPresentation(on: boolean): void;
}

export interface SenderInfo {
  readonly frame: { readonly url: string; readonly parent: unknown } | null;
  /** The webContents id of the frame's window; must be one of ours. */
  readonly webContentsId: number;
}

export class IpcRefused extends Error {}

export interface IpcDeps {
  readonly folders: FolderRegistry;
  readonly actions: ShellActions;
  readonly isOurWindow: (webContentsId: number) => boolean;
}

export async function handleInvoke<C extends InvokeChannel>(deps: IpcDeps, channel: C, sender: SenderInfo, rawArgs: readonly unknown[]): Promise<InvokeResults[C]> {
  if (!deps.isOurWindow(sender.webContentsId) || !isTrustedSender(sender.frame)) throw new IpcRefused(`${channel}: sender is not the hoplab window's top frame`);
  const v = validateInvokeArgs(channel, rawArgs);
  if (!v.ok) throw new IpcRefused(`${channel}: ${v.error}`);
  return (await run(deps, channel, v.value)) as InvokeResults[C];
}

async function run(deps: IpcDeps, channel: InvokeChannel, args: InvokeArgs[InvokeChannel]): Promise<InvokeResults[InvokeChannel]> {
  switch (channel) {
    case INVOKE.chooseFolder: {
      const p = await deps.actions.pickFolder();
      if (p === undefined) return null;
      const g: GrantedFolder = await deps.folders.grant(p);
      deps.actions.addRecent(p);
      return g;
    }
    case INVOKE.openDefaultScenario: {
      const p = deps.actions.defaultScenarioPath();
      return p === undefined ? null : deps.folders.grant(p);
    }
    case INVOKE.readFile: {
      const [token, path] = args as InvokeArgs['hoplab:read-file'];
      return deps.folders.read(token, path);
    }
    case INVOKE.setLanguage: {
      const [language] = args as InvokeArgs['hoplab:set-language'];
      deps.actions.setLanguage(language);
      return undefined;
    }
    case INVOKE.setPresentation: {
      const [on] = args as InvokeArgs['hoplab:set-presentation'];
      deps.actions.setPresentation(on);
      return undefined;
    }
    default:
      throw new IpcRefused(`unknown channel ${String(channel)}`);
  }
}

/** The handler list `main.ts` hands to ipcMain.handle. */
export const INVOKE_CHANNELS: readonly InvokeChannel[] = Object.values(INVOKE);
