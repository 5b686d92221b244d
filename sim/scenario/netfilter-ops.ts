// Binds a host's iptables ruleset to the walker (sim/net/stack/host.ts NetfilterOps) and decides
// whether nf_conntrack is active in the namespace: it is registered per namespace only when
// something needs it (the nat table, or a stateful match or target).

import { HOOKS, type Hook, type Table } from '../net/netfilter/api.js';
import { getTable, allRules, type Ruleset } from '../net/netfilter/ruleset.js';
import { builtinChain, chainsByName, runChain, runTable } from '../net/netfilter/run-table.js';
import type { BuiltinChain, NetfilterOps } from '../net/stack/host.js';

export function makeNetfilterOps(ruleset: Ruleset): NetfilterOps {
  // The ruleset is an immutable value (a change makes a new one and new ops): which tables exist
  // and their built-in chains (with every chain of the table by name) are known once.
  const tables = new Set<Table>(ruleset.tables.map((t) => t.name));
  const builtins = new Map<Table, Map<Hook, BuiltinChain>>();
  for (const t of ruleset.tables) {
    if (builtins.has(t.name)) continue; // the first table of a name is the one that runs
    const chains = chainsByName(t);
    const byHook = new Map<Hook, BuiltinChain>();
    for (const hook of HOOKS) {
      const chain = builtinChain(ruleset, t.name, hook);
      if (chain) byHook.set(hook, { chain, chains });
    }
    builtins.set(t.name, byHook);
  }
  const builtin = (t: Table, hook: Hook): BuiltinChain | undefined => builtins.get(t)?.get(hook);
  return {
    has: (t: Table) => tables.has(t),
    run: (t, hook, env, opts) => {
      const b = builtin(t, hook);
      return b ? runChain(b.chains, t, b.chain, env, opts) : runTable(ruleset, t, hook, env, opts);
    },
    policyOnly: (t, hook) => {
      const c = builtin(t, hook)?.chain;
      return c && c.rules.length === 0 ? c : undefined;
    },
    plans: undefined,
    builtin,
  };
}

const STATEFUL_MATCHES = new Set(['conntrack', 'state', 'connmark']);
const STATEFUL_TARGETS = new Set(['CONNMARK', 'CT', 'NOTRACK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT']);

export function needsConntrack(ruleset: Ruleset): boolean {
  if (getTable(ruleset, 'nat')) return true;
  for (const r of allRules(ruleset)) {
    if (r.spec.matches.some((m) => STATEFUL_MATCHES.has(m.kind))) return true;
    if (r.spec.target && STATEFUL_TARGETS.has(r.spec.target.kind)) return true;
  }
  return false;
}
