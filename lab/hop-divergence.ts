// Where the kernel and the simulator part for one request: both sides' journeys (hop-journeys.ts)
// are reduced to the request's packets, matched by flow role, and compared hop by hop.
//
// - The request's window: from the client's first SYN to the target to its first FIN or RST there
//   (curl is done by then); after a try that lasted over half a second, packets sent in the last 20 ms are left out
//   (a SYN retransmitted at 2 s races curl's own 2 s timeout on both sides).
// - The request's connections: those whose SYN is sent in the window, followed through NAT by the
//   address pairs their packets show at every hop; connections open before the request (a SYN still
//   retried from an earlier try) and HAProxy's health checks (to a `check port`) are left out.
// - Pure ACKs are left out (when the kernel acknowledges is timing: delayed ACK, quick ACK), and
//   data segments that followed the same hops count once (HAProxy forwards nginx's head and page
//   in one segment or in two, depending on whether it read the head before the page arrived).
// - A packet's role is its flags and its addresses, with the connection's client port written `*`
//   (any port that is not the destination of a SYN seen in the window: ephemeral, or chosen by
//   MASQUERADE --random-fully), e.g. `SYN-ACK 172.20.6.1:80 → 192.168.0.10:*`; the nth packet of a
//   role on one side is matched with the nth on the other.
// - The first divergence in time (relative to each side's client SYN) is reported: a hop where the
//   two differ, one side going on where the other stopped (with the simulator's end event: its
//   disposition and rule), or a packet only one side sent; for the latter, the packet that reached
//   its sender within the 200 ms before is the point where they part (what the host did with it).
//   A retransmission only one side sent ranks after every other difference: when a SYN-ACK timer
//   fires against a retransmitted SYN is a race the kernel runs differently from run to run.
// Pure: no Node modules.
import type { Fate, Hop, HopPacket, Journey, Side } from './hop-journeys.js';

export interface AlignOptions {
  /** The host that sent the request. */
  readonly client: string;
  /** Where it was sent ("ip:port"): the client's connection there opens and closes the window. */
  readonly target?: string;
  /** HAProxy's `check port`s: connections to them are health checks, not the request. */
  readonly checkPorts?: readonly number[];
  /** Kernel: connections already trying to open when the capture started ("ip:port|ip:port", sorted). */
  readonly openBefore?: readonly string[];
}

export type DivergenceKind = 'hop' | 'stopped' | 'answer' | 'extra';

export interface Divergence {
  readonly kind: DivergenceKind;
  /** The packet's role and addresses where it was sent, e.g. "SYN-ACK 172.20.6.1:80 → 192.168.0.10:*". */
  readonly packet: string;
  /** The host where the two part. */
  readonly host: string;
  readonly kernel: string;
  readonly simulator: string;
  /** The simulator's trace at that point: how its packet ended (disposition and rule, or the socket). */
  readonly simulatorFate?: Fate;
  /** The simulator's route and NAT decisions for the packet on that host, when it left it. */
  readonly simulatorNotes?: readonly string[];
  readonly kernelHops: readonly string[];
  readonly simulatorHops: readonly string[];
  /** µs after the client's first SYN, on the side that showed it. */
  readonly t: number;
  readonly text: string;
}

export type Role = 'SYN' | 'SYN-ACK' | 'RST' | 'FIN' | 'data' | 'ACK' | 'UDP' | 'ICMP';

export function roleOf(p: HopPacket): Role {
  if (p.proto === 'udp') return 'UDP';
  if (p.proto === 'icmp') return 'ICMP';
  const f = new Set((p.flags ?? '').split(','));
  if (f.has('SYN')) return f.has('ACK') ? 'SYN-ACK' : 'SYN';
  if (f.has('RST')) return 'RST';
  if (f.has('FIN')) return 'FIN';
  return p.payloadLength > 0 ? 'data' : 'ACK';
}

const ep = (ip: string, port: number | undefined): string => `${ip}:${port ?? '-'}`;

