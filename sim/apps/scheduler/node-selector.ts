// Node selection as the NodeAffinity plugin and the DaemonSet controller evaluate it
// (k8s.io/component-helpers scheduling/corev1/nodeaffinity, k8s.io/apimachinery labels.Requirement):
// spec.nodeSelector (every label equal) AND the required nodeSelectorTerms (ORed; a term ANDs its
// matchExpressions and matchFields; an empty term matches nothing). NotIn and DoesNotExist match
// nodes without the key; Gt and Lt compare base-10 int64 values and fail when either is not one.
// matchFields supports metadata.name only.
import type { Labels } from '../../model/k8s/meta.js';
import type { AffinityInput, NodeSelectorRequirementInput, NodeSelectorTermInput, PodSpecInput } from './types.js';

export const OBJECT_NAME_FIELD = 'metadata.name';
const INT64 = /^[+-]?\d+$/;

function asInt(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const v = BigInt(s);
  return v > 9223372036854775807n || v < -9223372036854775808n ? undefined : v;
}

export function matchesNodeRequirement(r: NodeSelectorRequirementInput, set: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(set, r.key);
  const val = set[r.key];
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return has && values.includes(val as string);
    case 'NotIn': return !has || !values.includes(val as string);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const l = asInt(val as string);
      const w = asInt(values[0] as string);
      if (l === undefined || w === undefined) return false;
      return r.operator === 'Gt' ? l > w : l < w;
    }
  }
}

function isEmptyTerm(t: NodeSelectorTermInput): boolean {
  return (t.matchExpressions ?? []).length === 0 && (t.matchFields ?? []).length === 0;
}

export function matchesNodeSelectorTerm(t: NodeSelectorTermInput, node: { readonly name: string; readonly labels: Labels }): boolean {
  if (isEmptyTerm(t)) return false;
  const fields: Labels = { [OBJECT_NAME_FIELD]: node.name };
  for (const r of t.matchExpressions ?? []) if (!matchesNodeRequirement(r, node.labels)) return false;
  for (const r of t.matchFields ?? []) {
    // Validation admits metadata.name only; any other field selects nothing.
    if (r.key !== OBJECT_NAME_FIELD || !matchesNodeRequirement(r, fields)) return false;
  }
  return true;
}

/** RequiredNodeAffinity.Match: nodeSelector and required node affinity. */
export function matchesRequiredNodeAffinity(spec: Pick<PodSpecInput, 'nodeSelector' | 'affinity'>, node: { readonly name: string; readonly labels: Labels }): boolean {
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (node.labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.required;
  if (required === undefined) return true;
  return required.some((t) => matchesNodeSelectorTerm(t, node));
}

/** NodeAffinity PreFilter: node names pinned by `metadata.name In` fields in every term, or undefined. */
export function pinnedNodeNames(affinity: AffinityInput | undefined): ReadonlySet<string> | undefined {
  const terms = affinity?.nodeAffinity?.required;
  if (terms === undefined || terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames === undefined ? s : new Set([...termNames].filter((x) => s.has(x)));
    }
    // A term without a name requirement admits every node: the terms are ORed.
    if (termNames === undefined) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}
