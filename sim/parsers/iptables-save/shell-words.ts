// Shell-style lines as a user writes iptables commands in a script: words split on blanks,
// 'single' and "double" quotes, backslash escapes, `\` at the end of a line continuing it, `#`
// comments. Shell features that would change the words (variables, substitutions, `;`, `&&`,
// pipes) are not expanded: the line is flagged so the caller can report it.

import type { Token } from './tokens.js';

export interface ShellLine {
  readonly line: number; // first physical line
  readonly endLine: number;
  /** The text as written (continuation lines included). */
  readonly raw: string;
  /** The logical line: continuations joined as the shell joins them. */
  readonly joined: string;
  readonly tokens: readonly Token[];
  /** Column and line of a shell construct this reader does not expand, and what it is. */
  readonly shellFeature?: { readonly line: number; readonly col: number; readonly what: string };
  readonly unterminated?: { readonly line: number; readonly col: number };
}

export function shellLines(text: string): ShellLine[] {
  const out: ShellLine[] = [];
  const physical = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  let i = 0;
  while (i < physical.length) {
    const start = i;
    const tokens: Token[] = [];
    let feature: ShellLine['shellFeature'];
    let unterminated: ShellLine['unterminated'];
    let buf = '';
    let wordStart: { line: number; col: number } | undefined;
    let quoted = false;
    let mode: 'none' | 'single' | 'double' = 'none';
    let quoteAt = { line: 0, col: 0 };
    const joinedParts: string[] = [];
    const flush = (): void => {
      if (wordStart) tokens.push({ text: buf, line: wordStart.line, col: wordStart.col, quoted });
      buf = '';
      wordStart = undefined;
      quoted = false;
    };
    let done = false;
    while (!done && i < physical.length) {
      const l = physical[i] as string;
      const lineNo = i + 1;
      let continued = false;
      let comment = false;
      for (let c = 0; c < l.length && !comment; c++) {
        const ch = l[c] as string;
        const here = { line: lineNo, col: c + 1 };
        if (mode === 'single') {
          if (ch === "'") mode = 'none'; else buf += ch;
          continue;
        }
        if (mode === 'double') {
          if (ch === '"') { mode = 'none'; continue; }
          if (ch === '\\' && c + 1 < l.length && '$`"\\'.includes(l[c + 1] as string)) { buf += l[++c] as string; continue; }
          if (ch === '\\' && c + 1 === l.length) { continued = true; break; }
          if ((ch === '$' || ch === '`') && !feature) feature = { ...here, what: ch === '$' ? 'shell variable or substitution' : 'command substitution' };
          buf += ch;
          continue;
        }
        if (ch === '\\') {
          if (c + 1 === l.length) { continued = true; break; }
          wordStart ??= here;
          buf += l[++c] as string;
          continue;
        }
        if (ch === "'" || ch === '"') {
          wordStart ??= here;
          quoted = true;
          mode = ch === "'" ? 'single' : 'double';
          quoteAt = here;
          continue;
        }
        if (ch === ' ' || ch === '\t') { flush(); continue; }
        if (ch === '#' && !wordStart) { comment = true; continue; }
        if ((ch === ';' || ch === '|' || ch === '&' || ch === '$' || ch === '`' || ch === '<' || ch === '>') && !feature) {
          feature = { ...here, what: ch === '$' ? 'shell variable or substitution' : ch === '`' ? 'command substitution' : `shell operator ${ch}` };
        }
        wordStart ??= here;
        buf += ch;
      }
      joinedParts.push(continued ? l.slice(0, -1) : l);
      i++;
      if (mode !== 'none') {
        if (i >= physical.length) { unterminated = quoteAt; done = true; }
        else buf += '\n';
        continue;
      }
      if (!continued) done = true;
    }
    flush();
    const end = i;
    const line: ShellLine = {
      line: start + 1,
      endLine: end,
      raw: physical.slice(start, end).join('\n'),
      joined: joinedParts.join(''),
      tokens,
      ...(feature ? { shellFeature: feature } : {}),
      ...(unterminated ? { unterminated } : {}),
    };
    out.push(line);
  }
  return out;
}
