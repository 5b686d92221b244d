// Shared by the renderer tests: the fixture trace and tiny event builders.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trace, TraceEvent, PacketSummary } from '../../sim/index.js';
import type { FolderFiles } from '../../renderer/engine/protocol.js';

export function fixtureTrace(): Trace {
  return JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/step3.trace.json', import.meta.url)), 'utf8')) as Trace;
}

export function pkt(id: number, src: string, dst: string, extra: Partial<PacketSummary> = {}): PacketSummary {
  return { id, src, dst, proto: 'tcp', sport: 1000 + id, dport: 80, flags: 'SYN', length: 60, ...extra };
}

type Input = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'seq'> : never) : never;
export function seqd(events: Input[]): TraceEvent[] {
  return events.map((e, i) => ({ ...e, seq: i }) as TraceEvent);
}

/** A topology folder on disk as the worker receives it (every file, by its path in the folder). */
export function readFolder(dir: string, name: string): FolderFiles {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files[relative(dir, p).split('\\').join('/')] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return { name, files };
}
