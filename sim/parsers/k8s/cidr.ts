// CIDR syntax for API fields (apimachinery/core validation IsValidCIDRForLegacyField, netutils
// ParseCIDRSloppy): `address/prefix` with the prefix required. Host bits may be set: the API server
// accepts `192.168.0.10/24` and means the network 192.168.0.0/24 (newer servers warn about it).
import type { Cidr } from '../../core/ip.js';
import { formatCidr, maskOf, parseIPv6 } from '../../core/ip.js';

export type CidrCheck =
  | { readonly ok: true; readonly family: 4; readonly cidr: Cidr; readonly warning?: string }
  | { readonly ok: true; readonly family: 6; readonly text: string }
  | { readonly ok: false; readonly message: string };

export function checkCidr(text: string): CidrCheck {
  const slash = text.indexOf('/');
  const bad = { ok: false as const, message: 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)' };
  if (slash < 0) return bad;
  const addr = text.slice(0, slash);
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len)) return bad;
  const prefix = Number(len);
  if (addr.includes(':')) {
    if (parseIPv6(addr) === undefined || prefix > 128) return bad;
    return { ok: true, family: 6, text };
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(addr);
  if (!m || prefix > 32) return bad;
  let v = 0;
  let leadingZero = false;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    if (part.length > 1 && part.startsWith('0')) leadingZero = true;
    const o = Number(part); // ParseCIDRSloppy reads leading-zero octets as decimal
    if (o > 255) return bad;
    v = v * 256 + o;
  }
  const net = (v & maskOf(prefix)) >>> 0;
  const cidr = { addr: net, prefix } as Cidr;
  const warnings: string[] = [];
  if (leadingZero) warnings.push('octets with leading zeros are read as decimal; newer API servers reject them');
  if (net !== v >>> 0) warnings.push(`has host bits set; it means ${formatCidr(cidr)}`);
  return warnings.length ? { ok: true, family: 4, cidr, warning: warnings.join('; ') } : { ok: true, family: 4, cidr };
}
