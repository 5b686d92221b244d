// Folders the user granted, and file reads confined to them. The renderer holds only an opaque token
// per folder; every read resolves the requested relative path, follows symlinks with realpath and
// refuses anything that lands outside the granted root (a symlink pointing out, a '..' that slipped
// past validation), anything too large, and anything that is not a regular file.

import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { validateRelativePath, type GrantedFolder } from '../shared/ipc-contract.js';

export const MAX_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_FILES = 2000;
const SKIP_DIRS = new Set(['.git', 'node_modules', 'dist', '.vite']);
const TEXT_EXT = /\.(ya?ml|cfg|conf|sh|v4|v6|rules|json|txt|md|ipt|nft)$/i;

export class FolderRegistry {
  private readonly roots = new Map<string, string>(); // token -> real absolute path

  /** Grants a folder (after the user chose it, or the bundled default) and lists its files. */
  async grant(absPath: string): Promise<GrantedFolder> {
    const root = await fs.realpath(absPath);
    const st = await fs.stat(root);
    if (!st.isDirectory()) throw new Error(`${absPath} is not a folder`);
    let token = [...this.roots.entries()].find(([, r]) => r === root)?.[0];
    if (!token) {
      token = randomBytes(16).toString('hex');
      this.roots.set(token, root);
    }
    return { token, name: basename(root), files: await listFiles(root) };
  }

  has(token: string): boolean {
    return this.roots.has(token);
  }

  /** Reads a text file inside a granted folder; throws with a reason otherwise. */
  async read(token: string, relPath: string): Promise<string> {
    const root = this.roots.get(token);
    if (!root) throw new Error('unknown folder token');
    const v = validateRelativePath(relPath);
    if (!v.ok) throw new Error(v.error);
    const real = await fs.realpath(resolve(root, ...v.value.split('/')));
    if (!isInside(root, real)) throw new Error('path leaves the chosen folder');
    const st = await fs.stat(real);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_FILE_BYTES) throw new Error(`file larger than ${MAX_FILE_BYTES} bytes`);
    return fs.readFile(real, 'utf8');
  }
}

export function isInside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..');
}

/** Text files under root, relative and '/'-separated, breadth-first, capped at MAX_FILES. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const queue: string[] = [''];
  while (queue.length > 0 && out.length < MAX_FILES) {
    const rel = queue.shift() as string;
    const entries = await fs.readdir(join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(r);
      } else if (e.isFile() && TEXT_EXT.test(e.name) && validateRelativePath(r).ok) {
        out.push(r);
        if (out.length >= MAX_FILES) break;
      }
    }
  }
  return out;
}
