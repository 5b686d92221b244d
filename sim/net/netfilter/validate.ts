// The checks the kernel makes when a table is loaded (x_tables.c xt_check_match/xt_check_target,
// ip_tables.c mark_source_chains and translate_table): a target or match is refused in a table or
// hook it is not registered for, where the hook set of a user chain is every built-in chain that
// can reach it through jumps and gotos; protocol-specific matches and targets need the protocol;
// jump loops are refused (ELOOP). Also iptables' own "Can't use -i with OUTPUT" check.

import type { Hook, Table } from './api.js';
import { HOOKS } from './api.js';
import type { NfRule, NfTable } from './ruleset.js';
import type { MatchSpec, TargetSpec } from './rule-types.js';

export interface RuleIssue {
  readonly severity: 'error' | 'warning';
  readonly rule: NfRule;
  readonly column: number;
  readonly message: string;
  readonly expected: string;
  readonly code: string;
}

/** Kernel table/hook registration of the targets that have one (xt_*.c `.table` / `.hooks`). */
export const TARGET_PLACES: Readonly<Partial<Record<TargetSpec['kind'], { table?: Table; hooks?: readonly Hook[] }>>> = {
  DNAT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  SNAT: { table: 'nat', hooks: ['POSTROUTING', 'INPUT'] },
  MASQUERADE: { table: 'nat', hooks: ['POSTROUTING'] },
  REDIRECT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  TPROXY: { table: 'mangle', hooks: ['PREROUTING'] },
  NOTRACK: { table: 'raw' },
  CT: { table: 'raw' },
  REJECT: { hooks: ['INPUT', 'FORWARD', 'OUTPUT'] },
};

const PORT_PROTOS = [6, 17, 132, 33, 136]; // tcp udp sctp dccp udplite

/** Which built-in hooks reach each chain of the table. */
export function chainHooks(t: NfTable): Map<string, Set<Hook>> {
  const byName = new Map(t.chains.map((c) => [c.name, c]));
  const out = new Map<string, Set<Hook>>(t.chains.map((c) => [c.name, new Set<Hook>()]));
  for (const c of t.chains) {
    if (!c.builtin || !(HOOKS as readonly string[]).includes(c.name)) continue;
    const hook = c.name as Hook;
    const todo = [c.name];
    while (todo.length) {
      const name = todo.pop() as string;
      const set = out.get(name);
      if (!set || set.has(hook)) continue;
      set.add(hook);
      for (const r of byName.get(name)?.rules ?? []) {
        const tg = r.spec.target;
        if (tg?.kind === 'jump' && byName.has(tg.chain)) todo.push(tg.chain);
      }
    }
  }
  return out;
}

/** The rule that closes a jump loop, if any (depth-first search over user-chain jumps). */
export function findJumpLoop(t: NfTable): NfRule | undefined {
  const byName = new Map(t.chains.map((c) => [c.name, c]));
  const state = new Map<string, 1 | 2>();
  const visit = (name: string): NfRule | undefined => {
    state.set(name, 1);
    for (const r of byName.get(name)?.rules ?? []) {
      const tg = r.spec.target;
      if (tg?.kind !== 'jump' || !byName.has(tg.chain)) continue;
      const s = state.get(tg.chain);
      if (s === 1) return r;
      if (s === undefined) {
        const found = visit(tg.chain);
        if (found) return found;
      }
    }
    state.set(name, 2);
    return undefined;
  };
  for (const c of t.chains) {
    if (state.has(c.name)) continue;
    const found = visit(c.name);
    if (found) return found;
  }
  return undefined;
}

function matchIssues(m: MatchSpec, i: number, rule: NfRule, hooks: ReadonlySet<Hook>, out: RuleIssue[]): void {
  const col = rule.cols.matches[i] ?? rule.loc.column ?? 1;
  const proto = rule.spec.proto;
  const need = (nums: readonly number[], what: string): void => {
    if (!proto || proto.invert || !nums.includes(proto.num)) {
      out.push({ severity: 'error', rule, column: col, code: 'match-needs-protocol', message: `-m ${m.kind} is only valid with ${what} (the kernel refuses the rule)`, expected: what });
    }
  };
  const place = (allowed: readonly Hook[], what: string): void => {
    const bad = [...hooks].filter((h) => !allowed.includes(h));
    if (bad.length) {
      out.push({ severity: 'error', rule, column: col, code: 'match-hook', message: `${what} is not allowed in ${bad.join(', ')} (chain ${rule.chain} is reached from ${[...hooks].join(', ')})`, expected: `a chain reached only from ${allowed.join(' or ')}` });
    }
  };
  switch (m.kind) {
    case 'tcp': need([6], '-p tcp'); break;
    case 'udp': need([17], '-p udp'); break;
    case 'icmp': need([1], '-p icmp'); break;
    case 'multiport': need(PORT_PROTOS, '-p tcp, udp, udplite, sctp or dccp'); break;
    case 'socket': place(['PREROUTING', 'INPUT'], '-m socket'); break;
    case 'addrtype':
      if (m.limitIfaceIn) place(['PREROUTING', 'INPUT', 'FORWARD'], '--limit-iface-in');
      if (m.limitIfaceOut) place(['OUTPUT', 'FORWARD', 'POSTROUTING'], '--limit-iface-out');
      break;
    default:
      break;
  }
}

