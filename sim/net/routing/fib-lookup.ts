// fib_lookup(): the policy database scan (net/core/fib_rules.c fib_rules_lookup with
// net/ipv4/fib_rules.c fib4_rule_match / fib4_rule_action / fib4_rule_suppress) and the table
// lookup (net/ipv4/fib_trie.c fib_table_lookup: longest prefix first, then within a prefix the
// aliases in order — tos-specific before tos 0, lowest metric first — skipping aliases whose scope
// is too narrow, whose tos differs, or whose nexthops are all dead or not on the requested oif; a
// prefix with nothing usable falls back to shorter prefixes). Route types blackhole, unreachable
// and prohibit end the lookup with an error; throw (and a table without a match) continues with
// the next rule. Multipath nexthops are chosen as fib_select_multipath does, by comparing a flow
// hash with per-nexthop upper bounds derived from the weights; the kernel seeds its hash randomly
// at boot, so we use a fixed FNV-1a hash of (src, dst): the same flow always takes the same
// nexthop and flows spread by weight, but which flow takes which nexthop differs from a real host.
// With a Chooser the choice is a branch point instead (for `explore`).
// While no rule was ever added or deleted the kernel skips the RPDB and searches the local and
// main tables as one trie (fib_has_custom_rules = false, include/net/ip_fib.h fib_lookup); we do
// the same, so a longer main prefix can win over a local one exactly as it does there.

import type { Chooser } from '../../core/choice.js';
import { formatIPv4, inCidr } from '../../core/ip.js';
import type { FibQuery, FibResult, IpRule, Nexthop, Route } from './api.js';
import { RT_TABLE } from './api.js';
import { FIB_PROPS, SCOPE_VALUE } from './constants.js';
import type { RoutingState } from './state.js';
import { link, tableRoutes } from './state.js';
import { TupleMap } from '../tuple-map.js';

export interface FibLookupOptions {
  /** Make the multipath choice a branch point (probability = weight share) instead of hashing. */
  readonly chooser?: Chooser;
  /** flowi4_scope: routes with a narrower scope (smaller number) are skipped. Default universe (0). */
  readonly minScope?: number;
}

export type FibStep =
  | { readonly rule: IpRule; readonly outcome: 'no-match' | 'nop' | 'result' | 'unresolved-goto' }
  | { readonly rule: IpRule; readonly outcome: 'goto'; readonly target: IpRule }
  | { readonly rule: IpRule; readonly outcome: 'no-route-in-table'; readonly table: number }
  | { readonly rule: IpRule; readonly outcome: 'throw' | 'suppressed'; readonly table: number; readonly route: Route };

export interface FibLookupDetail {
  readonly result: FibResult;
  /** Every rule consulted, in order, with what happened there. */
  readonly steps: readonly FibStep[];
}

const IPTOS_MASK = 0xfc; // the DSCP bits: fib rules and routes compare the TOS without the ECN bits

function inRange(v: number | undefined, r: { readonly min: number; readonly max: number } | undefined): boolean {
  return r === undefined || ((v ?? 0) >= r.min && (v ?? 0) <= r.max);
}

/** fib_rule_match + fib4_rule_match, `not` inverting the whole selector (FIB_RULE_INVERT). */
export function ruleMatches(s: RoutingState, r: IpRule, q: FibQuery): boolean {
  const m = selectorsMatch(s, r, q);
  return r.not ? !m : m;
}

function selectorsMatch(s: RoutingState, r: IpRule, q: FibQuery): boolean {
  // A rule naming a device that does not exist is "detached" and matches nothing.
  if (r.iif !== undefined && (r.iif !== q.iif || !link(s, r.iif))) return false;
  if (r.oif !== undefined && (r.oif !== q.oif || !link(s, r.oif))) return false;
  if (r.fwmark && (((r.fwmark.value ^ q.mark) & r.fwmark.mask) >>> 0) !== 0) return false;
  if (r.from && !inCidr((q.src ?? 0) as FibQuery['dst'], r.from)) return false;
  if (r.to && !inCidr(q.dst, r.to)) return false;
  if (r.tos && r.tos !== ((q.tos ?? 0) & IPTOS_MASK)) return false;
  if (r.ipproto !== undefined && r.ipproto !== (q.proto ?? 0)) return false;
  if (!inRange(q.sport, r.sport) || !inRange(q.dport, r.dport)) return false;
  return true;
}

