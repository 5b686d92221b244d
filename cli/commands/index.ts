// The command registry. Each command lives in its own module and is loaded when used.
import type { Command } from '../io.js';

export const COMMANDS: Readonly<Record<string, () => Promise<{ command: Command }>>> = {
  lab: () => import('./lab.js'),
  trace: () => import('./trace.js'),
  simulate: () => import('./simulate.js'),
  explain: () => import('./explain.js'),
  'kube-proxy': () => import('./kube-proxy.js'),
  netpol: () => import('./netpol.js'),
};
