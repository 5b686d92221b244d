// YAML text -> a located value tree (maps, sequences, scalars), one per `---` document.
// Kubernetes reads manifests through sigs.k8s.io/yaml, which uses a YAML 1.1 resolver (go-yaml v2):
// unquoted `yes`/`no`/`on`/`off` are booleans and `0777` is octal. We parse with the 1.1 schema so a
// label value written `on` fails the way kubectl reports it (a bool where a string was expected).
import { LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isAlias, isPair } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { diag } from '../../core/diagnostics.js';
import type { Diagnostic } from '../../core/diagnostics.js';

export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type YScalar = string | number | boolean | null;

export type YValue =
  | { readonly kind: 'map'; readonly pos: Pos; readonly entries: ReadonlyMap<string, YEntry> }
  | { readonly kind: 'seq'; readonly pos: Pos; readonly items: readonly YValue[] }
  | { readonly kind: 'scalar'; readonly pos: Pos; readonly value: YScalar };

export interface YEntry {
  readonly keyPos: Pos;
  readonly value: YValue;
}

export interface YDocument {
  readonly pos: Pos;
  /** undefined for an empty document (a stray `---`). */
  readonly root: YValue | undefined;
}

export function parseYamlDocuments(text: string, file: string): { docs: YDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const docs: YDocument[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, version: '1.1', uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): Pos => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const list = Array.isArray(parsed) ? parsed : [];
  if (!Array.isArray(parsed)) return { docs, diagnostics };
  for (const doc of list) {
    let broken = false;
    for (const e of doc.errors) {
      const p = at(e.pos[0]);
      diagnostics.push(diag('error', { file, line: p.line, column: p.column }, `YAML: ${firstLine(e.message)}`, { code: e.code, expected: 'valid YAML' }));
      broken = true;
    }
    for (const w of doc.warnings) {
      const p = at(w.pos[0]);
      diagnostics.push(diag('warning', { file, line: p.line, column: p.column }, `YAML: ${firstLine(w.message)}`, { code: w.code }));
    }
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    if (broken) continue; // a document YAML could not read is skipped; the others still load
    docs.push({ pos: at(start), root: doc.contents ? convert(doc.contents, at, file, diagnostics) : undefined });
  }
  return { docs, diagnostics };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function convert(node: YamlNode, at: (o: number) => Pos, file: string, ds: Diagnostic[]): YValue {
  const pos = at(node.range?.[0] ?? 0);
  if (isAlias(node)) {
    ds.push(diag('unsupported', { file, ...pos }, 'YAML alias (*ref) is not resolved by this loader', { expected: 'the value written out' }));
    return { kind: 'scalar', pos, value: null };
  }
  if (isMap(node)) {
    const entries = new Map<string, YEntry>();
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const k = item.key;
      const keyPos = isScalar(k) || isMap(k) || isSeq(k) ? at(k.range?.[0] ?? 0) : pos;
      const keyText = isScalar(k) ? String(k.value) : undefined;
      if (keyText === undefined) {
        ds.push(diag('error', { file, ...keyPos }, 'mapping key is not a scalar', { expected: 'a field name' }));
        continue;
      }
      const v = item.value;
      const value: YValue = v && typeof v === 'object' && 'range' in v
        ? convert(v as YamlNode, at, file, ds)
        : { kind: 'scalar', pos: keyPos, value: null };
      entries.set(keyText, { keyPos, value });
    }
    return { kind: 'map', pos, entries };
  }
  if (isSeq(node)) {
    const items: YValue[] = [];
    for (const it of node.items) {
      if (it && typeof it === 'object' && 'range' in it) items.push(convert(it as YamlNode, at, file, ds));
      else items.push({ kind: 'scalar', pos, value: null });
    }
    return { kind: 'seq', pos, items };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return { kind: 'scalar', pos, value: v };
    if (typeof v === 'number') return { kind: 'scalar', pos, value: v };
    if (typeof v === 'bigint') return { kind: 'scalar', pos, value: Number(v) };
    // timestamps and binary under the 1.1 schema: keep the source text
    return { kind: 'scalar', pos, value: String(node.source ?? v) };
  }
  return { kind: 'scalar', pos, value: null };
}

/** The plain JSON-like value of a located tree. */
export function toPlain(v: YValue): unknown {
  switch (v.kind) {
    case 'scalar': return v.value;
    case 'seq': return v.items.map(toPlain);
    case 'map': {
      const o: Record<string, unknown> = {};
      for (const [k, e] of v.entries) o[k] = toPlain(e.value);
      return o;
    }
  }
}
