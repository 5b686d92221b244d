// Word splitting of one haproxy.cfg line, as HAProxy 2.6 does it (src/tools.c parse_line; doc
// section 2.2 "Quoting and escaping"): blanks separate words, `#` starts a comment, a backslash
// escapes the next character (`\ `, `\#`, `\\`, `\'`, `\"`, `\r`, `\n`, `\t`, `\xHH`), double
// quotes group words and still honour escapes, single quotes group words literally.

export interface Word {
  readonly text: string;
  /** 1-based column where the word starts in the line. */
  readonly column: number;
}

export interface SplitLine {
  readonly words: readonly Word[];
  readonly error?: { readonly column: number; readonly message: string };
}

const HEX = /^[0-9a-fA-F]{2}$/;

export function splitHaproxyLine(line: string): SplitLine {
  const words: Word[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t' || line[i] === '\r')) i++;
    if (i >= n || line[i] === '#') break;
    const start = i;
    let text = '';
    let quote: '"' | "'" | undefined;
    let quoteStart = 0;
    while (i < n) {
      const c = line[i] as string;
      if (quote === undefined && (c === ' ' || c === '\t' || c === '\r')) break;
      if (quote === undefined && c === '#') break;
      if (c === quote) { quote = undefined; i++; continue; }
      if (quote === undefined && (c === '"' || c === "'")) { quote = c; quoteStart = i; i++; continue; }
      if (c === '\\' && quote !== "'") {
        const d = line[i + 1];
        if (d === undefined) { text += c; i++; continue; }
        if (d === 'r') { text += '\r'; i += 2; continue; }
        if (d === 'n') { text += '\n'; i += 2; continue; }
        if (d === 't') { text += '\t'; i += 2; continue; }
        if (d === 'x' && HEX.test(line.slice(i + 2, i + 4))) {
          text += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
          continue;
        }
        if (d === ' ' || d === '\\' || d === '#' || d === "'" || d === '"') { text += d; i += 2; continue; }
        // Unknown escape: HAProxy keeps the backslash.
        text += c;
        i++;
        continue;
      }
      text += c;
      i++;
    }
    if (quote !== undefined) {
      return { words, error: { column: quoteStart + 1, message: `unmatched ${quote === '"' ? 'double' : 'single'} quote` } };
    }
    words.push({ text, column: start + 1 });
    if (i < n && line[i] === '#') break;
  }
  return { words };
}

/** Quotes a word for writing back into a haproxy.cfg line when it needs it. */
export function quoteHaproxyWord(w: string): string {
  if (w !== '' && !/[\s#"'\\]/.test(w)) return w;
  return `'${w.replace(/'/g, `'\\''`)}'`;
}
