// Binds a host's iptables ruleset to the walker (sim/net/stack/host.ts NetfilterOps) and decides
// whether nf_conntrack is active in the namespace: it is registered per namespace only when
// something needs it (the nat table, or a stateful match or target).

import type { Table } from '../net/netfilter/api.js';
import { getTable, allRules, type Ruleset } from '../net/netfilter/ruleset.js';
import { builtinChain, chainsByName, runChain, runTable } from '../net/netfilter/run-table.js';
import type { NetfilterOps } from '../net/stack/host.js';
import { HOOKS, type Hook } from '../net/netfilter/api.js';
import type { NfChain } from '../net/netfilter/ruleset.js';

export function makeNetfilterOps(ruleset: Ruleset): NetfilterOps {
  // The ruleset is an immutable value (a change makes a new one and new ops): which tables exist,
  // their built-in chains, and which of those hold no rule are known once.
  const tables = new Set<Table>(ruleset.tables.map((t) => t.name));
  const chains = new Map<Table, Map<Hook, NfChain>>();
  const byName = new Map<Table, ReadonlyMap<string, NfChain>>();
  for (const t of ruleset.tables) if (!byName.has(t.name)) byName.set(t.name, chainsByName(t));
  const policyOnly = new Map<Table, Map<Hook, NfChain>>();
  for (const t of tables) {
    const all = new Map<Hook, NfChain>();
    const empty = new Map<Hook, NfChain>();
    for (const hook of HOOKS) {
      const c = builtinChain(ruleset, t, hook);
      if (!c) continue;
      all.set(hook, c);
      if (c.rules.length === 0) empty.set(hook, c);
    }
    chains.set(t, all);
    policyOnly.set(t, empty);
  }
  return {
    has: (t: Table) => tables.has(t),
    run: (t, hook, env, opts) => {
      const c = chains.get(t)?.get(hook);
      const names = byName.get(t);
      return c && names ? runChain(names, t, c, env, opts) : runTable(ruleset, t, hook, env, opts);
    },
    policyOnly: (t, hook) => policyOnly.get(t)?.get(hook),
    plans: undefined,
    builtin: (t, hook) => {
      const c = chains.get(t)?.get(hook);
      const names = byName.get(t);
      return c && names ? { chain: c, chains: names } : undefined;
    },
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
