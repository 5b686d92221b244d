// One table at one hook, as ipt_do_table walks it: rules of the built-in chain in order; a rule
// matches when its IPv4 header part and every match (in order, stopping at the first that fails)
// match; `-j CHAIN` pushes a return point, `-g CHAIN` does not, so falling off the end of (or
// RETURN from) a goto-ed chain resumes in the chain that called the goto-ing chain, and with
// nothing left to resume the built-in chain's policy applies. Counters of matched rules and of
// the policy are incremented on the ruleset.

import type { Hook, NfEnv, NfStep, NfVerdict, Table, TableResult } from './api.js';
import { ipHeaderMatches, evalMatch } from './matches/eval-match.js';
import { describeRule, type NfChain, type NfRule, type NfTable, type Ruleset } from './ruleset.js';
import { applyTarget } from './targets/apply-target.js';

/** Guards against rulesets built by hand with a jump loop (the kernel refuses those with ELOOP). */
const MAX_DEPTH = 256;
const MAX_VISITS = 1_000_000;

interface Frame {
  readonly chain: NfChain;
  pos: number;
}

function targetName(rule: NfRule): string {
  const t = rule.spec.target;
  if (!t) return '';
  if (t.kind === 'jump') return t.chain;
  if (t.kind === 'unknown') return t.name;
  return t.kind;
}

/** Chains by name, built once per table (a table is replaced, never changed, when rules change). */
const chainIndexes = new WeakMap<NfTable, Map<string, NfChain>>();
function chainIndex(t: NfTable): Map<string, NfChain> {
  let m = chainIndexes.get(t);
  if (!m) {
    m = new Map();
    for (const c of t.chains) m.set(c.name, c);
    chainIndexes.set(t, m);
  }
  return m;
}

function applyPolicy(base: NfChain, table: Table, env: NfEnv, steps: NfStep[]): TableResult {
  const p = base.policy ?? 'ACCEPT';
  base.counters.packets += 1;
  base.counters.bytes += env.packet.length;
  steps.push({ kind: 'policy', table, chain: base.name, policy: p });
  return { verdict: { kind: p }, steps };
}

export function runTable(ruleset: Ruleset, table: Table, hook: Hook, env: NfEnv): TableResult {
  const steps: NfStep[] = [];
  let t: NfTable | undefined;
  for (const x of ruleset.tables) if (x.name === table) { t = x; break; }
  if (!t) return { verdict: { kind: 'ACCEPT' }, steps };
  const chains = chainIndex(t);
  const base = chains.get(hook);
  if (!base || !base.builtin) return { verdict: { kind: 'ACCEPT' }, steps };
  const stack: Frame[] = [];
  let cur: Frame = { chain: base, pos: 0 };
  let visits = 0;

  for (;;) {
    const rule = cur.chain.rules[cur.pos];
    if (!rule) {
      // End of a user chain: back to the caller; end of the built-in chain: its policy.
      const f = stack.pop();
      if (!f) return applyPolicy(base, table, env, steps);
      cur = f;
      continue;
    }
    cur.pos += 1;
    if (++visits > MAX_VISITS) {
      steps.push({ kind: 'unsupported', rule: describeRule(rule), what: 'rule walk did not end (jump loop); treated as DROP' });
      return { verdict: { kind: 'DROP' }, steps };
    }
    if (!ipHeaderMatches(rule.spec, env)) continue;
    if (rule.unsupported !== undefined) {
      steps.push({ kind: 'unsupported', rule: describeRule(rule), what: rule.unsupported });
      continue;
    }
    let matched = true;
    const effects: string[] = [];
    for (let i = 0; i < rule.spec.matches.length; i++) {
      const m = rule.spec.matches[i];
      if (!m) continue;
      const r = evalMatch(m, { env, rule, index: i });
      if (r.unsupported !== undefined) {
        steps.push({ kind: 'unsupported', rule: describeRule(rule), what: r.unsupported });
        matched = false;
        break;
      }
      if (!r.matched) {
        matched = false;
        break;
      }
      if (r.effect) effects.push(r.effect);
    }
    if (!matched) continue;
    const outcome = applyTarget(rule.spec.target, env);
    if (outcome.kind === 'unsupported') {
      steps.push({ kind: 'unsupported', rule: describeRule(rule), what: outcome.what });
      continue;
    }
    const ref = describeRule(rule);
    if (outcome.kind === 'jump') {
      const next = chains.get(outcome.chain);
      if (!next || next.builtin) {
        steps.push({ kind: 'unsupported', rule: ref, what: `jump to ${next ? 'built-in' : 'undeclared'} chain ${outcome.chain}` });
        continue;
      }
      if (!outcome.goto && stack.length >= MAX_DEPTH) {
        steps.push({ kind: 'unsupported', rule: ref, what: `jump depth over ${MAX_DEPTH} (jump loop); treated as DROP` });
        return { verdict: { kind: 'DROP' }, steps };
      }
    }
    rule.counters.packets += 1;
    rule.counters.bytes += env.packet.length;
    const delegated = outcome.kind === 'jump' ? env.delegate?.(outcome.chain) : undefined;
    if (delegated) {
      steps.push({ kind: 'match', rule: ref, target: targetName(rule), effect: [...effects, delegated.effect].join('; ') });
      if (delegated.verdict === 'RETURN') continue;
      return { verdict: { kind: delegated.verdict }, decidedBy: ref, steps };
    }
    const effect = [...effects, ...('effect' in outcome && outcome.effect ? [outcome.effect] : [])].join('; ');
    steps.push(effect ? { kind: 'match', rule: ref, target: targetName(rule), effect } : { kind: 'match', rule: ref, target: targetName(rule) });
    switch (outcome.kind) {
      case 'continue':
        if (outcome.log !== undefined) steps.push({ kind: 'log', rule: ref, prefix: outcome.log });
        break;
      case 'verdict': {
        const verdict: NfVerdict = outcome.verdict;
        return { verdict, decidedBy: ref, steps };
      }
      case 'return': {
        const f = stack.pop();
        if (!f) return applyPolicy(base, table, env, steps);
        cur = f;
        break;
      }
      case 'jump': {
        const next = chains.get(outcome.chain) as NfChain;
        if (!outcome.goto) stack.push(cur);
        cur = { chain: next, pos: 0 };
        break;
      }
    }
  }
}
