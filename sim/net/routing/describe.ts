// The namespace's routing state as the user would list it: `ip rule show`, and
// `ip route show table all` (tables in the kernel's dump order, routes by address, longer
// prefixes first), with `dead linkdown` on nexthops whose device is down.

import type { Route } from './api.js';
import { formatRouteLine, formatRuleLine } from '../../parsers/iproute2/format.js';
import type { RoutingState } from './state.js';
import { link } from './state.js';

/** fib_table_dump order: tables by hash bucket (id mod 256), then the trie walk (address ascending, longer prefix first). */
export function dumpOrder(s: RoutingState): Route[] {
  const ids = [...s.tables.keys()].sort((a, b) => (a & 255) - (b & 255) || a - b);
  return ids.flatMap((t) =>
    (s.tables.get(t) ?? [])
      .map((r, i) => ({ r, i }))
      .sort((x, y) => (x.r.dst.addr >>> 0) - (y.r.dst.addr >>> 0) || y.r.dst.prefix - x.r.dst.prefix || x.i - y.i)
      .map((x) => x.r),
  );
}

export function describeRouting(s: RoutingState, what: { readonly table?: number | 'all' } = {}): { readonly rules: string; readonly routes: string } {
  const listed = what.table ?? 'all';
  const routes = dumpOrder(s).filter((r) => listed === 'all' || r.table === listed);
  const nexthopFlags = (nh: { readonly dev: string }): string[] => (link(s, nh.dev)?.up ? [] : ['dead', 'linkdown']);
  return {
    rules: s.rules.map((r) => `${formatRuleLine(r, { names: s.names, iifDetached: r.iif !== undefined && !link(s, r.iif), oifDetached: r.oif !== undefined && !link(s, r.oif) })}\n`).join(''),
    routes: routes.map((r) => `${formatRouteLine(r, { listed, names: s.names, nexthopFlags: (nh) => (r.scope === 'host' ? [] : nexthopFlags(nh)) })}\n`).join(''),
  };
}
