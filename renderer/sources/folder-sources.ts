// Where a scenario folder's files come from: the web server's topology index, a folder the user picked
// (<input webkitdirectory>) or dropped, or, inside Electron, a folder granted through the preload's
// verbs. All end as FolderFiles: text by relative path.

import type { FolderFiles } from '../engine/protocol.js';
import type { GrantedFolder, HoplabBridge } from '../../electron/shared/ipc-contract.js';

export interface TopologyListing {
  readonly name: string;
  readonly title?: string;
  readonly files: readonly string[];
}

export const TEXT_FILE = /\.(ya?ml|cfg|conf|sh|v4|v6|rules|json|txt|md|ipt|nft)$/i;
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The topologies the web server offers (scripts/web.mjs builds the index at serve time). */
export async function fetchTopologyIndex(base = 'topologies/'): Promise<TopologyListing[]> {
  const r = await fetch(`${base}index.json`);
  if (!r.ok) throw new Error(`${base}index.json: HTTP ${r.status}`);
  const v: unknown = await r.json();
  if (!Array.isArray(v)) throw new Error('the topology index is not a list');
  return v.filter((x): x is TopologyListing => typeof x === 'object' && x !== null && typeof (x as TopologyListing).name === 'string' && Array.isArray((x as TopologyListing).files));
}

export async function fetchFolder(listing: TopologyListing, base = 'topologies/'): Promise<FolderFiles> {
  const entries = await Promise.all(listing.files.map(async (f) => {
    const r = await fetch(`${base}${encodeURIComponent(listing.name)}/${f.split('/').map(encodeURIComponent).join('/')}`);
    if (!r.ok) throw new Error(`${listing.name}/${f}: HTTP ${r.status}`);
    return [f, await r.text()] as const;
  }));
  return { name: listing.name, files: Object.fromEntries(entries) };
}

/** Files from <input type=file webkitdirectory>: their webkitRelativePath starts with the folder's name. */
export async function folderFromFileList(files: ArrayLike<File>): Promise<FolderFiles> {
  const list = Array.from(files);
  const first = list[0];
  if (!first) throw new Error('the folder is empty');
  const root = (first.webkitRelativePath || first.name).split('/')[0] ?? 'folder';
  const out: Record<string, string> = {};
  for (const f of list) {
    const rel = (f.webkitRelativePath || f.name).split('/').slice(1).join('/') || f.name;
    if (!TEXT_FILE.test(rel) || f.size > MAX_FILE_BYTES || rel.split('/').some((s) => s.startsWith('.'))) continue;
    out[rel] = await f.text();
  }
  return { name: root, files: out };
}

interface FsEntry {
  readonly isFile: boolean;
  readonly isDirectory: boolean;
  readonly name: string;
}
interface FsFileEntry extends FsEntry {
  file(ok: (f: File) => void, err: (e: unknown) => void): void;
}
interface FsDirEntry extends FsEntry {
  createReader(): { readEntries(ok: (es: FsEntry[]) => void, err: (e: unknown) => void): void };
}

/** A dropped directory (DataTransferItem.webkitGetAsEntry), read recursively. */
export async function folderFromDirectoryEntry(dir: FsDirEntry): Promise<FolderFiles> {
  const out: Record<string, string> = {};
  const walk = async (d: FsDirEntry, prefix: string): Promise<void> => {
    const reader = d.createReader();
    for (;;) {
      const batch = await new Promise<FsEntry[]>((ok, err) => reader.readEntries(ok, err));
      if (batch.length === 0) break;
      for (const e of batch) {
        if (e.name.startsWith('.')) continue;
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory) await walk(e as FsDirEntry, rel);
        else if (e.isFile && TEXT_FILE.test(e.name)) {
          const f = await new Promise<File>((ok, err) => (e as FsFileEntry).file(ok, err));
          if (f.size <= MAX_FILE_BYTES) out[rel] = await f.text();
        }
      }
    }
  };
  await walk(dir, '');
  return { name: dir.name, files: out };
}

export function asDirectoryEntry(item: DataTransferItem): FsDirEntry | undefined {
  const e = (item as DataTransferItem & { webkitGetAsEntry?: () => FsEntry | null }).webkitGetAsEntry?.();
  return e && e.isDirectory ? (e as unknown as FsDirEntry) : undefined;
}

/** A folder granted by the Electron shell, read file by file through the bridge. */
export async function folderFromBridge(bridge: HoplabBridge, g: GrantedFolder): Promise<FolderFiles> {
  const entries = await Promise.all(g.files.map(async (f) => [f, await bridge.readFile(g.token, f)] as const));
  return { name: g.name, files: Object.fromEntries(entries) };
}
