// A host's iptables ruleset: tables, chains in the order iptables-save lists them, rules with their
// source line. Packet and byte counters (per rule and per built-in chain policy) and the
// `statistic --mode nth` counters are mutable runtime state, as in the kernel; `cloneRuleset`
// copies them so two simulations never share counters. iptables(8) TARGETS, iptables-save(8).

import type { SourceLocation } from '../../core/diagnostics.js';
import type { RuleRef, Table } from './api.js';
import { TABLE_HOOKS } from './api.js';
import type { RuleSpec } from './rule-types.js';

export interface Counters {
  packets: number;
  bytes: number;
}

/** Columns (1-based, on the rule's first line) of the parts diagnostics point at. */
export interface RuleColumns {
  readonly target?: number;
  readonly matches: readonly number[];
  readonly inIface?: number;
  readonly outIface?: number;
  readonly proto?: number;
}

export interface NfRule {
  readonly table: Table;
  readonly chain: string;
  /** 1-based position in its chain, as `iptables -L --line-numbers`. */
  readonly index: number;
  /** The text as it stands in the file (continuation lines included). */
  readonly raw: string;
  readonly loc: SourceLocation;
  readonly spec: RuleSpec;
  /** Why evaluation cannot model this rule; the evaluator reports it and treats it as not matching. */
  readonly unsupported?: string;
  readonly cols: RuleColumns;
  readonly counters: Counters;
  /** `statistic --mode nth` counters, one slot per match (undefined for other matches). */
  readonly nth: (number | undefined)[];
}

export type ChainPolicy = 'ACCEPT' | 'DROP';

export interface NfChain {
  readonly name: string;
  readonly builtin: boolean;
  /** Built-in chains only. */
  readonly policy?: ChainPolicy;
  /** Counters of the policy (the chain's underflow entry), printed on the `:CHAIN` line. */
  readonly counters: Counters;
  readonly rules: readonly NfRule[];
  readonly loc?: SourceLocation;
}

export interface NfTable {
  readonly name: Table;
  readonly chains: readonly NfChain[];
  readonly loc?: SourceLocation;
}

export interface Ruleset {
  /** In the order they were loaded (iptables-save prints them in the kernel's order). */
  readonly tables: readonly NfTable[];
}

export function emptyRuleset(): Ruleset {
  return { tables: [] };
}

/** A table as the kernel creates it when first used: its built-in chains, policy ACCEPT, no rules. */
export function emptyTable(name: Table, loc?: SourceLocation): NfTable {
  const chains = TABLE_HOOKS[name].map((h): NfChain => ({ name: h, builtin: true, policy: 'ACCEPT', counters: { packets: 0, bytes: 0 }, rules: [] }));
  return loc ? { name, chains, loc } : { name, chains };
}

export function cloneRule(r: NfRule, over: { index?: number; chain?: string } = {}): NfRule {
  return { ...r, index: over.index ?? r.index, chain: over.chain ?? r.chain, counters: { ...r.counters }, nth: [...r.nth] };
}

export function cloneChain(c: NfChain): NfChain {
  return { ...c, counters: { ...c.counters }, rules: c.rules.map((r) => cloneRule(r)) };
}

/** A deep copy, counters included, that shares no mutable state with the original. */
export function cloneRuleset(r: Ruleset): Ruleset {
  return { tables: r.tables.map((t) => ({ ...t, chains: t.chains.map(cloneChain) })) };
}

export function rulesetTables(r: Ruleset): readonly Table[] {
  return r.tables.map((t) => t.name);
}

export function getTable(r: Ruleset, table: Table): NfTable | undefined {
  return r.tables.find((t) => t.name === table);
}

export function getChain(r: Ruleset, table: Table, chain: string): NfChain | undefined {
  return getTable(r, table)?.chains.find((c) => c.name === chain);
}

export function describeRule(rule: NfRule): RuleRef {
  return { table: rule.table, chain: rule.chain, index: rule.index, raw: rule.raw, loc: rule.loc };
}

/** Every rule of the ruleset, table by table, chain by chain. */
export function allRules(r: Ruleset): NfRule[] {
  return r.tables.flatMap((t) => t.chains.flatMap((c) => [...c.rules]));
}

/** Sets every counter (rules, policies, nth) back to zero. */
export function zeroCounters(r: Ruleset): void {
  for (const t of r.tables) {
    for (const c of t.chains) {
      c.counters.packets = 0;
      c.counters.bytes = 0;
      for (const rule of c.rules) {
        rule.counters.packets = 0;
        rule.counters.bytes = 0;
        rule.nth.fill(undefined);
      }
    }
  }
}
