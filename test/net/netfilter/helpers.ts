// Test helpers: a packet environment with sensible defaults, and tables written as iptables-save text.
import { ipv4, type IPv4 } from '../../../sim/core/ip.js';
import { scriptedChooser, type Chooser } from '../../../sim/core/choice.js';
import type { AddrType, Hook, NfConntrack, NfEnv, NfPacketView, SocketLookupResult, Table, TableResult } from '../../../sim/net/netfilter/api.js';
import { runTable } from '../../../sim/net/netfilter/run-table.js';
import type { Ruleset } from '../../../sim/net/netfilter/ruleset.js';
import { parseIptablesSave } from '../../../sim/parsers/iptables-save/parse-save.js';
import { formatDiagnostic } from '../../../sim/core/diagnostics.js';

export interface EnvOpts {
  hook?: Hook;
  table?: Table;
  inIface?: string;
  outIface?: string;
  physIn?: string;
  physOut?: string;
  bridged?: boolean;
  packet?: Partial<Omit<NfPacketView, 'src' | 'dst'>> & { src?: string; dst?: string };
  mark?: number;
  ct?: NfConntrack;
  notrack?: boolean;
  local?: string[]; // addresses of this host (addrtype LOCAL)
  socket?: SocketLookupResult | ((o: { nowildcard: boolean }) => SocketLookupResult);
  chooser?: Chooser;
}

export function mkEnv(o: EnvOpts = {}): NfEnv {
  const p = o.packet ?? {};
  const packet: NfPacketView = {
    proto: 6, sport: 40000, dport: 80, tcpFlags: 0x02, length: 60, ttl: 64, tos: 0, fragment: false,
    ...p,
    src: ipv4(p.src ?? '10.0.0.1'),
    dst: ipv4(p.dst ?? '10.0.0.2'),
  };
  const local = (o.local ?? ['10.0.0.2', '127.0.0.1']).map(ipv4);
  const sock = o.socket ?? { found: false, transparent: false, mark: 0 };
  const env: NfEnv = {
    host: 'h1',
    hook: o.hook ?? 'PREROUTING',
    table: o.table ?? 'filter',
    ...(o.inIface !== undefined ? { inIface: o.inIface } : {}),
    ...(o.outIface !== undefined ? { outIface: o.outIface } : {}),
    ...(o.physIn !== undefined ? { physIn: o.physIn } : {}),
    ...(o.physOut !== undefined ? { physOut: o.physOut } : {}),
    ...(o.bridged !== undefined ? { bridged: o.bridged } : {}),
    packet,
    mark: o.mark ?? 0,
    ct: o.ct,
    notrack: o.notrack ?? false,
    addrType: (ip: IPv4): AddrType => (local.includes(ip) ? 'LOCAL' : (ip >>> 28) === 0xe ? 'MULTICAST' : 'UNICAST'),
    socketLookup: (q) => (typeof sock === 'function' ? sock(q) : sock),
    chooser: o.chooser ?? scriptedChooser([]),
  };
  return env;
}

export function ct(o: Partial<NfConntrack> & { statusBits?: Partial<NfConntrack['status']> } = {}): NfConntrack {
  const { statusBits, ...rest } = o;
  return {
    state: 'NEW', direction: 'ORIGINAL',
    orig: { src: ipv4('10.0.0.1'), dst: ipv4('10.0.0.2'), proto: 6, sport: 40000, dport: 80 },
    reply: { src: ipv4('10.0.0.2'), dst: ipv4('10.0.0.1'), proto: 6, sport: 80, dport: 40000 },
    status: { expected: false, seenReply: false, assured: false, confirmed: false, srcNat: false, dstNat: false, ...statusBits },
    mark: 0, expiresIn: 120,
    ...rest,
  };
}

/** Parses iptables-save text and fails the test on any error or warning diagnostic. */
export function load(text: string, allow: ('unsupported' | 'warning')[] = []): Ruleset {
  const r = parseIptablesSave(text, { file: 'test.rules' });
  const bad = r.diagnostics.filter((d) => !(allow as string[]).includes(d.severity));
  if (bad.length) throw new Error(bad.map(formatDiagnostic).join('\n'));
  return r.value;
}

/** A filter table whose INPUT chain holds the given rule lines (`-A INPUT ...`). */
export function filterRules(...lines: string[]): string {
  return ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ...lines, 'COMMIT', ''].join('\n');
}

/** Runs filter INPUT with one rule `-A INPUT <rule> -j ACCEPT` under policy DROP: true when the rule matched. */
export function matches(rule: string, env: EnvOpts = {}): boolean {
  const rs = load(['*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', `-A INPUT ${rule} -j ACCEPT`, 'COMMIT', ''].join('\n'), ['unsupported']);
  const r = runTable(rs, 'filter', 'INPUT', mkEnv({ hook: 'INPUT', ...env }));
  return r.verdict.kind === 'ACCEPT';
}

export function run(rs: Ruleset, table: Table, hook: Hook, env: EnvOpts = {}): { result: TableResult; env: NfEnv } {
  const e = mkEnv({ hook, table, ...env });
  return { result: runTable(rs, table, hook, e), env: e };
}
