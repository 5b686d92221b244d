// `bind [<address>]:<port_range> [, ...] [param*]` (doc 4.2 "bind", 5.1 "Bind options"). The engine
// models the addresses and the options transparent, accept-proxy, name, v4v6, v6only, interface;
// other 2.6 bind options are reported unsupported with their column, unknown ones are errors.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { Mutable } from './builder.js';
import type { Word } from './tokenize.js';
import type { BindAddress, BindSpec, Directive } from './types.js';
import { parsePortRange, splitHostPort } from './values.js';

/** 2.6 bind options not modelled, with their argument counts. */
const UNMODELLED_BIND_OPTIONS: Readonly<Record<string, number>> = {
  'accept-netscaler-cip': 1, 'allow-0rtt': 0, alpn: 1, backlog: 1, 'ca-file': 1, 'ca-ignore-err': 1,
  'ca-sign-file': 1, 'ca-sign-pass': 1, ciphers: 1, ciphersuites: 1, 'crl-file': 1, crt: 1, 'crt-ignore-err': 1,
  'crt-list': 1, curves: 1, 'defer-accept': 0, ecdhe: 1, 'expose-fd': 1, 'force-sslv3': 0, 'force-tlsv10': 0,
  'force-tlsv11': 0, 'force-tlsv12': 0, 'force-tlsv13': 0, 'generate-certificates': 0, gid: 1, group: 1, id: 1,
  level: 1, 'severity-output': 1, maxconn: 1, mode: 1, mss: 1, namespace: 1, nbconn: 1, nice: 1,
  'no-ca-names': 0, 'no-sslv3': 0, 'no-tlsv10': 0, 'no-tlsv11': 0, 'no-tlsv12': 0, 'no-tlsv13': 0,
  'no-tls-tickets': 0, npn: 1, 'prefer-client-ciphers': 0, process: 1, proto: 1, shards: 1, ssl: 0,
  'ssl-max-ver': 1, 'ssl-min-ver': 1, 'strict-sni': 0, 'tcp-ut': 1, tfo: 0, thread: 1, 'tls-ticket-keys': 1,
  uid: 1, user: 1, verify: 1, 'quic-cc-algo': 1, 'quic-force-retry': 0,
};

export function parseBindLine(words: readonly Word[], d: Directive, out: Diagnostic[]): BindSpec | undefined {
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  const aw = words[1];
  if (!aw) {
    out.push(diag('error', at(words[0] as Word), `'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments`, { expected: '[<address>]:<port>' }));
    return undefined;
  }
  const addresses: BindAddress[] = [];
  let col = aw.column;
  for (const part of aw.text.split(',')) {
    const where = { file: d.loc.file, line: d.loc.line, column: col };
    col += part.length + 1;
    const hp = splitHostPort(part);
    if ('error' in hp) { out.push(diag('error', where, `bind: ${hp.error}`, { expected: '[<address>]:<port>' })); continue; }
    if (hp.family === 'unix') { addresses.push({ family: 'unix', host: hp.host ?? '', portLow: 0, portHigh: 0, text: part }); continue; }
    if (hp.family === 'name') { out.push(diag('error', where, `bind: '${hp.host ?? ''}' is not an IP address`, { expected: 'an IP address, * or empty' })); continue; }
    if (hp.portText === undefined || hp.portText === '') {
      out.push(diag('error', where, `bind: missing port number: '${part}'`, { expected: '[<address>]:<port>' }));
      continue;
    }
    const r = parsePortRange(hp.portText);
    if (!r) { out.push(diag('error', where, `bind: invalid port '${hp.portText}'`, { expected: 'a port or <low>-<high> in 1..65535' })); continue; }
    const a: Mutable<BindAddress> = { family: hp.family, portLow: r.low, portHigh: r.high, text: part };
    if (hp.host !== undefined) a.host = hp.host;
    addresses.push(a);
  }
  const b: Mutable<BindSpec> = { addresses, transparent: false, acceptProxy: false, v4v6: false, v6only: false, directive: d };
  for (let k = 2; k < words.length; k++) {
    const w = words[k] as Word;
    switch (w.text) {
      case 'transparent': b.transparent = true; continue;
      case 'accept-proxy': b.acceptProxy = true; continue;
      case 'v4v6': b.v4v6 = true; continue;
      case 'v6only': b.v6only = true; continue;
      case 'name': case 'interface': {
        const v = words[k + 1];
        if (!v) { out.push(diag('error', at(w), `bind: '${w.text}' expects an argument`)); continue; }
        if (w.text === 'name') b.name = v.text; else b.interface = v.text;
        k++;
        continue;
      }
      default: {
        const n = UNMODELLED_BIND_OPTIONS[w.text];
        if (n !== undefined) {
          out.push(diag('unsupported', at(w), `bind option '${w.text}' is not modelled`, { code: 'haproxy-bind-option' }));
          k += n;
          continue;
        }
        out.push(diag('error', at(w), `bind: unknown keyword '${w.text}'`, { expected: 'a bind option such as transparent, accept-proxy, name' }));
      }
    }
  }
  return addresses.length > 0 ? b : undefined;
}