/** Longest prefix first; within a prefix, the table's alias order. */
function byPrefixThenOrder(a: { r: Route; i: number }, b: { r: Route; i: number }): number {
  return b.r.dst.prefix - a.r.dst.prefix || a.i - b.i;
}

/** A nexthop the lookup may use: its device exists and is up (host-scope routes never die), and it is on the requested oif. */
export function nexthopUsable(s: RoutingState, r: Route, nh: Nexthop, oif: string | undefined): boolean {
  const l = link(s, nh.dev);
  if (!l) return false;
  if (r.scope !== 'host' && !l.up) return false;
  return oif === undefined || nh.dev === oif;
}

type TableHit =
  | { readonly kind: 'route'; readonly route: Route; readonly usable: readonly number[] }
  | { readonly kind: 'error'; readonly route: Route }
  | { readonly kind: 'miss' };

/** fib_table_lookup over `routes` (already in alias order within each prefix). */
export function lookupRoutes(s: RoutingState, routes: readonly Route[], q: FibQuery, minScope = 0): TableHit {
  const cands: { r: Route; i: number }[] = [];
  for (let i = 0; i < routes.length; i++) {
    const r = routes[i] as Route;
    if (inCidr(q.dst, r.dst)) cands.push({ r, i });
  }
  if (cands.length > 1) cands.sort(byPrefixThenOrder);
  const tos = (q.tos ?? 0) & IPTOS_MASK;
  for (const { r } of cands) {
    if (r.tos && r.tos !== tos) continue;
    if (SCOPE_VALUE[r.scope] < minScope) continue;
    if (FIB_PROPS[r.type].error !== undefined) return { kind: 'error', route: r };
    const usable: number[] = [];
    for (let i = 0; i < r.nexthops.length; i++) if (nexthopUsable(s, r, r.nexthops[i] as Nexthop, q.oif)) usable.push(i);
    if (usable.length > 0) return { kind: 'route', route: r, usable };
  }
  return { kind: 'miss' };
}

function fnv1a(words: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) for (let k = 24; k >= 0; k -= 8) h = Math.imul(h ^ ((w >>> k) & 255), 16777619) >>> 0;
  return h >>> 1; // 31 bits, as fib_multipath_hash returns
}

/** fib_select_multipath over the usable nexthops (upper bounds from fib_rebalance). */
function chooseNexthop(r: Route, usable: readonly number[], q: FibQuery, chooser: Chooser | undefined): number {
  if (usable.length === 1 || q.oif !== undefined) return usable[0] as number;
  const total = usable.reduce((n, i) => n + (r.nexthops[i] as Nexthop).weight, 0);
  if (chooser) {
    return chooser.choose(
      `multipath ${formatIPv4(r.dst.addr)}/${r.dst.prefix}`,
      usable.map((i) => {
        const nh = r.nexthops[i] as Nexthop;
        return { p: nh.weight / total, value: i, label: `${nh.via !== undefined ? `via ${formatIPv4(nh.via)} ` : ''}dev ${nh.dev}` };
      }),
    );
  }
  const h = fnv1a([q.src ?? 0, q.dst]);
  let w = 0;
  for (const i of usable) {
    w += (r.nexthops[i] as Nexthop).weight;
    const upper = Math.round((w * 2 ** 31) / total) - 1;
    if (h <= upper) return i;
  }
  return usable[usable.length - 1] as number;
}

function okResult(r: Route, rule: IpRule, nhIndex: number | undefined, q: FibQuery): FibResult {
  const nh = nhIndex === undefined ? undefined : r.nexthops[nhIndex];
  // One shape for every answer (nexthop present, maybe undefined): the walker's reads of it stay monomorphic.
  return { ok: true, route: r, rule, table: r.table, type: r.type, nexthop: nh, gateway: nh?.via ?? q.dst };
}

function errorReason(t: Route['type']): 'blackhole' | 'unreachable' | 'prohibit' {
  // RTN_NAT also answers EINVAL, like blackhole.
  return t === 'unreachable' ? 'unreachable' : t === 'prohibit' ? 'prohibit' : 'blackhole';
}

/** The local and main tables as the one trie they are while no rule was ever added (per state). */
const mergedTables = new WeakMap<RoutingState, readonly Route[]>();
export function localAndMain(s: RoutingState): readonly Route[] {
  let m = mergedTables.get(s);
  if (!m) {
    m = [...tableRoutes(s, RT_TABLE.local), ...tableRoutes(s, RT_TABLE.main)];
    mergedTables.set(s, m);
  }
  return m;
}

