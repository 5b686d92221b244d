// Words of an iptables-restore line, split as iptables-restore splits them (xshared.c
// add_param_to_argv): blanks separate words; a double quote opens a quoted part in which a
// backslash takes the next character literally and the closing quote ends the word; outside
// quotes a backslash is an ordinary character. Every word keeps its 1-based column.

export interface Token {
  readonly text: string;
  readonly line: number;
  readonly col: number;
  /** The word (or part of it) was quoted: never an option or `!`. */
  readonly quoted: boolean;
}

export interface TokenizeResult {
  readonly tokens: Token[];
  /** Column of an unterminated quote. */
  readonly unterminatedQuote?: number;
}

export function tokenizeRestoreLine(text: string, line: number, startCol = 1): TokenizeResult {
  const tokens: Token[] = [];
  let buf = '';
  let quoted = false;
  let inQuote = false;
  let escaped = false;
  let start = -1;
  let quoteCol = 0;
  const flush = (): void => {
    tokens.push({ text: buf, line, col: start + startCol, quoted });
    buf = '';
    quoted = false;
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuote) {
      if (escaped) {
        buf += ch;
        escaped = false;
      } else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inQuote = false;
        flush();
      } else buf += ch;
      continue;
    }
    if (ch === '"') {
      if (start < 0) start = i;
      inQuote = true;
      quoted = true;
      quoteCol = i + startCol;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (start >= 0) flush();
      continue;
    }
    if (start < 0) start = i;
    buf += ch;
  }
  if (inQuote) {
    flush();
    return { tokens, unterminatedQuote: quoteCol };
  }
  if (start >= 0) flush();
  return { tokens };
}

const NO_QUOTE = /^[A-Za-z0-9_-]+$/;

/** A string value as iptables-save prints it (xtables_save_string): bare when safe, else quoted with `"`, `\`, `'` escaped. */
export function saveString(value: string): string {
  if (NO_QUOTE.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
