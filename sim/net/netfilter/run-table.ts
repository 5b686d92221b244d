// One table at one hook, as ipt_do_table walks it: rules of the built-in chain in order; a rule
// matches when its IPv4 header part and every match (in order, stopping at the first that fails)
// match; `-j CHAIN` pushes a return point, `-g CHAIN` does not, so falling off the end of (or
// RETURN from) a goto-ed chain resumes in the chain that called the goto-ing chain, and with
// nothing left to resume the built-in chain's policy applies. Counters of matched rules and of
// the policy are incremented on the ruleset.
//
// The walk records its steps (every matched rule with its effect, the policy, unsupported rules)
// only when asked: a simulation that keeps no trace pays for none of the descriptions.

import type { Hook, NfEnv, NfStep, NfVerdict, Table, TableResult } from './api.js';
import { ipHeaderMatches, evalMatch } from './matches/eval-match.js';
import type { MatchCtx } from './matches/context.js';
import { describeRule, type NfChain, type NfRule, type NfTable, type Ruleset } from './ruleset.js';
import { applyTarget } from './targets/apply-target.js';

/** Guards against rulesets built by hand with a jump loop (the kernel refuses those with ELOOP). */
const MAX_DEPTH = 256;
const MAX_VISITS = 1_000_000;

export interface RunTableOptions {
  /** Record the walk's steps and describe effects (default true). */
  readonly steps?: boolean;
}

function targetName(rule: NfRule): string {
  const t = rule.spec.target;
  if (!t) return '';
  if (t.kind === 'jump') return t.chain;
  if (t.kind === 'unknown') return t.name;
  return t.kind;
}

interface TableIndex {
  readonly chains: Map<string, NfChain>;
}

/** Chains by name, built once per table (a table is replaced, never changed, when rules change). */
const tableIndexes = new WeakMap<NfTable, TableIndex>();
function indexOf(t: NfTable): TableIndex {
  let m = tableIndexes.get(t);
  if (!m) {
    const chains = new Map<string, NfChain>();
    for (const c of t.chains) chains.set(c.name, c);
    m = { chains };
    tableIndexes.set(t, m);
  }
  return m;
}

/** The built-in chain of `hook` in `table`, if the ruleset has that table and chain. */
export function builtinChain(ruleset: Ruleset, table: Table, hook: Hook): NfChain | undefined {
  const tables = ruleset.tables;
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i] as NfTable;
    if (t.name !== table) continue;
    const c = indexOf(t).chains.get(hook);
    return c && c.builtin ? c : undefined;
  }
  return undefined;
}

const NO_STEPS: readonly NfStep[] = Object.freeze([]);
const ACCEPT: NfVerdict = Object.freeze({ kind: 'ACCEPT' });
const DROP: NfVerdict = Object.freeze({ kind: 'DROP' });
const ACCEPT_RESULT: TableResult = Object.freeze({ verdict: ACCEPT, steps: NO_STEPS });
const DROP_RESULT: TableResult = Object.freeze({ verdict: DROP, steps: NO_STEPS });

function applyPolicy(base: NfChain, table: Table, env: NfEnv, steps: NfStep[] | undefined): TableResult {
  const p = base.policy ?? 'ACCEPT';
  base.counters.packets += 1;
  base.counters.bytes += env.packet.length;
  if (!steps) return p === 'ACCEPT' ? ACCEPT_RESULT : DROP_RESULT;
  steps.push({ kind: 'policy', table, chain: base.name, policy: p });
  return { verdict: p === 'ACCEPT' ? ACCEPT : DROP, steps };
}

// The walk's return stack and match context, shared by every walk: a walk never starts another
// (matches, targets and delegates do not run tables), so they are reset, not reallocated.
const chainStack: NfChain[] = [];
const posStack: number[] = [];
const CTX: { env: NfEnv; rule: NfRule; index: number } = { env: undefined as unknown as NfEnv, rule: undefined as unknown as NfRule, index: 0 };

export function runTable(ruleset: Ruleset, table: Table, hook: Hook, env: NfEnv, opts: RunTableOptions = {}): TableResult {
  let t: NfTable | undefined;
  for (const x of ruleset.tables) if (x.name === table) { t = x; break; }
  const steps: NfStep[] | undefined = opts.steps === false ? undefined : [];
  if (!t) return steps ? { verdict: ACCEPT, steps } : ACCEPT_RESULT;
  const { chains } = indexOf(t);
  const base = chains.get(hook);
  if (!base || !base.builtin) return steps ? { verdict: ACCEPT, steps } : ACCEPT_RESULT;
  return walk(chains, base, table, env, steps);
}

