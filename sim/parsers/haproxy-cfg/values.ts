// Value syntaxes of haproxy.cfg: times (doc 2.5 "Time format", src/tools.c parse_time_err),
// integers as atol() reads them, and addresses with ports (doc 3 "bind"/"server" address forms,
// src/tools.c str2sa_range).

import { parseIPv4, parseIPv6 } from '../../core/ip.js';

export type TimeResult =
  | { readonly ok: true; readonly ms: number; readonly warning?: string }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/**
 * Parses a time into milliseconds. Units us, ms, s, m, h, d; no unit = ms. The result is rounded up
 * to the next millisecond and must stay below 2^31 ms, as in parse_time_err (2.6). HAProxy 2.6 only
 * warns about characters after a valid unit ("5sec"); it refuses an unknown unit.
 */
export function parseTime(text: string): TimeResult {
  const m = /^(\d+)(.*)$/.exec(text);
  if (!m) return { ok: false, message: `'${text}' is not a time value`, offset: 0 };
  const digits = m[1] as string;
  let rest = m[2] as string;
  const value = BigInt(digits);
  let num = 1n;
  let den = 1n;
  let unitLen = 0;
  if (rest === '') {
    // default unit: ms
  } else if (rest.startsWith('us')) { den = 1000n; unitLen = 2; }
  else if (rest.startsWith('ms')) { unitLen = 2; }
  else if (rest.startsWith('s')) { num = 1000n; unitLen = 1; }
  else if (rest.startsWith('m')) { num = 60_000n; unitLen = 1; }
  else if (rest.startsWith('h')) { num = 3_600_000n; unitLen = 1; }
  else if (rest.startsWith('d')) { num = 86_400_000n; unitLen = 1; }
  else {
    return { ok: false, message: `unexpected character '${rest[0] ?? ''}' in time value '${text}'`, offset: digits.length };
  }
  rest = rest.slice(unitLen);
  const result = (value * num + (den - 1n)) / den;
  if (result >= 0x80000000n) {
    return { ok: false, message: `timer overflow in '${text}' (maximum is 2147483647 ms, about 24.8 days)`, offset: 0 };
  }
  const ms = Number(result);
  if (rest !== '') {
    return {
      ok: true, ms,
      warning: `unexpected character '${rest[0] ?? ''}' after the timer value '${text}', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported`,
    };
  }
  return { ok: true, ms };
}

/** Formats milliseconds the shortest exact way HAProxy reads back (`5s`, `1m`, `1500`). */
export function formatTime(ms: number): string {
  if (ms !== 0 && ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms !== 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A strict non-negative integer. */
export function parseUint(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const v = Number(text);
  return v <= 0xffffffff ? v : undefined;
}

/** C atol(): optional sign and leading digits; anything else reads as 0. `clean` is false when text had junk. */
export function atol(text: string): { readonly value: number; readonly clean: boolean } {
  const m = /^\s*([+-]?\d+)/.exec(text);
  if (!m) return { value: 0, clean: false };
  return { value: Number(m[1]), clean: m[0].length === text.length };
}

export interface HostPort {
  readonly family: 'ipv4' | 'ipv6' | 'unix' | 'any' | 'name';
  /** Undefined for `*`/empty (all addresses). */
  readonly host?: string;
  /** Text after the last colon, if any (may be empty, a number, a range or an offset). */
  readonly portText?: string;
}

/**
 * Splits `[<host>]:<port>` the way str2sa_range does: an optional `ipv4@`/`ipv6@`/`unix@` prefix,
 * an absolute path for UNIX sockets, `[v6]:port`, otherwise the port follows the last colon.
 */
export function splitHostPort(text: string): HostPort | { readonly error: string } {
  let t = text;
  let forced: 'ipv4' | 'ipv6' | 'unix' | undefined;
  const pfx = /^(ipv4|ipv6|unix|abns|fd|sockpair|udp|udp4|udp6|quic4|quic6)@/.exec(t);
  if (pfx) {
    const p = pfx[1] as string;
    if (p === 'ipv4' || p === 'ipv6' || p === 'unix') forced = p;
    else return { error: `address prefix '${p}@' is not modelled` };
    t = t.slice(pfx[0].length);
  }
  if (forced === 'unix' || t.startsWith('/')) return { family: 'unix', host: t };
  let host: string;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return { error: `missing ']' in '${text}'` };
    host = t.slice(1, close);
    const after = t.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { error: `unexpected '${after}' after ']' in '${text}'` };
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = t.lastIndexOf(':');
    if (colon < 0) { host = t; portText = undefined; }
    else { host = t.slice(0, colon); portText = t.slice(colon + 1); }
  }
  const result = (family: HostPort['family'], h: string | undefined): HostPort => {
    const r: { -readonly [K in keyof HostPort]: HostPort[K] } = { family };
    if (h !== undefined) r.host = h;
    if (portText !== undefined) r.portText = portText;
    return r;
  };
  if (host === '' || host === '*' || host === '::') {
    if (host === '::' || forced === 'ipv6') return result('ipv6', undefined);
    return result(forced ?? 'any', undefined);
  }
  if (parseIPv4(host) !== undefined && forced !== 'ipv6') return result('ipv4', host);
  if (parseIPv6(host) !== undefined) return result('ipv6', host);
  if (/^\d+(\.\d+){3}$/.test(host)) return { error: `'${host}' is not a valid IPv4 address` };
  if (/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host)) {
    return result('name', host);
  }
  return { error: `invalid address '${host}'` };
}

/** Parses a port or a `low-high` range (1..65535). */
export function parsePortRange(text: string): { readonly low: number; readonly high: number } | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (low < 1 || high > 65535 || high < low) return undefined;
  return { low, high };
}
