// One netfilter hook on one host, in the kernel's priority order
// (include/uapi/linux/netfilter_ipv4.h): raw -300, conntrack -200, mangle -150, nat DNAT -100,
// filter 0, security 50, nat SNAT 100, conntrack confirm INT_MAX. The nat table is consulted only
// for a connection's first packet (a null binding is recorded when no rule matches); the binding
// is then applied to every packet of the connection in both directions.

import { formatIPv4, type IPv4 } from '../../core/ip.js';
import { assertNever } from '../../core/assert.js';
import type { Disposition, RuleInfo } from '../../trace/events.js';
import type { DelegatedVerdict, Hook, NfConntrack, NfEnv, NfPacketView, NfStep, NfVerdict, RejectWith, SocketLookupResult, Table, TableResult } from '../netfilter/api.js';
import { prepareChain, runPrepared } from '../netfilter/run-table.js';
import { ports } from '../packet.js';
import { formatTuple, tupleOf } from '../conntrack/tuple.js';
import type { CtEntry } from '../conntrack/table.js';
import { applyNat, manipOf, packetChanged, setupNat } from './nat.js';
import { summarize, type Skb } from './skb.js';
import { STAGE_CONFIRM, STAGE_CONNTRACK, STAGE_NAT, STAGE_TABLE, type Host, type HookPlans, type NetfilterOps, type PlanStage } from './host.js';
import type { World } from './world.js';
import { ANY_IPV4 } from '../../core/ip.js';

type Stage = Table | 'conntrack' | 'confirm';

