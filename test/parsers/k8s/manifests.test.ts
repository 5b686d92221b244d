// The Kubernetes manifest loader: multi-document YAML and `kind: List`, located objects and fields,
// the API server's decoding/validation/defaulting for the modelled kinds, NodePort allocation.
import { describe, expect, it } from 'vitest';
import { parseManifests, parseManifestFiles } from '../../../sim/parsers/k8s/index.js';
import { fieldLoc } from '../../../sim/model/k8s/meta.js';
import type { K8sObject } from '../../../sim/model/k8s/objects.js';
import type { Deployment, Service, Pod, Node, EndpointSlice, DaemonSet, Namespace } from '../../../sim/model/k8s/index.js';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const errors = (r: { diagnostics: readonly { severity: string; message: string }[] }) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
function one<T extends K8sObject>(text: string): { obj: T; r: ReturnType<typeof parseManifests> } {
  const r = parseManifests(text, { file: 'm.yaml' });
  return { obj: r.value[0] as T, r };
}

describe('documents and lists', () => {
  const multi = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n# second\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n---\n';
  it('reads every --- document and records where each object starts', () => {
    const r = parseManifests(multi, { file: 'ns.yaml' });
    expect(r.value.map((o) => [o.metadata.name, o.loc.line])).toEqual([['a', 1], ['b', 7]]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads kind: List as kubectl get -o yaml prints it, locating fields per item', () => {
    const text = 'apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p1\n    namespace: x\n    uid: 1b2c\n    resourceVersion: "123"\n    creationTimestamp: "2024-01-01T00:00:00Z"\n    managedFields:\n    - manager: kubectl\n  spec:\n    containers:\n    - name: c\n      image: nginx\n      ports:\n      - containerPort: 80\n        name: http\n  status:\n    phase: Running\n    podIP: 10.0.0.5\n    conditions: []\n    qosClass: BestEffort\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: x\nkind: List\nmetadata:\n  resourceVersion: ""\n';
    const r = parseManifests(text, { file: 'list.yaml' });
    expect(r.diagnostics).toEqual([]);
    expect(r.value.map((o) => o.kind)).toEqual(['Pod', 'Namespace']);
    const pod = r.value[0] as Pod;
    expect(pod.loc.line).toBe(3);
    expect(fieldLoc(pod, 'spec.containers[0].ports[0].name').line).toBe(lineOf(text, 'name: http'));
    expect(fieldLoc(pod, 'spec.containers[0].ports[0].protocol').line).toBe(lineOf(text, '- containerPort: 80')); // defaulted: nearest written ancestor
    expect(pod.spec.containers[0]?.ports[0]).toEqual({ name: 'http', containerPort: 80, protocol: 'TCP' });
    expect(pod.status.podIP).toBeDefined();
  });

  it('an unknown kind is unsupported and the others still load; a wrong apiVersion is an error', () => {
    const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\n---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n';
    const r = parseManifests(text, { file: 'mixed.yaml' });
    expect(r.value.map((o) => o.metadata.name)).toEqual(['ok']);
    expect(r.diagnostics.map((d) => [d.severity, d.line])).toEqual([['unsupported', 1], ['error', 6]]);
    expect(r.diagnostics[1]?.message).toBe('no matches for kind "Deployment" in version "extensions/v1beta1"');
  });

  it('a ConfigMap keeps its text files, and pods mount it through volumes and volumeMounts', () => {
    const text = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: web', '  namespace: my-ns', 'data:', '  default.conf: |', '    server { listen 80; }', '---',
      'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: my-ns', 'spec:', '  containers:', '    - name: nginx', '      image: nginx',
      '      volumeMounts:', '        - { name: conf, mountPath: /etc/nginx/conf.d }', '  volumes:', '    - name: conf', '      configMap: { name: web }', '',
    ].join('\n');
    const r = parseManifests(text, { file: 'cm.yaml' });
    expect(r.diagnostics).toEqual([]);
    const [cm, pod] = r.value;
    expect(cm).toMatchObject({ kind: 'ConfigMap', data: { 'default.conf': 'server { listen 80; }\n' } });
    expect(pod?.kind === 'Pod' && pod.spec.volumes).toEqual([{ name: 'conf', configMap: { name: 'web' } }]);
    expect(pod?.kind === 'Pod' && pod.spec.containers[0]?.volumeMounts).toEqual([{ name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: false }]);
  });

  it('a document YAML cannot read is an error; the following documents load', () => {
    const r = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata: {name: [a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n', { file: 'bad.yaml' });
    expect(r.value.map((o) => o.metadata.name)).toEqual(['b']);
    expect(r.diagnostics.some((d) => d.severity === 'error' && d.message.startsWith('YAML:'))).toBe(true);
  });

  it('reports missing apiVersion/kind like kubectl', () => {
    const r = parseManifests('metadata:\n  name: x\n', { file: 'x.yaml' });
    expect(errors(r)).toEqual(['error validating data: [apiVersion not set, kind not set]']);
  });
});

describe('schema checks', () => {
  it('an unknown field is a warning (kubectl --validate=strict names it) and the object loads', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  lables:\n    x: y\n';
    const { obj, r } = one<Namespace>(text);
    expect(obj.metadata.name).toBe('a');
    expect(r.diagnostics).toMatchObject([{ severity: 'warning', line: 5, message: 'unknown field "metadata.lables"' }]);
  });

  it('a wrong type is an error on its line, and the object is rejected', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n    ports:\n    - containerPort: "80"\n';
    const { r } = one(text);
    expect(r.value).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ line: 10, message: 'spec.containers[0].ports[0].containerPort: Invalid type: expected integer, got string "80"' });
  });

  it('reads YAML with the 1.1 rules kubectl uses: a bare on or y is a boolean, not a string', () => {
    const { r } = one('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    enabled: on\n');
    expect(errors(r)[0]).toBe('metadata.labels.enabled: Invalid type: expected string, got boolean true');
    const quoted = one('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    enabled: "on"\n');
    expect(quoted.r.diagnostics).toEqual([]);
  });

  it('checks names per kind (Namespace DNS-1123 label, Service DNS-1035 label, others DNS subdomain)', () => {
    expect(errors(one('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: My_NS\n').r)[0]).toContain('metadata.name: Invalid value: "My_NS"');
    expect(errors(one('apiVersion: v1\nkind: Service\nmetadata:\n  name: 1svc\nspec:\n  ports: [{port: 80}]\n').r)[0]).toContain('metadata.name: Invalid value: "1svc"');
    expect(errors(one('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a.b-c\nspec:\n  containers: [{name: c, image: i}]\n').r)).toEqual([]);
  });

  it('checks label keys and values', () => {
    const r = one('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  labels:\n    example.com/ok: "-bad"\n    /nope: x\n').r;
    expect(errors(r).some((m) => m.includes('metadata.labels[example.com/ok]: Invalid value: "-bad"'))).toBe(true);
    expect(errors(r).some((m) => m.includes('metadata.labels[/nope]') && m.includes('prefix part must be non-empty'))).toBe(true);
  });

  it('namespaces get kubernetes.io/metadata.name = their name', () => {
    const { obj } = one<Namespace>('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels:\n    kubernetes.io/metadata.name: spoofed\n');
    expect(obj.metadata.labels['kubernetes.io/metadata.name']).toBe('team-a');
  });

  it('namespaced objects without a namespace get the default one; cluster-scoped ones must not have one', () => {
    expect(one<Pod>('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: i}]\n').obj.metadata.namespace).toBe('default');
    expect(errors(one('apiVersion: v1\nkind: Node\nmetadata:\n  name: node-1\n  namespace: x\n').r)[0]).toContain('metadata.namespace: Forbidden');
  });
});

