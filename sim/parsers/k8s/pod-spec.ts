// core/v1 PodSpec and PodTemplateSpec: decoding, defaulting (pkg/apis/core/v1/defaults.go: container
// port protocol TCP, restartPolicy Always, toleration operator Equal) and the validation the API server
// applies to the parts we model (pkg/apis/core/validation/validation.go: validateContainers,
// validateContainerPorts, validateTolerations, validateAffinity).
import type { IPv4 } from '../../core/ip.js';
import { parseIPv4 } from '../../core/ip.js';
import type { Affinity, Container, ContainerPort, Volume, VolumeMount, NodeAffinity, NodeSelectorRequirement, NodeSelectorTerm, PodAffinity, PodAffinityTerm, PodSpec, PodStatus, PodTemplateSpec, Toleration, WeightedPodAffinityTerm } from '../../model/k8s/pod.js';
import { NODE_SELECTOR_OPERATORS, TAINT_EFFECTS, TOLERATION_OPERATORS } from '../../model/k8s/pod.js';
import { childPath } from '../../model/k8s/meta.js';
import type { Protocol } from '../../model/k8s/protocol.js';
import { PROTOCOLS } from '../../model/k8s/protocol.js';
import { OBJECT_META_FIELDS, decodeSelector, labelsOf } from './common.js';
import { dns1123Label, dns1123Subdomain, labelValue, portName, portNumber, qualifiedName } from './names.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, bool, fail, get, int, invalid, list, required, str, strList, strMap, unsupported } from './reader.js';
import type { YValue } from './yaml-tree.js';

export const POD_SPEC_FIELDS = [
  'activeDeadlineSeconds', 'affinity', 'automountServiceAccountToken', 'containers', 'dnsConfig', 'dnsPolicy',
  'enableServiceLinks', 'ephemeralContainers', 'hostAliases', 'hostIPC', 'hostNetwork', 'hostPID', 'hostUsers',
  'hostname', 'hostnameOverride', 'imagePullSecrets', 'initContainers', 'nodeName', 'nodeSelector', 'os', 'overhead',
  'preemptionPolicy', 'priority', 'priorityClassName', 'readinessGates', 'resourceClaims', 'resources', 'restartPolicy',
  'runtimeClassName', 'schedulerName', 'schedulingGates', 'securityContext', 'serviceAccount', 'serviceAccountName',
  'setHostnameAsFQDN', 'shareProcessNamespace', 'subdomain', 'terminationGracePeriodSeconds', 'tolerations',
  'topologySpreadConstraints', 'volumes',
] as const;

const CONTAINER_FIELDS = [
  'args', 'command', 'env', 'envFrom', 'image', 'imagePullPolicy', 'lifecycle', 'livenessProbe', 'name', 'ports',
  'readinessProbe', 'resizePolicy', 'resources', 'restartPolicy', 'restartPolicyRules', 'securityContext', 'startupProbe',
  'stdin', 'stdinOnce', 'terminationMessagePath', 'terminationMessagePolicy', 'tty', 'volumeDevices', 'volumeMounts', 'workingDir',
] as const;

const POD_STATUS_FIELDS = [
  'conditions', 'containerStatuses', 'ephemeralContainerStatuses', 'extendedResourceClaimStatus', 'hostIP', 'hostIPs',
  'initContainerStatuses', 'message', 'nominatedNodeName', 'observedGeneration', 'phase', 'podIP', 'podIPs', 'qosClass',
  'reason', 'resize', 'resourceClaimStatuses', 'startTime',
] as const;

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;

