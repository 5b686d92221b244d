// Reverse-path and martian checks of the input route (net/ipv4/route.c ip_route_input_slow,
// net/ipv4/fib_frontend.c fib_validate_source / __fib_validate_source; Documentation/networking/
// ip-sysctl.rst rp_filter, src_valid_mark, accept_local, route_localnet).
//
// fib_validate_source with rp_filter=0 takes a shortcut: accept_local accepts everything; otherwise,
// while the namespace has neither custom rules nor user `local` routes, only "is the source one of
// our addresses" is checked. Anything else runs the full check: a lookup of the source as a
// destination (iif = the forwarding output device, or lo for local delivery; the packet's
// destination as source; the packet's mark only with src_valid_mark). No route is fine unless
// rp_filter is on. A result that is not unicast (or local with accept_local) is a martian source.
// If the route back uses the receiving device the source is valid; else strict mode (1) rejects,
// loose mode (2) accepts, and a receiving device without addresses is treated as "no route".

import type { IPv4 } from '../../core/ip.js';
import { isIPv4Loopback, isMulticast } from '../../core/ip.js';
import type { FibQuery } from './api.js';
import { fibLookup, fibQuery } from './fib-lookup.js';
import type { RoutingState } from './state.js';
import { addrsOf, isLocalAddress } from './state.js';
import { TupleMap } from '../tuple-map.js';

export interface ValidateSourceInput {
  readonly src: IPv4;
  /** The packet's destination (the reverse lookup's source); 0 for broadcast input. */
  readonly dst?: IPv4;
  /** The receiving device. */
  readonly iif: string;
  /** For a forwarded packet: the output device of the forward route (fib_validate_source's oif). Absent for local delivery. */
  readonly oif?: string;
  readonly mark: number;
  readonly tos?: number;
  /** Effective net.ipv4.conf.{all,<iif>}.rp_filter: max of the two. */
  readonly rpFilter: 0 | 1 | 2;
  readonly srcValidMark: boolean;
  readonly acceptLocal: boolean;
  /** net.ipv4.conf.<iif>.send_redirects (default 1): forwarding back out of the receiving device takes the full check. */
  readonly sendRedirects?: boolean;
}

export interface ValidateSourceResult {
  readonly ok: boolean;
  readonly reason: string;
  /** The kernel's answer when refused: EINVAL (martian source) or EXDEV (reverse path). */
  readonly errno?: 'EINVAL' | 'EXDEV';
}

