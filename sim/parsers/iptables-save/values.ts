// Argument syntaxes of iptables options: numbers as strtoul(…, 0) reads them (decimal, 0x hex,
// leading-0 octal), ports by number or well-known service name, `a:b` ranges with open ends,
// `value[/mask]` marks, `addr[/len|/dotted-mask]` addresses. Each returns undefined on bad input
// so the caller can point a diagnostic at the word.

import { parseIPv4, type IPv4 } from '../../core/ip.js';

export function parseUint(text: string, max: number): number | undefined {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) v = parseInt(text.slice(1), 8);
  else if (/^(0|[1-9][0-9]*)$/.test(text)) v = Number(text);
  else return undefined;
  return Number.isSafeInteger(v) && v <= max ? v : undefined;
}

/** /etc/services names iptables resolves most often (getservbyname); others must be numbers. */
const SERVICES: Readonly<Record<string, number>> = {
  'ftp-data': 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80, www: 80,
  pop3: 110, ntp: 123, imap: 143, imap2: 143, snmp: 161, ldap: 389, https: 443, submission: 587, imaps: 993, pop3s: 995,
  mysql: 3306, postgresql: 5432,
};

export function parsePort(text: string): number | undefined {
  return SERVICES[text] ?? parseUint(text, 65535);
}

/** `p`, `a:b`, `a:`, `:b`, `:` (open ends are 0 and 65535); `sep` is `:` for matches, `-` for NAT targets. */
export function parsePortRange(text: string, sep: ':' | '-' = ':', allowOpen = true): { min: number; max: number } | undefined {
  const i = text.indexOf(sep);
  if (i < 0) {
    const p = parsePort(text);
    return p === undefined ? undefined : { min: p, max: p };
  }
  const a = text.slice(0, i);
  const b = text.slice(i + 1);
  if (!allowOpen && (a === '' || b === '')) return undefined;
  const min = a === '' ? 0 : parsePort(a);
  const max = b === '' ? 65535 : parsePort(b);
  if (min === undefined || max === undefined || min > max) return undefined;
  return { min, max };
}

/** `value[/mask]` with a default mask (0xffffffff for marks). */
export function parseMarkMask(text: string, defaultMask = 0xffffffff): { value: number; mask: number } | undefined {
  const [v, m, extra] = text.split('/');
  if (extra !== undefined || v === undefined) return undefined;
  const value = parseUint(v, 0xffffffff);
  const mask = m === undefined ? defaultMask : parseUint(m, 0xffffffff);
  if (value === undefined || mask === undefined) return undefined;
  return { value, mask };
}

export function parseIp(text: string): IPv4 | undefined {
  return parseIPv4(text);
}

export function prefixMask(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** `a.b.c.d`, `a.b.c.d/len`, `a.b.c.d/m.m.m.m`; the address is masked as iptables does. */
export function parseAddrMask(text: string): { addr: IPv4; mask: number } | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  let mask = 0xffffffff;
  if (slash >= 0) {
    const m = text.slice(slash + 1);
    if (/^\d{1,2}$/.test(m)) {
      const len = Number(m);
      if (len > 32) return undefined;
      mask = prefixMask(len);
    } else {
      const dotted = parseIp(m);
      if (dotted === undefined) return undefined;
      mask = dotted >>> 0;
    }
  }
  return { addr: ((ip & mask) >>> 0) as IPv4, mask };
}

/** Prefix length of a contiguous mask, or undefined. */
export function maskLength(mask: number): number | undefined {
  for (let len = 0; len <= 32; len++) if (prefixMask(len) === mask >>> 0) return len;
  return undefined;
}

export function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}