const STAGES: Readonly<Record<Hook, readonly Stage[]>> = {
  PREROUTING: ['raw', 'conntrack', 'mangle', 'nat'],
  OUTPUT: ['raw', 'conntrack', 'mangle', 'nat', 'filter', 'security'],
  INPUT: ['mangle', 'filter', 'security', 'nat', 'confirm'],
  FORWARD: ['mangle', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat', 'confirm'],
};

export type HookOutcome =
  | { readonly ok: true; readonly reroute: boolean }
  | { readonly ok: false; readonly disposition: Disposition; readonly reason: string; readonly rule?: RuleInfo; readonly reject?: RejectWith };

export interface HookIo {
  readonly in?: string | undefined;
  readonly out?: string | undefined;
  /** Bridge ports, for a frame bridged with br_netfilter (`-m physdev`). */
  readonly physIn?: string | undefined;
  readonly physOut?: string | undefined;
  readonly bridged?: boolean | undefined;
  /** POSTROUTING: the next hop, for MASQUERADE's source choice. */
  readonly nexthop?: IPv4 | undefined;
}

/**
 * The devices of a routed packet at a hook, in one object shared by every call (runHook keeps
 * nothing of it): fill, pass, forget.
 */
const IO: { -readonly [K in keyof HookIo]-?: HookIo[K] } = { in: undefined, out: undefined, physIn: undefined, physOut: undefined, bridged: undefined, nexthop: undefined };
export function hookIo(inDev: string | undefined, out: string | undefined, nexthop?: IPv4): HookIo {
  IO.in = inDev;
  IO.out = out;
  IO.nexthop = nexthop;
  return IO;
}

const OK: HookOutcome = Object.freeze({ ok: true, reroute: false });
/** What every hook of a namespace without netfilter answers (see hooksRun). */
export const HOOK_OK = OK;

/**
 * Whether a hook can do anything on `h`: a namespace with no table and no conntrack (a pod, a
 * plain client) passes every packet untouched and records nothing, so callers skip the call
 * (and building its devices) altogether and take HOOK_OK.
 */
export function hooksRun(h: Host): boolean {
  return h.netfilter !== undefined || h.conntrackOn;
}
const OK_REROUTE: HookOutcome = Object.freeze({ ok: true, reroute: true });

/**
 * What each hook runs on a host, in priority order: conntrack, confirm and the nat stage always
 * (they decide for themselves), and a stage for every loaded table that has the hook. A table
 * loaded without one of its built-in chains in the file still has it in the kernel, empty with
 * policy ACCEPT: its stage has no chain.
 */
function buildPlans(nf: NetfilterOps | undefined): HookPlans {
  const plan = (hook: Hook): PlanStage[] => {
    const out: PlanStage[] = [];
    for (const stage of STAGES[hook]) {
      if (stage === 'conntrack' || stage === 'confirm' || stage === 'nat') { out.push(markerStage(stage === 'conntrack' ? STAGE_CONNTRACK : stage === 'nat' ? STAGE_NAT : STAGE_CONFIRM)); continue; }
      if (!nf || !nf.has(stage)) continue;
      out.push(tableStage(nf, stage, hook));
    }
    return out;
  };
  const nat = {} as Record<Hook, PlanStage>;
  for (const hook of Object.keys(STAGES) as Hook[]) nat[hook] = tableStage(nf, 'nat', hook);
  return new Plans(plan('PREROUTING'), plan('INPUT'), plan('FORWARD'), plan('OUTPUT'), plan('POSTROUTING'), nat);
}

/** Every host's plans in one shape (a class), so reading a hook's plan is a monomorphic load. */
class Plans implements HookPlans {
  constructor(
    readonly PREROUTING: readonly PlanStage[],
    readonly INPUT: readonly PlanStage[],
    readonly FORWARD: readonly PlanStage[],
    readonly OUTPUT: readonly PlanStage[],
    readonly POSTROUTING: readonly PlanStage[],
    readonly nat: Readonly<Record<Hook, PlanStage>>,
  ) {}
}

function tableStage(nf: NetfilterOps | undefined, table: Table, hook: Hook): PlanStage {
  const b = nf?.has(table) ? nf.builtin?.(table, hook) : undefined;
  return b
    ? { kind: STAGE_TABLE, table, prepared: prepareChain(b.chains, b.chain), empty: b.chain.rules.length === 0 }
    : { kind: STAGE_TABLE, table, prepared: undefined, empty: true };
}

/** A stage that is not a table's (conntrack, nat, confirm), in the same shape as a table's. */
function markerStage(kind: typeof STAGE_CONNTRACK | typeof STAGE_NAT | typeof STAGE_CONFIRM): PlanStage {
  return { kind, table: 'filter', prepared: undefined, empty: true };
}

const PLANS_WITHOUT_NETFILTER = buildPlans(undefined);

/** Hook plans per ruleset binding (rules change by replacing the binding, so a plan never goes stale). */
function plansOf(h: Host): HookPlans {
  const nf = h.netfilter;
  if (!nf) return PLANS_WITHOUT_NETFILTER;
  return (nf.plans ??= buildPlans(nf));
}

/** The nat table's stage at `hook` (a switch: a keyed lookup by the hook's name would be megamorphic). */
function natFor(nat: HookPlans['nat'], hook: Hook): PlanStage {
  switch (hook) {
    case 'PREROUTING': return nat.PREROUTING;
    case 'INPUT': return nat.INPUT;
    case 'FORWARD': return nat.FORWARD;
    case 'OUTPUT': return nat.OUTPUT;
    case 'POSTROUTING': return nat.POSTROUTING;
  }
}

/** plans[hook], without a keyed property lookup over five names on every packet. */
function planFor(p: HookPlans, hook: Hook): readonly PlanStage[] {
  switch (hook) {
    case 'PREROUTING': return p.PREROUTING;
    case 'INPUT': return p.INPUT;
    case 'FORWARD': return p.FORWARD;
    case 'OUTPUT': return p.OUTPUT;
    case 'POSTROUTING': return p.POSTROUTING;
  }
}

export function runHook(w: World, h: Host, hook: Hook, skb: Skb, io: HookIo): HookOutcome {
  // A namespace with no table and no conntrack (a pod, a plain client): every stage would pass
  // the packet untouched and record nothing (with conntrack off no packet here carries an entry).
  if (!h.netfilter && !h.conntrackOn) return OK;
  const rec = w.rec.enabled;
  const plans = plansOf(h);
  const plan = planFor(plans, hook);
  let reroute = false;
  for (let i = 0; i < plan.length; i++) {
    const stage = plan[i] as PlanStage;
    const kind = stage.kind;
    if (kind === STAGE_CONNTRACK) {
      const bad = conntrackIn(w, h, skb);
      if (bad) return bad;
      continue;
    }
    if (kind === STAGE_CONFIRM) {
      if (skb.ct && !skb.ct.confirmed) {
        if (!h.conntrack.confirm(skb.ct, w.now)) return { ok: false, disposition: 'DROPPED', reason: 'conntrack confirm found a clashing entry (nf_conntrack insert failed)' };
        if (rec) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: 'confirm', entry: ctInfo(skb) });
      }
      continue;
    }
    if (kind === STAGE_NAT) {
      const r = natStage(w, h, hook, skb, io, plans.nat);
      if (!r.ok) return r;
      if (r.reroute) reroute = true;
      continue;
    }
    const mark = skb.mark;
    const pkt = skb.pkt;
    const res = rec ? runTable(w, h, stage.table, hook, skb, io) : runStageQuiet(w, h, hook, stage, skb, io);
    if (res.kind === 'DROP') return { ok: false, disposition: 'DROPPED', reason: `${stage.table} ${hook}: DROP`, ...(res.rule ? { rule: res.rule } : {}) };
    if (res.kind === 'REJECT') return { ok: false, disposition: 'REJECTED', reason: `${stage.table} ${hook}: REJECT --reject-with ${res.with}`, reject: res.with, ...(res.rule ? { rule: res.rule } : {}) };
    // mangle OUTPUT reroutes on any change of mark, addresses or TOS (ipt_mangle_out).
    if (hook === 'OUTPUT' && stage.table === 'mangle' && (mark !== skb.mark || pkt.src !== skb.pkt.src || pkt.dst !== skb.pkt.dst || pkt.tos !== skb.pkt.tos)) reroute = true;
  }
  return reroute ? OK_REROUTE : OK;
}

