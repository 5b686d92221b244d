// A topology folder on disk as the engine's ScenarioFiles: paths relative to the folder, never
// outside it.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, resolve, relative, sep } from 'node:path';
import type { ScenarioFiles } from '../sim/index.js';

export function folderFiles(dir: string): ScenarioFiles {
  const root = resolve(dir);
  const inside = (p: string): string | undefined => {
    const abs = resolve(root, p);
    const rel = relative(root, abs);
    return rel.startsWith('..') || rel.split(sep).includes('..') ? undefined : abs;
  };
  return {
    read(p) {
      const abs = inside(p);
      if (!abs || !existsSync(abs) || !statSync(abs).isFile()) return undefined;
      return readFileSync(abs, 'utf8');
    },
    list(d) {
      const abs = inside(d);
      if (!abs || !existsSync(abs) || !statSync(abs).isDirectory()) return [];
      return readdirSync(abs).filter((f) => statSync(join(abs, f)).isFile()).sort().map((f) => relative(root, join(abs, f)).split(sep).join('/'));
    },
  };
}

export function readTopology(dir: string): { text: string; file: string } | string {
  const file = join(dir, 'topology.yaml');
  if (!existsSync(file)) return `no topology.yaml in ${dir}`;
  return { text: readFileSync(file, 'utf8'), file: 'topology.yaml' };
}
