// IPv4 addresses as branded unsigned 32-bit numbers, CIDR prefixes, and IPv6 text kept as seen.
// An IPv4 address, a prefix and a port are not interchangeable numbers (branded types).

declare const ipv4Brand: unique symbol;
export type IPv4 = number & { readonly [ipv4Brand]: 'IPv4' };
declare const ipv6Brand: unique symbol;
/** IPv6 is parsed and kept where it appears; forwarding IPv6 is not modelled yet. */
export type IPv6 = string & { readonly [ipv6Brand]: 'IPv6' };

export interface Cidr {
  readonly addr: IPv4; // network address (host bits cleared)
  readonly prefix: number; // 0..32
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

export function parseIPv4(text: string): IPv4 | undefined {
  const m = DOTTED.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const o = Number(part);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v as IPv4;
}

export function ipv4(text: string): IPv4 {
  const v = parseIPv4(text);
  if (v === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return v;
}

export function formatIPv4(ip: IPv4 | number): string {
  const v = ip >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

export function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses `a.b.c.d/len`, `a.b.c.d/m.m.m.m` (as iptables prints non-contiguous masks) or a bare address (/32). */
export function parseCidr(text: string, opts: { strict?: boolean } = {}): Cidr | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const addr = parseIPv4(addrText);
  if (addr === undefined) return undefined;
  let prefix = 32;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(p)) {
      prefix = Number(p);
      if (prefix > 32) return undefined;
    } else {
      const m = parseIPv4(p);
      if (m === undefined) return undefined;
      const bits = (m >>> 0).toString(2).padStart(32, '0');
      if (!/^1*0*$/.test(bits)) return undefined;
      prefix = bits.indexOf('0') < 0 ? 32 : bits.indexOf('0');
    }
  }
  const net = (addr & maskOf(prefix)) >>> 0;
  if (opts.strict && net !== addr) return undefined;
  return { addr: net as IPv4, prefix };
}

export function cidr(text: string): Cidr {
  const c = parseCidr(text);
  if (!c) throw new Error(`not a CIDR: ${text}`);
  return c;
}

export function inCidr(ip: IPv4, c: Cidr): boolean {
  return ((ip & maskOf(c.prefix)) >>> 0) === c.addr;
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.addr)}/${c.prefix}`;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && inCidr(inner.addr, outer);
}

export function broadcastOf(c: Cidr): IPv4 {
  return ((c.addr | (~maskOf(c.prefix) >>> 0)) >>> 0) as IPv4;
}

export const ANY_IPV4 = 0 as IPv4;

/** Loose IPv6 text check: hex groups, at most one `::`, optional trailing dotted quad. */
export function parseIPv6(text: string): IPv6 | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  const dbl = text.split('::');
  if (dbl.length > 2) return undefined;
  const groups = text.split(':').filter((g) => g !== '');
  if (groups.length > 8) return undefined;
  for (const g of groups) {
    if (g.includes('.')) { if (parseIPv4(g) === undefined) return undefined; continue; }
    if (g.length > 4) return undefined;
  }
  if (dbl.length === 1 && groups.length !== 8 && !groups.some((g) => g.includes('.'))) return undefined;
  return text.toLowerCase() as IPv6;
}

export function isIPv4Loopback(ip: IPv4): boolean {
  return ip >>> 24 === 127;
}
export function isMulticast(ip: IPv4): boolean {
  return ip >>> 28 === 0xe;
}
