// The cluster state NetworkPolicy is evaluated over: namespaces (with the API server's
// kubernetes.io/metadata.name label), pods (labels, IP, node, hostNetwork, container ports), nodes'
// addresses and the policies in force. Objects are keyed by namespace/name, so a later object with
// the same key replaces the earlier one, as `kubectl apply` of the same name does (the API server
// holds one object per name; e2e "should update policy" relies on it).
import type { Diagnostic, SourceLocation } from '../../core/diagnostics.js';
import { diag } from '../../core/diagnostics.js';
import type { IPv4 } from '../../core/ip.js';
import { parseIPv4, parseCidr } from '../../core/ip.js';
import type { ContainerPort } from '../../model/k8s/pod.js';
import type { Labels } from '../../model/k8s/meta.js';
import { formatLoc } from '../../model/k8s/meta.js';
import { namespaceLabels } from '../../model/k8s/namespace.js';
import type { NetworkPolicy } from '../../model/k8s/network-policy.js';
import type { K8sObject } from '../../model/k8s/objects.js';

export interface NetpolNamespace {
  readonly name: string;
  readonly labels: Labels;
  /** False when no Namespace object was loaded and the namespace is inferred from its pods/policies. */
  readonly declared: boolean;
  readonly loc?: SourceLocation;
}

export interface NetpolPod {
  /** `namespace/name` */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly ip?: IPv4;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  /** Every container's ports (named ports resolve against these). */
  readonly ports: readonly ContainerPort[];
  readonly loc?: SourceLocation;
}

export interface NetpolCluster {
  readonly namespaces: ReadonlyMap<string, NetpolNamespace>;
  readonly pods: readonly NetpolPod[];
  /** One per namespace/name, in load order. */
  readonly policies: readonly NetworkPolicy[];
  /** Node name -> its addresses (InternalIP/ExternalIP, Calico's tunnel-address annotations, hostIPs of its pods). */
  readonly nodes: ReadonlyMap<string, readonly IPv4[]>;
}

/** Node annotations Calico writes with the node's own and tunnel addresses. */
const CALICO_ADDRESS_ANNOTATIONS = [
  'projectcalico.org/IPv4Address', 'projectcalico.org/IPv4IPIPTunnelAddr', 'projectcalico.org/IPv4VXLANTunnelAddr', 'projectcalico.org/IPv4WireguardInterfaceAddr',
] as const;

export function buildCluster(objects: readonly K8sObject[]): { cluster: NetpolCluster; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const namespaces = new Map<string, NetpolNamespace>();
  const pods = new Map<string, NetpolPod>();
  const policies = new Map<string, NetworkPolicy>();
  const nodes = new Map<string, IPv4[]>();
  const addNodeAddr = (node: string, ip: IPv4 | undefined) => {
    if (ip === undefined) return;
    const l = nodes.get(node) ?? [];
    if (!l.includes(ip)) l.push(ip);
    nodes.set(node, l);
  };
  const replaced = (kind: string, key: string, now: SourceLocation, before: SourceLocation | undefined) => {
    diagnostics.push(diag('info', now, `${kind} ${key} replaces the one at ${before ? formatLoc(before) : 'an earlier location'} (one object per namespace/name, as the API server keeps)`, { code: 'replaced' }));
  };
  for (const o of objects) {
    switch (o.kind) {
      case 'Namespace': {
        const prev = namespaces.get(o.metadata.name);
        if (prev?.declared) replaced('Namespace', o.metadata.name, o.loc, prev.loc);
        namespaces.set(o.metadata.name, { name: o.metadata.name, labels: namespaceLabels(o.metadata.name, o.metadata.labels), declared: true, loc: o.loc });
        break;
      }
      case 'Pod': {
        const ns = o.metadata.namespace ?? 'default';
        const key = `${ns}/${o.metadata.name}`;
        if (pods.has(key)) replaced('Pod', key, o.loc, pods.get(key)?.loc);
        const pod: { -readonly [K in keyof NetpolPod]: NetpolPod[K] } = {
          key, namespace: ns, name: o.metadata.name, labels: o.metadata.labels, hostNetwork: o.spec.hostNetwork,
          ports: o.spec.containers.flatMap((c) => c.ports), loc: o.loc,
        };
        if (o.status.podIP !== undefined) pod.ip = o.status.podIP;
        if (o.spec.nodeName !== undefined) {
          pod.nodeName = o.spec.nodeName;
          addNodeAddr(o.spec.nodeName, o.status.hostIP);
        }
        pods.delete(key);
        pods.set(key, pod);
        break;
      }
      case 'NetworkPolicy': {
        const key = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
        const prev = policies.get(key);
        if (prev) replaced('NetworkPolicy', key, o.loc, prev.loc);
        policies.set(key, o);
        break;
      }
      case 'Node': {
        for (const a of o.status.addresses) if (a.type === 'InternalIP' || a.type === 'ExternalIP') addNodeAddr(o.metadata.name, parseIPv4(a.address));
        for (const k of CALICO_ADDRESS_ANNOTATIONS) {
          const v = o.metadata.annotations[k];
          if (v !== undefined) addNodeAddr(o.metadata.name, parseCidr(v.split('/')[0] ?? '')?.addr);
        }
        if (!nodes.has(o.metadata.name)) nodes.set(o.metadata.name, []);
        break;
      }
      default: break;
    }
  }
  const ensureNs = (ns: string, loc: SourceLocation | undefined) => {
    if (namespaces.has(ns)) return;
    namespaces.set(ns, { name: ns, labels: namespaceLabels(ns, {}), declared: false });
    if (loc) diagnostics.push(diag('info', loc, `namespace ${ns} has no Namespace object; it is assumed to exist with only the label kubernetes.io/metadata.name=${ns}`, { code: 'implicit-namespace' }));
  };
  for (const p of pods.values()) ensureNs(p.namespace, p.loc);
  for (const p of policies.values()) ensureNs(p.metadata.namespace ?? 'default', p.loc);
  return { cluster: { namespaces, pods: [...pods.values()], policies: [...policies.values()], nodes }, diagnostics };
}

/** Applies (creates or replaces by namespace/name) a policy. */
export function withPolicy(c: NetpolCluster, p: NetworkPolicy): NetpolCluster {
  const key = policyKey(p);
  const i = c.policies.findIndex((q) => policyKey(q) === key);
  const policies = i < 0 ? [...c.policies, p] : c.policies.map((q, j) => (j === i ? p : q));
  const ns = p.metadata.namespace ?? 'default';
  const namespaces = c.namespaces.has(ns) ? c.namespaces : new Map([...c.namespaces, [ns, { name: ns, labels: namespaceLabels(ns, {}), declared: false }]]);
  return { ...c, namespaces, policies };
}

export function withoutPolicy(c: NetpolCluster, key: string): NetpolCluster {
  return { ...c, policies: c.policies.filter((q) => policyKey(q) !== key) };
}

/** Sets a namespace's labels; the API server keeps kubernetes.io/metadata.name = name regardless. */
export function withNamespaceLabels(c: NetpolCluster, ns: string, labels: Labels): NetpolCluster {
  const prev = c.namespaces.get(ns);
  const next: NetpolNamespace = { ...(prev ?? { name: ns, declared: false }), labels: namespaceLabels(ns, labels) };
  return { ...c, namespaces: new Map([...c.namespaces, [ns, next]]) };
}

export function withPodLabels(c: NetpolCluster, podKey: string, labels: Labels): NetpolCluster {
  return { ...c, pods: c.pods.map((p) => (p.key === podKey ? { ...p, labels } : p)) };
}

export function policyKey(p: NetworkPolicy): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
}
