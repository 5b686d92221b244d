// The iptables-restore payload of one full kube-proxy sync, built the way upstream's
// syncProxyRules builds it (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, the version with
// KUBE-PROXY-FIREWALL, the EXT/SVL split, nfacct counters and localhost NodePorts; ≈ v1.30–1.33).
// Each rule keeps its arguments exactly as kube-proxy writes them (comments with spaces carry
// their own double quotes); ordering and canonical printing are done elsewhere.
// Service ports are visited in name order: upstream walks a Go map, so its inter-service order is
// arbitrary and its tests sort it away.

import { parseCidr, parseIPv4 } from '../../core/ip.js';
import { endpointChainName, protocolLower, serviceChainNames, servicePortNameString } from './chain-names.js';
import {
  DEFAULT_STICKY_MAX_AGE_SECONDS,
  KubeChain,
  LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
  NfacctCounter,
  NODEPORTS_LAST_RULE_COMMENT,
} from './constants.js';
import { buildEndpointList, categorizeEndpoints, type ProxyEndpoint } from './endpoints.js';
import { cidrContains, computeNodePortAddresses, type NodePortAddresses } from './node-port-addresses.js';
import { computeProbability, goMarkText, quoted, TableWriter } from './table-writer.js';
import type { EndpointInfo, KubeProxyInput, ServicePortInfo } from './types.js';

export interface WrittenRule {
  readonly chain: string;
  readonly args: readonly string[];
}

/** One table of the restore payload: `:CHAIN - [0:0]` lines, then `-A` lines, in write order. */
export interface WrittenTable {
  readonly chains: readonly string[];
  readonly rules: readonly WrittenRule[];
}

export interface SyncPayload {
  readonly filter: WrittenTable;
  readonly nat: WrittenTable;
  /** The mark value (1 << masqueradeBit). */
  readonly masqueradeMark: number;
  /** localhostNodePorts after NewProxier's adjustment (off when --nodeport-addresses excludes loopback). */
  readonly localhostNodePorts: boolean;
}

interface LocalDetector {
  readonly ifLocal: readonly string[];
  readonly ifNotLocal: readonly string[];
}

function localDetector(clusterCIDR: string | undefined): LocalDetector | undefined {
  if (clusterCIDR === undefined || clusterCIDR === '') return undefined;
  return { ifLocal: ['-s', clusterCIDR], ifNotLocal: ['!', '-s', clusterCIDR] };
}

function svcKey(namespace: string, name: string, portName: string | undefined, protocol: string): string {
  return `${namespace}/${name}:${portName ?? ''}/${protocol}`;
}

/**
 * Headless services (`None`), IPv6 and unparsable cluster IPs are not handled by an IPv4 proxier
 * (ServiceChangeTracker skips them).
 */
function isProxiable(svc: ServicePortInfo): boolean {
  return parseIPv4(svc.clusterIP) !== undefined;
}

/** The IPv4 entries of an address list; other families and unparsable text are dropped, as upstream filters by family. */
const ipv4Only = (ips: readonly string[] | undefined): string[] => (ips ?? []).filter((ip) => parseIPv4(ip) !== undefined);

