// `hoplab lab capture`: tcpdump inside a lab namespace, on one interface or on `any` (written as
// Linux cooked v2, LINUX_SLL2, which keeps the interface of each packet), stopped by pid.
import { join } from 'node:path';
import { mkdtempSync, rmSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readLabState } from './lab.js';
import { hostNs, podNs } from './names.js';
import { alive, readTextOr, startProcess, stopPid, waitFor } from './runtime.js';

export interface CaptureHandle {
  readonly pid: number;
  readonly out: string;
  readonly ns: string;
  readonly iface: string;
  readonly command: string;
  stop(): Promise<{ bytes: number }>;
}

/** argv of tcpdump for an interface (`any` uses Linux cooked v2). Packet-buffered so a stop loses nothing. */
export function tcpdumpArgv(iface: string, file: string, count?: number): string[] {
  const argv = ['tcpdump', '-i', iface, '-U', '-n', '-Z', 'root', '-s', '262144', '-w', file];
  if (iface === 'any') argv.splice(3, 0, '-y', 'LINUX_SLL2');
  if (count !== undefined) argv.push('-c', String(count));
  return argv;
}

export function resolveNs(name: string): string {
  const st = readLabState();
  if (!st) throw new Error('no lab is up (hoplab lab up <dir> first)');
  const pod = st.pods.find((p) => p.name === name);
  return pod ? podNs(pod.ns, pod.name) : hostNs(name);
}

export async function startCapture(host: string, iface: string, out: string, opts: { count?: number } = {}): Promise<CaptureHandle> {
  if (!/^[A-Za-z0-9_.@-]{1,15}$/.test(iface)) throw new Error(`bad interface name ${iface}`);
  const ns = resolveNs(host);
  // tcpdump writes into a private temporary directory; the file is copied to `out` when it stops.
  const tmp = mkdtempSync(join(tmpdir(), 'hoplab-capture-'));
  const file = join(tmp, 'capture.pcap');
  const argv = tcpdumpArgv(iface, file, opts.count);
  const err = join(tmp, 'tcpdump.err');
  const pid = startProcess({ ns, argv, note: `capture on ${host} ${iface}` }, join(tmp, 'tcpdump.out'), err);
  await waitFor(`tcpdump on ${host} ${iface}`, () => /listening on/.test(readTextOr(err)), 5000, () => (alive(pid) ? undefined : readTextOr(err)));
  return {
    pid, out, ns, iface,
    command: `ip netns exec ${ns} ${argv.map((a) => (a === file ? out : a)).join(' ')}`,
    async stop() {
      await stopPid(pid, 'SIGINT');
      try {
        copyFileSync(file, out);
        return { bytes: statSync(out).size };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}
