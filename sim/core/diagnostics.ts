// Diagnostics: every parse error or unsupported construct is located (file, line, column) and says
// what was expected. Loading continues; the user sees every diagnostic.

export type Severity = 'error' | 'warning' | 'unsupported' | 'info';

export interface SourceLocation {
  readonly file: string;
  readonly line: number; // 1-based
  readonly column?: number; // 1-based
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly expected?: string;
  readonly code?: string;
}

export function diag(
  severity: Severity,
  loc: SourceLocation,
  message: string,
  extra: { expected?: string; code?: string; column?: number } = {},
): Diagnostic {
  const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    severity,
    file: loc.file,
    line: loc.line,
    column: extra.column ?? loc.column ?? 1,
    message,
  };
  if (extra.expected !== undefined) d.expected = extra.expected;
  if (extra.code !== undefined) d.code = extra.code;
  return d;
}

export function formatDiagnostic(d: Diagnostic): string {
  const exp = d.expected ? ` (expected ${d.expected})` : '';
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${exp}`;
}

export interface Parsed<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error');
}
