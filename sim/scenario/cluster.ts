// The Kubernetes part of a scenario on the simulated hosts: manifests (and the step's apply /
// delete changes) -> scheduled pods (sim/apps/scheduler) -> Calico-style plumbing and addresses
// (sim/apps/cni) -> each node's kube-proxy rules, rendered by sim/apps/kube-proxy as iptables-save
// text and run by the netfilter engine -> NetworkPolicy at the CNI's enforcement point -> nginx in
// the pods and kube-proxy's healthCheckNodePort servers.

import { diag, type Diagnostic } from '../core/diagnostics.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../core/ip.js';
import type { World } from '../net/stack/world.js';
import { parseManifestFiles, parseManifests } from '../parsers/k8s/index.js';
import type { K8sObject, Service, Deployment, DaemonSet, ContainerPort, ConfigMap, PodSpec } from '../model/k8s/index.js';
import { matchesSelector } from '../model/k8s/index.js';
import { schedule, scheduleInputFromObjects, type ScheduledPod } from '../apps/scheduler/index.js';
import { assignPodAddresses } from '../apps/cni/plan.js';
import { installPolicyChain, plumbNode, plumbPod, policyDelegate, type CniNode, type CniPod } from '../apps/cni/calico.js';
import { buildCluster as buildNetpolCluster, indexCluster, type NetpolIndex, type NetpolPod } from '../apps/netpol/index.js';
import { renderKubeProxyRules, healthCheckResponse, healthCheckHttp, type KubeProxyInput, type ServicePortInfo, type ServicePortEndpoints } from '../apps/kube-proxy/index.js';
import { parseIptablesSave } from '../parsers/iptables-save/index.js';
import { cloneRuleset } from '../net/netfilter/ruleset.js';
import { deepFreeze, TextMemo } from '../core/memo.js';
import { officialImageModel } from '../apps/nginx/official-image.js';
import { startNginx, type NginxLogEntry } from '../apps/nginx/runtime.js';
import { tcpListen, tcpSend, tcpClose } from '../net/stack/tcp.js';
import type { HostSetup, ScenarioFiles } from './build.js';
import type { StepChange, Topology } from './topology.js';
import { wallClockMs } from '../core/clock.js';

export interface PlacedPod {
  readonly namespace: string;
  readonly name: string;
  readonly node?: string;
  readonly ip?: string;
  readonly phase: 'Running' | 'Pending';
  readonly message?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly image?: string;
}

export interface ClusterState {
  readonly objects: readonly K8sObject[];
  readonly pods: readonly PlacedPod[];
  readonly kubeProxy: ReadonlyMap<string, { readonly input: KubeProxyInput; readonly text: string; readonly file: string }>;
  readonly netpol?: NetpolIndex;
  readonly nginxLog: NginxLogEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface ClusterOptions {
  readonly noPolicy?: boolean;
}

// Pure parsers and generators whose results every world build of the same scenario repeats.
const manifestMemo = new TextMemo<ReturnType<typeof parseManifestFiles>>();
const kubeProxyMemo = new TextMemo<string>();
const rulesMemo = new TextMemo<ReturnType<typeof parseIptablesSave>>();

const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16); // 10.96.0.0/12, kubeadm's default

