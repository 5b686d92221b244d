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
import { evalMatch } from './matches/eval-match.js';
import { ifaceMatches } from './matches/context.js';
import { stateTestOf, type StateTest } from './matches/conntrack.js';
import type { MatchCtx } from './matches/context.js';
import { describeRule, type Counters, type NfChain, type NfRule, type NfTable, type Ruleset } from './ruleset.js';
import type { IfaceSpec, MatchSpec, TargetSpec } from './rule-types.js';
import { applyTarget, type TargetOutcome } from './targets/apply-target.js';

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
  /** Chains prepared for the walk, made on first use. */
  readonly prepared: Map<NfChain, PreparedChain>;
}

/** Chains by name, built once per table (a table is replaced, never changed, when rules change). */
const tableIndexes = new WeakMap<NfTable, TableIndex>();
/** The same index, found from the chains-by-name map that callers hold. */
const indexByChains = new WeakMap<ReadonlyMap<string, NfChain>, TableIndex>();
function indexOf(t: NfTable): TableIndex {
  let m = tableIndexes.get(t);
  if (!m) {
    const chains = new Map<string, NfChain>();
    for (const c of t.chains) chains.set(c.name, c);
    m = { chains, prepared: new Map() };
    tableIndexes.set(t, m);
    indexByChains.set(chains, m);
  }
  return m;
}

/**
 * A rule as the walk reads it: the IPv4 header part of its spec as plain fields (every prepared
 * rule has the same shape, whatever the spec held), and the chain a jump or goto leads to,
 * resolved once within its table.
 */
class PreparedRule {
  /** -1: no test; 0: the masked address must equal `addr`; 1: it must differ (`! -s`). */
  readonly srcTest: number;
  readonly srcMask: number;
  readonly srcAddr: number;
  readonly dstTest: number;
  readonly dstMask: number;
  readonly dstAddr: number;
  readonly inIface: IfaceSpec | undefined;
  readonly outIface: IfaceSpec | undefined;
  /** -1: no test; else 0 (`-p`) or 1 (`! -p`) against `proto`. */
  readonly protoTest: number;
  readonly proto: number;
  /** -1: no test; 0: only fragments (`-f`); 1: only first fragments and whole packets (`! -f`). */
  readonly fragTest: number;
  /** The matches to evaluate, in order: `-m comment` (which always matches) left out. */
  readonly matches: readonly MatchSpec[];
  /** Each evaluated match's position in the rule's spec (the statistic match keys its state by it). */
  readonly matchIndex: readonly number[];
  /** Per evaluated match: its state test when it tests nothing but the connection state. */
  readonly stateTests: readonly (StateTest | undefined)[];
  readonly target: TargetSpec | undefined;
  readonly unsupported: string | undefined;
  /** The chain of `-j`/`-g CHAIN` (undefined when the table has no such chain). */
  jump: PreparedChain | undefined = undefined;
  /** What `-j`/`-g CHAIN` does (applyTarget's answer, which for a jump depends on nothing else). */
  readonly jumpOutcome: TargetOutcome | undefined;
  /** The result this rule last decided when nothing is recorded (read at once by the caller). */
  quiet: TableResult | undefined = undefined;
  /** The rule's own counters object (the walk counts into the ruleset). */
  readonly counters: Counters;
  constructor(readonly rule: NfRule) {
    const spec = rule.spec;
    this.counters = rule.counters;
    this.srcTest = spec.src ? (spec.src.invert ? 1 : 0) : -1;
    this.srcMask = spec.src ? spec.src.mask : 0;
    this.srcAddr = spec.src ? spec.src.addr : 0;
    this.dstTest = spec.dst ? (spec.dst.invert ? 1 : 0) : -1;
    this.dstMask = spec.dst ? spec.dst.mask : 0;
    this.dstAddr = spec.dst ? spec.dst.addr : 0;
    this.inIface = spec.inIface;
    this.outIface = spec.outIface;
    this.protoTest = spec.proto && spec.proto.num !== 0 ? (spec.proto.invert ? 1 : 0) : -1;
    this.proto = spec.proto ? spec.proto.num : 0;
    this.fragTest = spec.fragment ? (spec.fragment.invert ? 1 : 0) : -1;
    const matches: MatchSpec[] = [];
    const matchIndex: number[] = [];
    const stateTests: (StateTest | undefined)[] = [];
    spec.matches.forEach((m, i) => {
      if (m.kind === 'comment') return;
      matches.push(m);
      matchIndex.push(i);
      stateTests.push(stateTestOf(m));
    });
    this.matches = matches;
    this.matchIndex = matchIndex;
    this.stateTests = stateTests;
    this.target = spec.target;
    this.jumpOutcome = spec.target?.kind === 'jump' ? Object.freeze({ kind: 'jump', chain: spec.target.chain, goto: spec.target.goto }) : undefined;
    this.unsupported = rule.unsupported;
  }
}