/** A table stage when nothing is recorded: only the policy of an empty chain, else the walk without steps. */
function runStageQuiet(w: World, h: Host, hook: Hook, stage: PlanStage, skb: Skb, io: HookIo): TableOutcome {
  const pc = stage.prepared;
  if (pc === undefined) return T_ACCEPT;
  if (stage.empty) {
    const c = pc.counters;
    c.packets += 1;
    c.bytes += ipLength(skb);
    return pc.drops ? T_DROP : T_ACCEPT;
  }
  const env = (ENV_SLOT.env ??= new Env());
  env.reset(w, h, stage.table, hook, skb, io);
  const res = runPrepared(pc, stage.table, env, NO_STEPS);
  skb.mark = env.mark >>> 0;
  if (env.notrack) skb.notrack = true;
  return res.verdict.kind === 'ACCEPT' ? T_ACCEPT : tableOutcome(w, h, skb, res);
}

type TableOutcome =
  | { readonly kind: 'ACCEPT' }
  | { readonly kind: 'DROP'; readonly rule?: RuleInfo }
  | { readonly kind: 'REJECT'; readonly with: RejectWith; readonly rule?: RuleInfo }
  | { readonly kind: 'NAT'; readonly verdict: Extract<NfVerdict, { kind: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' }>; readonly rule?: RuleInfo };

const T_ACCEPT: TableOutcome = Object.freeze({ kind: 'ACCEPT' });
const T_DROP: TableOutcome = Object.freeze({ kind: 'DROP' });

/** The walker's table run; one Env serves every run (a run never starts another). */
const ENV_SLOT: { env?: Env } = {};

function runTable(w: World, h: Host, table: Table, hook: Hook, skb: Skb, io: HookIo): TableOutcome {
  const nf = h.netfilter;
  if (!nf) return T_ACCEPT;
  const rec = w.rec.enabled;
  if (!rec) {
    // A built-in chain without rules: only its policy (and its counters).
    const c = nf.policyOnly?.(table, hook);
    if (c) {
      c.counters.packets += 1;
      c.counters.bytes += ipLength(skb);
      return c.policy === 'DROP' ? T_DROP : T_ACCEPT;
    }
  }
  if (rec) w.emit({ kind: 'hook', t: w.now, host: h.host, hook, table, packet: summarize(skb.pkt, skb.id, skb.mark) });
  const env = (ENV_SLOT.env ??= new Env());
  env.reset(w, h, table, hook, skb, io);
  const before = w.chooser.made.length;
  const res = nf.run(table, hook, env, rec ? undefined : NO_STEPS);
  if (rec) {
    for (let i = before; i < w.chooser.made.length; i++) {
      const c = w.chooser.made[i];
      if (c) w.emit({ kind: 'branch', t: w.now, label: c.label, options: c.options, chosen: c.chosen, p: c.p });
    }
  }
  skb.mark = env.mark >>> 0;
  if (env.notrack) skb.notrack = true;
  if (rec) for (const s of res.steps) emitStep(w, h, hook, s, skb);
  if (res.verdict.kind === 'ACCEPT' && !rec) return T_ACCEPT;
  return tableOutcome(w, h, skb, res, rec ? { hook, table } : undefined);
}

/** The walker's view of a table's result (the verdict event too, when recording). */
function tableOutcome(w: World, h: Host, skb: Skb, res: TableResult, rec?: { readonly hook: Hook; readonly table: Table }): TableOutcome {
  const d = res.decidedBy;
  const v = res.verdict;
  const rule = d ? { table: d.table, chain: d.chain, index: d.index, raw: d.raw, loc: d.loc } : undefined;
  if (rec) w.emit({ kind: 'verdict', t: w.now, host: h.host, hook: rec.hook, table: rec.table, chain: rec.hook, verdict: v.kind, ...(rule ? { rule } : { policy: true }) });
  switch (v.kind) {
    case 'ACCEPT':
      return T_ACCEPT;
    case 'DROP':
      return rule ? { kind: 'DROP', rule } : T_DROP;
    case 'REJECT':
      return rule ? { kind: 'REJECT', with: v.with, rule } : { kind: 'REJECT', with: v.with };
    case 'DNAT':
    case 'SNAT':
    case 'MASQUERADE':
    case 'REDIRECT':
      return rule ? { kind: 'NAT', verdict: v, rule } : { kind: 'NAT', verdict: v };
    case 'TPROXY':
      return tproxy(w, h, skb, v, rule);
    default:
      return assertNever(v, 'verdict');
  }
}

const NO_STEPS = Object.freeze({ steps: false });

function emitStep(w: World, h: Host, hook: Hook, s: NfStep, skb: Skb): void {
  switch (s.kind) {
    case 'match':
      if (w.rec.enabled) w.emit({ kind: 'rule', t: w.now, host: h.host, hook, rule: { ...s.rule }, target: s.target, ...(s.effect !== undefined ? { effect: s.effect } : {}), packet: summarize(skb.pkt, skb.id, skb.mark) });
      return;
    case 'policy':
      return;
    case 'unsupported':
      if (w.rec.enabled) w.emit({ kind: 'unsupported', t: w.now, host: h.host, loc: s.rule.loc, message: `rule not evaluated (${s.what}); treated as not matching: ${s.rule.raw}` });
      return;
    case 'log':
      if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'kernel', action: 'LOG', message: `${s.prefix}`, loc: s.rule.loc });
      return;
    default:
      assertNever(s, 'step');
  }
}