function objectKey(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The manifests folder plus the step's changes, as `kubectl apply -f` / `kubectl delete` leave the cluster. */
export function loadObjects(topo: Topology, files: ScenarioFiles, changes: readonly StepChange[]): { objects: K8sObject[]; diagnostics: Diagnostic[] } {
  const k = topo.kubernetes;
  const diagnostics: Diagnostic[] = [];
  if (!k) return { objects: [], diagnostics };
  const dir = k.manifests.replace(/\/+$/, '');
  const paths = files.list(dir).filter((f) => /\.ya?ml$/.test(f));
  if (paths.length === 0) diagnostics.push(diag('warning', k.loc, `no manifests (*.yaml) in ${dir}/`, { expected: 'Kubernetes YAML files' }));
  const texts = paths.map((p) => ({ file: p, text: files.read(p) ?? '' }));
  const parsed = manifestMemo.get(JSON.stringify(texts), () => deepFreeze(parseManifestFiles(texts)));
  diagnostics.push(...parsed.diagnostics);
  const byKey = new Map<string, K8sObject>();
  for (const o of parsed.value) byKey.set(objectKey(o), o);
  for (const c of changes) {
    if (c.kind === 'apply') {
      const text = files.read(c.path);
      if (text === undefined) { diagnostics.push(diag('error', c.loc, `missing file ${c.path}`, { expected: 'a manifest in the topology folder' })); continue; }
      const p = manifestMemo.get(JSON.stringify([c.path, text]), () => deepFreeze(parseManifests(text, { file: c.path })));
      diagnostics.push(...p.diagnostics);
      for (const o of p.value) byKey.set(objectKey(o), o);
    } else if (c.kind === 'delete') {
      const key = `${c.object.kind}/${c.object.namespace ?? (c.object.kind === 'Namespace' || c.object.kind === 'Node' ? '' : 'default')}/${c.object.name}`;
      if (!byKey.delete(key)) diagnostics.push(diag('error', c.loc, `kubectl delete: ${c.object.kind} ${c.object.name} not found`, { expected: 'an object the manifests create' }));
    }
  }
  return { objects: [...byKey.values()], diagnostics };
}

export function setupCluster(w: World, hosts: ReadonlyMap<string, HostSetup>, topo: Topology, files: ScenarioFiles, changes: readonly StepChange[], o: ClusterOptions = {}): ClusterState {
  const k = topo.kubernetes;
  const diagnostics: Diagnostic[] = [];
  const nginxLog: NginxLogEntry[] = [];
  if (!k) return { objects: [], pods: [], kubeProxy: new Map(), nginxLog, diagnostics };
  const loaded = loadObjects(topo, files, changes);
  diagnostics.push(...loaded.diagnostics);
  let objects = loaded.objects;
  if (o.noPolicy) objects = objects.filter((x) => x.kind !== 'NetworkPolicy');

  // Nodes, as the kubelet registers them from the topology's hosts.
  const nodes: CniNode[] = [];
  for (const name of k.nodes) {
    const s = hosts.get(name);
    const th = topo.hosts.find((h) => h.name === name);
    const uplink = th?.interfaces.find((i) => i.addresses.length > 0);
    const block = k.cni?.blocks[name];
    if (!s || !uplink || !block) { diagnostics.push(diag('error', k.loc, `node ${name} needs a host with an address and an IPAM block (kubernetes.cni.blocks)`, { expected: `kubernetes.cni.blocks.${name}` })); continue; }
    nodes.push({ name, setup: s, nodeIp: uplink.addresses[0]?.addr as IPv4, uplink: uplink.name, block });
  }
  const sched = schedule(scheduleInputFromObjects(objects, {
    nodes: nodes.map((n) => ({ name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...(k.controlPlane.includes(n.name) ? { 'node-role.kubernetes.io/control-plane': '' } : {}) }, taints: k.controlPlane.includes(n.name) ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : [] })),
  }), { choose: (label, opts) => { const v = w.chooser.choose(`kube-scheduler: ${label}`, opts); w.noteChoice(); return v; } });
  const bound = sched.pods.filter((p): p is ScheduledPod & { nodeName: string } => p.nodeName !== undefined && !p.hostNetwork);
  for (const p of sched.pods) {
    if (p.hostNetwork && p.nodeName !== undefined) diagnostics.push(diag('unsupported', k.loc, `pod ${p.namespace}/${p.name} uses hostNetwork: it is scheduled on ${p.nodeName} but not simulated (no program runs in the node's namespace for it)`));
  }
  const addressing = assignPodAddresses(bound.map((p) => ({ ns: p.namespace, pod: p.name, node: p.nodeName })), k.cni?.blocks ?? {});
  for (const e of addressing.errors) diagnostics.push(diag('error', k.loc, e));
  const ipOf = new Map(addressing.assigned.map((a) => [`${a.ns}/${a.pod}`, a]));
  const workloads = new Map<string, Deployment | DaemonSet>();
  for (const x of objects) if (x.kind === 'Deployment' || x.kind === 'DaemonSet') workloads.set(`${x.metadata.namespace ?? 'default'}/${x.metadata.name}`, x);
  const pods: PlacedPod[] = sched.pods.map((p) => {
    const a = ipOf.get(`${p.namespace}/${p.name}`);
    const wl = workloads.get(`${p.namespace}/${p.owner.workload}`);
    const image = wl?.spec.template.spec.containers[0]?.image;
    return { namespace: p.namespace, name: p.name, ...(p.nodeName !== undefined ? { node: p.nodeName } : {}), ...(a ? { ip: a.ip } : {}), phase: p.nodeName !== undefined ? 'Running' : 'Pending', ...(p.message !== undefined ? { message: p.message } : {}), labels: p.labels, ...(image !== undefined ? { image } : {}) };
  });
  for (const p of pods) if (p.phase === 'Pending') diagnostics.push(diag('info', k.loc, `pod ${p.namespace}/${p.name} is Pending: ${p.message ?? ''}`));

  // CNI: tunnels and routes on every node, then each pod's namespace.
  const enc = k.cni?.encapsulation ?? 'vxlan';
  for (const n of nodes) plumbNode(w, n, nodes, enc, diagnostics);
  const cniPods = new Map<string, CniPod[]>();
  for (const a of addressing.assigned) {
    const list = cniPods.get(a.node) ?? [];
    list.push({ namespace: a.ns, name: a.pod, node: a.node, ip: a.ip, hostVeth: a.hostVeth });
    cniPods.set(a.node, list);
  }
  const podSetups = new Map<string, HostSetup>();
  for (const n of nodes) for (const p of cniPods.get(n.name) ?? []) podSetups.set(`${p.namespace}/${p.name}`, plumbPod(w, n, p, diagnostics));

  // kube-proxy on every node.
  const services = objects.filter((x): x is Service => x.kind === 'Service');
  const { ports, endpoints } = serviceInputs(services, sched.pods, ipOf, diagnostics);
  const kubeProxy = new Map<string, { input: KubeProxyInput; text: string; file: string }>();
  for (const n of nodes) {
    const input: KubeProxyInput = { nodeName: n.name, nodeIPs: [formatIPv4(n.nodeIp)], ...(k.clusterCIDR !== undefined ? { clusterCIDR: k.clusterCIDR } : {}), services: ports, endpoints };
    const text = kubeProxyMemo.get(JSON.stringify(input), () => renderKubeProxyRules(input, { order: 'iptables-save' }).text);
    const file = `${n.name}: kube-proxy (hoplab kube-proxy render --node ${n.name})`;
    kubeProxy.set(n.name, { input, text, file });
    if (n.setup.ruleset.tables.length > 0) diagnostics.push(diag('unsupported', k.loc, `${n.name} has its own iptables file; merging it with kube-proxy's rules is not modelled, kube-proxy's rules replace it`));
    // The parsed rules are shared between builds; each world gets its own copy (counters included).
    const r = rulesMemo.get(`${file}\n${text}`, () => parseIptablesSave(text, { file }));
    diagnostics.push(...r.diagnostics);
    n.setup.ruleset = cloneRuleset(r.value);
  }

  // NetworkPolicy where Calico enforces it.
  const netCluster = buildNetpolCluster(objects);
  diagnostics.push(...netCluster.diagnostics.filter((d) => d.severity !== 'info'));
  const nodeAddrs = new Map<string, IPv4[]>();
  for (const n of nodes) nodeAddrs.set(n.name, [...n.setup.host.ifaces.values()].flatMap((i) => (i.kind === 'loopback' ? [] : i.addrs.map((a) => a.addr))));
  const npPods: NetpolPod[] = pods.filter((p) => p.ip !== undefined).map((p) => {
    const ip = parseIPv4(p.ip as string);
    const sp = sched.pods.find((x) => x.namespace === p.namespace && x.name === p.name);
    return { key: `${p.namespace}/${p.name}`, namespace: p.namespace, name: p.name, labels: p.labels, ...(ip !== undefined ? { ip } : {}), ...(p.node !== undefined ? { nodeName: p.node } : {}), hostNetwork: false, ports: sp?.ports ?? [] };
  });
  const netpol = indexCluster({ ...netCluster.cluster, pods: [...netCluster.cluster.pods, ...npPods], nodes: nodeAddrs });
  const placement = k.cni?.policyPlacement ?? 'before-kube-forward';
  for (const n of nodes) {
    installPolicyChain(n, placement, diagnostics);
    const byVeth = new Map((cniPods.get(n.name) ?? []).map((p) => [p.hostVeth, p]));
    n.setup.host.delegates.set('filter', 'cali-FORWARD', policyDelegate(n, byVeth, () => netpol, nodeAddrs.get(n.name) ?? []));
  }

  // Applications: nginx in nginx pods (the official image, with a ConfigMap mounted over conf.d
  // when the pod has one); kube-proxy's health check servers.
  const configMaps = new Map(objects.filter((x): x is ConfigMap => x.kind === 'ConfigMap').map((c) => [`${c.metadata.namespace ?? 'default'}/${c.metadata.name}`, c]));
  for (const p of pods) {
    const s = podSetups.get(`${p.namespace}/${p.name}`);
    if (!s) continue;
    if (p.image === undefined || !/^(docker\.io\/)?(library\/)?nginx(:|@|$)/.test(p.image)) {
      diagnostics.push(diag('unsupported', k.loc, `pod ${p.namespace}/${p.name}: image ${p.image ?? '(none)'} is not simulated; only nginx serves`));
      continue;
    }
    const wl = workloads.get(`${p.namespace}/${sched.pods.find((x) => x.namespace === p.namespace && x.name === p.name)?.owner.workload ?? ''}`);
    const confD = wl ? nginxConfD(wl, p.namespace, configMaps, diagnostics) : undefined;
    if (confD === null) continue; // a missing ConfigMap: the container never starts
    const model = officialImageModel('1.19.3', confD ? { confD } : {});
    diagnostics.push(...model.diagnostics.filter((d) => d.severity !== 'info'));
    startNginx(w, s.host, model.value, undefined, nginxLog);
  }
  for (const n of nodes) startHealthCheckServers(w, n, kubeProxy.get(n.name)?.input, services);
  return { objects, pods, kubeProxy, netpol, nginxLog, diagnostics };
}