function fmt(ip: number): string {
  const v = ip >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** fib_validate_source for a received packet. */
export function validateSource(s: RoutingState, q: ValidateSourceInput): ValidateSourceResult {
  const r = q.rpFilter;
  const src = fmt(q.src);
  const sendRedirects = q.sendRedirects ?? true;
  if (r === 0 && (q.oif === undefined || q.oif !== q.iif || !sendRedirects)) {
    if (q.acceptLocal) return { ok: true, reason: 'rp_filter=0 and accept_local=1: source not checked' };
    if (!s.customLocalRoutes && !s.customRules) {
      if (isLocalAddress(s, q.src)) return { ok: false, errno: 'EINVAL', reason: `martian source ${src}: it is one of this host's addresses (accept_local=0)` };
      return { ok: true, reason: 'rp_filter=0: only checked that the source is not a local address' };
    }
  }
  // __fib_validate_source
  const flow: FibQuery = fibQuery({ dst: q.src, src: (q.dst ?? 0) as IPv4, iif: q.oif ?? 'lo', mark: q.srcValidMark ? q.mark : 0, tos: q.tos });
  const noAddr = addrsOf(s, q.iif).length === 0;
  const markNote = q.srcValidMark ? `mark 0x${(q.mark >>> 0).toString(16)} used (src_valid_mark=1)` : 'mark ignored (src_valid_mark=0)';
  const lastResort = (why: string): ValidateSourceResult =>
    r ? { ok: false, errno: 'EXDEV', reason: `rp_filter=${r}: ${why}; dropped` } : { ok: true, reason: `rp_filter=0: ${why}; accepted` };
  const res = fibLookup(s, flow);
  if (!res.ok) return lastResort(`no route back to ${src} (${markNote})`);
  if (res.type !== 'unicast' && !(res.type === 'local' && q.acceptLocal)) {
    return { ok: false, errno: 'EINVAL', reason: `martian source ${src}: the route back is type ${res.type}${res.type === 'local' ? ' and accept_local=0' : ''} (${markNote})` };
  }
  const devMatch = res.route.nexthops.some((n) => n.dev === q.iif) || (res.type === 'local' && q.iif === 'lo');
  if (devMatch) return { ok: true, reason: `the route back to ${src} uses ${q.iif}` };
  if (noAddr) return lastResort(`${q.iif} has no address`);
  const via = res.nexthop?.dev ?? '?';
  if (r === 1) return { ok: false, errno: 'EXDEV', reason: `rp_filter=1 (strict): the route back to ${src} uses ${via}, not ${q.iif} (${markNote}); dropped` };
  return { ok: true, reason: r === 2 ? `rp_filter=2 (loose): ${src} is reachable via ${via}` : `rp_filter=0: route back to ${src} via ${via}` };
}

interface CachedValidation {
  readonly iif: string;
  readonly oif: string | undefined;
  readonly result: ValidateSourceResult;
}

/**
 * Answers per routing state (an immutable value), keyed by (mark, source, TOS, destination,
 * rp_filter and flags) in an open-addressing table; the devices are compared in the key's list.
 */
export class ValidationCache {
  readonly byKey = new TupleMap<CachedValidation[]>();
  size = 0;
}
const validations = new WeakMap<RoutingState, ValidationCache>();
const VALIDATION_LIMIT = 4096;

/** The validation cache of a routing state (one per state value). */
export function validationCacheOf(s: RoutingState): ValidationCache {
  let c = validations.get(s);
  if (!c) { c = new ValidationCache(); validations.set(s, c); }
  return c;
}

/**
 * validateSource, remembered in the cache of the routing state it was asked of (validationCacheOf;
 * the answer depends on nothing else). Positional so that a hit builds no query object.
 */
export function validateSourceIn(c: ValidationCache, s: RoutingState, src: IPv4, dst: IPv4, iif: string, oif: string | undefined, mark: number, tos: number | undefined, rpFilter: 0 | 1 | 2, srcValidMark: boolean, acceptLocal: boolean): ValidateSourceResult {
  const sel = rpFilter | (srcValidMark ? 4 : 0) | (acceptLocal ? 8 : 0);
  const tosKey = tos === undefined ? 256 : tos;
  const l = c.byKey.get(mark | 0, src, tosKey, dst, sel);
  if (l) {
    for (let i = 0; i < l.length; i++) {
      const e = l[i] as CachedValidation;
      if (e.iif === iif && e.oif === oif) return e.result;
    }
  }
  const q: { -readonly [K in keyof ValidateSourceInput]: ValidateSourceInput[K] } = { src, dst, iif, mark, rpFilter, srcValidMark, acceptLocal };
  if (oif !== undefined) q.oif = oif;
  if (tos !== undefined) q.tos = tos;
  const result = validateSource(s, q);
  if (c.size >= VALIDATION_LIMIT) { c.byKey.clear(); c.size = 0; }
  const list = c.byKey.get(mark | 0, src, tosKey, dst, sel);
  if (list) list.push({ iif, oif, result });
  else c.byKey.set(mark | 0, src, tosKey, dst, sel, [{ iif, oif, result }]);
  c.size++;
  return result;
}

export type MartianResult =
  | { readonly ok: true; readonly broadcast: boolean }
  | { readonly ok: false; readonly kind: 'martian-source' | 'martian-destination'; readonly reason: string };

/** The address checks ip_route_input_slow makes before any lookup. */
export function martianCheck(q: { readonly src: IPv4; readonly dst: IPv4; readonly iif: string; readonly routeLocalnet: boolean }): MartianResult {
  const src = q.src >>> 0;
  const dst = q.dst >>> 0;
  if (isMulticast(q.src) || src === 0xffffffff) return { ok: false, kind: 'martian-source', reason: `martian source ${fmt(src)} on ${q.iif}: multicast or broadcast source` };
  if (dst === 0xffffffff || (src === 0 && dst === 0)) return { ok: true, broadcast: true };
  if (src >>> 24 === 0) return { ok: false, kind: 'martian-source', reason: `martian source ${fmt(src)} on ${q.iif}: 0.0.0.0/8 is only accepted towards 255.255.255.255 (DHCP)` };
  if (dst >>> 24 === 0) return { ok: false, kind: 'martian-destination', reason: `martian destination ${fmt(dst)} on ${q.iif}` };
  if (isIPv4Loopback(q.dst)) {
    if (!q.routeLocalnet) return { ok: false, kind: 'martian-destination', reason: `martian destination ${fmt(dst)} on ${q.iif}: 127.0.0.0/8 outside lo (route_localnet=0)` };
  } else if (isIPv4Loopback(q.src)) {
    if (!q.routeLocalnet) return { ok: false, kind: 'martian-source', reason: `martian source ${fmt(src)} on ${q.iif}: 127.0.0.0/8 outside lo (route_localnet=0)` };
  }
  return { ok: true, broadcast: false };
}
