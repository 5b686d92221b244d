// iptables commands applied to a ruleset, as iptables(8) COMMANDS describes them: -A, -I [n],
// -R n, -D (by number or by rule), -N, -X, -F, -Z, -P, -E, -C. A command that the kernel or
// iptables would refuse (unknown chain, built-in chain deleted, chain still referenced, a table
// that no longer validates) changes nothing and yields an error diagnostic at the command.

import { diag, type Diagnostic, type Parsed, type SourceLocation } from '../../core/diagnostics.js';
import type { Table } from './api.js';
import type { RuleSpec } from './rule-types.js';
import { cloneRuleset, emptyTable, type ChainPolicy, type Counters, type NfChain, type NfRule, type NfTable, type RuleColumns, type Ruleset } from './ruleset.js';
import { validateTable, type RuleIssue } from './validate.js';

/** A rule as written, before it has a place in a chain. */
export interface RuleDraft {
  readonly spec: RuleSpec;
  readonly raw: string;
  readonly loc: SourceLocation;
  readonly cols: RuleColumns;
  readonly unsupported?: string;
  readonly counters?: Counters;
}

interface CmdBase {
  readonly table: Table;
  readonly loc: SourceLocation;
  readonly raw: string;
  /** Column of the chain name (for "no such chain"). */
  readonly chainCol?: number;
}
export type IptablesCommand = CmdBase & (
  | { readonly op: 'append'; readonly chain: string; readonly rule: RuleDraft }
  | { readonly op: 'insert'; readonly chain: string; readonly position: number; readonly rule: RuleDraft }
  | { readonly op: 'replace'; readonly chain: string; readonly position: number; readonly rule: RuleDraft }
  | { readonly op: 'delete'; readonly chain: string; readonly position: number }
  | { readonly op: 'delete-rule'; readonly chain: string; readonly rule: RuleDraft }
  | { readonly op: 'check'; readonly chain: string; readonly rule: RuleDraft }
  | { readonly op: 'new-chain'; readonly chain: string }
  | { readonly op: 'delete-chain'; readonly chain?: string }
  | { readonly op: 'flush'; readonly chain?: string }
  | { readonly op: 'zero'; readonly chain?: string }
  | { readonly op: 'policy'; readonly chain: string; readonly policy: ChainPolicy; readonly counters?: Counters }
  | { readonly op: 'rename-chain'; readonly chain: string; readonly newName: string }
);

interface MutChain {
  name: string;
  builtin: boolean;
  policy?: ChainPolicy;
  counters: Counters;
  rules: NfRule[];
  loc?: SourceLocation;
}
interface MutTable {
  name: Table;
  chains: MutChain[];
  loc?: SourceLocation;
}

function toMut(t: NfTable): MutTable {
  const m: MutTable = { name: t.name, chains: t.chains.map((c) => ({ ...c, rules: [...c.rules] })) };
  if (t.loc) m.loc = t.loc;
  return m;
}

function freezeTable(t: MutTable): NfTable {
  const chains: NfChain[] = t.chains.map((c) => {
    const rules = c.rules.map((r, i) => (r.index === i + 1 && r.chain === c.name ? r : { ...r, index: i + 1, chain: c.name }));
    c.rules = rules;
    const out: { -readonly [K in keyof NfChain]: NfChain[K] } = { name: c.name, builtin: c.builtin, counters: c.counters, rules };
    if (c.policy) out.policy = c.policy;
    if (c.loc) out.loc = c.loc;
    return out;
  });
  return t.loc ? { name: t.name, chains, loc: t.loc } : { name: t.name, chains };
}