/**
 * The files a ConfigMap volume puts in /etc/nginx/conf.d, or undefined when nothing is mounted
 * there, or null when the ConfigMap does not exist (the kubelet then cannot start the container).
 */
function nginxConfD(wl: Deployment | DaemonSet, ns: string, configMaps: ReadonlyMap<string, ConfigMap>, diagnostics: Diagnostic[]): { file: string; name: string; text: string }[] | undefined | null {
  const r = mountedConfigMapFiles(wl.spec.template.spec, ns, configMaps, '/etc/nginx/conf.d');
  if (r === undefined || !('missing' in r)) return r;
  diagnostics.push(diag('error', wl.loc, `${wl.kind} ${ns}/${wl.metadata.name}: configmap "${r.missing}" not found; its pods stay in ContainerCreating`, { expected: `a ConfigMap ${ns}/${r.missing}` }));
  return null;
}

/**
 * The files a ConfigMap volume mounted (whole, no subPath) at `mountPath` in the pod's first
 * container puts there: undefined when nothing is mounted there, `{ missing }` when the ConfigMap
 * does not exist.
 */
export function mountedConfigMapFiles(spec: PodSpec, ns: string, configMaps: ReadonlyMap<string, ConfigMap>, mountPath: string): { file: string; name: string; text: string }[] | { missing: string } | undefined {
  const mount = spec.containers[0]?.volumeMounts.find((m) => m.mountPath.replace(/\/+$/, '') === mountPath && m.subPath === undefined);
  const vol = mount ? spec.volumes.find((v) => v.name === mount.name) : undefined;
  if (!mount || !vol?.configMap) return undefined;
  const cm = configMaps.get(`${ns}/${vol.configMap.name}`);
  if (!cm) return { missing: vol.configMap.name };
  const items = vol.configMap.items ?? Object.keys(cm.data).map((key) => ({ key, path: key }));
  return items.flatMap((it) => (cm.data[it.key] === undefined ? [] : [{ file: `${cm.loc.file} (ConfigMap ${ns}/${cm.metadata.name}, ${it.key})`, name: it.path, text: cm.data[it.key] as string }]));
}