/** The lookup with every rule consulted recorded. */
export function fibLookupDetailed(s: RoutingState, q: FibQuery, opts: FibLookupOptions = {}): FibLookupDetail {
  const steps: FibStep[] = [];
  const minScope = opts.minScope ?? 0;
  const finish = (hit: Extract<TableHit, { kind: 'route' }>, rule: IpRule): FibResult =>
    okResult(hit.route, rule, hit.route.nexthops.length ? chooseNexthop(hit.route, hit.usable, q, opts.chooser) : undefined, q);

  if (!s.customRules) {
    const [rLocal, rMain, rDefault] = s.rules as [IpRule, IpRule, IpRule];
    const merged = localAndMain(s);
    const hit = lookupRoutes(s, merged, q, minScope);
    const ruleFor = (r: Route): IpRule => (r.table === RT_TABLE.local ? rLocal : rMain);
    if (hit.kind === 'route') {
      steps.push({ rule: ruleFor(hit.route), outcome: 'result' });
      return { result: finish(hit, ruleFor(hit.route)), steps };
    }
    if (hit.kind === 'error' && hit.route.type !== 'throw') {
      steps.push({ rule: ruleFor(hit.route), outcome: 'result' });
      return { result: { ok: false, reason: errorReason(hit.route.type), rule: ruleFor(hit.route), route: hit.route }, steps };
    }
    if (hit.kind === 'error') steps.push({ rule: ruleFor(hit.route), outcome: 'throw', table: hit.route.table, route: hit.route });
    else steps.push({ rule: rMain, outcome: 'no-route-in-table', table: RT_TABLE.main });
    const hd = lookupRoutes(s, tableRoutes(s, RT_TABLE.default), q, minScope);
    if (hd.kind === 'route') {
      steps.push({ rule: rDefault, outcome: 'result' });
      return { result: finish(hd, rDefault), steps };
    }
    if (hd.kind === 'error' && hd.route.type !== 'throw') {
      steps.push({ rule: rDefault, outcome: 'result' });
      return { result: { ok: false, reason: errorReason(hd.route.type), rule: rDefault, route: hd.route }, steps };
    }
    steps.push(hd.kind === 'error' ? { rule: rDefault, outcome: 'throw', table: RT_TABLE.default, route: hd.route } : { rule: rDefault, outcome: 'no-route-in-table', table: RT_TABLE.default });
    return { result: { ok: false, reason: 'no-route' }, steps };
  }

  const rules = s.rules;
  let i = 0;
  while (i < rules.length) {
    const rule = rules[i] as IpRule;
    if (!ruleMatches(s, rule, q)) {
      steps.push({ rule, outcome: 'no-match' });
      i++;
      continue;
    }
    const a = rule.action;
    if (a.kind === 'goto') {
      const j = rules.findIndex((x) => x.priority === a.priority);
      if (j < 0 || j <= i) {
        steps.push({ rule, outcome: 'unresolved-goto' });
        i++;
        continue;
      }
      steps.push({ rule, outcome: 'goto', target: rules[j] as IpRule });
      i = j;
      continue;
    }
    if (a.kind === 'nop') {
      steps.push({ rule, outcome: 'nop' });
      i++;
      continue;
    }
    if (a.kind !== 'lookup') {
      steps.push({ rule, outcome: 'result' });
      return { result: { ok: false, reason: a.kind, rule }, steps };
    }
    const hit = lookupRoutes(s, tableRoutes(s, a.table), q, minScope);
    if (hit.kind === 'miss') {
      steps.push({ rule, outcome: 'no-route-in-table', table: a.table });
      i++;
      continue;
    }
    if (hit.kind === 'error') {
      if (hit.route.type === 'throw') {
        steps.push({ rule, outcome: 'throw', table: a.table, route: hit.route });
        i++;
        continue;
      }
      steps.push({ rule, outcome: 'result' });
      return { result: { ok: false, reason: errorReason(hit.route.type), rule, route: hit.route }, steps };
    }
    // fib4_rule_suppress: refuse results whose prefix is not longer than suppress_prefixlength.
    if (rule.suppressPrefixlength !== undefined && hit.route.dst.prefix <= rule.suppressPrefixlength) {
      steps.push({ rule, outcome: 'suppressed', table: a.table, route: hit.route });
      i++;
      continue;
    }
    steps.push({ rule, outcome: 'result' });
    return { result: finish(hit, rule), steps };
  }
  return { result: { ok: false, reason: 'no-route' }, steps };
}

