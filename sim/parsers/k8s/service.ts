// core/v1 Service: decoding, defaulting (pkg/apis/core/v1/defaults.go SetDefaults_Service) and the
// validation in pkg/apis/core/validation/validation.go ValidateService for the fields we model.
// NodePort and healthCheckNodePort allocation happen later, across every loaded Service
// (node-ports.ts), the way the API server's allocator sees every Service in the cluster.
import { parseIPv4 } from '../../core/ip.js';
import { childPath } from '../../model/k8s/meta.js';
import type { ObjectBase } from '../../model/k8s/meta.js';
import type { Service, ServicePort, ServiceSpec, ServiceType, TrafficPolicy } from '../../model/k8s/service.js';
import { NODE_PORT_RANGE, SERVICE_TYPES, SESSION_AFFINITIES, TRAFFIC_POLICIES } from '../../model/k8s/service.js';
import { labelsOf } from './common.js';
import { dns1123Label, dns1123Subdomain, portName, portNumber } from './names.js';
import { protocolOf } from './pod-spec.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, bool, fail, get, int, intOrString, invalid, list, required, str, strList, unsupported } from './reader.js';

const SPEC_FIELDS = [
  'allocateLoadBalancerNodePorts', 'clusterIP', 'clusterIPs', 'externalIPs', 'externalName', 'externalTrafficPolicy',
  'healthCheckNodePort', 'internalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy', 'loadBalancerClass', 'loadBalancerIP',
  'loadBalancerSourceRanges', 'ports', 'publishNotReadyAddresses', 'selector', 'sessionAffinity', 'sessionAffinityConfig',
  'trafficDistribution', 'type',
] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function pick<T extends string>(ctx: Ctx, m: YMap | undefined, path: string, key: string, allowed: readonly T[]): T | undefined {
  const t = str(ctx, m, path, key);
  if (t === undefined || t === '') return undefined;
  const v = allowed.find((a) => a === t);
  if (!v) unsupported(ctx, get(m, key)?.pos ?? m?.pos ?? { line: 1, column: 1 }, childPath(path, key), t, allowed);
  return v;
}