/** Service ports and their endpoints (the EndpointSlice controller: ready pods matching the selector). */
function serviceInputs(services: readonly Service[], pods: readonly ScheduledPod[], ipOf: ReadonlyMap<string, { ip: string; node: string }>, diagnostics: Diagnostic[]): { ports: ServicePortInfo[]; endpoints: ServicePortEndpoints[] } {
  const ports: ServicePortInfo[] = [];
  const endpoints: ServicePortEndpoints[] = [];
  services.forEach((s, i) => {
    const ns = s.metadata.namespace ?? 'default';
    let clusterIP = s.spec.clusterIP;
    if (clusterIP === undefined) {
      clusterIP = formatIPv4((SERVICE_CIDR_BASE + 10 + i) >>> 0);
      diagnostics.push(diag('info', s.loc, `Service ${ns}/${s.metadata.name}: clusterIP ${clusterIP} allocated (the API server picks one from the service CIDR 10.96.0.0/12)`));
    }
    if (clusterIP === 'None') return;
    for (const p of s.spec.ports) {
      ports.push({
        namespace: ns, name: s.metadata.name, type: s.spec.type === 'ExternalName' ? 'ClusterIP' : s.spec.type, ...(p.name !== undefined ? { portName: p.name } : {}), protocol: p.protocol,
        clusterIP, port: p.port, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}), externalIPs: s.spec.externalIPs,
        ...(s.spec.externalTrafficPolicy ? { externalTrafficPolicy: s.spec.externalTrafficPolicy } : {}),
        ...(s.spec.internalTrafficPolicy ? { internalTrafficPolicy: s.spec.internalTrafficPolicy } : {}),
        ...(s.spec.healthCheckNodePort !== undefined ? { healthCheckNodePort: s.spec.healthCheckNodePort } : {}),
        sessionAffinity: s.spec.sessionAffinity, loadBalancerSourceRanges: s.spec.loadBalancerSourceRanges,
        loadBalancerIPs: s.status.loadBalancerIngress.map((x) => x.ip).filter((x): x is string => x !== undefined),
      });
      const eps = s.spec.selector === undefined ? [] : pods.filter((pod) => pod.namespace === ns && matchesSelector({ matchLabels: s.spec.selector ?? {}, matchExpressions: [] }, pod.labels)).flatMap((pod) => {
        const a = ipOf.get(`${pod.namespace}/${pod.name}`);
        if (!a) return [];
        const target = resolveTargetPort(p.targetPort, pod.ports);
        if (target === undefined) return [];
        return [{ ip: a.ip, port: target, nodeName: a.node, ready: true, serving: true, terminating: false }];
      });
      endpoints.push({ namespace: ns, name: s.metadata.name, ...(p.name !== undefined ? { portName: p.name } : {}), protocol: p.protocol, endpoints: eps });
    }
  });
  return { ports, endpoints };
}