/** The unordered address pair of a packet (both directions of a connection give the same). */
export function tupleOf(p: HopPacket): string {
  if (p.proto === 'icmp') {
    const q = p.icmp?.quoted;
    return q ? tupleOf({ src: q.src, dst: q.dst, proto: 'tcp', payloadLength: 0, ...(q.sport !== undefined ? { sport: q.sport, dport: q.dport } : {}) }) : `${p.src}|${p.dst}`;
  }
  const a = ep(p.src, p.sport);
  const b = ep(p.dst, p.dport);
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

const ICMP_TEXT: Readonly<Record<string, string>> = {
  '0/0': 'echo reply', '8/0': 'echo request', '11/0': 'time exceeded', '3/0': 'net unreachable', '3/1': 'host unreachable',
  '3/3': 'port unreachable', '3/4': 'fragmentation needed', '3/9': 'net prohibited', '3/10': 'host prohibited', '3/13': 'administratively prohibited',
};

interface Prepared {
  readonly j: Journey;
  readonly rel: number;
  readonly role: Role;
  readonly label: string;
  /** " (again, #n)" for the nth packet of a role, empty for the first. */
  readonly again: string;
  readonly key: string;
  readonly sigs: readonly string[];
  readonly rels: readonly number[];
}

interface SideView {
  readonly side: Side;
  readonly list: readonly Prepared[];
  readonly describe: (p: HopPacket) => string;
}

function prepare(side: Side, journeys: readonly Journey[], o: AlignOptions): SideView {
  const all = journeys.filter((j) => roleOf(j.first) !== 'ACK').sort((a, b) => a.t - b.t);
  const toTarget = (j: Journey): boolean => o.target === undefined || ep(j.first.dst, j.first.dport) === o.target;
  const clientSyn = all.find((j) => j.emitter === o.client && roleOf(j.first) === 'SYN' && toTarget(j));
  const t0 = clientSyn?.t ?? Math.min(...all.map((j) => j.t));
  // (a RST the client sends to something else, such as a SYN-ACK it never asked for, does not end it)
  const end = all.find((j) => j.t > t0 && j.emitter === o.client && (roleOf(j.first) === 'FIN' || roleOf(j.first) === 'RST') && toTarget(j));
  const tEnd = end ? end.t - (end.t - t0 > 500_000 ? 20_000 : 0) : Infinity;
  const inWindow = all.filter((j) => j.t >= t0 && j.t < tEnd);
  const checks = new Set(o.checkPorts ?? []);
  const before = new Set(o.openBefore ?? []);
  const packets = (j: Journey): HopPacket[] => (j.hops.length > 0 ? j.hops.map((h) => h.packet) : [j.first]);
  // The request's connections: every address pair its SYNs show on the way.
  const conns = new Set<string>();
  for (const j of inWindow) {
    if (roleOf(j.first) !== 'SYN' || before.has(tupleOf(j.first))) continue;
    if (checks.has(j.first.dport ?? -1)) continue;
    for (const p of packets(j)) conns.add(tupleOf(p));
  }
  const related = inWindow.filter((j) => j.first.proto === 'udp' || packets(j).some((p) => conns.has(tupleOf(p))));
  // Ports that stay written: destinations of the request's SYNs (and so sources of their answers).
  const services = new Set<string>();
  for (const j of related) {
    for (const p of packets(j)) {
      const r = roleOf(p);
      if (r === 'SYN') services.add(ep(p.dst, p.dport));
      if (r === 'SYN-ACK') services.add(ep(p.src, p.sport));
    }
  }
  const port = (ip: string, n: number | undefined): string => (n === undefined ? ip : services.has(ep(ip, n)) || (services.size === 0 && n < 32768) ? `${ip}:${n}` : `${ip}:*`);
  const describe = (p: HopPacket): string => {
    const r = roleOf(p);
    if (r === 'ICMP') {
      const i = p.icmp;
      const text = i ? ICMP_TEXT[`${i.type}/${i.code}`] ?? `type ${i.type} code ${i.code}` : '?';
      const q = i?.quoted ? ` (about ${port(i.quoted.src, i.quoted.sport)} → ${port(i.quoted.dst, i.quoted.dport)})` : '';
      return `ICMP ${text} ${p.src} → ${p.dst}${q}`;
    }
    const what = r === 'data' && p.firstLine !== undefined ? `data (${httpWords(p.firstLine)})` : r;
    return `${what} ${port(p.src, p.sport)} → ${port(p.dst, p.dport)}`;
  };
  const keyOf = (p: HopPacket): string => {
    const r = roleOf(p);
    // Data is matched by role and addresses (segmentation differs), the rest by what describe says.
    return r === 'data' ? `data ${port(p.src, p.sport)} → ${port(p.dst, p.dport)}` : describe(p);
  };
  const sig = (h: Hop): string => `${h.host}|${h.iface}|${h.dir}|${h.vxlan ? 'vxlan' : ''}|${keyOf(h.packet)}`;
  const list: Prepared[] = [];
  const seen = new Map<string, number>();
  const dataPaths = new Set<string>();
  for (const j of related.sort((a, b) => a.t - b.t)) {
    const role = roleOf(j.first);
    const base = keyOf(j.first);
    const sigs = j.hops.map(sig);
    if (role === 'data') {
      const path = `${base}#${sigs.join(';')}`;
      if (dataPaths.has(path)) continue;
      dataPaths.add(path);
    }
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    const again = n > 0 && role !== 'data' ? ` (again, #${n + 1})` : '';
    list.push({ j, rel: j.t - t0, role, label: describe(j.first) + again, again, key: `${base}#${n}`, sigs, rels: j.hops.map((h) => h.t - t0) });
  }
  return { side, list, describe };
}

function httpWords(line: string): string {
  const req = /^([A-Z]+) (\S+) HTTP\/\d/.exec(line);
  if (req) return `HTTP ${req[1]}`;
  const res = /^HTTP\/[\d.]+ (\d{3})/.exec(line);
  if (res) return `HTTP ${res[1]}`;
  if (line.startsWith('PROXY ')) return 'PROXY protocol header';
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

/** The packet as it looked at hop i (NAT may have rewritten it), saying how it was sent when that differs. */
function packetAt(v: SideView, p: Prepared, i: number): string {
  const h = p.j.hops[i];
  if (!h) return p.label;
  const here = v.describe(h.packet);
  return here === v.describe(p.j.first) ? p.label : `${here}${p.again} (sent by ${p.j.emitter ?? p.j.hops[0]?.host ?? '?'} as ${v.describe(p.j.first)})`;
}

function hopText(v: SideView, h: Hop, next?: Hop, changedFrom?: HopPacket, always = false): string {
  const where = `${h.host} on ${h.iface}${h.vxlan ? ' (in VXLAN)' : ''}`;
  const toward = h.dir === 'out' && next && next.dir === 'in' ? ` toward ${next.host}` : '';
  const as = always || (changedFrom && v.describe(changedFrom) !== v.describe(h.packet)) ? ` as ${v.describe(h.packet)}` : '';
  return `${h.dir === 'out' ? 'sent by' : 'received by'} ${where}${toward}${as}`;
}

function hopList(v: SideView, j: Journey): string[] {
  const out = j.hops.map((h) => `${h.dir === 'out' ? 'out' : 'in '} ${h.host}/${h.iface}${h.vxlan ? ' (VXLAN)' : ''}: ${v.describe(h.packet)}`);
  if (j.side === 'simulator') out.push(fateText(j));
  return out;
}

export function fateText(j: Journey): string {
  const f = j.fate;
  switch (f.kind) {
    case 'delivered': return `delivered on ${f.host} to ${f.socket}${f.app !== undefined ? ` (${f.app})` : ''}`;
    case 'dropped': return `dropped on ${f.host}: ${f.reason}${f.rule ? ` (rule ${f.rule.raw.trim()} at ${f.rule.file}:${f.rule.line})` : ''}`;
    case 'unseen': {
      const last = j.hops[j.hops.length - 1];
      if (!last) return 'never on a wire';
      return last.dir === 'in' ? `reached ${last.host} on ${last.iface} and was not seen again` : `sent by ${last.host} on ${last.iface} and seen nowhere after`;
    }
  }
}

/** The kernel's captures cannot say what a host did with a packet it neither forwarded nor answered. */
function kernelStopText(j: Journey): string {
  const last = j.hops[j.hops.length - 1];
  if (!last) return 'never on a wire';
  return last.dir === 'in' ? `reached ${last.host} on ${last.iface} and was not seen again (not forwarded)` : `sent by ${last.host} on ${last.iface} and seen nowhere after`;
}

function stopText(p: Prepared): string {
  return p.j.side === 'kernel' ? kernelStopText(p.j) : fateText(p.j);
}

/** `late`: a retransmission only one side sent (a timer racing an answer); ranked after every other difference. */
interface Candidate { readonly t: number; readonly rank: number; readonly late?: boolean; readonly d: Omit<Divergence, 'text' | 't'> }

function finish(c: Candidate): Divergence {
  return { ...c.d, t: c.t, text: `${c.d.packet} at ${c.d.host} — kernel: ${c.d.kernel}; simulator: ${c.d.simulator}` };
}

/** The first point where the kernel's journeys and the simulator's differ, or undefined when they agree. */
export function firstDivergence(kernel: readonly Journey[], simulated: readonly Journey[], o: AlignOptions): Divergence | undefined {
  const k = prepare('kernel', kernel, o);
  const s = prepare('simulator', simulated, { ...o, openBefore: [] });
  const simByKey = new Map(s.list.map((p) => [p.key, p] as const));
  const cands: Candidate[] = [];
  const base = (kp: Prepared | undefined, sp: Prepared | undefined): Pick<Divergence, 'kernelHops' | 'simulatorHops'> => ({ kernelHops: kp ? hopList(k, kp.j) : [], simulatorHops: sp ? hopList(s, sp.j) : [] });
  const simExtras = (sp: Prepared): Pick<Divergence, 'simulatorFate' | 'simulatorNotes'> => ({ ...(sp.j.fate.kind !== 'unseen' ? { simulatorFate: sp.j.fate } : {}) });

  const comparePair = (kp: Prepared, sp: Prepared): void => {
    const n = Math.min(kp.sigs.length, sp.sigs.length);
    let m = 0;
    while (m < n && kp.sigs[m] === sp.sigs[m]) m++;
    if (m === kp.sigs.length && m === sp.sigs.length) return;
    const kh = kp.j.hops;
    const sh = sp.j.hops;
    const prev = kh[m - 1] ?? sh[m - 1];
    const host = prev?.host ?? kp.j.emitter ?? sp.j.emitter ?? '?';
    if (m < kh.length && m < sh.length) {
      const khm = kh[m] as Hop;
      const shm = sh[m] as Hop;
      const notes = shm.notes ?? (m > 0 ? sh[m - 1]?.notes : undefined);
      // When the two sides' packets differ there, each side says what its packet looked like.
      const differ = k.describe(khm.packet) !== s.describe(shm.packet);
      cands.push({ t: Math.min(kp.rels[m] as number, sp.rels[m] as number), rank: 0, d: {
        kind: 'hop', packet: packetAt(k, kp, Math.max(0, m - 1)), host,
        kernel: hopText(k, khm, kh[m + 1], kh[m - 1]?.packet ?? kp.j.first, differ),
        simulator: hopText(s, shm, sh[m + 1], sh[m - 1]?.packet ?? sp.j.first, differ),
        ...(notes ? { simulatorNotes: notes } : {}), ...base(kp, sp),
      } });
    } else if (m === kh.length) {
      // The kernel stopped where the simulator went on.
      const shm = sh[m] as Hop;
      cands.push({ t: kp.rels[m - 1] ?? kp.rel, rank: 0, d: {
        kind: 'stopped', packet: packetAt(k, kp, m - 1), host,
        kernel: kernelStopText(kp.j),
        simulator: hopText(s, shm, sh[m + 1], sh[m - 1]?.packet ?? sp.j.first),
        ...(shm.notes ? { simulatorNotes: shm.notes } : {}), ...base(kp, sp),
      } });
    } else {
      // The simulator stopped where the kernel went on.
      const khm = kh[m] as Hop;
      cands.push({ t: kp.rels[m] as number, rank: 0, d: {
        kind: 'stopped', packet: packetAt(k, kp, Math.max(0, m - 1)), host: sh.length === 0 ? (sp.j.emitter ?? host) : host,
        kernel: hopText(k, khm, kh[m + 1], kh[m - 1]?.packet ?? kp.j.first),
        simulator: fateText(sp.j),
        ...simExtras(sp), ...(sp.j.fate.kind !== 'unseen' && sp.j.fate.notes ? { simulatorNotes: sp.j.fate.notes } : {}), ...base(kp, sp),
      } });
    }
  };
  const partner = new Map<Prepared, Prepared>();
  const pair = (kp: Prepared, sp: Prepared): void => {
    partner.set(kp, sp).set(sp, kp);
    comparePair(kp, sp);
  };
  for (const kp of k.list) {
    const sp = simByKey.get(kp.key);
    if (sp) pair(kp, sp);
  }
  // A packet each side sent from the same host with the same role, to the same place (or from the
  // same address to the same port), but with other addresses: the same packet, parted at its first
  // hop (another source address, another NAT).
  for (const kp of k.list) {
    if (partner.has(kp) || kp.j.hops.length === 0) continue;
    const a = kp.j.first;
    const sp = s.list.find((x) => {
      const b = x.j.first;
      return !partner.has(x) && x.role === kp.role && x.j.emitter === kp.j.emitter && Math.abs(x.rel - kp.rel) <= 200_000
        && ((a.dst === b.dst && a.dport === b.dport) || (a.src === b.src && a.dport === b.dport));
    });
    if (sp) pair(kp, sp);
  }

  // Packets only one side put on a wire (a simulated packet dropped before any wire and never seen
  // by the kernel is agreement).
  const onlyIn = (v: SideView): Prepared[] => v.list.filter((p) => !partner.has(p) && p.j.hops.length > 0);
  for (const v of [k, s]) {
    for (const x of onlyIn(v)) {
      const sender = x.j.emitter ?? x.j.hops[0]?.host ?? '?';
      const first = x.j.hops[0] as Hop;
      const sent = `${sender} sent ${x.label}${first.dir === 'out' ? ` on ${first.iface}${x.j.hops[1] ? ` toward ${x.j.hops[1].host}` : ''}` : ''}`;
      // The packet that reached the sender last before (within 200 ms) is what set it off. When
      // that one was itself seen on this side only, X follows from an earlier divergence.
      const cause = [...v.list].reverse().find((y) => {
        const last = y.j.hops[y.j.hops.length - 1];
        const at = y.rels[y.rels.length - 1];
        return y !== x && last !== undefined && at !== undefined && last.host === sender && last.dir === 'in' && at <= x.rel && x.rel - at <= 200_000;
      });
      if (cause && !partner.has(cause)) continue;
      const mine = v.side === 'kernel';
      if (cause) {
        const twin = partner.get(cause) as Prepared;
        const here = `${stopText(cause)}; then ${sent}`;
        const there = `${stopText(twin)}; ${sender} sent no ${x.label}`;
        const sp = mine ? twin : cause;
        cands.push({ t: cause.rels[cause.rels.length - 1] as number, rank: 1, late: x.again !== '', d: {
          kind: 'answer', packet: packetAt(v, cause, cause.j.hops.length - 1), host: sender,
          kernel: mine ? here : there, simulator: mine ? there : here,
          ...simExtras(sp), ...(sp.j.fate.kind !== 'unseen' && sp.j.fate.notes ? { simulatorNotes: sp.j.fate.notes } : {}),
          ...base(mine ? cause : twin, mine ? twin : cause),
        } });
      } else {
        const here = `${sent}${x.j.hops.length > 1 ? `, ${x.j.side === 'kernel' ? kernelStopText(x.j) : fateText(x.j)}` : ''}`;
        const there = `no such packet`;
        cands.push({ t: x.rel, rank: 2, late: x.again !== '', d: {
          kind: 'extra', packet: x.label, host: sender,
          kernel: mine ? here : there, simulator: mine ? there : here,
          ...(mine ? {} : simExtras(x)), kernelHops: mine ? hopList(v, x.j) : [], simulatorHops: mine ? [] : hopList(v, x.j),
        } });
      }
    }
  }
  if (cands.length === 0) return undefined;
  cands.sort((a, b) => Number(a.late ?? false) - Number(b.late ?? false) || a.t - b.t || a.rank - b.rank);
  return finish(cands[0] as Candidate);
}
