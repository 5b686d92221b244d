// A YAML document with positions: every value can be located (file:line:column), so diagnostics
// about a topology point at the line a human wrote.

import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { diag, type Diagnostic, type SourceLocation } from '../core/diagnostics.js';

export type YPath = readonly (string | number)[];

export class YamlDoc {
  readonly file: string;
  readonly doc: Document.Parsed;
  private readonly lc: LineCounter;
  readonly diagnostics: Diagnostic[] = [];

  constructor(text: string, file: string) {
    this.file = file;
    this.lc = new LineCounter();
    this.doc = parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = this.lc.linePos(e.pos[0]);
      this.diagnostics.push(diag(this.doc.errors.includes(e as never) ? 'error' : 'warning', { file, line: pos.line, column: pos.col }, e.message.split('\n')[0] ?? e.message, { expected: 'valid YAML' }));
    }
  }

  node(path: YPath): Node | undefined {
    const n = this.doc.getIn(path, true);
    return n === null || n === undefined ? undefined : (n as Node);
  }

  loc(path: YPath): SourceLocation {
    for (let i = path.length; i >= 0; i--) {
      const n = this.node(path.slice(0, i));
      if (n?.range) {
        const p = this.lc.linePos(n.range[0]);
        return { file: this.file, line: p.line, column: p.col };
      }
    }
    return { file: this.file, line: 1, column: 1 };
  }

  /** Position of a map key (for "unknown field" diagnostics). */
  keyLoc(path: YPath, key: string): SourceLocation {
    const m = this.node(path);
    if (m && isMap(m)) {
      for (const it of m.items) {
        const k = it.key as Node | null;
        if (k && isScalar(k) && String(k.value) === key && k.range) {
          const p = this.lc.linePos(k.range[0]);
          return { file: this.file, line: p.line, column: p.col };
        }
      }
    }
    return this.loc([...path, key]);
  }

  get(path: YPath): unknown {
    const n = this.node(path);
    if (n === undefined) return undefined;
    return (n as { toJSON(): unknown }).toJSON();
  }

  keys(path: YPath): string[] {
    const n = this.node(path);
    if (!n || !isMap(n)) return [];
    return n.items.map((it) => String(isScalar(it.key) ? it.key.value : it.key));
  }

  length(path: YPath): number {
    const n = this.node(path);
    return n && isSeq(n) ? n.items.length : 0;
  }

  isMap(path: YPath): boolean {
    const n = this.node(path);
    return n !== undefined && isMap(n);
  }

  isSeq(path: YPath): boolean {
    const n = this.node(path);
    return n !== undefined && isSeq(n);
  }

  error(path: YPath, message: string, expected?: string): void {
    this.diagnostics.push(diag('error', this.loc(path), message, expected !== undefined ? { expected } : {}));
  }

  warn(path: YPath, message: string, expected?: string): void {
    this.diagnostics.push(diag('warning', this.loc(path), message, expected !== undefined ? { expected } : {}));
  }

  /** Reports keys not in `allowed` (a typo should never be silently ignored). */
  checkKeys(path: YPath, allowed: readonly string[], what: string): void {
    for (const k of this.keys(path)) {
      if (!allowed.includes(k)) this.diagnostics.push(diag('error', this.keyLoc(path, k), `unknown field "${k}" in ${what}`, { expected: allowed.join(', ') }));
    }
  }

  str(path: YPath, opts: { required?: boolean; what?: string } = {}): string | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) {
      if (opts.required) this.error(path, `missing ${opts.what ?? String(path[path.length - 1])}`, 'a string');
      return undefined;
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.error(path, `${opts.what ?? String(path[path.length - 1])} must be a string`, 'a string');
    return undefined;
  }

  num(path: YPath, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    const v = this.get(path);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || Number.isNaN(v) || (opts.integer && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.error(path, `${String(path[path.length - 1])}: ${JSON.stringify(v)} is out of range`, `${opts.integer ? 'an integer' : 'a number'}${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}`);
      return undefined;
    }
    return v;
  }
}
