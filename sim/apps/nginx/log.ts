// nginx log lines: access log variables and formats (ngx_http_log_module, ngx_http_variables.c),
// error log lines (src/core/ngx_log.c: "YYYY/MM/DD HH:MM:SS [level] pid#tid: *conn message",
// followed by the http context ", client: ..., server: ..., request: \"...\", host: \"...\"" of
// ngx_http_log_error_handler, with ", referrer: ..." when the request has one).
// Variable values are escaped as ngx_http_log_escape does by default: `"`, `\` and bytes outside
// 0x20..0x7e become \xHH. An empty or missing value is written as "-".

import { utf8Bytes } from '../../core/utf8.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

function shifted(ms: number, tzOffsetMinutes: number): Date {
  return new Date(ms + tzOffsetMinutes * 60_000);
}

// Like nginx (ngx_time_update keeps the formatted times of the current second), the last
// $time_local string is kept: requests within one second share it.
let cachedSecond = Number.NaN;
let cachedTz = Number.NaN;
let cachedTimeLocal = '';

/** Dates the Date object can hold (ms from the epoch): outside them every field is NaN. */
const MAX_DATE_MS = 8.64e15;

/** $time_local: "31/Oct/2020:05:01:20 +0000". */
export function timeLocal(ms: number, tzOffsetMinutes = 0): string {
  // Date keeps whole milliseconds (truncated); every field written is whole seconds.
  const t = Math.trunc(ms + tzOffsetMinutes * 60_000);
  const second = Math.abs(t) <= MAX_DATE_MS ? Math.floor(t / 1000) : Number.NaN;
  if (second === cachedSecond && tzOffsetMinutes === cachedTz) return cachedTimeLocal;
  const d = shifted(ms, tzOffsetMinutes);
  const sign = tzOffsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(tzOffsetMinutes);
  const text = `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ''}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${sign}${p2(Math.floor(off / 60))}${p2(off % 60)}`;
  cachedSecond = second;
  cachedTz = tzOffsetMinutes;
  cachedTimeLocal = text;
  return text;
}

/** Error log timestamp: "2020/10/31 05:06:32". */
export function errorLogTime(ms: number, tzOffsetMinutes = 0): string {
  const d = shifted(ms, tzOffsetMinutes);
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

function needsEscape(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

export function escapeLogValue(v: string): string {
  if (!needsEscape(v)) return v;
  let r = '';
  for (const ch of v) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\' || c < 0x20 || c > 0x7e) {
      const bytes = c > 0x7f ? utf8Bytes(ch) : [c];
      for (const b of bytes) r += `\\x${b.toString(16).toUpperCase().padStart(2, '0')}`;
    } else r += ch;
  }
  return r;
}

/** A log_format split once into literal text (even indexes) and variable names (odd indexes). */
const compiled = new Map<string, readonly string[]>();
export function compileLogFormat(format: string): readonly string[] {
  let parts = compiled.get(format);
  if (!parts) {
    const out: string[] = [];
    const re = /\$(?:\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g;
    let last = 0;
    for (let m = re.exec(format); m; m = re.exec(format)) {
      out.push(format.slice(last, m.index), (m[1] ?? m[2]) as string);
      last = m.index + m[0].length;
    }
    out.push(format.slice(last));
    parts = out;
    compiled.set(format, parts);
  }
  return parts;
}

/** Expands a log_format string with the given variables ($name or ${name}). */
export function expandLogFormat(format: string, vars: (name: string) => string | undefined): string {
  const parts = compileLogFormat(format);
  let r = parts[0] as string;
  for (let i = 1; i < parts.length; i += 2) {
    const v = vars(parts[i] as string);
    r += (v === undefined || v === '' ? '-' : escapeLogValue(v)) + (parts[i + 1] as string);
  }
  return r;
}

export interface ErrorLogContext {
  readonly client: string;
  readonly server: string;
  readonly request?: string;
  readonly host?: string;
  readonly referrer?: string;
  readonly action?: string;
}

export function errorLogLine(o: { readonly time: number; readonly tzOffsetMinutes?: number; readonly level: string; readonly pid: number; readonly conn: number; readonly message: string; readonly ctx: ErrorLogContext }): string {
  let s = `${errorLogTime(o.time, o.tzOffsetMinutes)} [${o.level}] ${o.pid}#${o.pid}: *${o.conn} ${o.message}`;
  if (o.ctx.action) s += ` while ${o.ctx.action}`;
  s += `, client: ${o.ctx.client}, server: ${o.ctx.server}`;
  if (o.ctx.request !== undefined) s += `, request: "${o.ctx.request}"`;
  if (o.ctx.host !== undefined) s += `, host: "${o.ctx.host}"`;
  if (o.ctx.referrer !== undefined) s += `, referrer: "${o.ctx.referrer}"`;
  return s;
}
