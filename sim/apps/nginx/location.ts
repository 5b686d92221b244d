// Virtual server and location selection (ngx_http_core_module "server_name" and "location";
// ngx_http_core_find_location). Server: among servers listening on the port (a specific address
// wins over the wildcard), the Host name is matched exactly, then as "*.suffix", then "prefix.*";
// regex names are not modelled; otherwise the default_server, or the first server of that port.
// Location: an exact "=" match wins; otherwise the longest prefix is remembered, used at once if it
// is "^~", else regex locations are tried in order (first match wins) before falling back to it.

import { parseIPv4 } from '../../core/ip.js';
import type { LocationModel, NginxModel, ServerBlock } from './model.js';

// A resolved model never changes, so what depends only on it is worked out once: the servers a
// (port, address) pair can reach, the choice among them for a Host value, each regex location's
// RegExp. Keys come from requests, so the per-model maps are bounded.
const MAX_KEYS = 256;

/** The servers listening on `port` that a connection to `dstAddr` can reach, by model. */
const candidatesCache = new WeakMap<NginxModel, Map<number, Map<string | undefined, Candidates>>>();

/** Servers reachable on one (port, address), and the choice among them by Host value. */
interface Candidates {
  readonly servers: readonly ServerBlock[];
  readonly byHost: Map<string | undefined, ServerBlock>;
}

function bounded<K, V>(m: Map<K, V>): Map<K, V> {
  if (m.size >= MAX_KEYS) m.clear();
  return m;
}

function candidates(m: NginxModel, port: number, dstAddr: string | undefined): Candidates {
  let byPort = candidatesCache.get(m);
  if (!byPort) { byPort = new Map(); candidatesCache.set(m, byPort); }
  let byAddr = byPort.get(port);
  if (!byAddr) { byAddr = new Map(); byPort.set(port, byAddr); }
  let c = byAddr.get(dstAddr);
  if (!c) {
    c = { servers: listeningServers(m, port, dstAddr), byHost: new Map() };
    bounded(byAddr).set(dstAddr, c);
  }
  return c;
}

function listeningServers(m: NginxModel, port: number, dstAddr: string | undefined): readonly ServerBlock[] {
  const v6 = dstAddr !== undefined && parseIPv4(dstAddr) === undefined && dstAddr.includes(':');
  const onPort = m.servers.filter((s) => s.listens.some((l) => l.port === port && l.ipv6 === v6));
  const specific = onPort.filter((s) => s.listens.some((l) => l.port === port && l.addr !== undefined && l.addr === dstAddr));
  return specific.length > 0 ? specific : onPort.filter((s) => s.listens.some((l) => l.port === port && l.addr === undefined));
}

export function selectServer(m: NginxModel, port: number, dstAddr: string | undefined, host: string | undefined): ServerBlock | undefined {
  const c = candidates(m, port, dstAddr);
  if (c.servers.length === 0) return undefined;
  const known = c.byHost.get(host);
  if (known) return known;
  const s = serverByName(c.servers, port, host);
  bounded(c.byHost).set(host, s);
  return s;
}

/** The server for a Host value among a non-empty list of candidates. */
function serverByName(cands: readonly ServerBlock[], port: number, host: string | undefined): ServerBlock {
  const name = host?.replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
  if (name) {
    const exact = cands.find((s) => s.names.some((n) => n.toLowerCase() === name));
    if (exact) return exact;
    const lead = cands.find((s) => s.names.some((n) => n.startsWith('*.') && name.endsWith(n.slice(1).toLowerCase())));
    if (lead) return lead;
    const trail = cands.find((s) => s.names.some((n) => n.endsWith('.*') && name.startsWith(n.slice(0, -1).toLowerCase())));
    if (trail) return trail;
  }
  return cands.find((s) => s.listens.some((l) => l.port === port && l.defaultServer)) ?? (cands[0] as ServerBlock);
}

/** A regex location's pattern compiled once (null: not a valid JavaScript RegExp, never matches). */
const regexes = new WeakMap<LocationModel, RegExp | null>();
function locationRegex(l: LocationModel): RegExp | null {
  let re = regexes.get(l);
  if (re === undefined) {
    try { re = new RegExp(l.pattern, l.modifier === '~*' ? 'i' : ''); } catch { re = null; }
    regexes.set(l, re);
  }
  return re;
}

export function selectLocation(s: ServerBlock, uri: string): LocationModel | undefined {
  const locs = s.locations;
  for (let i = 0; i < locs.length; i++) {
    const l = locs[i] as LocationModel;
    if (l.modifier === '=' && l.pattern === uri) return l;
  }
  let best: LocationModel | undefined;
  for (const l of locs) {
    if (l.modifier !== '' && l.modifier !== '^~') continue;
    if (uri.startsWith(l.pattern) && (!best || l.pattern.length > best.pattern.length)) best = l;
  }
  if (best?.modifier === '^~') return best;
  for (const l of locs) {
    if (l.modifier !== '~' && l.modifier !== '~*') continue;
    const re = locationRegex(l);
    if (re?.test(uri)) return l;
  }
  return best;
}
