// A typed reader over the located YAML tree: the checks the API server's decoder makes (wrong type,
// required field) and kubectl's field validation (`--validate=strict` names unknown fields; we
// report them as warnings and load the object). Messages follow the API server's field-error shape:
// `<path>: Invalid value: <value>: <detail>`, `<path>: Required value`, `<path>: Unsupported value`.
import { diag } from '../../core/diagnostics.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import { childPath } from '../../model/k8s/meta.js';
import type { Pos, YValue, YEntry } from './yaml-tree.js';

export interface Ctx {
  readonly file: string;
  readonly diags: Diagnostic[];
  /** Set when the object must not be loaded (an error the API server would reject it for). */
  failed: boolean;
}

export type YMap = Extract<YValue, { kind: 'map' }>;

export function describe(v: YValue): string {
  if (v.kind === 'map') return 'object';
  if (v.kind === 'seq') return 'array';
  if (v.value === null) return 'null';
  return `${typeof v.value} ${JSON.stringify(v.value)}`;
}

export function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

export function fail(ctx: Ctx, pos: Pos, path: string, message: string, expected?: string): void {
  ctx.failed = true;
  ctx.diags.push(diag('error', { file: ctx.file, line: pos.line, column: pos.column }, `${path}: ${message}`, expected === undefined ? {} : { expected }));
}

export function invalid(ctx: Ctx, pos: Pos, path: string, value: unknown, detail: string): void {
  fail(ctx, pos, path, `Invalid value: ${quote(value)}: ${detail}`);
}

export function required(ctx: Ctx, pos: Pos, path: string, detail = ''): void {
  fail(ctx, pos, path, `Required value${detail ? `: ${detail}` : ''}`);
}

export function unsupported(ctx: Ctx, pos: Pos, path: string, value: unknown, supported: readonly string[]): void {
  fail(ctx, pos, path, `Unsupported value: ${quote(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`, `one of ${supported.join(', ')}`);
}

export function warn(ctx: Ctx, pos: Pos, message: string, extra: { expected?: string; code?: string } = {}): void {
  ctx.diags.push(diag('warning', { file: ctx.file, line: pos.line, column: pos.column }, message, extra));
}

export function info(ctx: Ctx, pos: Pos, message: string, code?: string): void {
  ctx.diags.push(diag('info', { file: ctx.file, line: pos.line, column: pos.column }, message, code === undefined ? {} : { code }));
}

function isNull(v: YValue | undefined): boolean {
  return v === undefined || (v.kind === 'scalar' && v.value === null);
}

/**
 * Reads an object field: checks it is a mapping and warns for every key not in `known`.
 * `null` and absent are the same (JSON null decodes to the zero value).
 */
export function asMap(ctx: Ctx, v: YValue | undefined, path: string, known: readonly string[]): YMap | undefined {
  if (v === undefined || isNull(v)) return undefined;
  if (v.kind !== 'map') {
    fail(ctx, v.pos, path, `Invalid type: expected object, got ${describe(v)}`, 'a mapping');
    return undefined;
  }
  for (const [k, e] of v.entries) {
    if (!known.includes(k)) warn(ctx, e.keyPos, `unknown field "${childPath(path, k)}"`, { code: 'unknown-field' });
  }
  return v;
}

export function entry(m: YMap | undefined, key: string): YEntry | undefined {
  return m?.entries.get(key);
}

export function get(m: YMap | undefined, key: string): YValue | undefined {
  const e = m?.entries.get(key);
  return e === undefined || isNull(e.value) ? undefined : e.value;
}

export function posOf(m: YMap | undefined, key: string, fallback: Pos): Pos {
  return m?.entries.get(key)?.value.pos ?? fallback;
}

export function str(ctx: Ctx, m: YMap | undefined, parent: string, key: string, opts: { required?: boolean; pos?: Pos } = {}): string | undefined {
  const v = get(m, key);
  const path = childPath(parent, key);
  if (v === undefined) {
    if (opts.required) required(ctx, m?.pos ?? opts.pos ?? { line: 1, column: 1 }, path);
    return undefined;
  }
  if (v.kind !== 'scalar' || typeof v.value !== 'string') {
    fail(ctx, v.pos, path, `Invalid type: expected string, got ${describe(v)}`, 'a string (quote it in YAML)');
    return undefined;
  }
  if (opts.required && v.value === '') required(ctx, v.pos, path);
  return v.value;
}