describe('Service defaulting and validation', () => {
  const svc = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: x\nspec:\n${spec}`;
  it('defaults type, protocol, targetPort, sessionAffinity and traffic policies', () => {
    const { obj } = one<Service>(svc('  selector: {app: web}\n  ports:\n  - port: 80\n'));
    expect(obj.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster' });
    expect(obj.spec.externalTrafficPolicy).toBeUndefined();
    expect(obj.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    const np = one<Service>(svc('  type: NodePort\n  ports:\n  - port: 80\n    targetPort: http\n')).obj;
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
    expect(np.spec.ports[0]?.targetPort).toBe('http');
  });

  it('allocates unset nodePorts deterministically from 30000, skipping written ones, across files, as info', () => {
    const a = svc('  type: NodePort\n  ports:\n  - {name: a, port: 80, nodePort: 30000}\n  - {name: b, port: 81}\n');
    const b = svc('  type: LoadBalancer\n  ports:\n  - port: 80\n').replace('name: s', 'name: t');
    const r = parseManifestFiles([{ file: 'a.yaml', text: a }, { file: 'b.yaml', text: b }]);
    const [s, t] = r.value as Service[];
    expect(s?.spec.ports.map((p) => p.nodePort)).toEqual([30000, 30001]);
    expect(s?.spec.ports[1]?.nodePortAllocated).toBe(true);
    expect(t?.spec.ports[0]?.nodePort).toBe(30002);
    expect(r.diagnostics.filter((d) => d.code === 'nodeport-allocated').map((d) => [d.severity, d.file])).toEqual([['info', 'a.yaml'], ['info', 'b.yaml']]);
  });

  it('allocates healthCheckNodePort only for LoadBalancer with externalTrafficPolicy Local', () => {
    const lb = one<Service>(svc('  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - {port: 80, nodePort: 30080}\n')).obj;
    expect(lb.spec.healthCheckNodePort).toBe(30000);
    const np = one<Service>(svc('  type: NodePort\n  externalTrafficPolicy: Local\n  ports:\n  - {port: 80, nodePort: 30080}\n')).obj;
    expect(np.spec.healthCheckNodePort).toBeUndefined();
    expect(errors(one(svc('  type: NodePort\n  healthCheckNodePort: 32000\n  ports:\n  - port: 80\n')).r)[0]).toContain("may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
  });

  it('rejects what the API server rejects', () => {
    expect(errors(one(svc('  ports:\n  - {port: 80, nodePort: 30080}\n')).r)[0]).toContain("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
    expect(errors(one(svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 8080}\n')).r)[0]).toContain('provided port is not in the valid range. The range of valid ports is 30000-32767');
    expect(errors(one(svc('  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n')).r)[0]).toContain("may only be set when `type` is 'NodePort' or 'LoadBalancer'");
    expect(errors(one(svc('  ports:\n  - port: 80\n  - port: 81\n')).r)[0]).toBe('spec.ports[0].name: Required value');
    expect(errors(one(svc('  ports: []\n')).r)[0]).toBe('spec.ports: Required value');
    expect(errors(one(svc('  type: Internal\n  ports:\n  - port: 80\n')).r)[0]).toContain('spec.type: Unsupported value: "Internal"');
  });

  it('rejects a nodePort another Service already holds', () => {
    const text = [svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n'), svc('  type: NodePort\n  ports:\n  - {port: 80, nodePort: 30080}\n').replace('name: s', 'name: t')].join('---\n');
    const r = parseManifests(text, { file: 'dup.yaml' });
    expect(r.value.map((o) => o.metadata.name)).toEqual(['s']);
    expect(errors(r)[0]).toContain('spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated (by Service x/s)');
  });
});

describe('workloads, nodes, endpoint slices', () => {
  const dep = (spec: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: x\nspec:\n${spec}`;
  const tmpl = '  template:\n    metadata:\n      labels: {app: nginx}\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n        ports:\n        - containerPort: 80\n';
  it('defaults replicas to 1 and keeps the template, selector, and anti-affinity', () => {
    const aff = '      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - labelSelector:\n              matchLabels: {app: nginx}\n            topologyKey: kubernetes.io/hostname\n          preferredDuringSchedulingIgnoredDuringExecution:\n          - weight: 50\n            podAffinityTerm:\n              topologyKey: topology.kubernetes.io/zone\n      tolerations:\n      - {key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}\n      nodeSelector: {disk: ssd}\n';
    const { obj, r } = one<Deployment>(dep(`  selector:\n    matchLabels: {app: nginx}\n${tmpl}${aff}`));
    expect(r.diagnostics).toEqual([]);
    expect(obj.spec.replicas).toBe(1);
    expect(obj.spec.template.labels).toEqual({ app: 'nginx' });
    const anti = obj.spec.template.spec.affinity?.podAntiAffinity;
    expect(anti?.required[0]?.topologyKey).toBe('kubernetes.io/hostname');
    expect(anti?.preferred[0]?.weight).toBe(50);
    expect(obj.spec.template.spec.tolerations[0]).toEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' });
    expect(obj.spec.template.spec.nodeSelector).toEqual({ disk: 'ssd' });
  });

  it('rejects a selector that does not match the template labels, and a missing topologyKey', () => {
    expect(errors(one(dep(`  selector:\n    matchLabels: {app: other}\n${tmpl}`)).r)[0]).toContain('`selector` does not match template `labels`');
    const bad = `  selector:\n    matchLabels: {app: nginx}\n${tmpl}      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - labelSelector: {matchLabels: {app: nginx}}\n`;
    expect(errors(one(dep(bad)).r)[0]).toContain('topologyKey: Required value');
  });

  it('reads a DaemonSet', () => {
    const text = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds\n  namespace: x\nspec:\n  selector:\n    matchLabels: {app: nginx}\n${tmpl}`;
    const { obj, r } = one<DaemonSet>(text);
    expect(r.diagnostics).toEqual([]);
    expect(obj.spec.updateStrategy).toBe('RollingUpdate');
  });

  it('reads a Node with taints, addresses and podCIDR', () => {
    const text = 'apiVersion: v1\nkind: Node\nmetadata:\n  name: worker01\n  labels: {kubernetes.io/hostname: worker01}\nspec:\n  podCIDR: 172.20.5.0/24\n  taints:\n  - {key: dedicated, value: lb, effect: NoSchedule}\nstatus:\n  addresses:\n  - {type: InternalIP, address: 172.16.0.11}\n  nodeInfo: {kubeletVersion: v1.30.0}\n';
    const { obj, r } = one<Node>(text);
    expect(r.diagnostics).toEqual([]);
    expect(obj.spec.taints).toEqual([{ key: 'dedicated', value: 'lb', effect: 'NoSchedule' }]);
    expect(obj.status.addresses).toEqual([{ type: 'InternalIP', address: '172.16.0.11' }]);
    expect(obj.spec.podCIDR?.prefix).toBe(24);
    expect(errors(one(text.replace('NoSchedule', 'Sometimes')).r)[0]).toContain('spec.taints[0].effect: Unsupported value: "Sometimes"');
  });

  it('reads an EndpointSlice', () => {
    const text = 'apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: my-service-abc\n  namespace: my-ns\n  labels: {kubernetes.io/service-name: my-service}\naddressType: IPv4\nendpoints:\n- addresses: [172.20.6.3]\n  conditions: {ready: true}\n  nodeName: worker02\n  targetRef: {kind: Pod, namespace: my-ns, name: nginx}\nports:\n- {name: "", port: 80, protocol: TCP}\n';
    const { obj, r } = one<EndpointSlice>(text);
    expect(r.diagnostics).toEqual([]);
    expect(obj.serviceName).toBe('my-service');
    expect(obj.endpoints[0]).toMatchObject({ addresses: ['172.20.6.3'], nodeName: 'worker02', conditions: { ready: true } });
    expect(errors(one(text.replace('addressType: IPv4\n', '')).r)[0]).toBe('addressType: Required value');
  });

  it('rejects duplicate container port names in a pod and bad container names', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n  - name: a\n    image: i\n    ports: [{name: web, containerPort: 80}]\n  - name: B\n    image: i\n    ports: [{name: web, containerPort: 81}]\n';
    const msgs = errors(one(text).r);
    expect(msgs.some((m) => m.includes('spec.containers[1].name: Invalid value: "B"'))).toBe(true);
    expect(msgs.some((m) => m.includes('Duplicate value: port name "web"'))).toBe(true);
  });
});
