// `ip rule add|del|flush` against the RPDB (net/core/fib_rules.c fib_nl_newrule / fib_nl_delrule,
// fib_default_rule_pref; net/ipv4/fib_rules.c fib4_rule_configure / fib4_rule_compare). A rule
// without `priority` gets the priority of the second rule in the list minus one (so below the
// `lookup main` rule 32766 the first time, and one below the newest such rule after that), or 0
// when the second rule has priority 0. Rules are kept in priority order, a new rule after those
// with the same priority. `goto` must jump forward. Adding or deleting any rule switches the FIB
// to the full RPDB walk for good (fib_has_custom_rules).

import type { SourceLocation } from '../../core/diagnostics.js';
import type { IpRule } from './api.js';
import type { RuleSpec } from '../../parsers/iproute2/types.js';
import type { Change, RoutingState } from './state.js';
import { fail, ok, sameCidr } from './state.js';

/** fib_default_rule_pref. */
export function defaultRulePriority(rules: readonly IpRule[]): number {
  const second = rules[1];
  return second && second.priority !== 0 ? second.priority - 1 : 0;
}

function sameRange(a: { min: number; max: number } | undefined, b: { min: number; max: number } | undefined): boolean {
  return a === b || (a !== undefined && b !== undefined && a.min === b.min && a.max === b.max);
}

function sameRule(a: IpRule, b: IpRule): boolean {
  const ca = (x: IpRule['from'], y: IpRule['from']): boolean => x === y || (x !== undefined && y !== undefined && sameCidr(x, y));
  return (
    a.priority === b.priority && a.not === b.not && ca(a.from, b.from) && ca(a.to, b.to) && a.iif === b.iif && a.oif === b.oif &&
    a.fwmark?.value === b.fwmark?.value && a.fwmark?.mask === b.fwmark?.mask && (a.tos ?? 0) === (b.tos ?? 0) && a.ipproto === b.ipproto &&
    sameRange(a.sport, b.sport) && sameRange(a.dport, b.dport) && a.suppressPrefixlength === b.suppressPrefixlength &&
    JSON.stringify(a.action) === JSON.stringify(b.action)
  );
}

/** The rule an `ip rule add` request creates (priority filled in). */
export function ruleFromSpec(s: RoutingState, spec: RuleSpec, extra: { readonly loc?: SourceLocation; readonly raw?: string } = {}): IpRule {
  const r: { -readonly [K in keyof IpRule]: IpRule[K] } = {
    priority: spec.priority ?? defaultRulePriority(s.rules),
    not: spec.not,
    action: spec.action ?? { kind: 'lookup', table: 254 },
    ...extra,
  };
  if (spec.from) r.from = spec.from;
  if (spec.to) r.to = spec.to;
  if (spec.iif !== undefined) r.iif = spec.iif;
  if (spec.oif !== undefined) r.oif = spec.oif;
  if (spec.fwmark) r.fwmark = spec.fwmark;
  if (spec.tos) r.tos = spec.tos;
  if (spec.ipproto !== undefined) r.ipproto = spec.ipproto;
  if (spec.sport) r.sport = spec.sport;
  if (spec.dport) r.dport = spec.dport;
  if (spec.suppressPrefixlength !== undefined) r.suppressPrefixlength = spec.suppressPrefixlength;
  if (spec.proto !== undefined) r.proto = spec.proto;
  return r;
}

/** Inserts a finished rule (fib_nl_newrule with NLM_F_EXCL, as `ip rule add` sends it). */
export function addRule(s: RoutingState, rule: IpRule): Change {
  if (rule.action.kind === 'goto' && rule.action.priority <= rule.priority) return fail(s, 'EINVAL', 'Error: Backward goto not supported.', 'goto');
  if (s.rules.some((x) => sameRule(x, rule))) return fail(s, 'EEXIST', 'RTNETLINK answers: File exists', 'priority');
  const rules = [...s.rules];
  let at = rules.length;
  for (let i = 0; i < rules.length; i++) if ((rules[i] as IpRule).priority > rule.priority) { at = i; break; }
  rules.splice(at, 0, rule);
  return ok({ ...s, rules, customRules: true });
}

/** `ip rule add …` from a parsed request. */
export function applyRuleAdd(s: RoutingState, spec: RuleSpec, extra: { readonly loc?: SourceLocation; readonly raw?: string } = {}): Change {
  return addRule(s, ruleFromSpec(s, spec, extra));
}

/** `ip rule del …`: the first rule (in list order) matching every field the request gives. */
export function deleteRule(s: RoutingState, spec: RuleSpec): Change {
  const idx = s.rules.findIndex((r) => {
    if (spec.priority !== undefined && r.priority !== spec.priority) return false;
    if (spec.not && !r.not) return false;
    if (spec.from && !(r.from && sameCidr(r.from, spec.from))) return false;
    if (spec.to && !(r.to && sameCidr(r.to, spec.to))) return false;
    if (spec.iif !== undefined && r.iif !== spec.iif) return false;
    if (spec.oif !== undefined && r.oif !== spec.oif) return false;
    if (spec.fwmark && spec.fwmark.value !== 0 && r.fwmark?.value !== spec.fwmark.value) return false;
    if (spec.fwmark && spec.fwmark.mask !== 0 && r.fwmark?.mask !== spec.fwmark.mask) return false;
    if (spec.tos && r.tos !== spec.tos) return false;
    if (spec.ipproto !== undefined && r.ipproto !== spec.ipproto) return false;
    if (spec.sport && !sameRange(r.sport, spec.sport)) return false;
    if (spec.dport && !sameRange(r.dport, spec.dport)) return false;
    if (spec.suppressPrefixlength !== undefined && r.suppressPrefixlength !== spec.suppressPrefixlength) return false;
    const a = spec.action;
    if (a) {
      if (a.kind !== r.action.kind) return false;
      if (a.kind === 'lookup' && r.action.kind === 'lookup' && a.table !== r.action.table) return false;
      if (a.kind === 'goto' && r.action.kind === 'goto' && a.priority !== r.action.priority) return false;
    }
    return true;
  });
  if (idx < 0) return fail(s, 'ENOENT', 'RTNETLINK answers: No such file or directory', 'priority');
  return ok({ ...s, rules: [...s.rules.slice(0, idx), ...s.rules.slice(idx + 1)], customRules: true });
}

/** `ip rule flush`: iproute2 deletes every rule whose priority is not 0 (main and default included). */
export function flushRules(s: RoutingState): Change {
  return ok({ ...s, rules: s.rules.filter((r) => r.priority === 0), customRules: true });
}
