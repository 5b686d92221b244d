// `server <name> <address>[:[port]] [param*]`, `default-server [param*]` and `source ...`
// (doc 5.2 "Server and default-server options", 4.2 "source"; keyword tables of src/server.c and
// src/check.c in 2.6). Options the engine models are typed; other 2.6 server keywords are
// reported as unsupported with their column; unknown words are errors, as HAProxy refuses them.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { Word } from './tokenize.js';
import type { Directive, ServerOptions, ServerSpec, SourceSpec, UseSrc } from './types.js';
import { atol, parsePortRange, parseTime, parseUint, splitHostPort } from './values.js';

/** 2.6 server keywords not modelled, with how many arguments each takes. */
const UNMODELLED_SERVER_KEYWORDS: Readonly<Record<string, number>> = {
  cookie: 1, 'error-limit': 1, ws: 1, id: 1, 'init-addr': 1, 'log-proto': 1, maxqueue: 1, 'max-reuse': 1,
  minconn: 1, namespace: 1, 'no-tfo': 0, 'non-stick': 0, observe: 1, 'on-error': 1, 'on-marked-down': 1,
  'on-marked-up': 1, 'pool-low-conn': 1, 'pool-max-conn': 1, 'pool-purge-delay': 1, proto: 1,
  'proxy-v2-options': 1, redir: 1, 'resolve-net': 1, 'resolve-opts': 1, 'resolve-prefer': 1, resolvers: 1,
  slowstart: 1, stick: 0, tfo: 0, track: 1, socks4: 1, 'agent-addr': 1, 'agent-check': 0, 'agent-inter': 1,
  'agent-port': 1, 'agent-send': 1, 'check-proto': 1, 'check-via-socks4': 0, 'no-agent-check': 0,
  'allow-0rtt': 0, alpn: 1, 'ca-file': 1, 'check-alpn': 1, 'check-sni': 1, 'check-ssl': 0, ciphers: 1,
  ciphersuites: 1, 'client-sigalgs': 1, 'crl-file': 1, crt: 1, curves: 1, 'force-sslv3': 0,
  'force-tlsv10': 0, 'force-tlsv11': 0, 'force-tlsv12': 0, 'force-tlsv13': 0, 'no-check-ssl': 0,
  'no-send-proxy-v2-ssl': 0, 'no-send-proxy-v2-ssl-cn': 0, 'no-ssl': 0, 'no-ssl-reuse': 0, 'no-sslv3': 0,
  'no-tlsv10': 0, 'no-tlsv11': 0, 'no-tlsv12': 0, 'no-tlsv13': 0, 'no-tls-tickets': 0, npn: 1,
  'send-proxy-v2-ssl': 0, 'send-proxy-v2-ssl-cn': 0, sigalgs: 1, sni: 1, ssl: 0, 'ssl-max-ver': 1,
  'ssl-min-ver': 1, 'ssl-reuse': 0, sslv3: 0, 'tls-tickets': 0, tlsv10: 0, tlsv11: 0, tlsv12: 0, tlsv13: 0,
  verify: 1, verifyhost: 1, 'no-verifyhost': 0, 'hash-key': 1, 'set-proxy-v2-tlv-fmt': 1,
};

const SRV_UWGHT_MAX = 256; // include/haproxy/server-t.h

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface SourceParse {
  readonly source?: SourceSpec;
  /** Index of the first word after the source clause. */
  readonly next: number;
}

/**
 * Parses `source <addr>[:<port>[-<port>]] [usesrc {client|clientip|hdr_ip(<hdr>[,<occ>])|<addr>[:<port>]}]
 * [interface <name>]` starting at words[i] (the address).
 */
export function parseSourceClause(words: readonly Word[], i: number, d: Directive, out: Diagnostic[], stopAtServerKeyword: boolean): SourceParse {
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  const aw = words[i];
  if (!aw) {
    out.push(diag('error', { file: d.loc.file, line: d.loc.line, column: d.loc.column ?? 1 }, `'source' expects <addr>[:<port>] as an argument`, { expected: '<addr>[:<port>]' }));
    return { next: i };
  }
  const hp = splitHostPort(aw.text);
  if ('error' in hp) { out.push(diag('error', at(aw), `source: ${hp.error}`, { expected: 'an IPv4/IPv6 address' })); return { next: i + 1 }; }
  if (hp.family === 'name' || hp.family === 'unix') {
    out.push(diag('error', at(aw), `source: '${aw.text}' is not an IP address`, { expected: 'an IPv4/IPv6 address' }));
    return { next: i + 1 };
  }
  const src: Mutable<SourceSpec> = { addr: hp.host ?? (hp.family === 'ipv6' ? '::' : '0.0.0.0'), directive: d };
  if (hp.portText !== undefined && hp.portText !== '') {
    const r = parsePortRange(hp.portText);
    if (!r) { out.push(diag('error', at(aw), `source: invalid port '${hp.portText}'`, { expected: 'a port or <low>-<high> in 1..65535' })); }
    else { src.portLow = r.low; if (r.high !== r.low) src.portHigh = r.high; }
  }
  let k = i + 1;
  while (k < words.length) {
    const w = words[k] as Word;
    if (w.text === 'usesrc') {
      const v = words[k + 1];
      if (!v) { out.push(diag('error', at(w), `'usesrc' expects an argument`, { expected: 'client, clientip, hdr_ip(<hdr>[,<occ>]) or <addr>[:<port>]' })); k++; continue; }
      const u = parseUseSrc(v, d, out);
      if (u) src.usesrc = u;
      k += 2;
      continue;
    }
    if (w.text === 'interface') {
      const v = words[k + 1];
      if (!v) { out.push(diag('error', at(w), `'interface' expects an interface name`)); k++; continue; }
      src.interface = v.text;
      k += 2;
      continue;
    }
    if (stopAtServerKeyword) break;
    out.push(diag('error', at(w), `'source' only supports the 'usesrc' and 'interface' options, found '${w.text}'`, { expected: 'usesrc or interface' }));
    k++;
  }
  return { source: src, next: k };
}

