// nginx configuration reader (src/core/ngx_conf_file.c ngx_conf_read_token, ngx_conf_parse):
// words separated by blanks, `"..."`/`'...'` quoting with backslash escapes, `#` comments, `;` ends
// a simple directive, `{ }` delimit blocks. Directive names are checked against the contexts the
// engine models (./directives.ts); the rest is reported as unsupported with its location.

import { diag, type Diagnostic, type Parsed } from '../../core/diagnostics.js';
import type { SourceLocation } from '../../core/diagnostics.js';
import { checkDirective } from './directives.js';
import type { NginxConfig, NginxDirective } from './types.js';

type Tok =
  | { readonly kind: 'word'; readonly text: string; readonly loc: SourceLocation; readonly offset: number }
  | { readonly kind: ';' | '{' | '}'; readonly loc: SourceLocation; readonly offset: number };

function tokenize(text: string, file: string, out: Diagnostic[]): Tok[] {
  const toks: Tok[] = [];
  let line = 1;
  let col = 1;
  let i = 0;
  const n = text.length;
  const adv = (): void => {
    if (text[i] === '\n') { line++; col = 1; } else col++;
    i++;
  };
  while (i < n) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') { adv(); continue; }
    if (c === '#') { while (i < n && text[i] !== '\n') adv(); continue; }
    const loc = { file, line, column: col };
    const offset = i;
    if (c === ';' || c === '{' || c === '}') { toks.push({ kind: c, loc, offset }); adv(); continue; }
    let word = '';
    if (c === '"' || c === "'") {
      adv();
      let closed = false;
      while (i < n) {
        const d = text[i] as string;
        if (d === c) { adv(); closed = true; break; }
        if (d === '\\' && i + 1 < n) {
          const e = text[i + 1] as string;
          // ngx_conf_read_token unescapes \" \' \\ \t \r \n; other backslashes stay.
          const map: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };
          const m = map[e];
          if (m !== undefined) { word += m; adv(); adv(); continue; }
        }
        word += d;
        adv();
      }
      if (!closed) { out.push(diag('error', loc, 'unexpected end of file, expecting a closing quote', { expected: c })); return toks; }
      toks.push({ kind: 'word', text: word, loc, offset });
      continue;
    }
    while (i < n) {
      const d = text[i] as string;
      if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '{' || d === '}') break;
      if (d === '\\' && i + 1 < n) { word += d + (text[i + 1] as string); adv(); adv(); continue; }
      // `${var}` keeps its braces inside a word.
      if (d === '$' && text[i + 1] === '{') {
        while (i < n && text[i] !== '}') { word += text[i] as string; adv(); }
        if (i < n) { word += '}'; adv(); }
        continue;
      }
      word += d;
      adv();
    }
    toks.push({ kind: 'word', text: word, loc, offset });
  }
  return toks;
}

export function parseNginxConf(text: string, opts: { readonly file: string; readonly context?: string }): Parsed<NginxConfig> {
  const file = opts.file;
  const out: Diagnostic[] = [];
  const toks = tokenize(text, file, out);
  const includes: NginxDirective[] = [];
  let p = 0;

  const parseBlock = (ctx: string, depth: number, openLoc?: SourceLocation): NginxDirective[] => {
    const list: NginxDirective[] = [];
    for (;;) {
      const t = toks[p];
      if (!t) {
        if (depth > 0) out.push(diag('error', openLoc ?? { file, line: 1 }, `unexpected end of file, expecting "}"`, { expected: '}' }));
        return list;
      }
      if (t.kind === '}') {
        p++;
        if (depth === 0) { out.push(diag('error', t.loc, `unexpected "}"`)); continue; }
        return list;
      }
      if (t.kind !== 'word') {
        out.push(diag('error', t.loc, `unexpected "${t.kind}"`, { expected: 'a directive name' }));
        p++;
        continue;
      }
      const nameTok = t;
      p++;
      const args: string[] = [];
      const argLocs: SourceLocation[] = [];
      let end: Tok | undefined;
      while (p < toks.length) {
        const a = toks[p] as Tok;
        if (a.kind === 'word') { args.push(a.text); argLocs.push(a.loc); p++; continue; }
        end = a;
        break;
      }
      const raw = text.slice(nameTok.offset, end ? end.offset + 1 : text.length).replace(/\s+/g, ' ').trim();
      if (!end || end.kind === '}') {
        out.push(diag('error', end?.loc ?? nameTok.loc, `directive "${nameTok.text}" is not terminated by ";"`, { expected: ';' }));
        const d: NginxDirective = { name: nameTok.text, args, argLocs, raw, loc: nameTok.loc };
        list.push(d);
        continue;
      }
      p++;
      let d: NginxDirective;
      if (end.kind === '{') {
        const childCtx = nameTok.text === 'location' ? 'location' : nameTok.text;
        const block = parseBlock(childCtx, depth + 1, nameTok.loc);
        d = { name: nameTok.text, args, argLocs, block, raw, loc: nameTok.loc };
      } else {
        d = { name: nameTok.text, args, argLocs, raw, loc: nameTok.loc };
      }
      if (d.name === 'include') includes.push(d);
      checkDirective(d, ctx, out);
      list.push(d);
    }
  };

  const directives = parseBlock(opts.context ?? 'main', 0);
  return { value: { file, directives, includes, text }, diagnostics: out };
}
