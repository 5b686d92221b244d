// The two routing decisions a packet meets (net/ipv4/route.c): ip_route_input_slow for a received
// packet (martian checks, fib_lookup with the receiving device as iif and the packet's mark,
// broadcast and local delivery with the source validated, forwarding only when enabled and only
// for unicast routes, the source validated against the output device) and
// ip_route_output_key_hash_rcu for a locally generated one (iif lo; `local` routes go out via lo
// with the destination itself — or the route's src — as source; otherwise fib_select_path picks
// the nexthop and the source; a socket bound to a device with no route is sent on-link there).

import type { Chooser } from '../../core/choice.js';
import type { IPv4 } from '../../core/ip.js';
import type { FibQuery, FibResult } from './api.js';
import { fibLookup, fibQuery } from './fib-lookup.js';
import { inetSelectAddr, sourceFor } from './select-addr.js';
import type { RoutingState } from './state.js';
import { link } from './state.js';
import { martianCheck, validateSource } from './validate-source.js';

export interface InputConf {
  /** net.ipv4.conf.<iif>.forwarding (ip_forward sets all of them). */
  readonly forwarding: boolean;
  readonly rpFilter: 0 | 1 | 2;
  readonly srcValidMark: boolean;
  readonly acceptLocal: boolean;
  readonly routeLocalnet: boolean;
  readonly sendRedirects?: boolean;
}

export type InputDecision =
  | { readonly kind: 'local' | 'forward' | 'broadcast'; readonly result?: Extract<FibResult, { ok: true }>; readonly detail: string }
  | {
      readonly kind: 'drop';
      readonly reason: 'martian-source' | 'martian-destination' | 'rp-filter' | 'no-route' | 'blackhole' | 'unreachable' | 'prohibit' | 'forwarding-disabled';
      readonly detail: string;
      readonly result?: FibResult;
    };

/** ip_route_input_slow for a packet received on `q.iif`. */
export function routeInput(s: RoutingState, q: FibQuery & { readonly src: IPv4 }, conf: InputConf, opts: { readonly chooser?: Chooser } = {}): InputDecision {
  const m = martianCheck({ src: q.src, dst: q.dst, iif: q.iif, routeLocalnet: conf.routeLocalnet });
  if (!m.ok) return { kind: 'drop', reason: m.kind, detail: m.reason };
  const vs = (oif?: string): ReturnType<typeof validateSource> =>
    validateSource(s, {
      src: q.src, dst: q.dst, iif: q.iif, mark: q.mark, rpFilter: conf.rpFilter, srcValidMark: conf.srcValidMark, acceptLocal: conf.acceptLocal,
      ...(q.tos !== undefined ? { tos: q.tos } : {}), ...(oif !== undefined ? { oif } : {}), ...(conf.sendRedirects !== undefined ? { sendRedirects: conf.sendRedirects } : {}),
    });
  if (m.broadcast) {
    if (q.src !== 0) {
      const v = vs();
      if (!v.ok) return { kind: 'drop', reason: v.errno === 'EXDEV' ? 'rp-filter' : 'martian-source', detail: v.reason };
    }
    return { kind: 'broadcast', detail: 'limited broadcast' };
  }
  const r = fibLookup(s, fibQuery(q), opts.chooser ? { chooser: opts.chooser } : {});
  if (!r.ok) {
    if (r.reason === 'no-route' || !conf.forwarding) return { kind: 'drop', reason: 'no-route', detail: conf.forwarding ? 'no route (ENETUNREACH)' : 'no route and forwarding off (EHOSTUNREACH)', result: r };
    return { kind: 'drop', reason: r.reason, detail: `route type ${r.reason}`, result: r };
  }
  if (r.type === 'broadcast') {
    const v = vs();
    if (!v.ok) return { kind: 'drop', reason: v.errno === 'EXDEV' ? 'rp-filter' : 'martian-source', detail: v.reason, result: r };
    return { kind: 'broadcast', result: r, detail: 'subnet broadcast' };
  }
  if (r.type === 'local') {
    const v = vs();
    if (!v.ok) return { kind: 'drop', reason: v.errno === 'EXDEV' ? 'rp-filter' : 'martian-source', detail: v.reason, result: r };
    return { kind: 'local', result: r, detail: v.reason };
  }
  if (!conf.forwarding) return { kind: 'drop', reason: 'forwarding-disabled', detail: `not for this host and forwarding is off on ${q.iif}`, result: r };
  if (r.type !== 'unicast') return { kind: 'drop', reason: 'martian-destination', detail: `route type ${r.type} cannot be forwarded`, result: r };
  const v = vs(r.nexthop?.dev);
  if (!v.ok) return { kind: 'drop', reason: v.errno === 'EXDEV' ? 'rp-filter' : 'martian-source', detail: v.reason, result: r };
  return { kind: 'forward', result: r, detail: v.reason };
}

export interface OutputRoute {
  readonly result: FibResult;
  /** The device the packet leaves by (lo for local destinations). */
  readonly dev?: string;
  /** The source the packet gets (the socket's own when it has one). */
  readonly src?: IPv4;
  /** Next hop address. */
  readonly gateway?: IPv4;
}

/** The output route of a locally generated packet (`q.iif` is ignored: output lookups use lo). */
export function routeOutput(s: RoutingState, q: Omit<FibQuery, 'iif'>, opts: { readonly chooser?: Chooser; readonly routeLocalnet?: (dev: string) => boolean } = {}): OutputRoute {
  const flow: FibQuery = fibQuery({ ...q, iif: 'lo' });
  const r = fibLookup(s, flow, opts.chooser ? { chooser: opts.chooser } : {});
  if (!r.ok) {
    // "Apparently, routing tables are wrong. Assume, that the destination is on link."
    if (q.oif !== undefined && link(s, q.oif) && r.reason === 'no-route') {
      const src = q.src || inetSelectAddr(s, q.oif, 0, 'link');
      return { result: r, dev: q.oif, gateway: q.dst, ...(src ? { src } : {}) };
    }
    return { result: r };
  }
  if (r.type === 'local') return { result: r, dev: 'lo', gateway: q.dst, src: q.src || (r.route.prefsrc ?? q.dst) };
  const dev = r.nexthop?.dev;
  const lnet = dev !== undefined && opts.routeLocalnet ? opts.routeLocalnet(dev) : false;
  const src = q.src || sourceFor(s, r, q.dst, { routeLocalnet: lnet });
  return { result: r, gateway: r.gateway, ...(dev !== undefined ? { dev } : {}), ...(src ? { src } : {}) };
}
