// Virtual server and location selection (ngx_http_core_module "server_name" and "location";
// ngx_http_core_find_location). Server: among servers listening on the port (a specific address
// wins over the wildcard), the Host name is matched exactly, then as "*.suffix", then "prefix.*";
// regex names are not modelled; otherwise the default_server, or the first server of that port.
// Location: an exact "=" match wins; otherwise the longest prefix is remembered, used at once if it
// is "^~", else regex locations are tried in order (first match wins) before falling back to it.

import { parseIPv4 } from '../../core/ip.js';
import type { LocationModel, NginxModel, ServerBlock } from './model.js';

export function selectServer(m: NginxModel, port: number, dstAddr: string | undefined, host: string | undefined): ServerBlock | undefined {
  const v6 = dstAddr !== undefined && parseIPv4(dstAddr) === undefined && dstAddr.includes(':');
  const onPort = m.servers.filter((s) => s.listens.some((l) => l.port === port && l.ipv6 === v6));
  const specific = onPort.filter((s) => s.listens.some((l) => l.port === port && l.addr !== undefined && l.addr === dstAddr));
  const cands = specific.length > 0 ? specific : onPort.filter((s) => s.listens.some((l) => l.port === port && l.addr === undefined));
  if (cands.length === 0) return undefined;
  const name = host?.replace(/:\d+$/, '').toLowerCase().replace(/\.$/, '');
  if (name) {
    const exact = cands.find((s) => s.names.some((n) => n.toLowerCase() === name));
    if (exact) return exact;
    const lead = cands.find((s) => s.names.some((n) => n.startsWith('*.') && name.endsWith(n.slice(1).toLowerCase())));
    if (lead) return lead;
    const trail = cands.find((s) => s.names.some((n) => n.endsWith('.*') && name.startsWith(n.slice(0, -1).toLowerCase())));
    if (trail) return trail;
  }
  return cands.find((s) => s.listens.some((l) => l.port === port && l.defaultServer)) ?? cands[0];
}

export function selectLocation(s: ServerBlock, uri: string): LocationModel | undefined {
  const exact = s.locations.find((l) => l.modifier === '=' && l.pattern === uri);
  if (exact) return exact;
  let best: LocationModel | undefined;
  for (const l of s.locations) {
    if (l.modifier !== '' && l.modifier !== '^~') continue;
    if (uri.startsWith(l.pattern) && (!best || l.pattern.length > best.pattern.length)) best = l;
  }
  if (best?.modifier === '^~') return best;
  for (const l of s.locations) {
    if (l.modifier !== '~' && l.modifier !== '~*') continue;
    let re: RegExp;
    try { re = new RegExp(l.pattern, l.modifier === '~*' ? 'i' : ''); } catch { continue; }
    if (re.test(uri)) return l;
  }
  return best;
}
