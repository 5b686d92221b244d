// Builders for scheduler inputs: the ICTSC cluster (master tainted, two workers) and terse pods.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabelSelector } from '../../../sim/model/k8s/label-selector.js';
import { parseManifests } from '../../../sim/parsers/k8s/index.js';
import { scheduleInputFromObjects } from '../../../sim/apps/scheduler/index.js';
import type { DaemonSetInput, DeploymentInput, NodeInput, PodSpecInput, PodAffinityTermInput, ScheduleInput } from '../../../sim/apps/scheduler/index.js';

export const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' } as const;
export const MASTER_TAINT = { key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' } as const;

export function ictscNodes(taint: { key: string; effect: 'NoSchedule' } = CONTROL_PLANE_TAINT): NodeInput[] {
  return [
    { name: 'master', labels: { 'kubernetes.io/hostname': 'master', [taint.key]: '' }, taints: [taint] },
    { name: 'worker01', labels: { 'kubernetes.io/hostname': 'worker01' } },
    { name: 'worker02', labels: { 'kubernetes.io/hostname': 'worker02' } },
  ];
}

export const sel = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels, matchExpressions: [] });
export const inSel = (key: string, ...values: string[]): LabelSelector => ({ matchLabels: {}, matchExpressions: [{ key, operator: 'In', values }] });
export const term = (labelSelector: LabelSelector, topologyKey = 'kubernetes.io/hostname', extra: Partial<PodAffinityTermInput> = {}): PodAffinityTermInput => ({ labelSelector, topologyKey, ...extra });

export function deployment(name: string, replicas: number, spec: Partial<PodSpecInput> = {}, opts: { namespace?: string; labels?: Record<string, string> } = {}): DeploymentInput {
  const labels = opts.labels ?? { app: name };
  return {
    kind: 'Deployment',
    namespace: opts.namespace ?? 'default',
    name,
    replicas,
    selector: sel(labels),
    template: { labels, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }] }], ...spec } },
  };
}

export function daemonSet(name: string, spec: Partial<PodSpecInput> = {}, namespace = 'kube-system'): DaemonSetInput {
  const labels = { app: name };
  return { kind: 'DaemonSet', namespace, name, selector: sel(labels), template: { labels, spec: { containers: [{ name: 'c' }], ...spec } } };
}

const SCENARIO = fileURLToPath(new URL('../../../topologies/ictsc2020-nodeport-source-ip/', import.meta.url));

/** The scenario's manifests (k8s/ plus the named step files) as scheduler input on the ICTSC nodes. */
export function ictscInput(files: readonly string[], nodes: NodeInput[] = ictscNodes()): ScheduleInput {
  const objects = files.flatMap((f) => {
    const parsed = parseManifests(readFileSync(SCENARIO + f, 'utf8'), { file: f });
    if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error(parsed.diagnostics.map((d) => d.message).join('\n'));
    return parsed.value;
  });
  return scheduleInputFromObjects(objects, { nodes });
}

export const placement = (pods: readonly { readonly nodeName?: string }[]) => pods.map((p) => p.nodeName ?? 'Pending');