function sameSpec(a: RuleSpec, b: RuleSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function ruleFrom(d: RuleDraft, table: Table, chain: string, index: number): NfRule {
  const r: { -readonly [K in keyof NfRule]: NfRule[K] } = {
    table, chain, index, raw: d.raw, loc: d.loc, spec: d.spec, cols: d.cols,
    counters: d.counters ? { ...d.counters } : { packets: 0, bytes: 0 },
    nth: d.spec.matches.map(() => undefined),
  };
  if (d.unsupported !== undefined) r.unsupported = d.unsupported;
  return r;
}

function issueKey(i: RuleIssue): string {
  return `${i.rule.loc.file}:${i.rule.loc.line}:${i.rule.raw}|${i.code}|${i.message}`;
}

export function issueToDiagnostic(i: RuleIssue): Diagnostic {
  return diag(i.severity, i.rule.loc, i.message, { expected: i.expected, code: i.code, column: i.column });
}

/**
 * A ruleset under construction. Parsers apply commands one by one; `table()` gives the frozen
 * view. Not shared: it owns the rules it holds.
 */
export class RulesetBuilder {
  private readonly tables: MutTable[];

  constructor(base?: Ruleset) {
    this.tables = (base ? cloneRuleset(base) : { tables: [] }).tables.map(toMut);
  }

  ensureTable(name: Table, loc?: SourceLocation): MutTable {
    let t = this.tables.find((x) => x.name === name);
    if (!t) {
      t = toMut(emptyTable(name, loc));
      this.tables.push(t);
    }
    return t;
  }

  /** iptables-restore without --noflush: the table starts again from its built-in chains. */
  resetTable(name: Table, loc: SourceLocation): void {
    const fresh = toMut(emptyTable(name, loc));
    const i = this.tables.findIndex((x) => x.name === name);
    if (i >= 0) this.tables[i] = fresh;
    else this.tables.push(fresh);
  }

  hasChain(table: Table, chain: string): boolean {
    return this.tables.find((x) => x.name === table)?.chains.some((c) => c.name === chain) ?? false;
  }

  /** `:CHAIN POLICY [p:b]` of iptables-restore: sets a policy or creates (or flushes) a user chain. */
  declareChain(table: Table, chain: string, policy: ChainPolicy | undefined, counters: Counters, loc: SourceLocation): void {
    const t = this.ensureTable(table);
    const c = t.chains.find((x) => x.name === chain);
    if (c) {
      if (c.builtin && policy) c.policy = policy;
      c.counters = { ...counters };
      if (!c.builtin) c.rules = [];
      c.loc = loc;
      return;
    }
    t.chains.push({ name: chain, builtin: false, counters: { ...counters }, rules: [], loc });
  }

  build(): Ruleset {
    return { tables: this.tables.map(freezeTable) };
  }

  frozenTable(name: Table): NfTable | undefined {
    const t = this.tables.find((x) => x.name === name);
    return t ? freezeTable(t) : undefined;
  }

  /** Applies one command; returns its diagnostics. `validate` re-checks the table the way the kernel does on commit. */
  apply(cmd: IptablesCommand, opts: { validate: boolean } = { validate: true }): Diagnostic[] {
    const t = this.ensureTable(cmd.table);
    const before = opts.validate ? new Set(validateTable(freezeTable(t)).map(issueKey)) : new Set<string>();
    const snapshot = t.chains.map((c) => ({ ...c, rules: [...c.rules] }));
    const err = this.applyRaw(t, cmd);
    if (err) return [err];
    if (!opts.validate) return [];
    const fresh = validateTable(freezeTable(t)).filter((i) => !before.has(issueKey(i)));
    if (fresh.some((i) => i.severity === 'error')) {
      t.chains = snapshot; // the kernel refuses the whole replacement
      return fresh.map(issueToDiagnostic);
    }
    return fresh.map(issueToDiagnostic);
  }

  private applyRaw(t: MutTable, cmd: IptablesCommand): Diagnostic | undefined {
    const at = (message: string, expected: string, code: string, column = cmd.chainCol): Diagnostic =>
      diag('error', cmd.loc, message, { expected, code, ...(column !== undefined ? { column } : {}) });
    const find = (name: string): MutChain | undefined => t.chains.find((c) => c.name === name);
    const need = (name: string): MutChain | Diagnostic => find(name) ?? at(`no chain ${name} in table ${t.name}`, `an existing chain of table ${t.name}`, 'no-such-chain');
    const isDiag = (x: MutChain | Diagnostic): x is Diagnostic => 'severity' in x;
    switch (cmd.op) {
      case 'append':
      case 'insert':
      case 'replace':
      case 'check':
      case 'delete':
      case 'delete-rule': {
        const c = need(cmd.chain);
        if (isDiag(c)) return c;
        if (cmd.op === 'append') c.rules.push(ruleFrom(cmd.rule, t.name, c.name, c.rules.length + 1));
        else if (cmd.op === 'insert') {
          if (cmd.position < 1 || cmd.position > c.rules.length + 1) return at(`index of insertion too big: ${cmd.position}`, `1..${c.rules.length + 1}`, 'bad-index');
          c.rules.splice(cmd.position - 1, 0, ruleFrom(cmd.rule, t.name, c.name, cmd.position));
        } else if (cmd.op === 'replace' || cmd.op === 'delete') {
          if (cmd.position < 1 || cmd.position > c.rules.length) return at(`index of ${cmd.op === 'delete' ? 'deletion' : 'replacement'} too big: ${cmd.position}`, `1..${c.rules.length}`, 'bad-index');
          if (cmd.op === 'replace') c.rules[cmd.position - 1] = ruleFrom(cmd.rule, t.name, c.name, cmd.position);
          else c.rules.splice(cmd.position - 1, 1);
        } else {
          const i = c.rules.findIndex((r) => sameSpec(r.spec, cmd.rule.spec));
          if (cmd.op === 'delete-rule') {
            if (i < 0) return at('Bad rule (does a matching rule exist in that chain?)', 'a rule that exists in the chain', 'no-such-rule');
            c.rules.splice(i, 1);
          }
        }
        return undefined;
      }
      case 'new-chain': {
        if (find(cmd.chain)) return at(`Chain already exists: ${cmd.chain}`, 'a new chain name', 'chain-exists');
        // libiptc keeps user chains sorted by name after the built-in ones.
        const users = t.chains.filter((c) => !c.builtin);
        const pos = users.findIndex((c) => c.name > cmd.chain);
        const chain: MutChain = { name: cmd.chain, builtin: false, counters: { packets: 0, bytes: 0 }, rules: [], loc: cmd.loc };
        if (pos < 0) t.chains.push(chain);
        else t.chains.splice(t.chains.indexOf(users[pos] as MutChain), 0, chain);
        return undefined;
      }
      case 'delete-chain': {
        const targets = cmd.chain !== undefined ? [cmd.chain] : t.chains.filter((c) => !c.builtin).map((c) => c.name);
        for (const name of targets) {
          const c = need(name);
          if (isDiag(c)) return c;
          if (c.builtin) return at(`Can't delete built-in chain ${name}`, 'a user-defined chain', 'delete-builtin');
          if (c.rules.length) return at(`Directory not empty: chain ${name} still has rules`, 'an empty chain (flush it with -F first)', 'chain-not-empty');
          const refs = t.chains.some((x) => x.rules.some((r) => r.spec.target?.kind === 'jump' && r.spec.target.chain === name && !targets.includes(x.name)));
          if (refs) return at(`Too many links: chain ${name} is still referenced`, 'a chain no rule jumps to', 'chain-referenced');
        }
        t.chains = t.chains.filter((c) => !targets.includes(c.name));
        return undefined;
      }
      case 'flush':
      case 'zero': {
        const cs = cmd.chain !== undefined ? [need(cmd.chain)] : t.chains;
        for (const c of cs) {
          if (isDiag(c)) return c;
          if (cmd.op === 'flush') c.rules = [];
          else {
            c.counters = { packets: 0, bytes: 0 };
            c.rules = c.rules.map((r) => ({ ...r, counters: { packets: 0, bytes: 0 } }));
          }
        }
        return undefined;
      }
      case 'policy': {
        const c = need(cmd.chain);
        if (isDiag(c)) return c;
        if (!c.builtin) return at(`Bad built-in chain name: ${cmd.chain} (only built-in chains have a policy)`, 'a built-in chain', 'policy-user-chain');
        c.policy = cmd.policy;
        if (cmd.counters) c.counters = { ...cmd.counters };
        return undefined;
      }
      case 'rename-chain': {
        const c = need(cmd.chain);
        if (isDiag(c)) return c;
        if (c.builtin) return at(`Can't rename built-in chain ${cmd.chain}`, 'a user-defined chain', 'rename-builtin');
        if (find(cmd.newName)) return at(`Chain already exists: ${cmd.newName}`, 'a new chain name', 'chain-exists');
        c.name = cmd.newName;
        for (const x of t.chains) {
          x.rules = x.rules.map((r) => (r.spec.target?.kind === 'jump' && r.spec.target.chain === cmd.chain ? { ...r, spec: { ...r.spec, target: { ...r.spec.target, chain: cmd.newName } } } : r));
        }
        return undefined;
      }
    }
  }
}

/** Applies one parsed command to a copy of the ruleset (the original is untouched). */
export function applyIptablesCommand(ruleset: Ruleset, cmd: IptablesCommand): Parsed<Ruleset> {
  const b = new RulesetBuilder(ruleset);
  const diagnostics = b.apply(cmd);
  return { value: b.build(), diagnostics };
}
