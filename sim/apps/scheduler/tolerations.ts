// Taints and tolerations (k8s.io/api core/v1 toleration.go ToleratesTaint,
// k8s.io/component-helpers scheduling/corev1 FindMatchingUntoleratedTaint): a toleration with an
// empty effect matches every effect, an empty key (operator Exists) every key; Equal compares values,
// Exists ignores them.
import type { TaintEffect } from '../../model/k8s/pod.js';
import type { TaintInput, TolerationInput } from './types.js';

export function toleratesTaint(t: TolerationInput, taint: TaintInput): boolean {
  if (t.effect !== undefined && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists': return true;
    case 'Equal': return (t.value ?? '') === (taint.value ?? '');
  }
}

export function tolerationsTolerateTaint(ts: readonly TolerationInput[], taint: TaintInput): boolean {
  return ts.some((t) => toleratesTaint(t, taint));
}

/** The first taint, in the node's order, with one of `effects` that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly TaintInput[], ts: readonly TolerationInput[], effects: readonly TaintEffect[]): TaintInput | undefined {
  return taints.find((taint) => effects.includes(taint.effect) && !tolerationsTolerateTaint(ts, taint));
}

/** TaintToleration Score: PreferNoSchedule taints not tolerated by tolerations of that (or any) effect. */
export function countIntolerablePreferNoSchedule(taints: readonly TaintInput[], ts: readonly TolerationInput[]): number {
  const relevant = ts.filter((t) => t.effect === undefined || t.effect === 'PreferNoSchedule');
  return taints.filter((taint) => taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(relevant, taint)).length;
}
