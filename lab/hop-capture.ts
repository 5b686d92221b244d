// One more try of a request on the running lab, captured everywhere: `tcpdump -i any` (Linux
// cooked v2, nanosecond time stamps) in every host and pod namespace while `lab probe` sends one
// request, then the captures decoded into the request's journeys (hop-journeys.ts). Interface
// indexes are resolved with `ip -j -d link` in each namespace (an index means something only
// there). HAProxy keeps a session whose client has given up (curl -m 2) trying to reach its server
// (`timeout connect`, `retries`: 20 s with the scenario's settings), opening new connections at
// any moment; the capture waits until no HAProxy has such a session left (no socket in SYN_SENT or
// CLOSE_WAIT in its namespace, read from /proc/<pid>/net/tcp), 30 s at most. Connections still
// opening when it starts anyway are left out of the comparison; HAProxy's `check port`s are read
// from the configurations the lab runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startCapture, type CaptureHandle } from './capture.js';
import { kernelJourneys, kernelObservations, type CapturedIface, type Journey, type KernelObservation, type PodName } from './hop-journeys.js';
import { tupleOf } from './hop-divergence.js';
import { readLabState } from './lab.js';
import { hostNs, podNs } from './names.js';
import { readPcap } from './pcap.js';
import { probe, type ProbeResult } from './probe.js';
import { readTextOr, runCommand, sleep } from './runtime.js';
import { loadScenario } from './scenario.js';

/**
 * Headers and the first lines of a payload are all the comparison reads; a short snap length keeps
 * many slots in tcpdump's ring, so a burst of sightings in one namespace is not dropped.
 */
const CAPTURE = { nanoseconds: true, immediate: true, snaplen: 2048, bufferKiB: 4096 } as const;

export interface KernelRequestCapture {
  readonly from: string;
  readonly to: string;
  /** The one try, as `lab probe` reports it. */
  readonly result: ProbeResult;
  readonly journeys: readonly Journey[];
  readonly openBefore: readonly string[];
  readonly checkPorts: readonly number[];
  readonly pods: readonly PodName[];
  /** Packets left out, by reason (lo, IPv6, ARP, ...). */
  readonly skipped: Readonly<Record<string, number>>;
  /** Namespaces whose tcpdump reported packets dropped by the kernel (a missing sighting there proves nothing). */
  readonly dropped: Readonly<Record<string, number>>;
  /** How long the capture waited for HAProxy's earlier sessions to end, and how many were left. */
  readonly quiet: { readonly waitedMs: number; readonly pending: number };
  /** Where the captures were kept, when asked to keep them. */
  readonly dir?: string;
}

/** `ip -j -d link show` output: interface index -> name and kind. */
export function parseIpLinkJson(text: string): Map<number, CapturedIface> {
  const out = new Map<number, CapturedIface>();
  const rows = JSON.parse(text) as { ifindex?: number; ifname?: string; link_type?: string; linkinfo?: { info_kind?: string } }[];
  for (const r of rows) {
    if (typeof r.ifindex !== 'number' || typeof r.ifname !== 'string') continue;
    out.set(r.ifindex, { name: r.ifname, kind: r.linkinfo?.info_kind ?? (r.link_type === 'loopback' ? 'loopback' : r.link_type ?? 'unknown') });
  }
  return out;
}

const TCP_SYN_SENT = '02';
const TCP_CLOSE_WAIT = '08';

/** Sockets of a /proc/net/tcp table by state (two hex digits). */
export function socketStates(procNetTcp: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const st = line.trim().split(/\s+/)[3];
    if (st !== undefined && /^[0-9A-F]{2}$/.test(st)) m.set(st, (m.get(st) ?? 0) + 1);
  }
  return m;
}

/** HAProxy sessions still working for clients that left: sockets connecting, or half closed by the client. */
function pendingSessions(pids: readonly number[]): number {
  let n = 0;
  for (const pid of pids) {
    const states = socketStates(readTextOr(`/proc/${pid}/net/tcp`));
    n += (states.get(TCP_SYN_SENT) ?? 0) + (states.get(TCP_CLOSE_WAIT) ?? 0);
  }
  return n;
}

/** Waits until no HAProxy of the lab has a session in progress, `capMs` at most. */
export async function waitForQuiet(capMs: number): Promise<{ waitedMs: number; pending: number }> {
  const st = readLabState();
  const pids = (st?.processes ?? []).filter((p) => p.key.startsWith('haproxy:')).map((p) => p.pid);
  const t0 = Date.now();
  let pending = pendingSessions(pids);
  while (pending > 0 && Date.now() - t0 < capMs) {
    await sleep(250);
    pending = pendingSessions(pids);
  }
  return { waitedMs: Date.now() - t0, pending };
}