/** TPROXY (net/netfilter/xt_TPROXY.c): steal the packet for a local transparent socket without rewriting it. */
function tproxy(w: World, h: Host, skb: Skb, v: Extract<NfVerdict, { kind: 'TPROXY' }>, rule: RuleInfo | undefined): TableOutcome {
  const pp = ports(skb.pkt);
  const drop = (why: string): TableOutcome => {
    if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'socket_on_forward', ok: false, detail: why });
    return rule ? { kind: 'DROP', rule } : { kind: 'DROP' };
  };
  if (!pp) return drop('TPROXY on a packet without ports');
  const proto = skb.pkt.proto === 6 ? 'tcp' : 'udp';
  let sk = h.sockets.lookupEstablished(proto, { ip: skb.pkt.src, port: pp.sport }, { ip: skb.pkt.dst, port: pp.dport });
  if (!sk) {
    const laddr = v.onIp ?? (skb.iif ? primaryOf(h, skb.iif) : undefined) ?? skb.pkt.dst;
    sk = h.sockets.lookupListener(proto, { ip: laddr, port: v.onPort }, skb.iif);
    if (sk && !sk.transparent) return drop(`TPROXY: listener ${sk.describe()} is not IP_TRANSPARENT`);
  }
  if (!sk) return drop(`TPROXY: no socket on ${formatIPv4(v.onIp ?? ANY_IPV4)}:${v.onPort}`);
  skb.sk = sk;
  if (v.mark) skb.mark = ((skb.mark & ~v.mark.mask) ^ v.mark.value) >>> 0;
  return { kind: 'ACCEPT' };
}

function primaryOf(h: Host, iface: string): IPv4 | undefined {
  return h.ifaces.get(iface)?.addrs.find((a) => !a.secondary)?.addr;
}

