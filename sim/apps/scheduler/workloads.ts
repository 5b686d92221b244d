// What the workload controllers hand the scheduler.
// - Deployment (pkg/controller/deployment): one ReplicaSet "<deployment>-<pod-template-hash>" whose
//   selector and pod labels gain pod-template-hash; the ReplicaSet controller creates `replicas` pods
//   named "<rs>-<5 chars>".
// - DaemonSet (pkg/controller/daemon daemon_controller.go NodeShouldRunDaemonPod, util/daemonset_util.go):
//   a node gets a daemon pod when the template's nodeName (if any) is that node, the template's
//   nodeSelector and required node affinity match it, and the pod, with the tolerations the
//   controller adds, tolerates its NoSchedule and NoExecute taints. Node.spec.unschedulable is not
//   checked (daemon pods tolerate node.kubernetes.io/unschedulable). Each pod is pinned with a
//   required node affinity `metadata.name In [<node>]` that replaces the template's required terms,
//   and the scheduler then places it (ScheduleDaemonSetPods, GA 1.17). Pods are labelled
//   controller-revision-hash and pod-template-generation.
import type { LabelSelectorRequirement } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { NodeInfo } from './cluster.js';
import { canonicalText, computeHash, podTemplateHash } from './names.js';
import { utf8 } from '../../core/utf8.js';
import { matchesRequiredNodeAffinity, OBJECT_NAME_FIELD } from './node-selector.js';
import { findUntoleratedTaint } from './tolerations.js';
import type { SpreadSelector } from './topology-spread.js';
import type { AffinityInput, DaemonSetInput, DeploymentInput, PodSpecInput, ServiceSelectorInput, TolerationInput } from './types.js';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** util.AddOrUpdateDaemonPodTolerations, in the order the controller adds them. */
export function daemonPodTolerations(hostNetwork: boolean): TolerationInput[] {
  const t = (key: string, effect: 'NoSchedule' | 'NoExecute'): TolerationInput => ({ key: `node.kubernetes.io/${key}`, operator: 'Exists', effect });
  const out = [t('not-ready', 'NoExecute'), t('unreachable', 'NoExecute'), t('disk-pressure', 'NoSchedule'), t('memory-pressure', 'NoSchedule'), t('pid-pressure', 'NoSchedule'), t('unschedulable', 'NoSchedule')];
  if (hostNetwork) out.push(t('network-unavailable', 'NoSchedule'));
  return out;
}

function sameToleration(a: TolerationInput, b: TolerationInput): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && a.effect === b.effect;
}

export function withDaemonTolerations(spec: PodSpecInput): PodSpecInput {
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of daemonPodTolerations(spec.hostNetwork ?? false)) if (!tolerations.some((x) => sameToleration(x, t))) tolerations.push(t);
  return { ...spec, tolerations };
}

/** util.ReplaceDaemonSetPodNodeNameNodeAffinity */
export function pinToNode(affinity: AffinityInput | undefined, nodeName: string): AffinityInput {
  const term = { matchFields: [{ key: OBJECT_NAME_FIELD, operator: 'In' as const, values: [nodeName] }] };
  return { ...(affinity ?? {}), nodeAffinity: { ...(affinity?.nodeAffinity ?? {}), required: [term] } };
}

export function nodeShouldRunDaemonPod(ds: DaemonSetInput, node: NodeInfo): boolean {
  const spec = withDaemonTolerations(ds.template.spec);
  if (spec.nodeName !== undefined && spec.nodeName !== node.name) return false;
  if (!matchesRequiredNodeAffinity(spec, node)) return false;
  return findUntoleratedTaint(node.taints, spec.tolerations ?? [], ['NoSchedule', 'NoExecute']) === undefined;
}

export function daemonPodSpec(ds: DaemonSetInput, nodeName: string): PodSpecInput {
  const spec = withDaemonTolerations(ds.template.spec);
  return { ...spec, affinity: pinToNode(spec.affinity, nodeName) };
}

export function daemonPodLabels(ds: DaemonSetInput): Labels {
  // The ControllerRevision hash is fnv32a over the revision's JSON patch upstream; hoplab hashes its
  // canonical template text (same alphabet, not the cluster's value).
  const revision = computeHash(utf8(canonicalText({ daemonset: ds.name, template: ds.template })));
  return { ...ds.template.labels, [CONTROLLER_REVISION_HASH_LABEL]: revision, [POD_TEMPLATE_GENERATION_LABEL]: '1' };
}

export function deploymentHash(d: DeploymentInput): { hash: string; source: 'given' | 'computed' } {
  if (d.podTemplateHash !== undefined) return { hash: d.podTemplateHash, source: 'given' };
  return { hash: podTemplateHash(d.template, d.collisionCount), source: 'computed' };
}

function selectorRequirements(sel: { readonly matchLabels: Labels; readonly matchExpressions: readonly LabelSelectorRequirement[] }): LabelSelectorRequirement[] {
  return [...Object.entries(sel.matchLabels).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })), ...sel.matchExpressions];
}

/**
 * helper.DefaultSelector: the merged selectors of the Services in the pod's namespace that select it
 * (a Service without a selector selects nothing), ANDed with the owning ReplicaSet's selector.
 */
export function defaultSpreadSelector(namespace: string, labels: Labels, services: readonly ServiceSelectorInput[], replicaSetSelector?: DeploymentInput['selector'] & { readonly hash: string }): SpreadSelector {
  const merged: Record<string, string> = {};
  for (const s of services) {
    if (s.namespace !== namespace || Object.keys(s.selector).length === 0) continue;
    if (Object.entries(s.selector).every(([k, v]) => labels[k] === v)) Object.assign(merged, s.selector);
  }
  const reqs = selectorRequirements({ matchLabels: merged, matchExpressions: [] });
  if (replicaSetSelector) {
    reqs.push(...selectorRequirements({ matchLabels: { ...replicaSetSelector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: replicaSetSelector.hash }, matchExpressions: replicaSetSelector.matchExpressions }));
  }
  return reqs;
}
