// metav1.LabelSelector and its matching rules (k8s.io/apimachinery pkg/apis/meta/v1 types.go,
// LabelSelectorAsSelector): matchLabels AND every matchExpression; an empty selector matches
// everything. NotIn and DoesNotExist match objects that lack the key.
import type { Labels } from './meta.js';

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly LabelSelectorRequirement[];
}

export const EMPTY_SELECTOR: LabelSelector = { matchLabels: {}, matchExpressions: [] };

export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

export function matchesSelector(s: LabelSelector, labels: Labels): boolean {
  for (const [k, v] of Object.entries(s.matchLabels)) if (labels[k] !== v) return false;
  for (const r of s.matchExpressions) if (!matchesRequirement(r, labels)) return false;
  return true;
}

export function matchesRequirement(r: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.operator) {
    case 'In': return has && r.values.includes(labels[r.key] as string);
    case 'NotIn': return !has || !r.values.includes(labels[r.key] as string);
    case 'Exists': return has;
    case 'DoesNotExist': return !has;
  }
}

/** `app=nginx,tier in (a,b),!legacy` as kubectl prints selectors; `<all>` for the empty one. */
export function formatSelector(s: LabelSelector): string {
  const parts: string[] = Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of s.matchExpressions) {
    switch (r.operator) {
      case 'In': parts.push(`${r.key} in (${r.values.join(',')})`); break;
      case 'NotIn': parts.push(`${r.key} notin (${r.values.join(',')})`); break;
      case 'Exists': parts.push(r.key); break;
      case 'DoesNotExist': parts.push(`!${r.key}`); break;
    }
  }
  return parts.length === 0 ? '<all>' : parts.join(',');
}
