// The ICTSC scenario folder as the engine's ScenarioFiles.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ScenarioFiles } from '../../sim/index.js';

export const ICTSC_DIR = 'topologies/ictsc2020-nodeport-source-ip';
export const ictscFiles: ScenarioFiles = {
  read: (p) => (existsSync(join(ICTSC_DIR, p)) && statSync(join(ICTSC_DIR, p)).isFile() ? readFileSync(join(ICTSC_DIR, p), 'utf8') : undefined),
  list: (d) => (existsSync(join(ICTSC_DIR, d)) ? readdirSync(join(ICTSC_DIR, d)).map((f) => relative(ICTSC_DIR, join(ICTSC_DIR, d, f))).sort() : []),
};
