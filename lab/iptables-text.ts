// iptables-save text as the lab needs it: tables, chain declarations and `-A` rule lines kept as
// written, and the merge of several sources into one node's tables for `iptables-restore`
// (iptables-save(8) / iptables-restore(8) format: `*table`, `:CHAIN POLICY [p:b]`, `-A ...`,
// `COMMIT`). Rule lines are never re-tokenized here; iptables-restore itself checks them.

export interface SaveChain {
  readonly name: string;
  /** ACCEPT/DROP for built-in chains, `-` for user chains. */
  readonly policy: string;
}

export interface SaveRule {
  readonly chain: string;
  /** The line as written, starting with `-A`. */
  readonly line: string;
}

export interface SaveTable {
  readonly name: string;
  readonly chains: readonly SaveChain[];
  readonly rules: readonly SaveRule[];
}

export const BUILTIN: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

export class SaveTextError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
  }
}

/** Reads iptables-save text. Throws SaveTextError with file:line on anything iptables-restore would refuse structurally. */
export function parseSaveText(text: string, file: string): SaveTable[] {
  const tables: SaveTable[] = [];
  let cur: { name: string; chains: SaveChain[]; rules: SaveRule[] } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const n = i + 1;
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      if (cur) throw new SaveTextError(file, n, `table ${line} starts before COMMIT of *${cur.name}`);
      const name = line.slice(1);
      if (!BUILTIN[name]) throw new SaveTextError(file, n, `unknown table ${name} (expected raw, mangle, filter, nat or security)`);
      cur = { name, chains: [], rules: [] };
      return;
    }
    if (!cur) throw new SaveTextError(file, n, `"${line}" outside a table (expected *filter, *nat, ...)`);
    if (line === 'COMMIT') { tables.push(cur); cur = undefined; return; }
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)/.exec(line);
      if (!m) throw new SaveTextError(file, n, `bad chain declaration "${line}" (expected :CHAIN POLICY [packets:bytes])`);
      cur.chains.push({ name: m[1] as string, policy: m[2] as string });
      return;
    }
    const m = /^-A\s+(\S+)\s/.exec(line);
    if (!m) throw new SaveTextError(file, n, `"${line}" is not a rule (expected -A CHAIN ...)`);
    cur.rules.push({ chain: m[1] as string, line });
  });
  if (cur) throw new SaveTextError(file, text.split('\n').length, `table *${cur.name} has no COMMIT`);
  return tables;
}

export function serializeSaveText(tables: readonly SaveTable[]): string {
  const out: string[] = [];
  for (const t of tables) {
    out.push(`*${t.name}`);
    for (const c of t.chains) out.push(`:${c.name} ${c.policy} [0:0]`);
    for (const r of t.rules) out.push(r.line);
    out.push('COMMIT');
  }
  return `${out.join('\n')}\n`;
}

/** One source of rules for a node's tables, and where its rules in built-in chains go. */
export interface RuleSource {
  readonly name: string;
  readonly tables: readonly SaveTable[];
  /**
   * 'top': above everything already placed (an agent that inserts at position 1 and keeps itself
   * there, like Felix); 'append': below; `{ after: pattern }`: right below the first rule of the
   * built-in chain whose line contains the pattern (at the bottom when none does).
   */
  readonly builtinPlacement: 'top' | 'append' | { readonly after: string };
}

/**
 * Merges sources in order into one set of tables. User chains must not be declared by two sources
 * (an error names both). Built-in chain policies come from the first source that declares them.
 */
export function mergeSources(sources: readonly RuleSource[]): SaveTable[] {
  const order = ['raw', 'mangle', 'filter', 'nat', 'security'];
  const out: SaveTable[] = [];
  for (const tname of order) {
    const parts = sources.flatMap((s) => s.tables.filter((t) => t.name === tname).map((t) => ({ s, t })));
    if (parts.length === 0) continue;
    const builtins = BUILTIN[tname] ?? [];
    const policies = new Map<string, string>();
    const userOwner = new Map<string, string>();
    const userChains: SaveChain[] = [];
    const chainRules = new Map<string, string[]>();
    for (const { s, t } of parts) {
      for (const c of t.chains) {
        if (builtins.includes(c.name)) { if (!policies.has(c.name)) policies.set(c.name, c.policy); continue; }
        const owner = userOwner.get(c.name);
        if (owner !== undefined) throw new Error(`chain ${c.name} in table ${tname} is declared by both ${owner} and ${s.name}`);
        userOwner.set(c.name, s.name);
        userChains.push(c);
      }
      for (const c of builtins) {
        const mine = t.rules.filter((r) => r.chain === c).map((r) => r.line);
        if (mine.length === 0) continue;
        const have = chainRules.get(c) ?? [];
        const p = s.builtinPlacement;
        if (p === 'top') chainRules.set(c, [...mine, ...have]);
        else if (p === 'append') chainRules.set(c, [...have, ...mine]);
        else {
          const at = have.findIndex((l) => l.includes(p.after));
          const cut = at < 0 ? have.length : at + 1;
          chainRules.set(c, [...have.slice(0, cut), ...mine, ...have.slice(cut)]);
        }
      }
      for (const r of t.rules) {
        if (builtins.includes(r.chain)) continue;
        chainRules.set(r.chain, [...(chainRules.get(r.chain) ?? []), r.line]);
      }
    }
    const chains: SaveChain[] = [...builtins.map((c) => ({ name: c, policy: policies.get(c) ?? 'ACCEPT' })), ...userChains];
    const rules: SaveRule[] = [];
    for (const c of chains) for (const line of chainRules.get(c.name) ?? []) rules.push({ chain: c.name, line });
    for (const [c] of chainRules) if (!chains.some((x) => x.name === c)) throw new Error(`rules for undeclared chain ${c} in table ${tname}`);
    out.push({ name: tname, chains, rules });
  }
  return out;
}
