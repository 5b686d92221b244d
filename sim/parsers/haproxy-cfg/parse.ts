// haproxy.cfg reader: splits lines into sections (doc section 2.1 "Configuration file format",
// 4 "Proxies") and hands each line to the global or proxy keyword tables. Loading goes on after
// every error; cross-section checks (backend references, names, timeouts) are in ./validate.ts.

import { diag, type Diagnostic, type Parsed } from '../../core/diagnostics.js';
import { freezeProxy, newProxyBuilder, type Mutable, type ProxyBuilder } from './builder.js';
import { applyGlobalKeyword, type GlobalBuilder } from './keywords-global.js';
import { applyProxyKeyword } from './keywords-proxy.js';
import { splitHaproxyLine, type Word } from './tokenize.js';
import type { Directive, HaproxyConfig, OtherSection, ProxyKind, Section } from './types.js';
import { validateHaproxyConfig } from './validate.js';

const OTHER_SECTIONS = new Set(['userlist', 'peers', 'resolvers', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'fcgi-app', 'crt-store', 'traces', 'log-forward']);
const PROXY_NAME = /^[A-Za-z0-9_.:-]+$/;

type Current =
  | { readonly kind: 'global'; readonly b: GlobalBuilder }
  | { readonly kind: 'proxy'; readonly b: ProxyBuilder }
  | { readonly kind: 'other'; readonly b: Mutable<OtherSection> & { directives: Directive[] } };

export function parseHaproxyCfg(text: string, opts: { readonly file: string }): Parsed<HaproxyConfig> {
  const file = opts.file;
  const out: Diagnostic[] = [];
  const sections: Section[] = [];
  const preamble: Directive[] = [];
  let cur: Current | undefined;

  const close = (): void => {
    if (!cur) return;
    if (cur.kind === 'proxy') sections.push(freezeProxy(cur.b));
    else sections.push(cur.b);
    cur = undefined;
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).replace(/\r$/, '');
    const lineNo = i + 1;
    const split = splitHaproxyLine(raw);
    if (split.error) {
      out.push(diag('error', { file, line: lineNo, column: split.error.column }, split.error.message, { expected: 'a closing quote' }));
      continue;
    }
    const words = split.words;
    const first = words[0];
    if (!first) continue;
    const d: Directive = {
      keyword: first.text,
      args: words.slice(1).map((w) => w.text),
      argColumns: words.slice(1).map((w) => w.column),
      raw,
      loc: { file, line: lineNo, column: first.column },
    };
    const kw = first.text;
    if (kw === 'global') {
      close();
      if (sections.some((s) => s.kind === 'global')) {
        out.push(diag('warning', d.loc, `a second 'global' section adds to the first one`));
      }
      cur = { kind: 'global', b: { kind: 'global', header: d, directives: [], daemon: false, statsSockets: [], logs: [] } };
      continue;
    }
    if (kw === 'defaults' || kw === 'frontend' || kw === 'backend' || kw === 'listen') {
      close();
      cur = { kind: 'proxy', b: openProxy(kw, words, d, sections, out) };
      continue;
    }
    if (OTHER_SECTIONS.has(kw)) {
      close();
      out.push(diag('unsupported', d.loc, `'${kw}' sections are not modelled`, { code: 'haproxy-section' }));
      const o: Mutable<OtherSection> & { directives: Directive[] } = { kind: 'other', keyword: kw, header: d, directives: [] };
      if (words[1]) o.name = words[1].text;
      cur = { kind: 'other', b: o };
      continue;
    }
    if (!cur) {
      preamble.push(d);
      out.push(diag('error', d.loc, `unknown keyword '${kw}' out of section`, { expected: 'global, defaults, frontend, backend or listen' }));
      continue;
    }
    cur.b.directives.push(d);
    if (cur.kind === 'global') applyGlobalKeyword(cur.b, words, d, out);
    else if (cur.kind === 'proxy') applyProxyKeyword(cur.b, words, d, out);
  }
  close();
  const config: HaproxyConfig = { file, sections, preamble, text };
  validateHaproxyConfig(config, out);
  return { value: config, diagnostics: out };
}

function openProxy(kind: ProxyKind, words: readonly Word[], d: Directive, sections: readonly Section[], out: Diagnostic[]): ProxyBuilder {
  const b = newProxyBuilder(kind, d);
  const at = (w: Word): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w.column });
  let k = 1;
  const nameW = words[1];
  if (nameW && nameW.text !== 'from') {
    b.name = nameW.text;
    k = 2;
    if (kind !== 'defaults' && !PROXY_NAME.test(nameW.text)) {
      out.push(diag('error', at(nameW), `character invalid in ${kind} name '${nameW.text}'`, { expected: 'letters, digits, - _ . :' }));
    }
  } else if (kind !== 'defaults') {
    out.push(diag('error', d.loc, `'${kind}' expects <name> as an argument`, { expected: `${kind} <name>` }));
  }
  const fromW = words[k];
  if (fromW) {
    const target = words[k + 1];
    if (fromW.text !== 'from' || !target) {
      out.push(diag('error', at(fromW), `unexpected '${fromW.text}' after the ${kind} name`, { expected: 'from <defaults_name>' }));
    } else {
      b.from = target.text;
      let idx = -1;
      for (let j = sections.length - 1; j >= 0; j--) {
        const s = sections[j] as Section;
        if (s.kind === 'defaults' && s.name === target.text) { idx = j; break; }
      }
      if (idx < 0) out.push(diag('error', at(target), `defaults section '${target.text}' not found`, { expected: 'the name of a defaults section declared earlier' }));
      else b.defaultsIndex = idx;
      if (words[k + 2]) out.push(diag('error', at(words[k + 2] as Word), `unexpected '${(words[k + 2] as Word).text}'`));
    }
  }
  if (b.defaultsIndex === undefined && kind !== 'defaults') {
    for (let j = sections.length - 1; j >= 0; j--) {
      if ((sections[j] as Section).kind === 'defaults') { b.defaultsIndex = j; break; }
    }
  }
  return b;
}
