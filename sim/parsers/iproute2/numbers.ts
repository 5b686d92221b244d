// Numbers and addresses as iproute2 reads them (lib/utils.c): get_u32 uses strtoul(…, 0), so `0x10`
// is hex and a leading `0` is octal; get_addr_ipv4 takes one to four dot-separated parts, each in
// base 0, and fills the missing ones with zeros (`10/8` is 10.0.0.0/8); get_prefix accepts
// `default`, `all` and `any` for 0/0 and a mask either as a length or as a dotted netmask.

import type { IPv4 } from '../../core/ip.js';
import { maskOf } from '../../core/ip.js';

/** strtoul(text, &end, 0) that must consume the whole text; undefined on garbage or > 2^32-1. */
export function parseUnsigned(text: string): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]*$/.test(text)) v = text.length === 1 ? 0 : parseInt(text.slice(1), 8);
  else if (/^[1-9][0-9]*$/.test(text)) v = Number(text);
  else return undefined;
  return v <= 0xffffffff ? v : undefined;
}

/** get_addr_ipv4: `a[.b[.c[.d]]]`, each part 0..255 in base 0. */
export function parseIproute2IPv4(text: string): IPv4 | undefined {
  if (text === '') return undefined;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    let o = 0;
    if (p !== undefined) {
      const n = parseUnsigned(p);
      if (n === undefined || n > 255) return undefined;
      o = n;
    }
    v = v * 256 + o;
  }
  return v as IPv4;
}

export interface PrefixText {
  /** The address as written, host bits kept (the kernel rejects host bits on routes). */
  readonly addr: IPv4;
  readonly prefix: number;
  /** `default`, `all`, `any` or an explicit `/len`. */
  readonly any: boolean;
}

/** get_netmask: a length 0..32 or a contiguous dotted netmask. */
function parseNetmask(text: string): number | undefined {
  const n = parseUnsigned(text);
  if (n !== undefined && !text.includes('.')) return n <= 32 ? n : undefined;
  const m = parseIproute2IPv4(text);
  if (m === undefined || !text.includes('.')) return undefined;
  for (let len = 0; len <= 32; len++) if (maskOf(len) === m >>> 0) return len;
  return undefined;
}

/** get_prefix_1 for AF_INET. */
export function parseIproute2Prefix(text: string): PrefixText | undefined {
  const slash = text.indexOf('/');
  const a = slash < 0 ? text : text.slice(0, slash);
  if (a === 'default' || a === 'all' || a === 'any') {
    if (slash >= 0) return undefined;
    return { addr: 0 as IPv4, prefix: 0, any: true };
  }
  if (a.includes(':')) return undefined;
  const addr = parseIproute2IPv4(a);
  if (addr === undefined) return undefined;
  if (slash < 0) return { addr, prefix: 32, any: false };
  const len = parseNetmask(text.slice(slash + 1));
  if (len === undefined) return undefined;
  return { addr, prefix: len, any: false };
}

export function looksLikeIPv6(text: string): boolean {
  return text.includes(':');
}

/** `%#x` as printf writes it: 0 stays `0`, anything else gets `0x`. */
export function hex(v: number): string {
  return v === 0 ? '0' : `0x${(v >>> 0).toString(16)}`;
}