/** nf_conntrack_in at PREROUTING/OUTPUT priority -200. Returns a failed outcome only for hard errors. */
function conntrackIn(w: World, h: Host, skb: Skb): HookOutcome | undefined {
  if (!h.conntrackOn) return undefined;
  if (skb.notrack) {
    skb.ctState = 'UNTRACKED';
    if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: 'untracked', entry: { orig: '-', reply: '-', state: 'UNTRACKED', direction: 'ORIGINAL', status: [] } });
    return undefined;
  }
  if (skb.ct) {
    // Looped back through lo, or re-entering: the entry travels with the packet.
    return undefined;
  }
  const hit = h.conntrack.findPacket(skb.pkt, w.now);
  if (hit) {
    const state = h.conntrack.stateOf(hit, skb.pkt);
    skb.ct = hit.entry;
    skb.ctDir = hit.dir;
    skb.ctState = state;
    h.conntrack.update(hit.entry, hit.dir, skb.pkt, w.now);
    if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: state === 'INVALID' ? 'invalid' : 'found', entry: ctInfo(skb) });
    return undefined;
  }
  const t = tupleOf(skb.pkt);
  if (!t) {
    // ICMP error: RELATED to the connection of the quoted packet.
    const l = skb.pkt.l4;
    if (l.kind === 'icmp' && l.inner) {
      const it = tupleOf(l.inner);
      const hit = it ? h.conntrack.find(it, w.now) : undefined;
      if (hit) {
        skb.ct = hit.entry;
        skb.ctDir = hit.dir === 'ORIGINAL' ? 'REPLY' : 'ORIGINAL';
        skb.ctState = 'RELATED';
        if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: 'found', entry: ctInfo(skb) });
        return undefined;
      }
    }
    skb.ctState = 'INVALID';
    if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: 'invalid', entry: { orig: summarize(skb.pkt, skb.id).src, reply: '-', state: 'INVALID', direction: 'ORIGINAL', status: [] } });
    return undefined;
  }
  const r = h.conntrack.classify(skb.pkt, t, w.now);
  if ('invalidNoEntry' in r) {
    skb.ctState = 'INVALID';
    if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: 'invalid', entry: { orig: formatTuple(t), reply: '-', state: 'INVALID', direction: 'ORIGINAL', status: [r.why] } });
    return undefined;
  }
  skb.ct = r.entry;
  skb.ctDir = r.dir;
  skb.ctState = r.state;
  h.conntrack.update(r.entry, r.dir, skb.pkt, w.now);
  if (w.rec.enabled) w.emit({ kind: 'conntrack', t: w.now, host: h.host, action: r.isNew ? 'new' : r.invalid ? 'invalid' : 'found', entry: ctInfo(skb) });
  return undefined;
}

function natStage(w: World, h: Host, hook: Hook, skb: Skb, io: HookIo, natStages: HookPlans['nat']): HookOutcome {
  const ct = skb.ct;
  if (!ct || skb.notrack || skb.ctState === 'INVALID') return OK;
  const manip = manipOf(hook);
  let nat: Extract<TableOutcome, { kind: 'NAT' }> | undefined;
  const firstPacket = skb.ctDir === 'ORIGINAL' && (skb.ctState === 'NEW' || skb.ctState === 'RELATED');
  if (firstPacket && !(manip === 'src' ? ct.natInitSrc : ct.natInitDst)) {
    // A null binding if nothing matches.
    if (manip === 'src') ct.natInitSrc = true;
    else ct.natInitDst = true;
    if (h.netfilter?.has('nat')) {
      const res = w.rec.enabled ? runTable(w, h, 'nat', hook, skb, io) : runStageQuiet(w, h, hook, natFor(natStages, hook), skb, io);
      if (res.kind === 'DROP') return { ok: false, disposition: 'DROPPED', reason: `nat ${hook}: DROP`, ...(res.rule ? { rule: res.rule } : {}) };
      if (res.kind === 'REJECT') return { ok: false, disposition: 'REJECTED', reason: `nat ${hook}: REJECT`, reject: res.with, ...(res.rule ? { rule: res.rule } : {}) };
      if (res.kind === 'NAT') nat = res;
    }
  }
  if (nat) {
    const failed = bindNat(w, h, hook, skb, ct, nat, io);
    if (failed) return failed;
  }
  const before = skb.pkt;
  const after = applyNat(before, ct, skb.ctDir ?? 'ORIGINAL', hook);
  if (after !== before && packetChanged(before, after)) {
    skb.pkt = after;
    const kind = nat ? natKind(nat.verdict.kind) : skb.ctDir === 'REPLY' ? (manip === 'dst' ? 'un-SNAT' : 'un-DNAT') : manip === 'dst' ? 'DNAT' : 'SNAT';
    const why = nat ? `first packet of the connection: ${nat.verdict.kind}` : skb.ctDir === 'REPLY' ? 'reply of a NATed connection, from its conntrack entry' : 'later packet of a NATed connection, from its conntrack entry';
    if (w.rec.enabled) w.emit({ kind: 'nat', t: w.now, host: h.host, hook, nat: kind, before: summarize(before, skb.id), after: summarize(after, skb.id), ...(nat?.rule ? { rule: nat.rule } : {}), why });
    if (manip === 'dst') return before.dst !== after.dst ? OK_REROUTE : OK;
  }
  return OK;
}