function parseUseSrc(w: Word, d: Directive, out: Diagnostic[]): UseSrc | undefined {
  const at = { file: d.loc.file, line: d.loc.line, column: w.column };
  if (w.text === 'client') return { kind: 'client' };
  if (w.text === 'clientip') return { kind: 'clientip' };
  const m = /^hdr_ip\(([^,)]+)(?:,(-?\d+))?\)$/.exec(w.text);
  if (m) return { kind: 'hdr_ip', header: m[1] as string, occ: m[2] === undefined ? -1 : Number(m[2]) };
  if (w.text.startsWith('hdr_ip')) { out.push(diag('error', at, `malformed '${w.text}'`, { expected: 'hdr_ip(<hdr>[,<occ>])' })); return undefined; }
  const hp = splitHostPort(w.text);
  if ('error' in hp || hp.family === 'name' || hp.family === 'unix') {
    out.push(diag('error', at, `usesrc: invalid address '${w.text}'`, { expected: 'client, clientip, hdr_ip(<hdr>[,<occ>]) or <addr>[:<port>]' }));
    return undefined;
  }
  const u: { kind: 'addr'; addr: string; port?: number } = { kind: 'addr', addr: hp.host ?? '0.0.0.0' };
  if (hp.portText !== undefined && hp.portText !== '') {
    const p = parseUint(hp.portText);
    if (p === undefined || p > 65535) { out.push(diag('error', at, `usesrc: invalid port '${hp.portText}'`)); return undefined; }
    u.port = p;
  }
  return u;
}