function resolveTargetPort(t: number | string, ports: readonly ContainerPort[]): number | undefined {
  if (typeof t === 'number') return t;
  return ports.find((p) => p.name === t)?.containerPort;
}

/**
 * kube-proxy's healthCheckNodePort HTTP server on every node (service_health.go): 200/503 by
 * local endpoints, answered as Go's net/http answers (healthCheckHttp), one answer per request
 * head on a connection, which stays open or closes as Go decides.
 */
function startHealthCheckServers(w: World, n: CniNode, input: KubeProxyInput | undefined, services: readonly Service[]): void {
  if (!input) return;
  const h = n.setup.host;
  for (const s of services) {
    const port = s.spec.healthCheckNodePort;
    if (port === undefined) continue;
    const svc = { namespace: s.metadata.namespace ?? 'default', name: s.metadata.name };
    // kube-proxy serves a Service's health check only while it is of type LoadBalancer with
    // externalTrafficPolicy Local; otherwise nothing listens (connection refused).
    if (!healthCheckResponse(input, svc)) continue;
    // Go's net/http server: TCP_NODELAY is on for every connection Go makes or accepts.
    tcpListen(h, 'kube-proxy', { ip: 0 as IPv4, port }, {
      onAccept: (_l, c) => {
        let buf = '';
        c.events = {
          onData: (sk, text) => {
            buf += text;
            for (let end = buf.indexOf('\r\n\r\n'); end >= 0 && sk.state === 'ESTABLISHED'; end = buf.indexOf('\r\n\r\n')) {
              const head = buf.slice(0, end);
              buf = buf.slice(end + 4);
              const r = healthCheckResponse(input, svc);
              if (!r) return;
              const a = healthCheckHttp(head, r, wallClockMs(w.now));
              tcpSend(w, h, sk, a.text, a.text.length);
              if (a.close) { tcpClose(w, h, sk); return; }
            }
          },
          onPeerClosed: (sk) => tcpClose(w, h, sk),
        };
      },
    }, { nodelay: true });
  }
}