export function decodePodSpec(ctx: Ctx, v: YValue | undefined, path: string, opts: { template: boolean; at: YMap }): PodSpec {
  const m = asMap(ctx, v, path, POD_SPEC_FIELDS);
  if (!m) required(ctx, opts.at.pos, path);
  const containers = decodeContainers(ctx, m, path, 'containers', opts.template);
  if (m && containers.length === 0 && list(ctx, m, path, 'containers').length === 0) required(ctx, m.pos, childPath(path, 'containers'));
  const initContainers = decodeContainers(ctx, m, path, 'initContainers', opts.template);
  checkPortNames(ctx, m, path, [...containers, ...initContainers]);
  const nodeName = str(ctx, m, path, 'nodeName');
  if (nodeName) for (const msg of dns1123Subdomain(nodeName)) invalid(ctx, get(m, 'nodeName')?.pos ?? m?.pos ?? opts.at.pos, childPath(path, 'nodeName'), nodeName, msg);
  const rp = str(ctx, m, path, 'restartPolicy');
  let restartPolicy: PodSpec['restartPolicy'] = 'Always';
  if (rp !== undefined) {
    const r = RESTART_POLICIES.find((x) => x === rp);
    if (!r) unsupported(ctx, get(m, 'restartPolicy')?.pos ?? opts.at.pos, childPath(path, 'restartPolicy'), rp, RESTART_POLICIES);
    else restartPolicy = r;
  }
  const tolerations = list(ctx, m, path, 'tolerations').map(({ value, path: p }) => decodeToleration(ctx, value, p)).filter((t): t is Toleration => t !== undefined);
  const affinity = decodeAffinity(ctx, get(m, 'affinity'), childPath(path, 'affinity'));
  const spec: { -readonly [K in keyof PodSpec]: PodSpec[K] } = {
    containers,
    volumes: decodeVolumes(ctx, m, path),
    initContainers,
    nodeSelector: labelsOf(ctx, m, path, 'nodeSelector'),
    hostNetwork: bool(ctx, m, path, 'hostNetwork') ?? false,
    tolerations,
    restartPolicy,
    schedulerName: str(ctx, m, path, 'schedulerName') || 'default-scheduler',
  };
  if (nodeName) spec.nodeName = nodeName;
  if (affinity) spec.affinity = affinity;
  return spec;
}

function decodeContainers(ctx: Ctx, m: YMap | undefined, parent: string, key: string, template: boolean): Container[] {
  const out: Container[] = [];
  const seen = new Set<string>();
  for (const { value, path } of list(ctx, m, parent, key)) {
    const c = asMap(ctx, value, path, CONTAINER_FIELDS);
    if (!c) { required(ctx, value.pos, path); continue; }
    const name = str(ctx, c, path, 'name', { required: true }) ?? '';
    const namePos = get(c, 'name')?.pos ?? c.pos;
    if (name !== '') {
      for (const msg of dns1123Label(name)) invalid(ctx, namePos, childPath(path, 'name'), name, msg);
      if (seen.has(name)) fail(ctx, namePos, childPath(path, 'name'), `Duplicate value: ${JSON.stringify(name)}`);
      seen.add(name);
    }
    // The image may be left to a later stage in templates; a Pod itself needs one.
    const image = str(ctx, c, path, 'image', { required: !template });
    const ports: ContainerPort[] = [];
    for (const { value: pv, path: pp } of list(ctx, c, path, 'ports')) {
      const p = decodeContainerPort(ctx, pv, pp);
      if (p) ports.push(p);
    }
    const volumeMounts: VolumeMount[] = [];
    for (const { value: mv, path: mp } of list(ctx, c, path, 'volumeMounts')) {
      const vm = asMap(ctx, mv, mp, ['mountPath', 'mountPropagation', 'name', 'readOnly', 'recursiveReadOnly', 'subPath', 'subPathExpr']);
      if (!vm) { required(ctx, mv.pos, mp); continue; }
      const vname = str(ctx, vm, mp, 'name', { required: true });
      const mountPath = str(ctx, vm, mp, 'mountPath', { required: true });
      const subPath = str(ctx, vm, mp, 'subPath');
      if (vname === undefined || mountPath === undefined) continue;
      volumeMounts.push({ name: vname, mountPath, ...(subPath ? { subPath } : {}), readOnly: bool(ctx, vm, mp, 'readOnly') ?? false });
    }
    const ctr: { -readonly [K in keyof Container]: Container[K] } = { name, ports, volumeMounts };
    if (image !== undefined) ctr.image = image;
    out.push(ctr);
  }
  return out;
}