function natKind(k: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT'): 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT' {
  return k;
}

function bindNat(w: World, h: Host, hook: Hook, skb: Skb, ct: CtEntry, nat: Extract<TableOutcome, { kind: 'NAT' }>, io: HookIo): HookOutcome | undefined {
  const v = nat.verdict;
  const fail = (d: Disposition, reason: string): HookOutcome => ({ ok: false, disposition: d, reason, ...(nat.rule ? { rule: nat.rule } : {}) });
  switch (v.kind) {
    case 'DNAT':
      if (!setupNat(w, h, ct, 'dst', v.range, { random: v.random })) return fail('DROPPED', 'DNAT: no free tuple');
      return undefined;
    case 'REDIRECT': {
      // nf_nat_redirect_ipv4: the primary address of the input device, or 127.0.0.1 for local packets.
      const ip = hook === 'OUTPUT' ? (0x7f000001 as IPv4) : skb.iif ? primaryOf(h, skb.iif) : undefined;
      if (ip === undefined) return fail('DROPPED', 'REDIRECT: the input device has no address');
      const range = { minIp: ip, maxIp: ip, ...(v.minPort !== undefined ? { minPort: v.minPort, maxPort: v.maxPort ?? v.minPort } : {}) };
      if (!setupNat(w, h, ct, 'dst', range, { random: v.random })) return fail('DROPPED', 'REDIRECT: no free tuple');
      return undefined;
    }
    case 'SNAT':
      if (!setupNat(w, h, ct, 'src', v.range, { random: v.random, randomFully: v.randomFully })) return fail('DROPPED', 'SNAT: no free tuple');
      return undefined;
    case 'MASQUERADE': {
      // nf_nat_masquerade_ipv4: inet_select_addr(out, nexthop, RT_SCOPE_UNIVERSE); none -> drop.
      if (skb.pkt.src === ANY_IPV4) return undefined;
      const out = io.out;
      const nh = io.nexthop ?? skb.pkt.dst;
      const src = out ? h.routing.selectAddr(out, nh) : undefined;
      const outIface = out ? h.ifaces.get(out) : undefined;
      const fallback = outIface && !outIface.addrs.some((a) => a.addr === src);
      if (w.rec.enabled) w.emit({ kind: 'check', t: w.now, host: h.host, packet: summarize(skb.pkt, skb.id, skb.mark), check: 'masquerade_source', ok: src !== undefined, detail: src === undefined ? `no address on ${out ?? '?'} or any other device: packet dropped` : `inet_select_addr(${out}, ${formatIPv4(nh)}) = ${formatIPv4(src)}${fallback ? ` (${out} has no address of its own; taken from another device in creation order)` : ''}` });
      if (src === undefined) return fail('MASQUERADE_NO_ADDRESS', `MASQUERADE: no address to use on ${out ?? '?'}`);
      const range = { minIp: src, maxIp: src, ...(v.minPort !== undefined ? { minPort: v.minPort, maxPort: v.maxPort ?? v.minPort } : {}) };
      if (!setupNat(w, h, ct, 'src', range, { random: v.random, randomFully: v.randomFully })) return fail('DROPPED', 'MASQUERADE: no free tuple');
      if (out) ct.masqIface = out;
      return undefined;
    }
    default:
      return assertNever(v, 'nat verdict');
  }
}

export function ctInfo(skb: Skb): { orig: string; reply: string; state: string; direction: 'ORIGINAL' | 'REPLY'; status: string[]; tcpState?: string } {
  const ct = skb.ct;
  if (!ct) return { orig: '-', reply: '-', state: skb.ctState ?? 'INVALID', direction: 'ORIGINAL', status: [] };
  const status: string[] = [];
  if (ct.seenReply) status.push('SEEN_REPLY');
  if (ct.assured) status.push('ASSURED');
  if (ct.confirmed) status.push('CONFIRMED');
  if (ct.srcNat) status.push('SRC_NAT');
  if (ct.dstNat) status.push('DST_NAT');
  return { orig: formatTuple(ct.orig), reply: formatTuple(ct.reply), state: skb.ctState ?? 'NEW', direction: skb.ctDir ?? 'ORIGINAL', status, ...(ct.orig.proto === 6 ? { tcpState: ct.tcpState } : {}) };
}


/** The IP total length as counters and `-m length` see it. */
function ipLength(skb: Skb): number {
  const p = skb.pkt;
  return 20 + (p.l4.kind === 'tcp' ? 20 : 8) + p.payload.length;
}

/** The packet as matches see it: one per Env, refilled for each run (no allocation per packet). */
class PacketView implements NfPacketView {
  src = 0 as IPv4;
  dst = 0 as IPv4;
  proto = 0;
  sport: number | undefined = undefined;
  dport: number | undefined = undefined;
  tcpFlags: number | undefined = undefined;
  icmpType: number | undefined = undefined;
  icmpCode: number | undefined = undefined;
  length = 0;
  ttl = 0;
  tos = 0;
  fragment = false;
  fill(skb: Skb): this {
    const p = skb.pkt;
    const l = p.l4;
    this.src = p.src;
    this.dst = p.dst;
    this.proto = p.proto;
    this.length = ipLength(skb);
    this.ttl = p.ttl;
    this.tos = p.tos;
    this.fragment = false;
    this.sport = undefined;
    this.dport = undefined;
    this.tcpFlags = undefined;
    this.icmpType = undefined;
    this.icmpCode = undefined;
    if (l.kind === 'tcp' || l.kind === 'udp') { this.sport = l.sport; this.dport = l.dport; }
    if (l.kind === 'tcp') this.tcpFlags = l.flags;
    else if (l.kind === 'icmp') { this.icmpType = l.type; this.icmpCode = l.code; }
    return this;
  }
}

/** conntrack's view for matches; one per Env, refilled for each packet (no allocation per look). */
class CtView implements NfConntrack {
  state: NfConntrack['state'] = 'NEW';
  direction: NfConntrack['direction'] = 'ORIGINAL';
  orig!: NfConntrack['orig'];
  reply!: NfConntrack['reply'];
  private ct!: CtEntry;
  private now = 0;
  /** The entry's status bits, refilled with the view (matches read it at once and keep nothing). */
  readonly status = { expected: false, seenReply: false, assured: false, confirmed: false, srcNat: false, dstNat: false };
  fill(ct: CtEntry, skb: Skb, now: number): this {
    this.ct = ct;
    this.now = now;
    this.state = skb.ctState ?? 'NEW';
    this.direction = skb.ctDir ?? 'ORIGINAL';
    this.orig = ct.orig;
    this.reply = ct.reply;
    const st = this.status;
    st.seenReply = ct.seenReply;
    st.assured = ct.assured;
    st.confirmed = ct.confirmed;
    st.srcNat = ct.srcNat;
    st.dstNat = ct.dstNat;
    return this;
  }
  get mark(): number { return this.ct.mark; }
  set mark(v: number) { this.ct.mark = v >>> 0; }
  get expiresIn(): number { return Math.max(0, Math.round((this.ct.expiresAt - this.now) / 1e6)); }
}

function ctView(w: World, skb: Skb, view: CtView): NfConntrack | undefined {
  const state = skb.ctState;
  if (state === 'INVALID' || state === 'UNTRACKED') {
    const p = skb.pkt;
    const t = tupleOf(p) ?? { src: p.src, dst: p.dst, proto: p.proto, sport: 0, dport: 0 };
    return { state, direction: 'ORIGINAL', orig: t, reply: t, status: NO_STATUS, mark: 0, expiresIn: 0 };
  }
  return skb.ct ? view.fill(skb.ct, skb, w.now) : undefined;
}

const NO_STATUS = { expected: false, seenReply: false, assured: false, confirmed: false, srcNat: false, dstNat: false } as const;

/** What matches and targets see of one packet at one (hook, table); methods on the prototype, no closures. */
class Env implements NfEnv {
  host = '';
  hook: Hook = 'PREROUTING';
  table: Table = 'filter';
  inIface?: string | undefined;
  outIface?: string | undefined;
  physIn?: string | undefined;
  physOut?: string | undefined;
  bridged?: boolean | undefined;
  packet: NfPacketView = NO_PACKET;
  mark = 0;
  notrack = false;
  explain = true;
  chooser!: NfEnv['chooser'];
  private h!: Host;
  private skb!: Skb;
  private w!: World;
  private ctDone = false;
  private readonly ctv = new CtView();
  private readonly view = new PacketView();
  private ctValue: NfConntrack | undefined;
  reset(w: World, h: Host, table: Table, hook: Hook, skb: Skb, io: HookIo): void {
    this.w = w;
    this.h = h;
    this.skb = skb;
    this.host = h.host;
    this.hook = hook;
    this.table = table;
    this.inIface = io.in;
    this.outIface = io.out;
    this.physIn = io.physIn;
    this.physOut = io.physOut;
    this.bridged = io.bridged;
    this.packet = this.view.fill(skb);
    this.mark = skb.mark;
    this.ctDone = false;
    this.ctValue = undefined;
    this.notrack = skb.notrack;
    this.chooser = w.chooser;
    this.explain = w.rec.enabled;
  }
  /** conntrack's view, built when a match first asks. */
  get ct(): NfConntrack | undefined {
    if (!this.ctDone) {
      this.ctValue = ctView(this.w, this.skb, this.ctv);
      this.ctDone = true;
    }
    return this.ctValue;
  }
  delegate(chain: string): DelegatedVerdict | undefined {
    if (this.h.delegates.size === 0) return undefined;
    return this.h.delegates.get(this.table, chain)?.(this);
  }
  addrType(ip: IPv4, dev?: string): ReturnType<NfEnv['addrType']> {
    return this.h.routing.addrType(ip, dev);
  }
  socketLookup(o: { readonly nowildcard: boolean }): SocketLookupResult {
    return socketLookup(this.h, this.skb, o.nowildcard, this.explain);
  }
}

const NO_PACKET: NfPacketView = { src: 0 as IPv4, dst: 0 as IPv4, proto: 0, length: 0, ttl: 0, tos: 0, fragment: false };

const NO_SOCKET: SocketLookupResult = Object.freeze({ found: false, transparent: false, mark: 0 });

/** xt_socket's lookup (socket_match): established first, then a listener; wildcard listeners only with --nowildcard. */
function socketLookup(h: Host, skb: Skb, nowildcard: boolean, explain: boolean): SocketLookupResult {
  const p = skb.pkt;
  const l = p.l4;
  if (l.kind !== 'tcp' && l.kind !== 'udp') return NO_SOCKET;
  const proto = l.kind;
  // The reply of an SNATed connection is looked up with the local end's pre-SNAT address
  // (socket_match, IPS_SRC_NAT_DONE branch): mangle PREROUTING runs before un-SNAT.
  const snatReply = skb.ct && skb.ctDir === 'REPLY' && skb.ct.srcNat;
  const dstIp = snatReply ? (skb.ct as CtEntry).orig.src : p.dst;
  const dport = snatReply ? (skb.ct as CtEntry).orig.sport : l.dport;
  const est = h.sockets.lookupEstablished4(proto, p.src, l.sport, dstIp, dport);
  const sk = est ?? h.sockets.lookupListener(proto, { ip: dstIp, port: dport }, skb.iif, { includeWildcard: nowildcard });
  if (!sk) return NO_SOCKET;
  if (explain) return { found: true, transparent: sk.transparent, mark: sk.mark, description: sk.describe() };
  // Quiet: one answer object for every lookup (the socket match reads it at once and keeps nothing).
  FOUND.transparent = sk.transparent;
  FOUND.mark = sk.mark;
  return FOUND;
}

const FOUND: { found: true; transparent: boolean; mark: number } = { found: true, transparent: false, mark: 0 };
