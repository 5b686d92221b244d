// NodeResourcesFit (filter + LeastAllocated score), NodeResourcesBalancedAllocation and NodePorts
// (pkg/scheduler/framework/plugins/noderesources fit.go, least_allocated.go, balanced_allocation.go,
// resource_allocation.go; nodeports/node_ports.go).
// - Fit: one more pod than allocatable pods is "Too many pods"; a request larger than what is left
//   of allocatable is "Insufficient cpu"/"Insufficient memory" (every failing resource is a reason).
//   Only resources the pod requests are checked.
// - LeastAllocated: per resource (cap - req)·100/cap in integer arithmetic, 0 when over capacity or
//   when the node has none, averaged over cpu and memory (weight 1 each); req is the node's
//   NonZeroRequested plus the pod's non-zero request.
// - BalancedAllocation: fractions of real requests (node's + pod's) over allocatable, capped at 1,
//   score (1 - |f_cpu - f_mem|/2)·100 truncated; newer releases skip pods that request nothing.
// - NodePorts: a hostPort conflicts when protocol and port are equal and either address is 0.0.0.0
//   or both are the same.
import type { NodeInfo, PodInfo } from './cluster.js';
import { MAX_NODE_SCORE, REASON } from './profiles.js';

export function fitReasons(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.pods.length + 1 > node.allocatable.pods) reasons.push(REASON.tooManyPods);
  if (pod.requests.cpu > 0 && pod.requests.cpu > node.allocatable.cpu - node.requested.cpu) reasons.push(REASON.insufficient('cpu'));
  if (pod.requests.memory > 0 && pod.requests.memory > node.allocatable.memory - node.requested.memory) reasons.push(REASON.insufficient('memory'));
  return reasons;
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = leastRequested(node.nonZeroRequested.cpu + pod.nonZero.cpu, node.allocatable.cpu);
  const mem = leastRequested(node.nonZeroRequested.memory + pod.nonZero.memory, node.allocatable.memory);
  return Math.trunc((cpu + mem) / 2);
}

export function isBestEffort(pod: PodInfo): boolean {
  return pod.requests.cpu === 0 && pod.requests.memory === 0;
}

export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const fractions: number[] = [];
  const pairs: [number, number][] = [
    [node.requested.cpu + pod.requests.cpu, node.allocatable.cpu],
    [node.requested.memory + pod.requests.memory, node.allocatable.memory],
  ];
  for (const [req, cap] of pairs) {
    if (cap === 0) continue;
    fractions.push(Math.min(1, req / cap));
  }
  const std = fractions.length === 2 ? Math.abs(((fractions[0] as number) - (fractions[1] as number)) / 2) : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export function hostPortConflict(pod: PodInfo, node: NodeInfo): boolean {
  for (const want of pod.hostPorts) {
    for (const other of node.pods) {
      for (const used of other.hostPorts) {
        if (used.protocol !== want.protocol || used.port !== want.port) continue;
        if (used.ip === '0.0.0.0' || want.ip === '0.0.0.0' || used.ip === want.ip) return true;
      }
    }
  }
  return false;
}
