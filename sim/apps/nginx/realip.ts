// ngx_http_realip_module: when the connection's peer address is in set_real_ip_from, the client
// address ($remote_addr, and "client:" in error logs) is replaced by the one from real_ip_header:
// the PROXY protocol source address for "proxy_protocol", the X-Real-IP value, or from
// X-Forwarded-For the last address, or with real_ip_recursive on the last address that is not
// itself trusted (the leftmost one if all are trusted) - ngx_http_get_forwarded_addr.

import { inCidr, parseIPv4, type Cidr } from '../../core/ip.js';
import type { RealIp } from './model.js';

function trusted(from: readonly Cidr[], addr: string): boolean {
  const ip = parseIPv4(addr);
  if (ip === undefined) return false;
  for (const c of from) if (inCidr(ip, c)) return true;
  return false;
}

export function realClientAddr(cfg: RealIp, peer: string, proxyAddr: string | undefined, headers: readonly (readonly [string, string])[]): { readonly addr: string; readonly why?: string } {
  if (cfg.from.length === 0 || !trusted(cfg.from, peer)) return { addr: peer };
  const h = cfg.header.toLowerCase();
  if (h === 'proxy_protocol') {
    return proxyAddr !== undefined ? { addr: proxyAddr, why: `real_ip_header proxy_protocol, peer ${peer} trusted` } : { addr: peer };
  }
  const values: string[] = [];
  for (const [n, v] of headers) if (n.toLowerCase() === h) values.push(v);
  if (values.length === 0) return { addr: peer };
  if (h !== 'x-forwarded-for') {
    const v = (values[0] as string).trim();
    return parseIPv4(v) !== undefined ? { addr: v, why: `real_ip_header ${cfg.header}` } : { addr: peer };
  }
  const list = values.join(',').split(',').map((x) => x.trim()).filter((x) => x !== '');
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i] as string;
    if (parseIPv4(a) === undefined) return { addr: peer };
    if (!cfg.recursive || !trusted(cfg.from, a) || i === 0) return { addr: a, why: `X-Forwarded-For${cfg.recursive ? ' (recursive)' : ''}` };
  }
  return { addr: peer };
}