/**
 * fib_lookup: the route (or the refusal) for a flow.
 *
 * Results are kept per routing state (an immutable value): the same query gets the same answer
 * until the state is replaced. Only selectors rules can use go into the key; ports and protocol
 * only when some rule looks at them. The key is numeric (destination, then source and source
 * port) so a hit allocates nothing.
 */
interface CachedFib {
  readonly iif: string;
  readonly oif: string | undefined;
  readonly mark: number;
  readonly tos: number;
  readonly proto: number;
  readonly sport: number;
  readonly dport: number;
  readonly result: FibResult;
}

/**
 * Answers keyed by (mark, destination, TOS, source) in an open-addressing table (no key objects,
 * no boxed numbers); the devices (and, with port selectors, protocol and ports) are compared in
 * the short list of each key.
 */
export class FibCache {
  readonly ports: boolean;
  private readonly byKey = new TupleMap<CachedFib[]>();
  private size = 0;
  constructor(ports: boolean) {
    this.ports = ports;
  }
  get(q: FibQuery): FibResult | undefined {
    const tos = q.tos ?? 0;
    const l = this.byKey.get(q.mark | 0, q.dst, tos, q.src ?? 0, 0);
    if (!l) return undefined;
    for (let i = 0; i < l.length; i++) {
      const e = l[i] as CachedFib;
      if (e.iif !== q.iif || e.oif !== q.oif) continue;
      if (this.ports && (e.proto !== (q.proto ?? 0) || e.sport !== (q.sport ?? 0) || e.dport !== (q.dport ?? 0))) continue;
      return e.result;
    }
    return undefined;
  }
  set(q: FibQuery, result: FibResult): void {
    if (this.size >= CACHE_LIMIT) {
      this.byKey.clear();
      this.size = 0;
    }
    const tos = q.tos ?? 0;
    let l = this.byKey.get(q.mark | 0, q.dst, tos, q.src ?? 0, 0);
    if (!l) { l = []; this.byKey.set(q.mark | 0, q.dst, tos, q.src ?? 0, 0, l); }
    // With port selectors every connection is its own key: keep the list of one flow pair short.
    if (l.length >= 64) { this.size -= l.length; l.length = 0; }
    l.push({ iif: q.iif, oif: q.oif, mark: q.mark, tos, proto: this.ports ? (q.proto ?? 0) : 0, sport: this.ports ? (q.sport ?? 0) : 0, dport: this.ports ? (q.dport ?? 0) : 0, result });
    this.size++;
  }
}

const resultCache = new WeakMap<RoutingState, FibCache>();
const CACHE_LIMIT = 4096;

const NO_OPTIONS: FibLookupOptions = Object.freeze({});

/** The result cache of a routing state (one per state value). */
export function fibCacheOf(s: RoutingState): FibCache {
  let c = resultCache.get(s);
  if (!c) {
    c = new FibCache(s.rules.some((r) => r.ipproto !== undefined || r.sport !== undefined || r.dport !== undefined));
    resultCache.set(s, c);
  }
  return c;
}

/**
 * A route query with every field present, in one order: every query the lookup and its cache
 * read has the same shape, so their reads stay monomorphic (a query literal with only some
 * fields, from any caller, would make them megamorphic for all).
 */
export function fibQuery(q: FibQuery): FibQuery {
  return { dst: q.dst, src: q.src, iif: q.iif, oif: q.oif, mark: q.mark, tos: q.tos, proto: q.proto, sport: q.sport, dport: q.dport };
}

export function fibLookup(s: RoutingState, q: FibQuery, opts: FibLookupOptions = NO_OPTIONS): FibResult {
  if (opts.chooser || opts.minScope) return fibLookupDetailed(s, q, opts).result;
  return fibLookupIn(fibCacheOf(s), s, q);
}

/** fibLookup with the state's cache already in hand (fibCacheOf). */
export function fibLookupIn(c: FibCache, s: RoutingState, q: FibQuery): FibResult {
  let r = c.get(q);
  if (r === undefined) {
    r = fibLookupDetailed(s, q).result;
    c.set(q, r);
  }
  return r;
}
