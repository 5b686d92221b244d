// Truth tables as people read them: a grid like cyclonus prints (sources as rows, destinations as
// columns, `.` allowed, `X` denied), the stable JSON form, and the cells that changed between two tables.
import type { NetpolMatrix } from './matrix.js';
import { matrixCell } from './matrix.js';

export interface MatrixJson {
  readonly port: number;
  readonly protocol: string;
  readonly sources: readonly string[];
  readonly destinations: readonly string[];
  readonly allowed: Readonly<Record<string, Readonly<Record<string, boolean>>>>;
}

export function matrixToJson(m: NetpolMatrix): MatrixJson {
  const allowed: Record<string, Record<string, boolean>> = {};
  m.sources.forEach((s, i) => {
    const row: Record<string, boolean> = {};
    m.destinations.forEach((d, j) => { row[d] = matrixCell(m, i, j); });
    allowed[s] = row;
  });
  return { port: m.port, protocol: m.protocol, sources: m.sources, destinations: m.destinations, allowed };
}

export function formatMatrix(m: NetpolMatrix): string {
  const head = ['', ...m.destinations];
  const rows = m.sources.map((s, i) => [s, ...m.destinations.map((_, j) => (matrixCell(m, i, j) ? '.' : 'X'))]);
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (cells: readonly string[]) => `|${cells.map((c, k) => ` ${c.padEnd(widths[k] as number)} `).join('|')}|`;
  const out = [`${m.protocol}/${m.port}`, rule, line(head), rule, ...rows.map(line), rule];
  return `${out.join('\n')}\n`;
}

export interface CellChange {
  readonly source: string;
  readonly destination: string;
  /** undefined when the source or destination does not exist on that side. */
  readonly before?: boolean;
  readonly after?: boolean;
}

/** Cells whose verdict differs, over the union of both tables' sources and destinations. */
export function diffMatrices(before: NetpolMatrix, after: NetpolMatrix): CellChange[] {
  const idx = (xs: readonly string[]) => new Map(xs.map((x, i) => [x, i]));
  const bs = idx(before.sources); const bd = idx(before.destinations);
  const as = idx(after.sources); const ad = idx(after.destinations);
  const sources = [...before.sources, ...after.sources.filter((s) => !bs.has(s))];
  const dests = [...before.destinations, ...after.destinations.filter((d) => !bd.has(d))];
  const out: CellChange[] = [];
  for (const s of sources) for (const d of dests) {
    const bi = bs.get(s); const bj = bd.get(d); const ai = as.get(s); const aj = ad.get(d);
    const b = bi !== undefined && bj !== undefined ? matrixCell(before, bi, bj) : undefined;
    const a = ai !== undefined && aj !== undefined ? matrixCell(after, ai, aj) : undefined;
    if (a === b) continue;
    const c: { -readonly [K in keyof CellChange]: CellChange[K] } = { source: s, destination: d };
    if (b !== undefined) c.before = b;
    if (a !== undefined) c.after = a;
    out.push(c);
  }
  return out;
}

export function formatDiff(changes: readonly CellChange[], port: number, protocol: string): string {
  if (changes.length === 0) return `${protocol}/${port}: no cell changed\n`;
  const word = (v: boolean | undefined) => (v === undefined ? 'absent' : v ? 'allowed' : 'denied');
  const lines = changes.map((c) => `${c.before === true && c.after === false ? '-' : c.after === true && c.before === false ? '+' : '~'} ${c.source} -> ${c.destination}: ${word(c.before)} -> ${word(c.after)}`);
  return `${protocol}/${port}: ${changes.length} cell${changes.length === 1 ? '' : 's'} changed\n${lines.join('\n')}\n`;
}
