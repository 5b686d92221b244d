// Splits shell-script-like text into logical command lines of located words, the way a user's
// `ip …` lines reach iproute2 through a shell: `#` starts a comment at the start of a word, a
// trailing backslash continues the command on the next line, simple single/double quotes group a
// word. Every word keeps its physical line and 1-based column for diagnostics.

export interface Token {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export interface LogicalLine {
  readonly tokens: readonly Token[];
  /** Line of the first physical line. */
  readonly line: number;
  /** The physical lines joined with a space, continuation backslashes and comments removed. */
  readonly raw: string;
  /** Where a missing argument would be: just past the last word. */
  readonly end: { readonly line: number; readonly column: number };
}

export function splitLines(input: string): string[] {
  return input.split(/\r\n|\n|\r/);
}

/** Splits one physical line into words; returns whether it ends in a continuation backslash. */
export function wordsOf(text: string, line: number): { tokens: Token[]; continued: boolean; body: string } {
  const tokens: Token[] = [];
  let i = 0;
  let continued = false;
  let bodyEnd = text.length;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '#') { bodyEnd = i; break; }
    if (c === '\\' && text.slice(i + 1).trim() === '') { continued = true; bodyEnd = i; break; }
    const start = i;
    let word = '';
    while (i < text.length) {
      const d = text[i] as string;
      if (d === ' ' || d === '\t') break;
      if (d === "'" || d === '"') {
        const close = text.indexOf(d, i + 1);
        if (close < 0) { word += text.slice(i + 1); i = text.length; break; }
        word += text.slice(i + 1, close);
        i = close + 1;
        continue;
      }
      if (d === '\\' && i + 1 < text.length) { word += text[i + 1]; i += 2; continue; }
      if (d === '\\') break;
      word += d;
      i++;
    }
    tokens.push({ text: word, line, column: start + 1 });
  }
  return { tokens, continued, body: text.slice(0, bodyEnd).trim() };
}

export function logicalLines(input: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = splitLines(input);
  let acc: Token[] = [];
  let raws: string[] = [];
  let firstLine = 0;
  let end = { line: 1, column: 1 };
  for (let idx = 0; idx < physical.length; idx++) {
    const text = physical[idx] as string;
    const lineNo = idx + 1;
    const { tokens, continued, body } = wordsOf(text, lineNo);
    if (acc.length === 0 && raws.length === 0) firstLine = lineNo;
    acc.push(...tokens);
    if (body) raws.push(body);
    const last = tokens[tokens.length - 1];
    if (last) end = { line: lineNo, column: last.column + last.text.length };
    else if (acc.length === 0) end = { line: lineNo, column: 1 };
    if (continued && idx + 1 < physical.length) continue;
    if (acc.length > 0) out.push({ tokens: acc, line: firstLine, raw: raws.join(' '), end });
    acc = [];
    raws = [];
  }
  return out;
}