export function buildSyncPayload(input: KubeProxyInput, markText?: string): SyncPayload {
  const masqueradeMark = 2 ** (input.masqueradeBit ?? 14);
  const mark = markText ?? goMarkText(masqueradeMark);
  const npa: NodePortAddresses = computeNodePortAddresses(input.nodePortAddresses ?? []);
  const localhostNodePorts = (input.localhostNodePorts ?? true) && npa.containsIPv4Loopback;
  const nfacct = input.nfacctAvailable ?? false;
  const detector = localDetector(input.clusterCIDR);
  const nodeIP = input.nodeIPs[0];

  const filter = new TableWriter();
  const nat = new TableWriter();

  for (const c of [KubeChain.SERVICES, KubeChain.EXTERNAL_SERVICES, KubeChain.FORWARD, KubeChain.NODEPORTS, KubeChain.PROXY_FIREWALL]) {
    filter.chain(c);
  }
  for (const c of [KubeChain.SERVICES, KubeChain.NODEPORTS, KubeChain.POSTROUTING, KubeChain.MARK_MASQ]) nat.chain(c);

  nat.rule(KubeChain.POSTROUTING, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  // Clearing the bit keeps a packet that re-traverses the stack from being masqueraded twice.
  nat.rule(KubeChain.POSTROUTING, '-j', 'MARK', '--xor-mark', mark);
  nat.rule(
    KubeChain.POSTROUTING,
    ['-m', 'comment', '--comment', quoted('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE'],
    input.randomFully ?? true ? ['--random-fully'] : [],
  );
  nat.rule(KubeChain.MARK_MASQ, '-j', 'MARK', '--or-mark', mark);

  if (localhostNodePorts) {
    // route_localnet=1 opens 127.0.0.0/8 to the network (issue 90259); this rule closes it again.
    filter.chain(KubeChain.FIREWALL);
    filter.rule(
      KubeChain.FIREWALL,
      ['-m', 'comment', '--comment', quoted('block incoming localnet connections')],
      ['-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'],
    );
  }

  // Several EndpointSlices of one service port merge into one endpoints-map entry.
  const rawByKey = new Map<string, EndpointInfo[]>();
  for (const e of input.endpoints) {
    const key = svcKey(e.namespace, e.name, e.portName || undefined, e.protocol ?? 'TCP');
    const list = rawByKey.get(key) ?? [];
    list.push(...e.endpoints);
    rawByKey.set(key, list);
  }
  const endpointsByKey = new Map<string, readonly ProxyEndpoint[]>();
  for (const [key, list] of rawByKey) endpointsByKey.set(key, buildEndpointList(list, input.nodeName));

  const services = input.services
    .filter(isProxiable)
    .map((svc) => ({ svc, nameString: servicePortNameString(svc.namespace, svc.name, svc.portName || undefined) }))
    .sort((a, b) => (a.nameString < b.nameString ? -1 : a.nameString > b.nameString ? 1 : a.svc.protocol < b.svc.protocol ? -1 : 1));

  let totalEndpoints = 0;
  for (const { svc } of services) {
    totalEndpoints += endpointsByKey.get(svcKey(svc.namespace, svc.name, svc.portName || undefined, svc.protocol))?.length ?? 0;
  }
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
  const serviceComment = (text: string): string[] => (largeClusterMode ? [] : ['-m', 'comment', '--comment', text]);

  for (const { svc, nameString } of services) {
    const protocol = protocolLower(svc.protocol);
    const names = serviceChainNames(nameString, protocol);
    const allEndpoints = endpointsByKey.get(svcKey(svc.namespace, svc.name, svc.portName || undefined, svc.protocol)) ?? [];
    const externalIPs = ipv4Only(svc.externalIPs);
    const lbIPs = ipv4Only(svc.loadBalancerIPs);
    const sourceRanges = (svc.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter((r) => parseCidr(r) !== undefined);
    const nodePort = svc.nodePort ?? 0;
    const externallyAccessible = nodePort !== 0 || lbIPs.length > 0 || externalIPs.length > 0;
    const internalPolicyLocal = svc.internalTrafficPolicy === 'Local';
    const externalPolicyLocal = externallyAccessible && svc.externalTrafficPolicy === 'Local';
    const use = {
      usesClusterEndpoints: !internalPolicyLocal || externallyAccessible,
      usesLocalEndpoints: internalPolicyLocal || externalPolicyLocal,
    };
    const cat = categorizeEndpoints(allEndpoints, use, input.nodeZone);
    const hasEndpoints = cat.hasAnyEndpoints;

    const clusterPolicyChain = names.svc;
    const usesClusterPolicyChain = cat.clusterEndpoints.length > 0 && use.usesClusterEndpoints;
    const localPolicyChain = names.svl;
    const usesLocalPolicyChain = cat.localEndpoints.length > 0 && use.usesLocalEndpoints;

    let internalPolicyChain = clusterPolicyChain;
    let hasInternalEndpoints = hasEndpoints;
    if (internalPolicyLocal) {
      internalPolicyChain = localPolicyChain;
      if (cat.localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    let externalPolicyChain = clusterPolicyChain;
    let hasExternalEndpoints = hasEndpoints;
    if (externalPolicyLocal) {
      externalPolicyChain = localPolicyChain;
      if (cat.localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const externalTrafficChain = names.ext;
    // Based on hasEndpoints, not hasExternalEndpoints: the short-circuit rules are needed even
    // when this node has no endpoint for external traffic.
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible;
    const usesFWChain = hasEndpoints && lbIPs.length > 0 && sourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? names.fw : externalTrafficChain;

    let internalFilterTarget = '';
    let internalFilterComment = '';
    let externalFilterTarget = '';
    let externalFilterComment = '';
    if (!hasEndpoints) {
      internalFilterTarget = 'REJECT';
      internalFilterComment = quoted(`${nameString} has no endpoints`);
      externalFilterTarget = 'REJECT';
      externalFilterComment = internalFilterComment;
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = 'DROP';
        internalFilterComment = quoted(`${nameString} has no local endpoints`);
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = 'DROP';
        externalFilterComment = quoted(`${nameString} has no local endpoints`);
      }
    }

    const proto = ['-m', protocol, '-p', protocol];
    const clusterIPMatch = [...proto, '-d', svc.clusterIP, '--dport', String(svc.port)];

    // Capture the clusterIP.
    if (hasInternalEndpoints) {
      nat.rule(KubeChain.SERVICES, ['-m', 'comment', '--comment', quoted(`${nameString} cluster IP`)], clusterIPMatch, ['-j', internalPolicyChain]);
    } else {
      filter.rule(KubeChain.SERVICES, ['-m', 'comment', '--comment', internalFilterComment], clusterIPMatch, ['-j', internalFilterTarget]);
    }

    // Capture externalIPs.
    for (const extIP of externalIPs) {
      const match = [...proto, '-d', extIP, '--dport', String(svc.port)];
      if (hasEndpoints) {
        nat.rule(KubeChain.SERVICES, ['-m', 'comment', '--comment', quoted(`${nameString} external IP`)], match, ['-j', externalTrafficChain]);
      }
      if (!hasExternalEndpoints) {
        filter.rule(KubeChain.EXTERNAL_SERVICES, ['-m', 'comment', '--comment', externalFilterComment], match, ['-j', externalFilterTarget]);
      }
    }

    // Capture load-balancer ingress.
    for (const lbIP of lbIPs) {
      const match = [...proto, '-d', lbIP, '--dport', String(svc.port)];
      if (hasEndpoints) {
        nat.rule(KubeChain.SERVICES, ['-m', 'comment', '--comment', quoted(`${nameString} loadbalancer IP`)], match, ['-j', loadBalancerTrafficChain]);
      }
      if (usesFWChain) {
        filter.rule(
          KubeChain.PROXY_FIREWALL,
          ['-m', 'comment', '--comment', quoted(`${nameString} traffic not accepted by ${names.fw}`)],
          match,
          ['-j', 'DROP'],
        );
      }
    }
    if (!hasExternalEndpoints) {
      for (const lbIP of lbIPs) {
        filter.rule(
          KubeChain.EXTERNAL_SERVICES,
          ['-m', 'comment', '--comment', externalFilterComment],
          [...proto, '-d', lbIP, '--dport', String(svc.port)],
          ['-j', externalFilterTarget],
        );
      }
    }

    // Capture nodeports (not subject to loadBalancerSourceRanges).
    if (nodePort !== 0) {
      if (hasEndpoints) {
        if (localhostNodePorts && nfacct) {
          nat.rule(
            KubeChain.NODEPORTS,
            ['-m', 'comment', '--comment', nameString],
            [...proto, '-d', '127.0.0.0/8', '--dport', String(nodePort)],
            ['-m', 'nfacct', '--nfacct-name', NfacctCounter.localhostNodePortsAccepted, '-j', externalTrafficChain],
          );
        }
        nat.rule(KubeChain.NODEPORTS, ['-m', 'comment', '--comment', nameString], [...proto, '--dport', String(nodePort)], ['-j', externalTrafficChain]);
      }
      if (!hasExternalEndpoints) {
        filter.rule(
          KubeChain.EXTERNAL_SERVICES,
          ['-m', 'comment', '--comment', externalFilterComment, '-m', 'addrtype', '--dst-type', 'LOCAL'],
          [...proto, '--dport', String(nodePort)],
          ['-j', externalFilterTarget],
        );
      }
    }

    // Capture healthCheckNodePorts: accepted whether or not this node has local endpoints.
    const needsHealthCheck = svc.externalTrafficPolicy === 'Local' && (svc.type === undefined || svc.type === 'LoadBalancer');
    const hcPort = needsHealthCheck ? (svc.healthCheckNodePort ?? 0) : 0;
    if (hcPort !== 0) {
      filter.rule(
        KubeChain.NODEPORTS,
        ['-m', 'comment', '--comment', quoted(`${nameString} health check node port`)],
        ['-m', 'tcp', '-p', 'tcp', '--dport', String(hcPort), '-j', 'ACCEPT'],
      );
    }

    // Internal traffic: masquerade off-cluster sources reaching the cluster IP (they may bounce off-node).
    if (hasInternalEndpoints) {
      const args = ['-m', 'comment', '--comment', quoted(`${nameString} cluster IP`), ...clusterIPMatch];
      if (input.masqueradeAll) nat.rule(internalPolicyChain, args, ['-j', KubeChain.MARK_MASQ]);
      else if (detector) nat.rule(internalPolicyChain, args, detector.ifNotLocal, ['-j', KubeChain.MARK_MASQ]);
    }

    // External traffic: everything captured for external destinations goes through KUBE-EXT.
    if (usesExternalTrafficChain) {
      nat.chain(externalTrafficChain);
      if (!externalPolicyLocal) {
        nat.rule(
          externalTrafficChain,
          ['-m', 'comment', '--comment', quoted(`masquerade traffic for ${nameString} external destinations`)],
          ['-j', KubeChain.MARK_MASQ],
        );
      } else {
        if (detector) {
          // Pod -> external destination gets Cluster semantics, as if it went out to the LB and back.
          nat.rule(
            externalTrafficChain,
            ['-m', 'comment', '--comment', quoted(`pod traffic for ${nameString} external destinations`)],
            detector.ifLocal,
            ['-j', clusterPolicyChain],
          );
        }
        // Host-originated traffic still needs masquerade: its source is a local address.
        nat.rule(
          externalTrafficChain,
          ['-m', 'comment', '--comment', quoted(`masquerade LOCAL traffic for ${nameString} external destinations`)],
          ['-m', 'addrtype', '--src-type', 'LOCAL', '-j', KubeChain.MARK_MASQ],
        );
        nat.rule(
          externalTrafficChain,
          ['-m', 'comment', '--comment', quoted(`route LOCAL traffic for ${nameString} external destinations`)],
          ['-m', 'addrtype', '--src-type', 'LOCAL', '-j', clusterPolicyChain],
        );
      }
      if (hasExternalEndpoints) nat.rule(externalTrafficChain, '-j', externalPolicyChain);
    }

    // Firewall chain for loadBalancerSourceRanges.
    if (usesFWChain) {
      nat.chain(names.fw);
      const head = ['-m', 'comment', '--comment', quoted(`${nameString} loadbalancer IP`)];
      let allowFromNode = false;
      for (const cidr of sourceRanges) {
        nat.rule(names.fw, head, ['-s', cidr, '-j', externalTrafficChain]);
        if (nodeIP !== undefined && cidrContains(cidr, nodeIP)) allowFromNode = true;
      }
      // A VIP often sits on the node itself; node -> VIP then loops back with the VIP as source.
      if (allowFromNode) {
        for (const lbIP of lbIPs) nat.rule(names.fw, head, ['-s', lbIP, '-j', externalTrafficChain]);
      }
      // What reaches the end was not DNATed and is dropped by the KUBE-PROXY-FIREWALL rule.
      nat.rule(names.fw, '-m', 'comment', '--comment', quoted(`other traffic to ${nameString} will be dropped by KUBE-PROXY-FIREWALL`));
    }

    const sepNames = new Map<string, string>();
    const sepName = (ep: ProxyEndpoint): string => {
      let n = sepNames.get(ep.str);
      if (n === undefined) sepNames.set(ep.str, (n = endpointChainName(nameString, protocol, ep.str)));
      return n;
    };
    const writeServiceToEndpointRules = (chain: string, endpoints: readonly ProxyEndpoint[]): void => {
      if (svc.sessionAffinity === 'ClientIP') {
        const seconds = String(svc.sessionAffinityTimeoutSeconds ?? DEFAULT_STICKY_MAX_AGE_SECONDS);
        for (const ep of endpoints) {
          nat.rule(
            chain,
            serviceComment(quoted(`${nameString} -> ${ep.str}`)),
            ['-m', 'recent', '--name', sepName(ep), '--rcheck', '--seconds', seconds, '--reap', '-j', sepName(ep)],
          );
        }
      }
      endpoints.forEach((ep, i) => {
        const stat = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', computeProbability(endpoints.length - i)] : [];
        nat.rule(chain, serviceComment(quoted(`${nameString} -> ${ep.str}`)), stat, ['-j', sepName(ep)]);
      });
    };

    if (usesClusterPolicyChain) {
      nat.chain(clusterPolicyChain);
      writeServiceToEndpointRules(clusterPolicyChain, cat.clusterEndpoints);
    }
    if (usesLocalPolicyChain) {
      nat.chain(localPolicyChain);
      writeServiceToEndpointRules(localPolicyChain, cat.localEndpoints);
    }

    for (const ep of cat.allReachableEndpoints) {
      const chain = sepName(ep);
      nat.chain(chain);
      const head = serviceComment(nameString);
      // Hairpin: a pod reaching itself through the service must be SNATed or it answers itself directly.
      nat.rule(chain, head, ['-s', ep.ip, '-j', KubeChain.MARK_MASQ]);
      const affinity = svc.sessionAffinity === 'ClientIP' ? ['-m', 'recent', '--name', chain, '--set'] : [];
      nat.rule(chain, head, affinity, [...proto, '-j', 'DNAT', '--to-destination', ep.str]);
    }
  }

  // Tail-call to KUBE-NODEPORTS; must stay after every service portal rule.
  if (npa.matchAll) {
    const dest = localhostNodePorts ? [] : ['!', '-d', '127.0.0.0/8'];
    nat.rule(
      KubeChain.SERVICES,
      ['-m', 'comment', '--comment', quoted(NODEPORTS_LAST_RULE_COMMENT), '-m', 'addrtype', '--dst-type', 'LOCAL'],
      dest,
      ['-j', KubeChain.NODEPORTS],
    );
  } else {
    for (const ip of npa.nodeIPs(input.nodeIPs)) {
      if (ip.startsWith('127.') && !localhostNodePorts) continue;
      nat.rule(KubeChain.SERVICES, ['-m', 'comment', '--comment', quoted(NODEPORTS_LAST_RULE_COMMENT), '-d', ip, '-j', KubeChain.NODEPORTS]);
    }
  }

  // INVALID packets would otherwise risk resets of established connections (issues 74839, 117924).
  if (!input.conntrackTCPBeLiberal) {
    filter.rule(
      KubeChain.FORWARD,
      ['-m', 'conntrack', '--ctstate', 'INVALID'],
      nfacct ? ['-m', 'nfacct', '--nfacct-name', NfacctCounter.ctStateInvalidDropped] : [],
      ['-j', 'DROP'],
    );
  }
  // Lets NodePort traffic be forwarded even when the FORWARD policy is not ACCEPT.
  filter.rule(KubeChain.FORWARD, ['-m', 'comment', '--comment', quoted('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT']);
  filter.rule(
    KubeChain.FORWARD,
    ['-m', 'comment', '--comment', quoted('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
  );

  return { filter, nat, masqueradeMark, localhostNodePorts };
}