/** Connections in SYN_SENT in a /proc/net/tcp table, as address pairs ("ip:port|ip:port", sorted). */
export function synSentTuples(procNetTcp: string): string[] {
  const hex = (h: string): string => {
    const [a, p] = h.split(':');
    const n = parseInt(a ?? '0', 16);
    // The address is printed as the kernel's 32-bit word in host byte order (little-endian here).
    return `${n & 255}.${(n >>> 8) & 255}.${(n >>> 16) & 255}.${n >>> 24}:${parseInt(p ?? '0', 16)}`;
  };
  const out: string[] = [];
  for (const line of procNetTcp.split('\n').slice(1)) {
    const c = line.trim().split(/\s+/);
    if (c.length < 4 || c[3] !== TCP_SYN_SENT) continue;
    const [src, sport] = hex(c[1] as string).split(':') as [string, string];
    const [dst, dport] = hex(c[2] as string).split(':') as [string, string];
    out.push(tupleOf({ src, dst, proto: 'tcp', sport: Number(sport), dport: Number(dport), payloadLength: 0 }));
  }
  return out;
}

/** The `port` of `server` / `default-server` lines: where HAProxy sends its health checks. */
export function haproxyCheckPorts(cfg: string): number[] {
  const ports = new Set<number>();
  for (const line of cfg.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] !== 'server' && words[0] !== 'default-server') continue;
    const i = words.indexOf('port');
    const n = i >= 0 ? Number(words[i + 1]) : NaN;
    if (Number.isInteger(n) && n > 0 && n < 65536) ports.add(n);
  }
  return [...ports].sort((a, b) => a - b);
}

/** Sends one request from `from` to `to` with every host and pod namespace captured, and decodes the captures. */
export async function captureRequest(from: string, to: string, opts: { timeoutSeconds?: number; keepDir?: string; quietCapMs?: number } = {}): Promise<KernelRequestCapture> {
  const st = readLabState();
  if (!st) throw new Error('no lab is up (hoplab lab up <dir> first)');
  const quiet = await waitForQuiet(opts.quietCapMs ?? 30_000);
  const sc = loadScenario(st.dir);
  const targets = [
    ...sc.topology.hosts.map((h) => ({ name: h.name, ns: hostNs(h.name) })),
    ...st.pods.map((p) => ({ name: p.name, ns: podNs(p.ns, p.name) })),
  ];
  const ifaces = new Map(targets.map((t) => [t.name, parseIpLinkJson(runCommand({ ns: t.ns, argv: ['ip', '-j', '-d', 'link', 'show'], note: 'interface indexes for the capture' }).stdout)] as const));
  const dir = opts.keepDir ?? mkdtempSync(join(tmpdir(), 'hoplab-hops-'));
  const handles: { name: string; h: CaptureHandle }[] = [];
  const dropped: Record<string, number> = {};
  let result: ProbeResult;
  const openBefore: string[] = [];
  try {
    const started = await Promise.allSettled(targets.map(async (t) => ({ name: t.name, h: await startCapture(t.name, 'any', join(dir, `${t.name}.pcap`), CAPTURE) })));
    for (const s of started) if (s.status === 'fulfilled') handles.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw new Error(`tcpdump could not start: ${failed.reason instanceof Error ? failed.reason.message : String(failed.reason)}`);
    for (const p of st.processes) openBefore.push(...synSentTuples(readTextOr(`/proc/${p.pid}/net/tcp`)));
    result = await probe({ from, to, tries: 1, ...(opts.timeoutSeconds !== undefined ? { timeoutSeconds: opts.timeoutSeconds } : {}) });
    await sleep(300); // what the request set off settles (closing handshakes, nginx's log line)
  } finally {
    await Promise.all(handles.map(async ({ name, h }) => {
      const r = await h.stop().catch(() => ({ bytes: 0, dropped: 0 }));
      if (r.dropped > 0) dropped[name] = r.dropped;
    }));
  }
  const observations: KernelObservation[] = [];
  const skipped: Record<string, number> = {};
  try {
    for (const t of targets) {
      const file = join(dir, `${t.name}.pcap`);
      const r = kernelObservations(t.name, readPcap(readFileSync(file), file), ifaces.get(t.name) ?? new Map());
      observations.push(...r.observations);
      for (const [why, n] of r.skipped) skipped[why] = (skipped[why] ?? 0) + n;
    }
  } finally {
    if (opts.keepDir === undefined) rmSync(dir, { recursive: true, force: true });
  }
  const checkPorts = new Set<number>();
  for (const p of st.processes.filter((x) => x.key.startsWith('haproxy:'))) {
    const cfg = readTextOr(join(dirname(p.stdout), 'haproxy.cfg'));
    for (const n of haproxyCheckPorts(cfg)) checkPorts.add(n);
  }
  return {
    from, to, result,
    journeys: kernelJourneys(observations),
    openBefore: [...new Set(openBefore)],
    checkPorts: [...checkPorts],
    pods: st.pods.map((p) => ({ name: p.name, ip: p.ip, node: p.node, hostVeth: p.hostVeth })),
    skipped,
    dropped,
    quiet,
    ...(opts.keepDir !== undefined ? { dir: opts.keepDir } : {}),
  };
}
