// `--nodeport-addresses` handling (pkg/proxy/util/nodeport_addresses.go NewNodePortAddresses,
// GetNodeIPs): which destinations KUBE-SERVICES hands to KUBE-NODEPORTS, and whether the list
// admits loopback (which decides localhost NodePorts in NewProxier).

import { inCidr, parseCidr, parseIPv4 } from '../../core/ip.js';

export interface NodePortAddresses {
  /** No IPv4 CIDR given, or 0.0.0.0/0 among them: one `-m addrtype --dst-type LOCAL` rule. */
  readonly matchAll: boolean;
  readonly containsIPv4Loopback: boolean;
  /** The node's addresses inside the CIDRs (loopback 127.0.0.1 is always a node address). */
  nodeIPs(nodeIPs: readonly string[]): string[];
}

export function cidrContains(cidrText: string, ipText: string): boolean {
  const c = parseCidr(cidrText);
  const ip = parseIPv4(ipText);
  return c !== undefined && ip !== undefined && inCidr(ip, c);
}

export function computeNodePortAddresses(cidrStrings: readonly string[]): NodePortAddresses {
  const v4 = cidrStrings.map((s) => s.trim()).filter((s) => s !== '' && !s.includes(':') && parseCidr(s) !== undefined);
  const list = v4.length === 0 ? ['0.0.0.0/0'] : v4;
  let matchAll = false;
  let containsIPv4Loopback = false;
  const cidrs: string[] = [];
  for (const s of list) {
    const c = parseCidr(s);
    if (!c) continue;
    if (c.addr >>> 24 === 127 || cidrContains(s, '127.0.0.0')) containsIPv4Loopback = true;
    if (c.prefix === 0) {
      matchAll = true;
      cidrs.length = 0;
      cidrs.push(s);
      break;
    }
    cidrs.push(s);
  }
  return {
    matchAll,
    containsIPv4Loopback,
    nodeIPs(nodeIPs: readonly string[]): string[] {
      // Interface order as on a node: lo first, then the others.
      const addrs = ['127.0.0.1', ...nodeIPs.filter((ip) => !ip.includes(':'))];
      const out: string[] = [];
      for (const c of cidrs) for (const ip of addrs) if (cidrContains(c, ip) && !out.includes(ip)) out.push(ip);
      return out;
    },
  };
}
