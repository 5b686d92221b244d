// PROXY protocol headers HAProxy sends with `send-proxy` / `send-proxy-v2` (doc/proxy-protocol.txt
// sections 2.1 and 2.2; src/connection.c make_proxy_line_v1/v2, 2.6). v1 is one text line
// "PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n" ("PROXY UNKNOWN\r\n" when an address is not
// IPv4/IPv6); mixed families are written as TCP6 with the IPv4 one mapped (::ffff:a.b.c.d).
// v2 is a 12-byte signature, version/command, family/transport, a 16-bit length and the addresses;
// HAProxy sends the LOCAL command (no addresses) for connections it initiates itself, i.e. health
// checks, unless pp2-never-send-local is set. A v1 header sent by a health check carries the check
// connection's own addresses (conn_send_proxy uses the check connection as the "remote").
// Source and destination are the client's address and the address it connected to on HAProxy.

import { parseIPv4 } from '../../core/ip.js';
import { addressWords } from './balancer.js';

export interface ProxyEndpoints {
  readonly srcAddr: string;
  readonly srcPort: number;
  readonly dstAddr: string;
  readonly dstPort: number;
}

export const PP2_SIGNATURE: readonly number[] = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];

function isV4(a: string): boolean { return parseIPv4(a) !== undefined; }
function isV6(a: string): boolean { return !isV4(a) && addressWords(a) !== undefined; }

function toV6Text(a: string): string {
  return isV4(a) ? `::ffff:${a}` : a.toLowerCase();
}

/** make_proxy_line_v1. `undefined` endpoints give "PROXY UNKNOWN\r\n". */
export function proxyV1Header(e: ProxyEndpoints | undefined): string {
  if (!e || !(isV4(e.srcAddr) || isV6(e.srcAddr)) || !(isV4(e.dstAddr) || isV6(e.dstAddr))) return 'PROXY UNKNOWN\r\n';
  if (isV4(e.srcAddr) && isV4(e.dstAddr)) return `PROXY TCP4 ${e.srcAddr} ${e.dstAddr} ${e.srcPort} ${e.dstPort}\r\n`;
  return `PROXY TCP6 ${toV6Text(e.srcAddr)} ${toV6Text(e.dstAddr)} ${e.srcPort} ${e.dstPort}\r\n`;
}

function v6Bytes(a: string): number[] {
  const words = addressWords(isV4(a) ? `::ffff:${a}` : a) ?? [0, 0, 0, 0];
  return words.flatMap((w) => [(w >>> 24) & 255, (w >>> 16) & 255, (w >>> 8) & 255, w & 255]);
}

/** make_proxy_line_v2 without TLVs. `undefined` endpoints (or `local`) give the LOCAL command. */
export function proxyV2Header(e: ProxyEndpoints | undefined, opts: { readonly local?: boolean } = {}): Uint8Array {
  const out: number[] = [...PP2_SIGNATURE];
  const valid = e !== undefined && (isV4(e.srcAddr) || isV6(e.srcAddr)) && (isV4(e.dstAddr) || isV6(e.dstAddr));
  if (!valid || opts.local || !e) {
    out.push(0x20, 0x00, 0x00, 0x00); // v2 LOCAL, AF_UNSPEC/UNSPEC, length 0
    return Uint8Array.from(out);
  }
  const port = (p: number): number[] => [(p >>> 8) & 255, p & 255];
  if (isV4(e.srcAddr) && isV4(e.dstAddr)) {
    const ip = (a: string): number[] => { const v = (parseIPv4(a) as number) >>> 0; return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]; };
    out.push(0x21, 0x11, 0x00, 12, ...ip(e.srcAddr), ...ip(e.dstAddr), ...port(e.srcPort), ...port(e.dstPort));
  } else {
    out.push(0x21, 0x21, 0x00, 36, ...v6Bytes(e.srcAddr), ...v6Bytes(e.dstAddr), ...port(e.srcPort), ...port(e.dstPort));
  }
  return Uint8Array.from(out);
}

/** Reads a v1 line back (what a receiver such as nginx or `accept-proxy` takes from it). */
export function parseProxyV1(line: string): ProxyEndpoints | 'unknown' | undefined {
  const m = /^PROXY (TCP4|TCP6) (\S+) (\S+) (\d{1,5}) (\d{1,5})\r\n/.exec(line);
  if (m) return { srcAddr: m[2] as string, dstAddr: m[3] as string, srcPort: Number(m[4]), dstPort: Number(m[5]) };
  if (/^PROXY UNKNOWN[^\r\n]*\r\n/.test(line)) return 'unknown';
  return undefined;
}
