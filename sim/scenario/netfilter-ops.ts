// Binds a host's iptables ruleset to the walker (sim/net/stack/host.ts NetfilterOps) and decides
// whether nf_conntrack is active in the namespace: it is registered per namespace only when
// something needs it (the nat table, or a stateful match or target).

import type { Table } from '../net/netfilter/api.js';
import { getTable, allRules, type Ruleset } from '../net/netfilter/ruleset.js';
import { runTable } from '../net/netfilter/run-table.js';
import type { NetfilterOps } from '../net/stack/host.js';

export function makeNetfilterOps(ruleset: Ruleset): NetfilterOps {
  return {
    has: (t: Table) => getTable(ruleset, t) !== undefined,
    run: (t, hook, env) => runTable(ruleset, t, hook, env),
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