/** Pod volumes: ConfigMap sources are decoded (name, items); other sources are kept by name only. */
function decodeVolumes(ctx: Ctx, m: YMap | undefined, parent: string): Volume[] {
  const out: Volume[] = [];
  for (const { value, path } of list(ctx, m, parent, 'volumes')) {
    const v = asMap(ctx, value, path, ['name', 'configMap', 'secret', 'emptyDir', 'hostPath', 'persistentVolumeClaim', 'projected', 'downwardAPI', 'csi', 'ephemeral', 'nfs', 'image']);
    if (!v) { required(ctx, value.pos, path); continue; }
    const name = str(ctx, v, path, 'name', { required: true });
    if (name === undefined) continue;
    const cmPath = childPath(path, 'configMap');
    const cm = asMap(ctx, get(v, 'configMap'), cmPath, ['name', 'items', 'defaultMode', 'optional']);
    if (!cm) { out.push({ name }); continue; }
    const cmName = str(ctx, cm, cmPath, 'name', { required: true }) ?? '';
    const items: { key: string; path: string }[] = [];
    for (const { value: iv, path: ip } of list(ctx, cm, cmPath, 'items')) {
      const im = asMap(ctx, iv, ip, ['key', 'path', 'mode']);
      const key = str(ctx, im, ip, 'key', { required: true });
      const p = str(ctx, im, ip, 'path', { required: true });
      if (key !== undefined && p !== undefined) items.push({ key, path: p });
    }
    out.push({ name, configMap: { name: cmName, ...(items.length ? { items } : {}) } });
  }
  return out;
}

function decodeContainerPort(ctx: Ctx, v: YValue, path: string): ContainerPort | undefined {
  const m = asMap(ctx, v, path, ['containerPort', 'hostIP', 'hostPort', 'name', 'protocol']);
  if (!m) { required(ctx, v.pos, path); return undefined; }
  const containerPort = int(ctx, m, path, 'containerPort', { required: true });
  if (containerPort !== undefined) for (const msg of portNumber(containerPort)) invalid(ctx, get(m, 'containerPort')?.pos ?? m.pos, childPath(path, 'containerPort'), containerPort, msg);
  const name = str(ctx, m, path, 'name');
  if (name !== undefined && name !== '') for (const msg of portName(name)) invalid(ctx, get(m, 'name')?.pos ?? m.pos, childPath(path, 'name'), name, msg);
  const protocol = protocolOf(ctx, m, path);
  const hostPort = int(ctx, m, path, 'hostPort');
  if (hostPort !== undefined && hostPort !== 0) for (const msg of portNumber(hostPort)) invalid(ctx, get(m, 'hostPort')?.pos ?? m.pos, childPath(path, 'hostPort'), hostPort, msg);
  if (containerPort === undefined) return undefined;
  const out: { -readonly [K in keyof ContainerPort]: ContainerPort[K] } = { containerPort, protocol };
  if (name) out.name = name;
  if (hostPort) out.hostPort = hostPort;
  const hostIP = str(ctx, m, path, 'hostIP');
  if (hostIP) out.hostIP = hostIP;
  return out;
}

/** Port names are unique across all of a pod's containers (validateContainerPorts' allNames). */
function checkPortNames(ctx: Ctx, m: YMap | undefined, path: string, containers: readonly Container[]): void {
  const seen = new Set<string>();
  for (const c of containers) for (const p of c.ports) {
    if (p.name === undefined) continue;
    if (seen.has(p.name)) fail(ctx, m?.pos ?? { line: 1, column: 1 }, childPath(path, 'containers'), `Duplicate value: port name ${JSON.stringify(p.name)}`);
    seen.add(p.name);
  }
}

export function protocolOf(ctx: Ctx, m: YMap, path: string): Protocol {
  const t = str(ctx, m, path, 'protocol');
  if (t === undefined || t === '') return 'TCP';
  const p = PROTOCOLS.find((x) => x === t);
  if (!p) { unsupported(ctx, get(m, 'protocol')?.pos ?? m.pos, childPath(path, 'protocol'), t, PROTOCOLS); return 'TCP'; }
  return p;
}

