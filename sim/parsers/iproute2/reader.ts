// A cursor over one command's words with iproute2's NEXT_ARG() behaviour ("Command line is not
// complete") and located diagnostics. Parsers stop at the first error in a command, as `ip` does
// (it exits on the first invalid argument), and report where it was and what was expected.

import type { Diagnostic, Severity } from '../../core/diagnostics.js';
import { diag } from '../../core/diagnostics.js';
import type { LogicalLine, Token } from './tokens.js';

export class ParseStop extends Error {}

export class ArgReader {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly end: { readonly line: number; readonly column: number },
    private readonly file: string,
    readonly diagnostics: Diagnostic[],
  ) {}

  static of(l: LogicalLine, file: string, diagnostics: Diagnostic[], from = 0): ArgReader {
    const r = new ArgReader(l.tokens, l.end, file, diagnostics);
    r.i = from;
    return r;
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  next(): Token | undefined {
    const t = this.tokens[this.i];
    if (t) this.i++;
    return t;
  }

  back(): void {
    if (this.i > 0) this.i--;
  }

  /** NEXT_ARG(): the word after a keyword, or an error at the end of the line. */
  arg(keyword: Token, expected: string): Token {
    const t = this.next();
    if (t) return t;
    this.fail(`Command line is not complete: "${keyword.text}" needs an argument`, expected, this.end);
  }

  report(severity: Severity, message: string, expected: string | undefined, at: { line: number; column: number }, code?: string): void {
    const extra: { expected?: string; code?: string; column?: number } = { column: at.column };
    if (expected !== undefined) extra.expected = expected;
    if (code !== undefined) extra.code = code;
    this.diagnostics.push(diag(severity, { file: this.file, line: at.line }, message, extra));
  }

  /** Reports an error and abandons the command. */
  fail(message: string, expected: string | undefined, at: { line: number; column: number }, code = 'iproute2.syntax'): never {
    this.report('error', message, expected, at, code);
    throw new ParseStop(message);
  }

  unsupported(message: string, at: Token): void {
    this.report('unsupported', message, undefined, at, 'iproute2.unsupported');
  }
}
