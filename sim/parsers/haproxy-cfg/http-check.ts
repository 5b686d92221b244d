// `option httpchk [<method>] [<uri>] [<version>]`, `http-check send ...` and `http-check expect ...`
// (doc 4.2 "option httpchk", "http-check send", "http-check expect"; 2.6 defaults: method OPTIONS,
// uri "/", version HTTP/1.0). Expect matches modelled: status, rstatus, string, rstring.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { Mutable, ProxyBuilder } from './builder.js';
import type { Word } from './tokenize.js';
import type { Directive, HttpCheckExpect, HttpCheckSend } from './types.js';

export const DEFAULT_HTTPCHK: HttpCheckSend = { method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [] };

export function parseHttpchkOption(p: ProxyBuilder, words: readonly Word[], d: Directive, out: Diagnostic[], enabled: boolean): void {
  // words[0] is "httpchk"
  const args = words.slice(1).map((w) => w.text);
  let send: HttpCheckSend = DEFAULT_HTTPCHK;
  if (args.length === 1) send = { ...DEFAULT_HTTPCHK, uri: args[0] as string };
  else if (args.length === 2) send = { ...DEFAULT_HTTPCHK, method: args[0] as string, uri: args[1] as string };
  else if (args.length === 3) send = { ...DEFAULT_HTTPCHK, method: args[0] as string, uri: args[1] as string, version: args[2] as string };
  else if (args.length > 3) {
    const w = words[4] as Word;
    out.push(diag('error', { file: d.loc.file, line: d.loc.line, column: w.column }, `option httpchk takes at most 3 arguments`, { expected: '[<method>] [<uri>] [<version>]' }));
    return;
  }
  p.settings.httpchk = { value: { enabled, send }, directive: d };
}

function parseStatusList(text: string): (readonly [number, number])[] | undefined {
  const out: (readonly [number, number])[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) return undefined;
    out.push([lo, hi]);
  }
  return out;
}

export function parseHttpCheck(p: ProxyBuilder, words: readonly Word[], d: Directive, out: Diagnostic[]): void {
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  const action = words[1];
  if (!action) { out.push(diag('error', at(words[0] as Word), `'http-check' expects an action`, { expected: 'send, expect, connect, ...' })); return; }
  if (action.text === 'send') {
    const base = p.settings.httpCheckSend?.value ?? p.settings.httpchk?.value.send ?? DEFAULT_HTTPCHK;
    const s: Mutable<HttpCheckSend> = { ...base, headers: [] };
    for (let k = 2; k < words.length; k++) {
      const w = words[k] as Word;
      const v = words[k + 1];
      const needs = (n: number): boolean => {
        if (k + n < words.length) return true;
        out.push(diag('error', at(w), `http-check send: '${w.text}' expects ${n} argument${n > 1 ? 's' : ''}`));
        return false;
      };
      switch (w.text) {
        case 'meth': if (!needs(1)) return; s.method = (v as Word).text; k++; continue;
        case 'uri': if (!needs(1)) return; s.uri = (v as Word).text; k++; continue;
        case 'ver': if (!needs(1)) return; s.version = (v as Word).text; k++; continue;
        case 'body': if (!needs(1)) return; s.body = (v as Word).text; k++; continue;
        case 'hdr': if (!needs(2)) return; s.headers = [...s.headers, { name: (v as Word).text, value: (words[k + 2] as Word).text }]; k += 2; continue;
        case 'comment': if (!needs(1)) return; k++; continue;
        case 'uri-lf': case 'body-lf':
          out.push(diag('unsupported', at(w), `http-check send '${w.text}' (log-format) is not modelled`, { code: 'haproxy-http-check' }));
          k++;
          continue;
        default:
          out.push(diag('error', at(w), `http-check send: unknown argument '${w.text}'`, { expected: 'meth, uri, ver, hdr, body, comment' }));
          return;
      }
    }
    p.settings.httpCheckSend = { value: s, directive: d };
    return;
  }
  if (action.text === 'expect') {
    let k = 2;
    let negate = false;
    while (k < words.length) {
      const w = words[k] as Word;
      if (['min-recv', 'comment', 'ok-status', 'error-status', 'tout-status', 'on-success', 'on-error', 'status-code'].includes(w.text)) {
        out.push(diag('unsupported', at(w), `http-check expect '${w.text}' is not modelled`, { code: 'haproxy-http-check' }));
        k += 2;
        continue;
      }
      break;
    }
    if (words[k]?.text === '!') { negate = true; k++; }
    const m = words[k];
    const pat = words[k + 1];
    if (!m || !pat) { out.push(diag('error', at(m ?? action), `http-check expect: expects <match> <pattern>`, { expected: 'status, rstatus, string or rstring followed by a pattern' })); return; }
    let e: HttpCheckExpect | undefined;
    switch (m.text) {
      case 'status': {
        const codes = parseStatusList(pat.text);
        if (!codes) { out.push(diag('error', at(pat), `http-check expect status: invalid status '${pat.text}'`, { expected: 'a status, a range like 200-399, or a comma list' })); return; }
        e = { kind: 'status', codes, negate };
        break;
      }
      case 'rstatus': e = { kind: 'rstatus', pattern: pat.text, negate }; break;
      case 'string': e = { kind: 'string', text: pat.text, negate }; break;
      case 'rstring': e = { kind: 'rstring', pattern: pat.text, negate }; break;
      case 'hdr': case 'fhdr':
        out.push(diag('unsupported', at(m), `http-check expect '${m.text}' is not modelled`, { code: 'haproxy-http-check' }));
        return;
      default:
        out.push(diag('error', at(m), `http-check expect: unknown match '${m.text}'`, { expected: 'status, rstatus, string, rstring, hdr, fhdr' }));
        return;
    }
    if (words.length > k + 2) out.push(diag('error', at(words[k + 2] as Word), `http-check expect: unexpected '${(words[k + 2] as Word).text}'`));
    p.settings.httpCheckExpects.push({ value: e, directive: d });
    return;
  }
  if (['connect', 'set-var', 'unset-var', 'comment', 'disable-on-404', 'send-state'].includes(action.text)) {
    out.push(diag('unsupported', at(action), `http-check ${action.text} is not modelled`, { code: 'haproxy-http-check' }));
    return;
  }
  out.push(diag('error', at(action), `http-check: unknown action '${action.text}'`, { expected: 'send or expect' }));
}
