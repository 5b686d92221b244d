// The deterministic form of a kube-proxy restore payload that upstream's tests compare against
// (pkg/proxy/iptables/proxier_test.go sortIPTablesRules): tables by name; chains KUBE-NODEPORTS,
// KUBE-SERVICES, then other KUBE-* chains, then the rest, each group alphabetical; rules grouped
// by chain in that order, keeping their written order, except that the KUBE-NODEPORTS and
// KUBE-SERVICES chains are stably sorted by the service name in their comment (the nat
// KUBE-SERVICES "must be the last rule" rule staying last).

import { KubeChain } from './constants.js';
import type { WrittenRule, WrittenTable } from './sync-rules.js';

function compareChains(a: string, b: string): number {
  const rank = (c: string): number => (c === KubeChain.NODEPORTS ? 0 : c === KubeChain.SERVICES ? 1 : c.startsWith('KUBE-') ? 2 : 3);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The comment value of a rule (kube-proxy's own quotes removed), if it has one. */
export function ruleComment(args: readonly string[]): string | undefined {
  const i = args.indexOf('--comment');
  const v = i >= 0 ? args[i + 1] : undefined;
  if (v === undefined) return undefined;
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

/** The service name of a comment: everything before the first space or colon. */
function commentServiceName(args: readonly string[]): string | undefined {
  const c = ruleComment(args);
  if (c === undefined) return undefined;
  const i = c.search(/[ :]/);
  return i === -1 ? c : c.slice(0, i);
}

function byServiceName(a: WrittenRule, b: WrittenRule): number {
  const na = commentServiceName(a.args);
  const nb = commentServiceName(b.args);
  if (na === undefined || nb === undefined) return 0;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

const isLastRule = (r: WrittenRule): boolean => (ruleComment(r.args) ?? '').includes('must be the last rule');

export function sortTableLikeUpstreamTests(table: WrittenTable, tableName: 'filter' | 'nat'): WrittenTable {
  const chains = [...new Set(table.chains)].sort(compareChains);
  const byChain = groupByChain(table.rules);
  const rules: WrittenRule[] = [];
  for (const chain of chains) {
    const inChain = byChain.get(chain) ?? [];
    if (chain === KubeChain.NODEPORTS || (chain === KubeChain.SERVICES && tableName === 'filter')) {
      inChain.sort(byServiceName);
    } else if (chain === KubeChain.SERVICES) {
      inChain.sort((a, b) => {
        if (isLastRule(a)) return isLastRule(b) ? 0 : 1;
        if (isLastRule(b)) return -1;
        return byServiceName(a, b);
      });
    }
    rules.push(...inChain);
  }
  return { chains, rules };
}

export function groupByChain<R extends { readonly chain: string }>(rules: readonly R[]): Map<string, R[]> {
  const byChain = new Map<string, R[]>();
  for (const r of rules) {
    const list = byChain.get(r.chain);
    if (list) list.push(r);
    else byChain.set(r.chain, [r]);
  }
  return byChain;
}