/** Every chain of a table by name (built once per table). */
export function chainsByName(t: NfTable): ReadonlyMap<string, NfChain> {
  return indexOf(t).chains;
}

/** runTable for a built-in chain already found, with its table's chains by name (chainsByName). */
export function runChain(chains: ReadonlyMap<string, NfChain>, table: Table, base: NfChain, env: NfEnv, opts: RunTableOptions = {}): TableResult {
  return walk(chains, base, table, env, opts.steps === false ? undefined : []);
}

function walk(chains: ReadonlyMap<string, NfChain>, base: NfChain, table: Table, env: NfEnv, steps: NfStep[] | undefined): TableResult {
  const explain = steps !== undefined;
  let sp = 0;
  let chain = base;
  let pos = 0;
  let visits = 0;
  const ctx = CTX;
  ctx.env = env;
  let effects: string[] | undefined;

  for (;;) {
    const rule = chain.rules[pos];
    if (!rule) {
      // End of a user chain: back to the caller; end of the built-in chain: its policy.
      if (sp === 0) return applyPolicy(base, table, env, steps);
      sp--;
      chain = chainStack[sp] as NfChain;
      pos = posStack[sp] as number;
      continue;
    }
    pos += 1;
    if (++visits > MAX_VISITS) {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: 'rule walk did not end (jump loop); treated as DROP' });
      return steps ? { verdict: DROP, steps } : DROP_RESULT;
    }
    const spec = rule.spec;
    if (!ipHeaderMatches(spec, env)) continue;
    if (rule.unsupported !== undefined) {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: rule.unsupported });
      continue;
    }
    let matched = true;
    if (explain) effects = undefined;
    const matches = spec.matches;
    ctx.rule = rule;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i];
      if (!m) continue;
      ctx.index = i;
      const r = evalMatch(m, ctx as MatchCtx);
      if (r.unsupported !== undefined) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: r.unsupported });
        matched = false;
        break;
      }
      if (!r.matched) {
        matched = false;
        break;
      }
      if (explain && r.effect) (effects ??= []).push(r.effect);
    }
    if (!matched) continue;
    const outcome = applyTarget(spec.target, env, explain);
    if (outcome.kind === 'unsupported') {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: outcome.what });
      continue;
    }
    let next: NfChain | undefined;
    if (outcome.kind === 'jump') {
      next = chains.get(outcome.chain);
      if (!next || next.builtin) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: `jump to ${next ? 'built-in' : 'undeclared'} chain ${outcome.chain}` });
        continue;
      }
      if (!outcome.goto && sp >= MAX_DEPTH) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: `jump depth over ${MAX_DEPTH} (jump loop); treated as DROP` });
        return steps ? { verdict: DROP, steps } : DROP_RESULT;
      }
    }
    rule.counters.packets += 1;
    rule.counters.bytes += env.packet.length;
    const delegated = outcome.kind === 'jump' ? env.delegate?.(outcome.chain) : undefined;
    if (delegated) {
      if (steps) steps.push({ kind: 'match', rule: describeRule(rule), target: targetName(rule), effect: [...(effects ?? []), delegated.effect].join('; ') });
      if (delegated.verdict === 'RETURN') continue;
      return { verdict: delegated.verdict === 'ACCEPT' ? ACCEPT : DROP, decidedBy: steps ? describeRule(rule) : rule, steps: steps ?? NO_STEPS };
    }
    if (steps) {
      const all = 'effect' in outcome && outcome.effect ? [...(effects ?? []), outcome.effect] : effects ?? [];
      const ref = describeRule(rule);
      steps.push(all.length ? { kind: 'match', rule: ref, target: targetName(rule), effect: all.join('; ') } : { kind: 'match', rule: ref, target: targetName(rule) });
      if (outcome.kind === 'continue' && outcome.log !== undefined) steps.push({ kind: 'log', rule: ref, prefix: outcome.log });
    }
    switch (outcome.kind) {
      case 'continue':
        break;
      case 'verdict':
        return { verdict: outcome.verdict, decidedBy: steps ? describeRule(rule) : rule, steps: steps ?? NO_STEPS };
      case 'return': {
        if (sp === 0) return applyPolicy(base, table, env, steps);
        sp--;
        chain = chainStack[sp] as NfChain;
        pos = posStack[sp] as number;
        break;
      }
      case 'jump': {
        if (!outcome.goto) {
          chainStack[sp] = chain;
          posStack[sp] = pos;
          sp++;
        }
        chain = next as NfChain;
        pos = 0;
        break;
      }
    }
  }
}