export function int(ctx: Ctx, m: YMap | undefined, parent: string, key: string, opts: { required?: boolean } = {}): number | undefined {
  const v = get(m, key);
  const path = childPath(parent, key);
  if (v === undefined) {
    if (opts.required) required(ctx, m?.pos ?? { line: 1, column: 1 }, path);
    return undefined;
  }
  if (v.kind !== 'scalar' || typeof v.value !== 'number' || !Number.isInteger(v.value)) {
    fail(ctx, v.pos, path, `Invalid type: expected integer, got ${describe(v)}`, 'an integer');
    return undefined;
  }
  return v.value;
}

export function bool(ctx: Ctx, m: YMap | undefined, parent: string, key: string): boolean | undefined {
  const v = get(m, key);
  if (v === undefined) return undefined;
  if (v.kind !== 'scalar' || typeof v.value !== 'boolean') {
    fail(ctx, v.pos, childPath(parent, key), `Invalid type: expected boolean, got ${describe(v)}`, 'true or false');
    return undefined;
  }
  return v.value;
}

/** IntOrString: a YAML number is the int form, a string the string form (`"80"` stays a string). */
export function intOrString(ctx: Ctx, m: YMap | undefined, parent: string, key: string): number | string | undefined {
  const v = get(m, key);
  if (v === undefined) return undefined;
  if (v.kind === 'scalar' && (typeof v.value === 'string' || (typeof v.value === 'number' && Number.isInteger(v.value)))) return v.value;
  fail(ctx, v.pos, childPath(parent, key), `Invalid type: expected integer or string, got ${describe(v)}`, 'a port number or name');
  return undefined;
}

export function list(ctx: Ctx, m: YMap | undefined, parent: string, key: string): { value: YValue; path: string }[] {
  const v = get(m, key);
  const path = childPath(parent, key);
  if (v === undefined) return [];
  if (v.kind !== 'seq') {
    fail(ctx, v.pos, path, `Invalid type: expected array, got ${describe(v)}`, 'a YAML list');
    return [];
  }
  return v.items.map((value, i) => ({ value, path: childPath(path, i) }));
}

/** Whether a list field was written at all (absent and null are "not written"). */
export function has(m: YMap | undefined, key: string): boolean {
  return get(m, key) !== undefined;
}

export function strList(ctx: Ctx, m: YMap | undefined, parent: string, key: string): string[] {
  const out: string[] = [];
  for (const { value, path } of list(ctx, m, parent, key)) {
    if (value.kind === 'scalar' && typeof value.value === 'string') out.push(value.value);
    else fail(ctx, value.pos, path, `Invalid type: expected string, got ${describe(value)}`, 'a string');
  }
  return out;
}

/** map[string]string fields (labels, annotations, selectors, nodeSelector). */
export function strMap(ctx: Ctx, m: YMap | undefined, parent: string, key: string): { value: Record<string, string>; entries: { key: string; value: string; pos: Pos; keyPos: Pos; path: string }[] } {
  const v = get(m, key);
  const path = childPath(parent, key);
  const out: Record<string, string> = {};
  const entries: { key: string; value: string; pos: Pos; keyPos: Pos; path: string }[] = [];
  if (v === undefined) return { value: out, entries };
  if (v.kind !== 'map') {
    fail(ctx, v.pos, path, `Invalid type: expected object, got ${describe(v)}`, 'a mapping of strings');
    return { value: out, entries };
  }
  for (const [k, e] of v.entries) {
    const p = childPath(path, k);
    if (e.value.kind === 'scalar' && typeof e.value.value === 'string') {
      out[k] = e.value.value;
      entries.push({ key: k, value: e.value.value, pos: e.value.pos, keyPos: e.keyPos, path: p });
    } else {
      fail(ctx, e.value.pos, p, `Invalid type: expected string, got ${describe(e.value)}`, 'a string (quote values such as "true", "on" or "1")');
    }
  }
  return { value: out, entries };
}

/** Records the line and column of every field path in a document, for later citation. */
export function recordFields(v: YValue, path: string, out: Record<string, readonly [number, number]>): void {
  if (path !== '') out[path] = [v.pos.line, v.pos.column];
  if (v.kind === 'map') {
    for (const [k, e] of v.entries) {
      const p = childPath(path, k);
      recordFields(e.value, p, out);
      out[p] = [e.keyPos.line, e.keyPos.column];
    }
  } else if (v.kind === 'seq') {
    v.items.forEach((it, i) => recordFields(it, childPath(path, i), out));
  }
}
