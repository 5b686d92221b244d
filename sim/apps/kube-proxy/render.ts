// renderKubeProxyRules: kube-proxy's iptables rules for one node, as text in one of three forms.
// - 'kube-proxy': the restore payload sorted the way upstream's tests print their expected dumps;
// - 'restore': the payload in syncProxyRules' write order (what `iptables-restore --noflush` gets);
// - 'iptables-save': the node's tables afterwards as `iptables-save` prints them, including the
//   built-in chains with kube-proxy's jump rules and the empty KUBE-PROXY-CANARY chains.
//
// Installing on a node that already has rules (a CNI's, the distribution's): kube-proxy never
// flushes built-in chains. The restore payload (`--noflush`) only replaces the chains it declares
// with `:CHAIN - [0:0]`; the jumps from INPUT, FORWARD, OUTPUT, PREROUTING and POSTROUTING are
// added one by one with `iptables -C` then `iptables -I <chain> 1` (EnsureRule Prepend) when
// missing, so on a fresh node they sit above whatever was there, in the reverse of JUMP_RULES;
// kubelet's `-j KUBE-FIREWALL` jumps, usually present already, stay where they were; rules other
// agents insert at position 1 later end up above kube-proxy's. `nodeJumpRules` gives that order.

import {
  BUILTIN_CHAINS,
  JUMP_RULES,
  KubeChain,
  jumpRuleArgs,
  type JumpRule,
} from './constants.js';
import { iptablesSaveRuleText } from './iptables-save-format.js';
import { groupByChain, sortTableLikeUpstreamTests } from './rule-order.js';
import { buildSyncPayload, type WrittenTable } from './sync-rules.js';
import type { KubeProxyInput, RenderedRule, RenderedRules, RenderOptions, TableName } from './types.js';

function restoreBlock(name: 'filter' | 'nat', table: WrittenTable, rules: RenderedRule[]): string {
  const lines = [`*${name}`, ...table.chains.map((c) => `:${c} - [0:0]`)];
  for (const r of table.rules) {
    const line = [`-A`, r.chain, ...r.args].join(' ');
    lines.push(line);
    rules.push({ table: name, chain: r.chain, args: r.args, line });
  }
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

/**
 * The jump rules of each built-in chain, top to bottom, after kube-proxy's first full sync on a
 * node whose built-in chains held none of them (other than kubelet's KUBE-FIREWALL jumps when
 * `kubeletFirewallJumpsFirst`).
 */
export function nodeJumpRules(kubeletFirewallJumpsFirst = true): Map<string, JumpRule[]> {
  const chains = new Map<string, JumpRule[]>();
  const key = (j: JumpRule): string => `${j.table}/${j.srcChain}`;
  if (kubeletFirewallJumpsFirst) {
    for (const j of JUMP_RULES) if (j.dstChain === KubeChain.FIREWALL) chains.set(key(j), [j]);
  }
  for (const j of JUMP_RULES) {
    const list = chains.get(key(j)) ?? [];
    if (!list.includes(j)) list.unshift(j);
    chains.set(key(j), list);
  }
  return chains;
}

function saveBlock(
  name: TableName,
  userChains: Iterable<string>,
  tableRules: readonly { chain: string; args: readonly string[] }[],
  jumps: Map<string, JumpRule[]>,
  rules: RenderedRule[],
): string {
  const builtins: readonly string[] = BUILTIN_CHAINS[name];
  // libiptc and iptables-nft keep user-defined chains sorted by name (strcmp).
  const user = [...new Set(userChains)].filter((c) => !builtins.includes(c)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = [`*${name}`, ...builtins.map((c) => `:${c} ACCEPT [0:0]`), ...user.map((c) => `:${c} - [0:0]`)];
  const emit = (chain: string, args: readonly string[]): void => {
    const line = `-A ${chain}${iptablesSaveRuleText(args)}`;
    lines.push(line);
    rules.push({ table: name, chain, args, line });
  };
  for (const chain of builtins) for (const j of jumps.get(`${name}/${chain}`) ?? []) emit(chain, jumpRuleArgs(j));
  const byChain = groupByChain(tableRules);
  for (const chain of user) for (const r of byChain.get(chain) ?? []) emit(chain, r.args);
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

export function renderKubeProxyRules(input: KubeProxyInput, opts: RenderOptions = {}): RenderedRules {
  const order = opts.order ?? 'kube-proxy';
  const payload = buildSyncPayload(input, order === 'iptables-save' ? undefined : opts.masqueradeMarkText);
  const rules: RenderedRule[] = [];

  if (order === 'restore' || order === 'kube-proxy') {
    const filterTable = order === 'restore' ? payload.filter : sortTableLikeUpstreamTests(payload.filter, 'filter');
    const natTable = order === 'restore' ? payload.nat : sortTableLikeUpstreamTests(payload.nat, 'nat');
    const filter = restoreBlock('filter', filterTable, rules);
    const nat = restoreBlock('nat', natTable, rules);
    return { filter, nat, text: filter + nat, rules };
  }

  // Rules within a chain keep the order of the sorted form (services by name).
  const filterTable = sortTableLikeUpstreamTests(payload.filter, 'filter');
  const natTable = sortTableLikeUpstreamTests(payload.nat, 'nat');
  const jumps = nodeJumpRules(opts.kubeletFirewallJumpsFirst ?? true);
  // Chains that exist even when the payload leaves them empty: EnsureChain for every jump
  // target, and the canary iptables.Monitor creates in mangle, nat and filter.
  const ensured = (table: 'filter' | 'nat'): string[] => JUMP_RULES.filter((j) => j.table === table).map((j) => j.dstChain);
  const mangle = saveBlock('mangle', [KubeChain.PROXY_CANARY], [], jumps, rules);
  const filter = saveBlock('filter', [...ensured('filter'), ...filterTable.chains, KubeChain.PROXY_CANARY], filterTable.rules, jumps, rules);
  const nat = saveBlock('nat', [...ensured('nat'), ...natTable.chains, KubeChain.PROXY_CANARY], natTable.rules, jumps, rules);
  // iptables-nft-save prints tables in the order mangle, (security, raw,) filter, nat.
  return { mangle, filter, nat, text: mangle + filter + nat, rules };
}
