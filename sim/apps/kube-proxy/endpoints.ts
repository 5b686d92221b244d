// Which endpoints a service port uses on this node, as upstream computes them:
// - the endpoints map (pkg/proxy/endpointslicecache.go addEndpoints, endpointsMapFromEndpointInfo):
//   one entry per `ip:port`, a non-terminating duplicate wins, sorted by the `ip:port` string;
// - CategorizeEndpoints (pkg/proxy/topology.go): Ready endpoints, falling back to
//   serving+terminating ones independently for Cluster and Local policy; zone hints.

import { parseIPv4 } from '../../core/ip.js';
import { endpointString } from './chain-names.js';
import type { EndpointInfo } from './types.js';

export interface ProxyEndpoint {
  readonly ip: string;
  readonly port: number;
  /** `ip:port` (upstream Endpoint.String()). */
  readonly str: string;
  readonly isLocal: boolean;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly zoneHints: readonly string[];
}


/** The endpoints map entry for one service port on `nodeName` (IPv4 proxier: IPv6 addresses are ignored). */
export function buildEndpointList(endpoints: readonly EndpointInfo[], nodeName: string): ProxyEndpoint[] {
  const byString = new Map<string, ProxyEndpoint>();
  for (const ep of endpoints) {
    if (parseIPv4(ep.ip) === undefined) continue; // other family (or unparsable): not this proxier's
    const terminating = ep.terminating ?? false;
    const info: ProxyEndpoint = {
      ip: ep.ip,
      port: ep.port,
      str: endpointString(ep.ip, ep.port),
      isLocal: nodeName !== '' && ep.nodeName === nodeName,
      ready: ep.ready ?? true,
      serving: ep.serving ?? true,
      terminating,
      zoneHints: ep.zoneHints ?? [],
    };
    if (!byString.has(info.str) || !terminating) byString.set(info.str, info);
  }
  // Go's sort on strings compares bytes; these are ASCII, so code-unit order is the same.
  return [...byString.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
}

export interface PolicyUse {
  /** !internalPolicyLocal || externallyAccessible */
  readonly usesClusterEndpoints: boolean;
  /** internalPolicyLocal || (externalPolicyLocal && externallyAccessible) */
  readonly usesLocalEndpoints: boolean;
}

export interface CategorizedEndpoints {
  readonly clusterEndpoints: readonly ProxyEndpoint[];
  readonly localEndpoints: readonly ProxyEndpoint[];
  /** Endpoints that get a KUBE-SEP chain on this node. */
  readonly allReachableEndpoints: readonly ProxyEndpoint[];
  /** Whether the service has any usable endpoint anywhere in the cluster. */
  readonly hasAnyEndpoints: boolean;
}

function topologyMode(endpoints: readonly ProxyEndpoint[], zone: string | undefined): 'PreferSameZone' | '' {
  let allHaveZoneHints = true;
  let hasForZone = false;
  for (const ep of endpoints) {
    if (!ep.ready) continue;
    if (ep.zoneHints.length === 0) allHaveZoneHints = false;
    else if (zone !== undefined && ep.zoneHints.includes(zone)) hasForZone = true;
  }
  return allHaveZoneHints && hasForZone ? 'PreferSameZone' : '';
}

export function categorizeEndpoints(
  endpoints: readonly ProxyEndpoint[],
  use: PolicyUse,
  zone: string | undefined,
): CategorizedEndpoints {
  let clusterEndpoints: ProxyEndpoint[] = [];
  let localEndpoints: ProxyEndpoint[] = [];
  let hasAnyEndpoints = false;
  let mode: 'PreferSameZone' | '' = '';
  let useServingTerminating = false;

  if (use.usesClusterEndpoints) {
    mode = topologyMode(endpoints, zone);
    clusterEndpoints = endpoints.filter((ep) => ep.ready && (mode === '' || (zone !== undefined && ep.zoneHints.includes(zone))));
    if (clusterEndpoints.length === 0) clusterEndpoints = endpoints.filter((ep) => ep.serving && ep.terminating);
    if (clusterEndpoints.length > 0) hasAnyEndpoints = true;
  }
  if (!use.usesLocalEndpoints) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if (ep.serving && ep.terminating) {
      hasAnyEndpoints = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  if (hasLocalReady) {
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.ready);
  } else if (hasLocalServingTerminating) {
    useServingTerminating = true;
    localEndpoints = endpoints.filter((ep) => ep.isLocal && ep.serving && ep.terminating);
  }
  if (!use.usesClusterEndpoints) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: localEndpoints, hasAnyEndpoints };
  }
  if (mode === '' && !useServingTerminating) {
    return { clusterEndpoints, localEndpoints, allReachableEndpoints: clusterEndpoints, hasAnyEndpoints };
  }
  // Upstream merges through a Go map (random order); chains are sorted by name when printed, so
  // the order here only has to be deterministic.
  const merged = new Map<string, ProxyEndpoint>();
  for (const ep of [...clusterEndpoints, ...localEndpoints]) merged.set(ep.str, ep);
  const allReachableEndpoints = [...merged.values()].sort((a, b) => (a.str < b.str ? -1 : a.str > b.str ? 1 : 0));
  return { clusterEndpoints, localEndpoints, allReachableEndpoints, hasAnyEndpoints };
}
