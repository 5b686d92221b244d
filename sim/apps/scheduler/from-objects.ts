// Builds the scheduler's input from parsed manifests (sim/parsers/k8s parseManifests): Nodes,
// Deployments and DaemonSets in manifest order, Pods that already name their node, Namespaces'
// labels and Services' selectors. What the shared model does not carry (node allocatable, container
// resource requests) can be added through `extras`.
import type { K8sObject } from '../../model/k8s/objects.js';
import type { Node } from '../../model/k8s/node.js';
import type { PodSpec } from '../../model/k8s/pod.js';
import type { BoundPodInput, NodeInput, PodSpecInput, ResourceRequests, ScheduleInput, WorkloadInput } from './types.js';

export interface ObjectsExtras {
  /** Node name -> status.allocatable. */
  readonly allocatable?: Readonly<Record<string, NonNullable<NodeInput['allocatable']>>>;
  /** "<namespace>/<workload name>/<container name>" -> resources.requests. */
  readonly requests?: Readonly<Record<string, ResourceRequests>>;
  /** Nodes given outside the manifests (e.g. from the topology file), used when no Node object names them. */
  readonly nodes?: readonly NodeInput[];
}

function specInput(spec: PodSpec, key: string, extras: ObjectsExtras): PodSpecInput {
  const withRequests = (cs: PodSpec['containers']) => cs.map((c) => {
    const r = extras.requests?.[`${key}/${c.name}`];
    return r === undefined ? c : { ...c, requests: r };
  });
  return { ...spec, containers: withRequests(spec.containers), initContainers: withRequests(spec.initContainers) };
}

function nodeInput(n: Node, extras: ObjectsExtras): NodeInput {
  const allocatable = extras.allocatable?.[n.metadata.name];
  return {
    name: n.metadata.name,
    labels: n.metadata.labels,
    taints: n.spec.taints,
    unschedulable: n.spec.unschedulable,
    ...(allocatable !== undefined ? { allocatable } : {}),
  };
}

export function scheduleInputFromObjects(objects: readonly K8sObject[], extras: ObjectsExtras = {}): ScheduleInput {
  const nodes: NodeInput[] = [];
  const workloads: WorkloadInput[] = [];
  const boundPods: BoundPodInput[] = [];
  const namespaces: Record<string, Record<string, string>> = {};
  const services: { namespace: string; name: string; selector: Record<string, string> }[] = [];
  for (const o of objects) {
    const ns = o.metadata.namespace ?? 'default';
    const key = `${ns}/${o.metadata.name}`;
    switch (o.kind) {
      case 'Node': nodes.push(nodeInput(o, extras)); break;
      case 'Namespace': namespaces[o.metadata.name] = { ...o.metadata.labels }; break;
      case 'Service':
        if (o.spec.selector !== undefined) services.push({ namespace: ns, name: o.metadata.name, selector: { ...o.spec.selector } });
        break;
      case 'Deployment':
        workloads.push({
          kind: 'Deployment',
          namespace: ns,
          name: o.metadata.name,
          replicas: o.spec.replicas,
          selector: o.spec.selector,
          template: { labels: o.spec.template.labels, annotations: o.spec.template.annotations, spec: specInput(o.spec.template.spec, key, extras) },
        });
        break;
      case 'DaemonSet':
        workloads.push({
          kind: 'DaemonSet',
          namespace: ns,
          name: o.metadata.name,
          selector: o.spec.selector,
          template: { labels: o.spec.template.labels, annotations: o.spec.template.annotations, spec: specInput(o.spec.template.spec, key, extras) },
        });
        break;
      case 'Pod':
        if (o.spec.nodeName !== undefined) {
          boundPods.push({ namespace: ns, name: o.metadata.name, labels: o.metadata.labels, nodeName: o.spec.nodeName, spec: specInput(o.spec, key, extras) });
        }
        break;
      default: break;
    }
  }
  const named = new Set(nodes.map((n) => n.name));
  for (const n of extras.nodes ?? []) if (!named.has(n.name)) nodes.push(n);
  return { nodes, workloads, boundPods, namespaces, services };
}