export class PreparedChain {
  readonly rules: PreparedRule[] = [];
  /**
   * What the walk reads of the chain, copied once: chains come from several builders in several
   * shapes, and reading them on every packet would be megamorphic. `counters` is the chain's own
   * object (the walk counts into the ruleset).
   */
  readonly builtin: boolean;
  readonly drops: boolean;
  readonly counters: Counters;
  constructor(readonly chain: NfChain) {
    this.builtin = chain.builtin;
    this.drops = (chain.policy ?? 'ACCEPT') === 'DROP';
    this.counters = chain.counters;
  }
}

/** A chain and every chain it can reach, prepared once per table (jump loops included). */
function prepare(index: TableIndex, chain: NfChain): PreparedChain {
  let pc = index.prepared.get(chain);
  if (pc) return pc;
  pc = new PreparedChain(chain);
  index.prepared.set(chain, pc);
  for (const rule of chain.rules) pc.rules.push(new PreparedRule(rule));
  for (const r of pc.rules) {
    const t = r.target;
    if (t?.kind !== 'jump') continue;
    const next = index.chains.get(t.chain);
    if (next) r.jump = prepare(index, next);
  }
  return pc;
}

/** The header part of a rule (ip_packet_match): addresses, devices, protocol, fragments. */
function headerMatches(r: PreparedRule, env: NfEnv): boolean {
  const p = env.packet;
  if (r.srcTest >= 0 && (((p.src & r.srcMask) >>> 0) === r.srcAddr) === (r.srcTest === 1)) return false;
  if (r.dstTest >= 0 && (((p.dst & r.dstMask) >>> 0) === r.dstAddr) === (r.dstTest === 1)) return false;
  if (r.inIface && ifaceMatches(r.inIface.name, env.inIface ?? '') === r.inIface.invert) return false;
  if (r.outIface && ifaceMatches(r.outIface.name, env.outIface ?? '') === r.outIface.invert) return false;
  if (r.protoTest >= 0 && (p.proto === r.proto) === (r.protoTest === 1)) return false;
  if (r.fragTest >= 0 && p.fragment === (r.fragTest === 1)) return false;
  return true;
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

function applyPolicy(base: PreparedChain, table: Table, env: NfEnv, steps: NfStep[] | undefined): TableResult {
  const c = base.counters;
  c.packets += 1;
  c.bytes += env.packet.length;
  if (!steps) return base.drops ? DROP_RESULT : ACCEPT_RESULT;
  steps.push({ kind: 'policy', table, chain: base.chain.name, policy: base.drops ? 'DROP' : 'ACCEPT' });
  return { verdict: base.drops ? DROP : ACCEPT, steps };
}

// The walk's return stack and match context, shared by every walk: a walk never starts another
// (matches, targets and delegates do not run tables), so they are reset, not reallocated.
const chainStack: PreparedChain[] = [];
const posStack: number[] = [];
const CTX: { env: NfEnv; rule: NfRule; index: number } = { env: undefined as unknown as NfEnv, rule: undefined as unknown as NfRule, index: 0 };

export function runTable(ruleset: Ruleset, table: Table, hook: Hook, env: NfEnv, opts: RunTableOptions = {}): TableResult {
  let t: NfTable | undefined;
  for (const x of ruleset.tables) if (x.name === table) { t = x; break; }
  const steps: NfStep[] | undefined = opts.steps === false ? undefined : [];
  if (!t) return steps ? { verdict: ACCEPT, steps } : ACCEPT_RESULT;
  const index = indexOf(t);
  const base = index.chains.get(hook);
  if (!base || !base.builtin) return steps ? { verdict: ACCEPT, steps } : ACCEPT_RESULT;
  return walk(prepare(index, base), table, env, steps);
}

/** Every chain of a table by name (built once per table). */
export function chainsByName(t: NfTable): ReadonlyMap<string, NfChain> {
  return indexOf(t).chains;
}

/** runTable for a built-in chain already found, with its table's chains by name (chainsByName). */
export function runChain(chains: ReadonlyMap<string, NfChain>, table: Table, base: NfChain, env: NfEnv, opts: RunTableOptions = {}): TableResult {
  return walk(prepareChain(chains, base), table, env, opts.steps === false ? undefined : []);
}

/** A built-in chain prepared for runPrepared, with every chain of its table by name (chainsByName). */
export function prepareChain(chains: ReadonlyMap<string, NfChain>, base: NfChain): PreparedChain {
  const index = indexByChains.get(chains);
  if (!index) throw new Error(`prepareChain: ${base.name}: chains not from chainsByName`);
  return prepare(index, base);
}

/** runChain for a chain already prepared (a hook plan keeps it). */
export function runPrepared(pc: PreparedChain, table: Table, env: NfEnv, opts: RunTableOptions = {}): TableResult {
  return walk(pc, table, env, opts.steps === false ? undefined : []);
}

function walk(start: PreparedChain, table: Table, env: NfEnv, steps: NfStep[] | undefined): TableResult {
  const explain = steps !== undefined;
  let sp = 0;
  let chain = start;
  let pos = 0;
  let visits = 0;
  const ctx = CTX;
  ctx.env = env;
  let effects: string[] | undefined;

  let rules = chain.rules;
  for (;;) {
    if (pos >= rules.length) {
      // End of a user chain: back to the caller; end of the built-in chain: its policy.
      if (sp === 0) return applyPolicy(start, table, env, steps);
      sp--;
      chain = chainStack[sp] as PreparedChain;
      rules = chain.rules;
      pos = posStack[sp] as number;
      continue;
    }
    const r = rules[pos] as PreparedRule;
    pos += 1;
    const rule = r.rule;
    if (++visits > MAX_VISITS) {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: 'rule walk did not end (jump loop); treated as DROP' });
      return steps ? { verdict: DROP, steps } : DROP_RESULT;
    }
    if (!headerMatches(r, env)) continue;
    if (r.unsupported !== undefined) {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: r.unsupported });
      continue;
    }
    let matched = true;
    if (explain) effects = undefined;
    const matches = r.matches;
    ctx.rule = rule;
    for (let i = 0; i < matches.length; i++) {
      const m = matches[i] as MatchSpec;
      const st = r.stateTests[i];
      if (st !== undefined) {
        if (st.matches(env)) continue;
        matched = false;
        break;
      }
      ctx.index = r.matchIndex[i] as number;
      const res = evalMatch(m, ctx as MatchCtx);
      if (res.unsupported !== undefined) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: res.unsupported });
        matched = false;
        break;
      }
      if (!res.matched) {
        matched = false;
        break;
      }
      if (explain && res.effect) (effects ??= []).push(res.effect);
    }
    if (!matched) continue;
    const outcome = r.jumpOutcome ?? applyTarget(r.target, env, explain);
    if (outcome.kind === 'unsupported') {
      steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: outcome.what });
      continue;
    }
    let next: PreparedChain | undefined;
    if (outcome.kind === 'jump') {
      next = r.jump;
      if (!next || next.builtin) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: `jump to ${next ? 'built-in' : 'undeclared'} chain ${outcome.chain}` });
        continue;
      }
      if (!outcome.goto && sp >= MAX_DEPTH) {
        steps?.push({ kind: 'unsupported', rule: describeRule(rule), what: `jump depth over ${MAX_DEPTH} (jump loop); treated as DROP` });
        return steps ? { verdict: DROP, steps } : DROP_RESULT;
      }
    }
    const counters = r.counters;
    counters.packets += 1;
    counters.bytes += env.packet.length;
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
        if (steps) return { verdict: outcome.verdict, decidedBy: describeRule(rule), steps };
        // Quiet: the rule keeps its last result (a terminating target's verdict is usually the same object).
        if (r.quiet === undefined || r.quiet.verdict !== outcome.verdict) r.quiet = { verdict: outcome.verdict, decidedBy: rule, steps: NO_STEPS };
        return r.quiet;
      case 'return': {
        if (sp === 0) return applyPolicy(start, table, env, steps);
        sp--;
        chain = chainStack[sp] as PreparedChain;
        rules = chain.rules;
        pos = posStack[sp] as number;
        break;
      }
      case 'jump': {
        if (!outcome.goto) {
          chainStack[sp] = chain;
          posStack[sp] = pos;
          sp++;
        }
        chain = next as PreparedChain;
        rules = chain.rules;
        pos = 0;
        break;
      }
    }
  }
}
