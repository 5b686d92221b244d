// discovery.k8s.io/v1 EndpointSlice (pkg/apis/discovery/validation: addressType required and one of
// IPv4|IPv6|FQDN, 1..100 addresses per endpoint, port names DNS-1123 labels, protocols TCP|UDP|SCTP).
import { parseIPv4 } from '../../core/ip.js';
import type { Endpoint, EndpointPort, EndpointSlice } from '../../model/k8s/endpoint-slice.js';
import { ADDRESS_TYPES } from '../../model/k8s/endpoint-slice.js';
import { childPath } from '../../model/k8s/meta.js';
import type { ObjectBase } from '../../model/k8s/meta.js';
import { dns1123Label, dns1123Subdomain, portNumber } from './names.js';
import { protocolOf } from './pod-spec.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, bool, get, int, invalid, list, required, str, strList, unsupported } from './reader.js';

export function decodeEndpointSlice(ctx: Ctx, root: YMap, base: ObjectBase): EndpointSlice {
  const at = root.pos;
  const atText = str(ctx, root, '', 'addressType');
  const addressType = ADDRESS_TYPES.find((a) => a === atText);
  if (!atText) required(ctx, at, 'addressType');
  else if (!addressType) unsupported(ctx, get(root, 'addressType')?.pos ?? at, 'addressType', atText, ADDRESS_TYPES);
  const endpoints: Endpoint[] = [];
  for (const { value, path } of list(ctx, root, '', 'endpoints')) {
    const e = asMap(ctx, value, path, ['addresses', 'conditions', 'deprecatedTopology', 'hints', 'hostname', 'nodeName', 'targetRef', 'zone']);
    if (!e) continue;
    const addresses = strList(ctx, e, path, 'addresses');
    const ap = get(e, 'addresses')?.pos ?? e.pos;
    if (addresses.length === 0 || addresses.length > 100) invalid(ctx, ap, childPath(path, 'addresses'), addresses, 'must contain at least 1 and at most 100 addresses');
    if (addressType === 'IPv4') addresses.forEach((a, i) => { if (parseIPv4(a) === undefined) invalid(ctx, ap, childPath(childPath(path, 'addresses'), i), a, 'must be a valid IPv4 address'); });
    const c = asMap(ctx, get(e, 'conditions'), childPath(path, 'conditions'), ['ready', 'serving', 'terminating']);
    const conditions: { ready?: boolean; serving?: boolean; terminating?: boolean } = {};
    const ready = bool(ctx, c, childPath(path, 'conditions'), 'ready');
    if (ready !== undefined) conditions.ready = ready;
    const serving = bool(ctx, c, childPath(path, 'conditions'), 'serving');
    if (serving !== undefined) conditions.serving = serving;
    const terminating = bool(ctx, c, childPath(path, 'conditions'), 'terminating');
    if (terminating !== undefined) conditions.terminating = terminating;
    const ep: { -readonly [K in keyof Endpoint]: Endpoint[K] } = { addresses, conditions };
    const nodeName = str(ctx, e, path, 'nodeName');
    if (nodeName) { for (const msg of dns1123Subdomain(nodeName)) invalid(ctx, get(e, 'nodeName')?.pos ?? e.pos, childPath(path, 'nodeName'), nodeName, msg); ep.nodeName = nodeName; }
    const hostname = str(ctx, e, path, 'hostname');
    if (hostname) ep.hostname = hostname;
    const zone = str(ctx, e, path, 'zone');
    if (zone) ep.zone = zone;
    const tr = asMap(ctx, get(e, 'targetRef'), childPath(path, 'targetRef'), ['apiVersion', 'fieldPath', 'kind', 'name', 'namespace', 'resourceVersion', 'uid']);
    if (tr) {
      const ref: { kind?: string; namespace?: string; name?: string } = {};
      const k = str(ctx, tr, childPath(path, 'targetRef'), 'kind'); if (k) ref.kind = k;
      const ns = str(ctx, tr, childPath(path, 'targetRef'), 'namespace'); if (ns) ref.namespace = ns;
      const n = str(ctx, tr, childPath(path, 'targetRef'), 'name'); if (n) ref.name = n;
      ep.targetRef = ref;
    }
    endpoints.push(ep);
  }
  const ports: EndpointPort[] = [];
  for (const { value, path } of list(ctx, root, '', 'ports')) {
    const p = asMap(ctx, value, path, ['appProtocol', 'name', 'port', 'protocol']);
    if (!p) continue;
    const out: { -readonly [K in keyof EndpointPort]: EndpointPort[K] } = { protocol: protocolOf(ctx, p, path) };
    const name = str(ctx, p, path, 'name');
    if (name) { for (const msg of dns1123Label(name)) invalid(ctx, get(p, 'name')?.pos ?? p.pos, childPath(path, 'name'), name, msg); out.name = name; }
    const port = int(ctx, p, path, 'port');
    if (port !== undefined) { for (const msg of portNumber(port)) invalid(ctx, get(p, 'port')?.pos ?? p.pos, childPath(path, 'port'), port, msg); out.port = port; }
    const ap = str(ctx, p, path, 'appProtocol');
    if (ap) out.appProtocol = ap;
    ports.push(out);
  }
  const slice: { -readonly [K in keyof EndpointSlice]: EndpointSlice[K] } = { ...base, kind: 'EndpointSlice', addressType: addressType ?? 'IPv4', endpoints, ports };
  const sn = base.metadata.labels['kubernetes.io/service-name'];
  if (sn !== undefined) slice.serviceName = sn;
  return slice;
}

export type { YMap };
