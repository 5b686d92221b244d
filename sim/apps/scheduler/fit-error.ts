// The message of a pod that fits no node, as kube-scheduler writes it into the PodScheduled
// condition and the FailedScheduling event (pkg/scheduler/framework/types.go FitError.Error,
// framework/preemption/preemption.go Evaluator.Preempt, plugins/defaultpreemption):
//   0/<all nodes> nodes are available: <n reason>, ... .[ <PostFilter messages>]
// Reasons are counted over nodes (a node with two reasons counts in both), printed "<n> <reason>",
// sorted as strings, joined ", ". A PreFilter rejection replaces the per-node part. The PostFilter
// part is DefaultPreemption's "preemption: " + the same histogram over the dry run: nodes rejected
// as UnschedulableAndUnresolvable "Preemption is not helpful for scheduling", the others (hoplab
// gives every pod the same priority, so nothing can be evicted) "No preemption victims found for
// incoming pod". Other PostFilter plugins' messages come first, joined with ", ".
import type { MessageProfile } from './profiles.js';
import { REASON } from './profiles.js';
import type { NodeVerdict } from './types.js';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** sort.Strings order (bytes; the reasons are ASCII). */
function goSort(xs: string[]): string[] {
  return xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function histogram(reasonLists: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const rs of reasonLists) for (const r of rs) counts.set(r, (counts.get(r) ?? 0) + 1);
  return goSort([...counts].map(([r, n]) => `${n} ${r}`));
}

export function fitErrorMessage(numAllNodes: number, failed: readonly NodeVerdict[], profile: MessageProfile, preFilterMsg?: string): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg !== undefined) msg += ` ${preFilterMsg}.`;
  else {
    const h = histogram(failed.map((v) => v.reasons));
    if (h.length > 0) msg += ` ${h.join(', ')}.`;
  }
  if (!profile.preemptionSuffix) return msg;
  const dryRun = histogram(failed.map((v) => [v.code === 'Unschedulable' ? REASON.noVictims : REASON.preemptionNotHelpful]));
  const preemption = `preemption: 0/${numAllNodes} nodes are available: ${dryRun.join(', ')}.`;
  return `${msg} ${[...profile.postFilterPrefix, preemption].join(', ')}`;
}