function decodeToleration(ctx: Ctx, v: YValue, path: string): Toleration | undefined {
  const m = asMap(ctx, v, path, ['key', 'operator', 'value', 'effect', 'tolerationSeconds']);
  if (!m) return undefined;
  const key = str(ctx, m, path, 'key');
  const opText = str(ctx, m, path, 'operator');
  const value = str(ctx, m, path, 'value');
  const effectText = str(ctx, m, path, 'effect');
  const seconds = int(ctx, m, path, 'tolerationSeconds');
  const operator = opText === undefined || opText === '' ? 'Equal' : TOLERATION_OPERATORS.find((o) => o === opText);
  if (!operator) { unsupported(ctx, get(m, 'operator')?.pos ?? m.pos, childPath(path, 'operator'), opText, TOLERATION_OPERATORS); return undefined; }
  if (key) for (const msg of qualifiedName(key)) invalid(ctx, get(m, 'key')?.pos ?? m.pos, childPath(path, 'key'), key, msg);
  if (!key && operator !== 'Exists') invalid(ctx, get(m, 'operator')?.pos ?? m.pos, childPath(path, 'operator'), operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
  if (operator === 'Exists' && value) invalid(ctx, get(m, 'value')?.pos ?? m.pos, childPath(path, 'operator'), value, 'value must be empty when `operator` is \'Exists\'');
  if (operator === 'Equal' && value) for (const msg of labelValue(value)) invalid(ctx, get(m, 'value')?.pos ?? m.pos, childPath(path, 'value'), value, msg);
  let effect: Toleration['effect'];
  if (effectText) {
    effect = TAINT_EFFECTS.find((e) => e === effectText);
    if (!effect) unsupported(ctx, get(m, 'effect')?.pos ?? m.pos, childPath(path, 'effect'), effectText, TAINT_EFFECTS);
  }
  if (seconds !== undefined && effect !== 'NoExecute') invalid(ctx, get(m, 'effect')?.pos ?? m.pos, childPath(path, 'effect'), effectText ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set");
  const t: { -readonly [K in keyof Toleration]: Toleration[K] } = { operator };
  if (key) t.key = key;
  if (value) t.value = value;
  if (effect) t.effect = effect;
  if (seconds !== undefined) t.tolerationSeconds = seconds;
  return t;
}

const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';

function decodeAffinity(ctx: Ctx, v: YValue | undefined, path: string): Affinity | undefined {
  const m = asMap(ctx, v, path, ['nodeAffinity', 'podAffinity', 'podAntiAffinity']);
  if (!m) return undefined;
  const out: { -readonly [K in keyof Affinity]: Affinity[K] } = {};
  const na = decodeNodeAffinity(ctx, get(m, 'nodeAffinity'), childPath(path, 'nodeAffinity'));
  if (na) out.nodeAffinity = na;
  const pa = decodePodAffinity(ctx, get(m, 'podAffinity'), childPath(path, 'podAffinity'));
  if (pa) out.podAffinity = pa;
  const paa = decodePodAffinity(ctx, get(m, 'podAntiAffinity'), childPath(path, 'podAntiAffinity'));
  if (paa) out.podAntiAffinity = paa;
  return out;
}

function decodePodAffinity(ctx: Ctx, v: YValue | undefined, path: string): PodAffinity | undefined {
  const m = asMap(ctx, v, path, [REQ, PREF]);
  if (!m) return undefined;
  const required_: PodAffinityTerm[] = [];
  for (const { value, path: p } of list(ctx, m, path, REQ)) {
    const t = decodeAffinityTerm(ctx, value, p);
    if (t) required_.push(t);
  }
  const preferred: WeightedPodAffinityTerm[] = [];
  for (const { value, path: p } of list(ctx, m, path, PREF)) {
    const w = asMap(ctx, value, p, ['weight', 'podAffinityTerm']);
    if (!w) continue;
    const weight = int(ctx, w, p, 'weight', { required: true });
    if (weight !== undefined && (weight < 1 || weight > 100)) invalid(ctx, get(w, 'weight')?.pos ?? w.pos, childPath(p, 'weight'), weight, 'must be in the range 1-100');
    const termV = get(w, 'podAffinityTerm');
    if (!termV) { required(ctx, w.pos, childPath(p, 'podAffinityTerm')); continue; }
    const term = decodeAffinityTerm(ctx, termV, childPath(p, 'podAffinityTerm'));
    if (term && weight !== undefined) preferred.push({ weight, podAffinityTerm: term });
  }
  return { required: required_, preferred };
}

function decodeAffinityTerm(ctx: Ctx, v: YValue, path: string): PodAffinityTerm | undefined {
  const m = asMap(ctx, v, path, ['labelSelector', 'namespaces', 'namespaceSelector', 'topologyKey', 'matchLabelKeys', 'mismatchLabelKeys']);
  if (!m) return undefined;
  const topologyKey = str(ctx, m, path, 'topologyKey') ?? '';
  if (topologyKey === '') required(ctx, get(m, 'topologyKey')?.pos ?? m.pos, childPath(path, 'topologyKey'), 'can not be empty');
  else for (const msg of qualifiedName(topologyKey)) invalid(ctx, get(m, 'topologyKey')?.pos ?? m.pos, childPath(path, 'topologyKey'), topologyKey, msg);
  const namespaces = strList(ctx, m, path, 'namespaces');
  namespaces.forEach((n, i) => { for (const msg of dns1123Label(n)) invalid(ctx, get(m, 'namespaces')?.pos ?? m.pos, childPath(childPath(path, 'namespaces'), i), n, msg); });
  const labelSelector = decodeSelector(ctx, get(m, 'labelSelector'), childPath(path, 'labelSelector'));
  const namespaceSelector = decodeSelector(ctx, get(m, 'namespaceSelector'), childPath(path, 'namespaceSelector'));
  const t: { -readonly [K in keyof PodAffinityTerm]: PodAffinityTerm[K] } = { namespaces, topologyKey, loc: { file: ctx.file, line: m.pos.line, column: m.pos.column } };
  if (labelSelector) t.labelSelector = labelSelector;
  if (namespaceSelector) t.namespaceSelector = namespaceSelector;
  return t;
}

function decodeNodeAffinity(ctx: Ctx, v: YValue | undefined, path: string): NodeAffinity | undefined {
  const m = asMap(ctx, v, path, [REQ, PREF]);
  if (!m) return undefined;
  const out: { -readonly [K in keyof NodeAffinity]: NodeAffinity[K] } = { preferred: [] };
  const reqV = get(m, REQ);
  if (reqV) {
    const rp = childPath(path, REQ);
    const r = asMap(ctx, reqV, rp, ['nodeSelectorTerms']);
    const terms = list(ctx, r, rp, 'nodeSelectorTerms').map(({ value, path: p }) => decodeNodeSelectorTerm(ctx, value, p));
    if (terms.length === 0) required(ctx, reqV.pos, childPath(rp, 'nodeSelectorTerms'), 'must have at least one node selector term');
    out.required = terms;
  }
  const preferred: { weight: number; preference: NodeSelectorTerm }[] = [];
  for (const { value, path: p } of list(ctx, m, path, PREF)) {
    const w = asMap(ctx, value, p, ['weight', 'preference']);
    if (!w) continue;
    const weight = int(ctx, w, p, 'weight', { required: true }) ?? 0;
    if (weight < 1 || weight > 100) invalid(ctx, get(w, 'weight')?.pos ?? w.pos, childPath(p, 'weight'), weight, 'must be in the range 1-100');
    preferred.push({ weight, preference: decodeNodeSelectorTerm(ctx, get(w, 'preference'), childPath(p, 'preference')) });
  }
  out.preferred = preferred;
  return out;
}

function decodeNodeSelectorTerm(ctx: Ctx, v: YValue | undefined, path: string): NodeSelectorTerm {
  const m = asMap(ctx, v, path, ['matchExpressions', 'matchFields']);
  const reqs = (key: string): NodeSelectorRequirement[] => list(ctx, m, path, key).flatMap(({ value, path: p }) => {
    const r = asMap(ctx, value, p, ['key', 'operator', 'values']);
    if (!r) return [];
    const k = str(ctx, r, p, 'key', { required: true }) ?? '';
    const opText = str(ctx, r, p, 'operator', { required: true }) ?? '';
    const values = strList(ctx, r, p, 'values');
    const op = NODE_SELECTOR_OPERATORS.find((o) => o === opText);
    const vp = get(r, 'values')?.pos ?? r.pos;
    if (!op) { if (opText) unsupported(ctx, get(r, 'operator')?.pos ?? r.pos, childPath(p, 'operator'), opText, NODE_SELECTOR_OPERATORS); return []; }
    if ((op === 'In' || op === 'NotIn') && values.length === 0) required(ctx, vp, childPath(p, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\'');
    if ((op === 'Exists' || op === 'DoesNotExist') && values.length > 0) fail(ctx, vp, childPath(p, 'values'), "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    if ((op === 'Gt' || op === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0] ?? ''))) required(ctx, vp, childPath(p, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'");
    if (key === 'matchExpressions' && k) for (const msg of qualifiedName(k)) invalid(ctx, get(r, 'key')?.pos ?? r.pos, childPath(p, 'key'), k, msg);
    if (key === 'matchFields' && k && k !== 'metadata.name') unsupported(ctx, get(r, 'key')?.pos ?? r.pos, childPath(p, 'key'), k, ['metadata.name']);
    return [{ key: k, operator: op, values }];
  });
  return { matchExpressions: reqs('matchExpressions'), matchFields: reqs('matchFields') };
}

export function decodePodStatus(ctx: Ctx, v: YValue | undefined): PodStatus {
  const m = asMap(ctx, v, 'status', POD_STATUS_FIELDS);
  const out: { -readonly [K in keyof PodStatus]: PodStatus[K] } = { podIPs: [] };
  const phase = str(ctx, m, 'status', 'phase');
  if (phase) out.phase = phase;
  const ip = (key: string): IPv4 | undefined => {
    const t = str(ctx, m, 'status', key);
    if (t === undefined || t === '') return undefined;
    const a = parseIPv4(t);
    if (a === undefined) {
      if (t.includes(':')) ctx.diags.push({ severity: 'unsupported', file: ctx.file, line: get(m, key)?.pos.line ?? 1, column: get(m, key)?.pos.column ?? 1, message: `status.${key}: IPv6 address ${t} is kept as text only (IPv6 forwarding is not modelled)` });
      else invalid(ctx, get(m, key)?.pos ?? { line: 1, column: 1 }, `status.${key}`, t, 'must be a valid IP address');
    }
    return a;
  };
  const podIP = ip('podIP');
  if (podIP !== undefined) out.podIP = podIP;
  const hostIP = ip('hostIP');
  if (hostIP !== undefined) out.hostIP = hostIP;
  out.podIPs = list(ctx, m, 'status', 'podIPs').flatMap(({ value, path }) => {
    const e = asMap(ctx, value, path, ['ip']);
    const s = str(ctx, e, path, 'ip');
    return s ? [s] : [];
  });
  return out;
}

export function decodeTemplate(ctx: Ctx, v: YValue | undefined, path: string, at: YMap): PodTemplateSpec {
  const m = asMap(ctx, v, path, ['metadata', 'spec']);
  if (!m) required(ctx, at.pos, path);
  const meta = asMap(ctx, get(m, 'metadata'), childPath(path, 'metadata'), OBJECT_META_FIELDS);
  const labels = labelsOf(ctx, meta, childPath(path, 'metadata'), 'labels');
  const annotations = strMap(ctx, meta, childPath(path, 'metadata'), 'annotations').value;
  const spec = decodePodSpec(ctx, get(m, 'spec'), childPath(path, 'spec'), { template: true, at: m ?? at });
  return { labels, annotations, spec };
}
