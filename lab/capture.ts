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
  /** Stops tcpdump; `dropped` is what it reported as "packets dropped by kernel". */
  stop(): Promise<{ bytes: number; dropped: number }>;
}

export interface CaptureOptions {
  readonly count?: number;
  /** Nanosecond time stamps: captures of several namespaces are merged by time, and a packet crosses a veth in microseconds. */
  readonly nanoseconds?: boolean;
  /**
   * Each packet handed to tcpdump as it arrives (pcap immediate mode). Without it the kernel hands
   * packets over in blocks (TPACKET_V3, up to a second late), and a capture stopped soon after the
   * traffic loses the last block.
   */
  readonly immediate?: boolean;
  /** Bytes kept of each packet (default 262144: all of it). */
  readonly snaplen?: number;
  /**
   * The kernel ring's size in KiB (tcpdump -B). Each slot of the ring holds one snap length, so
   * with whole packets the default 2 MiB has a handful of slots, and a burst of packets crossing
   * a namespace in microseconds overflows it ("packets dropped by kernel").
   */
  readonly bufferKiB?: number;
}

/** argv of tcpdump for an interface (`any` uses Linux cooked v2). Packet-buffered so a stop loses nothing written. */
export function tcpdumpArgv(iface: string, file: string, opts: CaptureOptions = {}): string[] {
  const argv = ['tcpdump', '-i', iface, '-U', '-n', '-Z', 'root', '-s', String(opts.snaplen ?? 262144)];
  if (iface === 'any') argv.splice(3, 0, '-y', 'LINUX_SLL2');
  if (opts.bufferKiB !== undefined) argv.push('-B', String(opts.bufferKiB));
  if (opts.immediate) argv.push('--immediate-mode');
  if (opts.nanoseconds) argv.push('--time-stamp-precision=nano');
  argv.push('-w', file);
  if (opts.count !== undefined) argv.push('-c', String(opts.count));
  return argv;
}

export function resolveNs(name: string): string {
  const st = readLabState();
  if (!st) throw new Error('no lab is up (hoplab lab up <dir> first)');
  const pod = st.pods.find((p) => p.name === name);
  return pod ? podNs(pod.ns, pod.name) : hostNs(name);
}

export async function startCapture(host: string, iface: string, out: string, opts: CaptureOptions = {}): Promise<CaptureHandle> {
  if (!/^[A-Za-z0-9_.@-]{1,15}$/.test(iface)) throw new Error(`bad interface name ${iface}`);
  const ns = resolveNs(host);
  // tcpdump writes into a private temporary directory; the file is copied to `out` when it stops.
  const tmp = mkdtempSync(join(tmpdir(), 'hoplab-capture-'));
  const file = join(tmp, 'capture.pcap');
  const argv = tcpdumpArgv(iface, file, opts);
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
        const dropped = Number(/(\d+) packets? dropped by kernel/.exec(readTextOr(err))?.[1] ?? 0);
        return { bytes: statSync(out).size, dropped };
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}
