// apps/v1 Deployment and DaemonSet: decoding, defaulting (pkg/apis/apps/v1/defaults.go: replicas 1,
// RollingUpdate) and validation (pkg/apis/apps/validation: selector required and non-empty, matching
// the template's labels; template restartPolicy Always).
import type { LabelSelector } from '../../model/k8s/label-selector.js';
import { isEmptySelector, matchesSelector } from '../../model/k8s/label-selector.js';
import type { ObjectBase } from '../../model/k8s/meta.js';
import type { DaemonSet, Deployment } from '../../model/k8s/workload.js';
import { decodeSelector } from './common.js';
import { decodeTemplate } from './pod-spec.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, get, int, invalid, required, str, unsupported } from './reader.js';
import type { PodTemplateSpec } from '../../model/k8s/pod.js';

const DEPLOYMENT_SPEC = ['minReadySeconds', 'paused', 'progressDeadlineSeconds', 'replicas', 'revisionHistoryLimit', 'selector', 'strategy', 'template'] as const;
const DAEMONSET_SPEC = ['minReadySeconds', 'revisionHistoryLimit', 'selector', 'template', 'updateStrategy'] as const;
const STATUS = ['availableReplicas', 'collisionCount', 'conditions', 'observedGeneration', 'readyReplicas', 'replicas', 'terminatingReplicas', 'unavailableReplicas', 'updatedReplicas',
  'currentNumberScheduled', 'desiredNumberScheduled', 'numberAvailable', 'numberMisscheduled', 'numberReady', 'numberUnavailable', 'updatedNumberScheduled'] as const;

function selectorAndTemplate(ctx: Ctx, root: YMap, m: YMap | undefined): { selector: LabelSelector; template: PodTemplateSpec } {
  const selV = get(m, 'selector');
  const selector = decodeSelector(ctx, selV, 'spec.selector') ?? { matchLabels: {}, matchExpressions: [] };
  if (!selV) required(ctx, m?.pos ?? root.pos, 'spec.selector');
  else if (isEmptySelector(selector)) invalid(ctx, selV.pos, 'spec.selector', {}, 'empty selector is invalid for deployment');
  const template = decodeTemplate(ctx, get(m, 'template'), 'spec.template', m ?? root);
  if (selV && !isEmptySelector(selector) && !matchesSelector(selector, template.labels)) {
    invalid(ctx, get(m, 'template')?.pos ?? selV.pos, 'spec.template.metadata.labels', template.labels, '`selector` does not match template `labels`');
  }
  if (template.spec.restartPolicy !== 'Always') unsupported(ctx, get(m, 'template')?.pos ?? root.pos, 'spec.template.spec.restartPolicy', template.spec.restartPolicy, ['Always']);
  return { selector, template };
}

export function decodeDeployment(ctx: Ctx, root: YMap, base: ObjectBase): Deployment {
  const m = asMap(ctx, get(root, 'spec'), 'spec', DEPLOYMENT_SPEC);
  asMap(ctx, get(root, 'status'), 'status', STATUS);
  const replicas = int(ctx, m, 'spec', 'replicas') ?? 1;
  if (replicas < 0) invalid(ctx, get(m, 'replicas')?.pos ?? root.pos, 'spec.replicas', replicas, 'must be greater than or equal to 0');
  const strat = asMap(ctx, get(m, 'strategy'), 'spec.strategy', ['type', 'rollingUpdate']);
  const st = str(ctx, strat, 'spec.strategy', 'type') ?? 'RollingUpdate';
  const strategy = st === 'Recreate' ? 'Recreate' : 'RollingUpdate';
  if (st !== 'Recreate' && st !== 'RollingUpdate') unsupported(ctx, get(strat, 'type')?.pos ?? root.pos, 'spec.strategy.type', st, ['Recreate', 'RollingUpdate']);
  return { ...base, kind: 'Deployment', spec: { replicas, ...selectorAndTemplate(ctx, root, m), strategy } };
}

export function decodeDaemonSet(ctx: Ctx, root: YMap, base: ObjectBase): DaemonSet {
  const m = asMap(ctx, get(root, 'spec'), 'spec', DAEMONSET_SPEC);
  asMap(ctx, get(root, 'status'), 'status', STATUS);
  const us = asMap(ctx, get(m, 'updateStrategy'), 'spec.updateStrategy', ['type', 'rollingUpdate']);
  const t = str(ctx, us, 'spec.updateStrategy', 'type') ?? 'RollingUpdate';
  if (t !== 'OnDelete' && t !== 'RollingUpdate') unsupported(ctx, get(us, 'type')?.pos ?? root.pos, 'spec.updateStrategy.type', t, ['OnDelete', 'RollingUpdate']);
  return { ...base, kind: 'DaemonSet', spec: { ...selectorAndTemplate(ctx, root, m), updateStrategy: t === 'OnDelete' ? 'OnDelete' : 'RollingUpdate' } };
}