function targetIssues(rule: NfRule, table: NfTable, hooks: ReadonlySet<Hook>, out: RuleIssue[]): void {
  const t = rule.spec.target;
  if (!t) return;
  const col = rule.cols.target ?? rule.loc.column ?? 1;
  const name = t.kind === 'jump' ? t.chain : t.kind === 'unknown' ? t.name : t.kind;
  if (t.kind === 'jump') {
    const c = table.chains.find((x) => x.name === t.chain);
    if (!c) out.push({ severity: 'error', rule, column: col, code: 'undeclared-chain', message: `jump to undeclared chain ${t.chain}`, expected: `a chain declared in table ${table.name} (:${t.chain} - [0:0]) or a target` });
    else if (c.builtin) out.push({ severity: 'error', rule, column: col, code: 'jump-builtin', message: `cannot jump to built-in chain ${t.chain}`, expected: 'a user-defined chain' });
    return;
  }
  const place = TARGET_PLACES[t.kind];
  if (place?.table && place.table !== table.name) {
    out.push({ severity: 'error', rule, column: col, code: 'target-table', message: `${name} is only valid in the ${place.table} table, not ${table.name}`, expected: `-t ${place.table}` });
  } else if (place?.hooks) {
    const bad = [...hooks].filter((h) => !place.hooks?.includes(h));
    if (bad.length) {
      out.push({ severity: 'error', rule, column: col, code: 'target-hook', message: `${name} is not allowed in ${bad.join(', ')} (chain ${rule.chain} is reached from ${[...hooks].join(', ')})`, expected: `a chain reached only from ${place.hooks.join(' or ')}` });
    }
  }
  const proto = rule.spec.proto;
  const protoIs = (nums: readonly number[]): boolean => !!proto && !proto.invert && nums.includes(proto.num);
  if (t.kind === 'TPROXY' && !protoIs([6, 17])) {
    out.push({ severity: 'error', rule, column: col, code: 'target-needs-protocol', message: 'TPROXY can only be used with -p tcp or -p udp', expected: '-p tcp or -p udp' });
  }
  if (t.kind === 'REJECT' && t.with === 'tcp-reset' && !protoIs([6])) {
    out.push({ severity: 'error', rule, column: col, code: 'target-needs-protocol', message: '--reject-with tcp-reset is only valid with -p tcp', expected: '-p tcp' });
  }
  const ports = (t.kind === 'DNAT' || t.kind === 'SNAT') ? t.range.minPort !== undefined : (t.kind === 'MASQUERADE' || t.kind === 'REDIRECT') ? t.minPort !== undefined : false;
  if (ports && !protoIs(PORT_PROTOS)) {
    out.push({ severity: 'error', rule, column: col, code: 'target-needs-protocol', message: `${name} with a port needs -p tcp, udp, sctp, dccp or udplite`, expected: '-p tcp or -p udp' });
  }
}

/** Every issue the kernel (or iptables) would refuse the table for, located at the rule part. */
export function validateTable(table: NfTable): RuleIssue[] {
  const out: RuleIssue[] = [];
  const hooks = chainHooks(table);
  for (const c of table.chains) {
    const hs = hooks.get(c.name) ?? new Set<Hook>();
    for (const rule of c.rules) {
      if (c.builtin) {
        if (rule.spec.inIface && (c.name === 'OUTPUT' || c.name === 'POSTROUTING')) {
          out.push({ severity: 'error', rule, column: rule.cols.inIface ?? 1, code: 'iface-hook', message: `Can't use -i with ${c.name}`, expected: '-o, or no interface' });
        }
        if (rule.spec.outIface && (c.name === 'PREROUTING' || c.name === 'INPUT')) {
          out.push({ severity: 'error', rule, column: rule.cols.outIface ?? 1, code: 'iface-hook', message: `Can't use -o with ${c.name}`, expected: '-i, or no interface' });
        }
      }
      rule.spec.matches.forEach((m, i) => matchIssues(m, i, rule, hs, out));
      targetIssues(rule, table, hs, out);
    }
  }
  const loop = findJumpLoop(table);
  if (loop) {
    out.push({ severity: 'error', rule: loop, column: loop.cols.target ?? 1, code: 'jump-loop', message: `jump from ${loop.chain} closes a loop of chains (the kernel refuses it: ELOOP)`, expected: 'chains that do not jump back into themselves' });
  }
  return out;
}