export function decodeService(ctx: Ctx, root: YMap, base: ObjectBase): Service {
  const m = asMap(ctx, get(root, 'spec'), 'spec', SPEC_FIELDS);
  const at = (key: string) => get(m, key)?.pos ?? m?.pos ?? root.pos;
  const type: ServiceType = pick(ctx, m, 'spec', 'type', SERVICE_TYPES) ?? 'ClusterIP';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  const clusterIP = str(ctx, m, 'spec', 'clusterIP');
  if (clusterIP && clusterIP !== 'None' && parseIPv4(clusterIP) === undefined && !clusterIP.includes(':')) invalid(ctx, at('clusterIP'), 'spec.clusterIP', clusterIP, 'must be a valid IP address (or "None")');
  if (clusterIP === 'None' && external) invalid(ctx, at('clusterIP'), 'spec.clusterIP', clusterIP, `may not be set to 'None' for ${type} services`);
  const spec: Mutable<ServiceSpec> = {
    type,
    externalIPs: strList(ctx, m, 'spec', 'externalIPs'),
    ports: [],
    sessionAffinity: pick(ctx, m, 'spec', 'sessionAffinity', SESSION_AFFINITIES) ?? 'None',
    loadBalancerSourceRanges: strList(ctx, m, 'spec', 'loadBalancerSourceRanges'),
    publishNotReadyAddresses: bool(ctx, m, 'spec', 'publishNotReadyAddresses') ?? false,
  };
  if (clusterIP) spec.clusterIP = clusterIP;
  spec.externalIPs.forEach((ip, i) => { if (parseIPv4(ip) === undefined && !ip.includes(':')) invalid(ctx, at('externalIPs'), `spec.externalIPs[${i}]`, ip, 'must be a valid IP address'); });
  if (get(m, 'selector')) spec.selector = labelsOf(ctx, m, 'spec', 'selector');
  if (type === 'ExternalName') {
    const en = str(ctx, m, 'spec', 'externalName');
    if (!en) required(ctx, at('externalName'), 'spec.externalName');
    else { for (const msg of dns1123Subdomain(en.replace(/\.$/, ''))) invalid(ctx, at('externalName'), 'spec.externalName', en, msg); spec.externalName = en; }
  }
  // ports
  const items = list(ctx, m, 'spec', 'ports');
  if (items.length === 0 && type !== 'ExternalName' && clusterIP !== 'None') required(ctx, at('ports'), 'spec.ports');
  const names = new Set<string>();
  const keys = new Set<string>();
  const ports: ServicePort[] = [];
  for (const { value, path } of items) {
    const pm = asMap(ctx, value, path, ['appProtocol', 'name', 'nodePort', 'port', 'protocol', 'targetPort']);
    if (!pm) { required(ctx, value.pos, path); continue; }
    const pat = (key: string) => get(pm, key)?.pos ?? pm.pos;
    const name = str(ctx, pm, path, 'name');
    if (items.length > 1 && !name) required(ctx, pat('name'), childPath(path, 'name'));
    if (name) {
      for (const msg of dns1123Label(name)) invalid(ctx, pat('name'), childPath(path, 'name'), name, msg);
      if (names.has(name)) fail(ctx, pat('name'), childPath(path, 'name'), `Duplicate value: ${JSON.stringify(name)}`);
      names.add(name);
    }
    const port = int(ctx, pm, path, 'port', { required: true });
    if (port !== undefined) for (const msg of portNumber(port)) invalid(ctx, pat('port'), childPath(path, 'port'), port, msg);
    const protocol = protocolOf(ctx, pm, path);
    const key = `${port}/${protocol}`;
    if (keys.has(key)) fail(ctx, value.pos, path, `Duplicate value: ${JSON.stringify({ port, protocol })}`);
    keys.add(key);
    let targetPort = intOrString(ctx, pm, path, 'targetPort');
    if (typeof targetPort === 'number' && targetPort !== 0) for (const msg of portNumber(targetPort)) invalid(ctx, pat('targetPort'), childPath(path, 'targetPort'), targetPort, msg);
    if (typeof targetPort === 'string' && targetPort !== '') for (const msg of portName(targetPort)) invalid(ctx, pat('targetPort'), childPath(path, 'targetPort'), targetPort, msg);
    if (targetPort === undefined || targetPort === 0 || targetPort === '') targetPort = port ?? 0; // SetDefaults_Service
    const nodePort = int(ctx, pm, path, 'nodePort');
    if (nodePort !== undefined && nodePort !== 0) {
      if (!external) fail(ctx, pat('nodePort'), childPath(path, 'nodePort'), `Forbidden: may not be used when \`type\` is '${type}'`);
      else if (nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max) invalid(ctx, pat('nodePort'), childPath(path, 'nodePort'), nodePort, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`);
    }
    if (port === undefined) continue;
    const sp: Mutable<ServicePort> = { protocol, port, targetPort };
    if (name) sp.name = name;
    if (nodePort) sp.nodePort = nodePort;
    const ap = str(ctx, pm, path, 'appProtocol');
    if (ap) sp.appProtocol = ap;
    ports.push(sp);
  }
  spec.ports = ports;
  // traffic policies
  const etp = pick<TrafficPolicy>(ctx, m, 'spec', 'externalTrafficPolicy', TRAFFIC_POLICIES);
  if (etp && !external) invalid(ctx, at('externalTrafficPolicy'), 'spec.externalTrafficPolicy', etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'");
  if (external) spec.externalTrafficPolicy = etp ?? 'Cluster';
  const itp = pick<TrafficPolicy>(ctx, m, 'spec', 'internalTrafficPolicy', TRAFFIC_POLICIES);
  if (type !== 'ExternalName') spec.internalTrafficPolicy = itp ?? 'Cluster';
  const hc = int(ctx, m, 'spec', 'healthCheckNodePort');
  if (hc !== undefined && hc !== 0) {
    if (type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local') invalid(ctx, at('healthCheckNodePort'), 'spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
    else if (hc < NODE_PORT_RANGE.min || hc > NODE_PORT_RANGE.max) invalid(ctx, at('healthCheckNodePort'), 'spec.healthCheckNodePort', hc, `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`);
    else spec.healthCheckNodePort = hc;
  }
  const alloc = bool(ctx, m, 'spec', 'allocateLoadBalancerNodePorts');
  if (alloc !== undefined && type !== 'LoadBalancer') invalid(ctx, at('allocateLoadBalancerNodePorts'), 'spec.allocateLoadBalancerNodePorts', alloc, "may only be used when `type` is 'LoadBalancer'");
  if (type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts = alloc ?? true;
  const lbip = str(ctx, m, 'spec', 'loadBalancerIP');
  if (lbip) spec.loadBalancerIP = lbip;
  if (spec.sessionAffinity === 'ClientIP') {
    const sac = asMap(ctx, get(m, 'sessionAffinityConfig'), 'spec.sessionAffinityConfig', ['clientIP']);
    const cip = asMap(ctx, get(sac, 'clientIP'), 'spec.sessionAffinityConfig.clientIP', ['timeoutSeconds']);
    const t = int(ctx, cip, 'spec.sessionAffinityConfig.clientIP', 'timeoutSeconds') ?? 10800;
    if (t <= 0 || t > 86400) invalid(ctx, at('sessionAffinityConfig'), 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400');
    spec.sessionAffinityTimeoutSeconds = t;
  }
  const st = asMap(ctx, get(root, 'status'), 'status', ['loadBalancer', 'conditions']);
  const lb = asMap(ctx, get(st, 'loadBalancer'), 'status.loadBalancer', ['ingress']);
  const loadBalancerIngress = list(ctx, lb, 'status.loadBalancer', 'ingress').map(({ value, path }) => {
    const e = asMap(ctx, value, path, ['ip', 'hostname', 'ipMode', 'ports']);
    const o: { ip?: string; hostname?: string } = {};
    const ip = str(ctx, e, path, 'ip');
    if (ip) o.ip = ip;
    const hn = str(ctx, e, path, 'hostname');
    if (hn) o.hostname = hn;
    return o;
  });
  return { ...base, kind: 'Service', spec, status: { loadBalancerIngress } };
}
