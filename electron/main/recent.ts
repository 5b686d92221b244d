// Open Recent: a small JSON list of folder paths in the app's userData directory. A corrupt or
// missing file is an empty list; entries that are not absolute path strings are dropped.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pushRecent } from './menu.js';

const FILE = 'recent-folders.json';

export function parseRecent(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string' && isAbsolute(p)).slice(0, 10) : [];
  } catch {
    return [];
  }
}

export function loadRecent(userData: string): string[] {
  try {
    return parseRecent(readFileSync(join(userData, FILE), 'utf8'));
  } catch {
    return [];
  }
}

export function saveRecent(userData: string, list: readonly string[], path: string): string[] {
  const next = pushRecent(list, path);
  try {
    mkdirSync(userData, { recursive: true });
    writeFileSync(join(userData, FILE), JSON.stringify(next, null, 2));
  } catch {
    // Not being able to remember a folder must not stop the user from opening it.
  }
  return next;
}
