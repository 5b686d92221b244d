// Records the real captures kept in pcaps/: for each step, tcpdump on lb and worker02 (one interface
// each, and `any` as Linux cooked v2) while each scenario request is sent a few times, then a note
// file per capture saying how it was made. Run by `hoplab lab record <dir> --out pcaps/`.
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { release } from 'node:os';
import { resolveNs, startCapture, type CaptureHandle, type CaptureOptions } from './capture.js';
import { Lab } from './lab.js';
import { probe, type ProbeResult } from './probe.js';
import { loadScenario } from './scenario.js';
import { runCommand, sleep, teardownAll } from './runtime.js';


export interface RecordSpec {
  readonly host: string;
  readonly iface: string;
}

export const DEFAULT_RECORD_SPECS: readonly RecordSpec[] = [
  { host: 'lb', iface: 'eth1' },
  { host: 'lb', iface: 'any' },
  { host: 'worker02', iface: 'eth0' },
  { host: 'worker02', iface: 'any' },
];

export interface RecordedCapture { readonly file: string; readonly note: string; readonly bytes: number }

/** `ifindex: name` of the namespace's interfaces: Linux cooked v2 records the ifindex, which only means something in that namespace. */
export function interfaceIndexes(ns: string): string {
  const r = runCommand({ ns, argv: ['ip', '-o', 'link', 'show'], note: 'interface indexes for the capture note' }, { check: false });
  return r.stdout.split('\n').flatMap((l) => { const m = /^(\d+): ([^:@]+)/.exec(l); return m ? [`${m[1]}=${m[2]}`] : []; }).join(', ');
}

function noteText(o: { file: string; ifindexes: string; scenario: string; step: number; title: string; host: string; iface: string; command: string; date: string; policy: boolean; requests: readonly ProbeResult[]; dropped: number }): string {
  const lines = [
    `# ${basename(o.file)}`,
    '',
    `- scenario: ${o.scenario}`,
    `- step: ${o.step} (${o.title})`,
    `- NetworkPolicy: ${o.policy ? 'applied, as in the scenario folder' : 'removed (--no-policy)'}`,
    `- host: ${o.host}`,
    `- interface: ${o.iface}${o.iface === 'any' ? ' (Linux cooked v2, LINUX_SLL2)' : ''}`,
    `- interface indexes in the host's namespace: ${o.ifindexes}${o.iface === 'any' ? ' (tcpdump -r elsewhere prints names from its own namespace for these indexes)' : ''}`,
    `- command: \`${o.command}\``,
    `- date: ${o.date}`,
    `- packets dropped by the kernel while capturing (tcpdump's count): ${o.dropped}`,
    `- kernel: Linux ${release()}`,
    `- made by: \`hoplab lab record\` (lab/record.ts): real kernel, network namespaces, Debian's haproxy and nginx, iptables-nft`,
    '',
    'Requests sent while capturing (curl -m 2 from each client, one after another):',
    '',
    ...o.requests.map((r) => `- ${r.from} -> ${r.to}: ${r.tries.map((t) => `${t.outcome}${t.loggedClientIp ? ` (nginx logged ${t.loggedClientIp})` : ''}${t.server ? ` via ${t.server}` : ''}`).join(', ')}`),
    '',
  ];
  return lines.join('\n');
}

/**
 * Whole packets, handed over as they arrive (a capture stopped soon after the traffic keeps its
 * last packets), with a ring large enough for a burst crossing a namespace in microseconds.
 */
export const RECORD_CAPTURE: CaptureOptions = { immediate: true, bufferKiB: 16384 };

export async function recordCaptures(dir: string, outDir: string, opts: { steps?: readonly number[]; tries?: number; policy?: boolean; specs?: readonly RecordSpec[]; log?: (s: string) => void } = {}): Promise<RecordedCapture[]> {
  const sc = loadScenario(dir);
  const steps = opts.steps ?? sc.topology.steps.map((_, i) => i);
  const policy = opts.policy ?? true;
  const out: RecordedCapture[] = [];
  try {
    const lab = await Lab.up(dir, { step: 0, policy });
    for (const step of steps) {
      await lab.advanceTo(step);
      const caps: { spec: RecordSpec; h: CaptureHandle; file: string }[] = [];
      for (const spec of opts.specs ?? DEFAULT_RECORD_SPECS) {
        const file = join(outDir, `${sc.topology.name}-step${step}-${spec.host}-${spec.iface}.pcap`);
        caps.push({ spec, h: await startCapture(spec.host, spec.iface, file, RECORD_CAPTURE), file });
      }
      const results: ProbeResult[] = [];
      for (const r of sc.topology.requests) results.push(await probe({ from: r.from, to: r.to, tries: opts.tries ?? 2 }));
      await sleep(300);
      const date = new Date().toISOString();
      for (const c of caps) {
        const { bytes, dropped } = await c.h.stop();
        const note = c.file.replace(/\.pcap$/, '.md');
        writeFileSync(note, noteText({ file: c.file, ifindexes: interfaceIndexes(resolveNs(c.spec.host)), scenario: sc.topology.name, step, title: sc.topology.steps[step]?.title ?? '', host: c.spec.host, iface: c.spec.iface, command: c.h.command, date, policy, requests: results, dropped }));
        out.push({ file: c.file, note, bytes });
        opts.log?.(`${c.file} (${bytes} bytes)`);
      }
    }
  } finally {
    await teardownAll();
  }
  return out;
}