/** Parses server options from words[i..]; used by `server` and `default-server`. */
export function parseServerOptions(words: readonly Word[], i: number, d: Directive, out: Diagnostic[], base: ServerOptions = {}): ServerOptions {
  const o: Mutable<ServerOptions> = { ...base };
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  let k = i;
  const needArg = (w: Word): Word | undefined => {
    const v = words[k + 1];
    if (!v) out.push(diag('error', at(w), `'${w.text}' expects an argument`));
    return v;
  };
  const timeArg = (w: Word): number | undefined => {
    const v = needArg(w);
    if (!v) return undefined;
    const t = parseTime(v.text);
    if (!t.ok) { out.push(diag('error', at(v), `${w.text}: ${t.message}`, { expected: 'a time such as 2000, 2s or 500ms' })); return undefined; }
    if (t.warning) out.push(diag('warning', at(v), t.warning));
    if (t.ms === 0) { out.push(diag('error', at(v), `'${w.text}' has to be > 0`)); return undefined; }
    return t.ms;
  };
  const countArg = (w: Word): number | undefined => {
    const v = needArg(w);
    if (!v) return undefined;
    const n = atol(v.text);
    if (n.value <= 0) { out.push(diag('error', at(v), `'${w.text}' has to be > 0`, { expected: 'a positive integer' })); return undefined; }
    if (!n.clean) out.push(diag('warning', at(v), `'${v.text}' read as ${n.value} (HAProxy uses atol())`));
    return n.value;
  };
  while (k < words.length) {
    const w = words[k] as Word;
    switch (w.text) {
      case 'check': o.check = true; k++; continue;
      case 'no-check': o.check = false; k++; continue;
      case 'backup': o.backup = true; k++; continue;
      case 'no-backup': o.backup = false; k++; continue;
      case 'disabled': o.disabled = true; k++; continue;
      case 'enabled': o.disabled = false; k++; continue;
      case 'send-proxy': o.sendProxy = 'v1'; k++; continue;
      case 'send-proxy-v2': o.sendProxy = 'v2'; k++; continue;
      case 'no-send-proxy': case 'no-send-proxy-v2': o.sendProxy = 'none'; k++; continue;
      case 'check-send-proxy': o.checkSendProxy = true; k++; continue;
      case 'no-check-send-proxy': o.checkSendProxy = false; k++; continue;
      case 'inter': case 'fastinter': case 'downinter': {
        const t = timeArg(w);
        if (t !== undefined) o[w.text] = t;
        k += 2;
        continue;
      }
      case 'rise': case 'fall': {
        const n = countArg(w);
        if (n !== undefined) o[w.text] = n;
        k += 2;
        continue;
      }
      case 'weight': {
        const v = needArg(w);
        if (v) {
          const n = atol(v.text);
          if (n.value < 0 || n.value > SRV_UWGHT_MAX) {
            out.push(diag('error', at(v), `weight of server is not within 0 and ${SRV_UWGHT_MAX} (${v.text})`, { expected: `an integer in 0..${SRV_UWGHT_MAX}` }));
          } else {
            if (!n.clean) out.push(diag('warning', at(v), `weight '${v.text}' read as ${n.value} (HAProxy uses atol())`, { expected: `an integer in 0..${SRV_UWGHT_MAX}` }));
            o.weight = n.value;
          }
        }
        k += 2;
        continue;
      }
      case 'maxconn': {
        const v = needArg(w);
        if (v) {
          const n = parseUint(v.text);
          if (n === undefined) out.push(diag('error', at(v), `maxconn: '${v.text}' is not a number`, { expected: 'a non-negative integer' }));
          else o.maxconn = n;
        }
        k += 2;
        continue;
      }
      case 'port': {
        const v = needArg(w);
        if (v) {
          const n = parseUint(v.text);
          if (n === undefined || n < 1 || n > 65535) out.push(diag('error', at(v), `port: '${v.text}' is not a valid port`, { expected: 'a port in 1..65535' }));
          else o.checkPort = n;
        }
        k += 2;
        continue;
      }
      case 'addr': {
        const v = needArg(w);
        if (v) {
          const hp = splitHostPort(v.text);
          if ('error' in hp || hp.family === 'unix' || hp.host === undefined) out.push(diag('error', at(v), `addr: invalid address '${v.text}'`, { expected: 'an IP address' }));
          else o.checkAddr = hp.host;
        }
        k += 2;
        continue;
      }
      case 'source': {
        const r = parseSourceClause(words, k + 1, d, out, true);
        if (r.source) o.source = r.source;
        k = r.next;
        continue;
      }
      case 'usesrc':
        out.push(diag('error', at(w), `'usesrc' only allowed after a 'source' address`, { expected: 'source <addr> usesrc ...' }));
        k += 2;
        continue;
      default: {
        const n = UNMODELLED_SERVER_KEYWORDS[w.text];
        if (n !== undefined) {
          out.push(diag('unsupported', at(w), `server option '${w.text}' is not modelled`, { code: 'haproxy-server-option' }));
          k += 1 + n;
          continue;
        }
        out.push(diag('error', at(w), `unknown server keyword '${w.text}'`, { expected: 'a server option such as check, inter, rise, fall, weight, backup, send-proxy' }));
        k++;
      }
    }
  }
  return o;
}

/** Parses a whole `server` line (words[0] is `server`). */
export function parseServerLine(words: readonly Word[], d: Directive, out: Diagnostic[], defaults: ServerOptions): ServerSpec | undefined {
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  const nameW = words[1];
  const addrW = words[2];
  if (!nameW || !addrW) {
    out.push(diag('error', at(words[0] as Word), `'server' expects <name> and <addr> as arguments`, { expected: 'server <name> <addr>[:<port>] [options]' }));
    return undefined;
  }
  const hp = splitHostPort(addrW.text);
  if ('error' in hp) { out.push(diag('error', at(addrW), `server ${nameW.text}: ${hp.error}`, { expected: '<ip>[:<port>]' })); return undefined; }
  if (hp.family === 'unix') { out.push(diag('unsupported', at(addrW), `UNIX socket servers are not modelled`)); return undefined; }
  if (hp.host === undefined) { out.push(diag('error', at(addrW), `server ${nameW.text}: missing address in '${addrW.text}'`, { expected: '<ip>[:<port>]' })); return undefined; }
  if (hp.family === 'name') {
    out.push(diag('unsupported', at(addrW), `server ${nameW.text}: host name '${hp.host}' needs name resolution, which is not modelled`, { expected: 'an IP address' }));
  }
  let port: ServerSpec['port'];
  if (hp.portText !== undefined && hp.portText !== '') {
    const m = /^([+-]?)(\d{1,5})$/.exec(hp.portText);
    const v = m ? Number(m[2]) : NaN;
    if (!m || v > 65535) { out.push(diag('error', at(addrW), `server ${nameW.text}: invalid port '${hp.portText}'`, { expected: 'a port in 1..65535 or +N/-N' })); return undefined; }
    if (m[1] === '') { if (v !== 0) port = { value: v, offset: false }; }
    else port = { value: m[1] === '-' ? -v : v, offset: true };
  }
  const options = parseServerOptions(words, 3, d, out, defaults);
  const s: Mutable<ServerSpec> = { name: nameW.text, addr: hp.host, options, directive: d };
  if (port !== undefined) s.port = port;
  return s;
}
