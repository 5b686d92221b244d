// The addressing convention of hoplab's Calico-style CNI, shared by the engine and the real-kernel
// lab. What Calico does on a real node and what this file keeps of it:
// - IPAM: each node owns one block of the cluster CIDR (topology `kubernetes.cni.blocks`). The
//   block's first address (the network address, e.g. 172.20.5.0) is the node's tunnel address
//   (Calico's IPv4VXLANTunnelAddr / IPv4IPIPTunnelAddr are allocated first from the node's block);
//   pods get the lowest free address from .1 upward. An address freed by a deleted pod is reused.
// - Host-side veth: `cali` + the first 11 hex digits of sha1("<namespace>.<pod>")
//   (libcalico-go VethNameForWorkload), no address, proxy ARP on, MAC ee:ee:ee:ee:ee:ee.
// - Pod side: eth0 with <podIP>/32 and `default via 169.254.1.1 dev eth0 onlink`
//   (Calico's CNI plugin installs a link route to 169.254.1.1 and the default via it).
// - Node: `<podIP>/32 dev cali... scope link` per local pod, `blackhole <own block>`, and per remote
//   node `<block> via <remote tunnel address> dev vxlan.calico onlink` with a permanent neighbour
//   entry and an FDB entry, as Felix's VXLAN manager writes them (VNI 4096, UDP 4789).
import { formatIPv4, inCidr, parseCidr, parseIPv4 } from '../../core/ip.js';
import { sha1Hex } from './sha1.js';

export const CALICO = {
  vxlanDevice: 'vxlan.calico',
  vxlanVni: 4096,
  vxlanPort: 4789,
  /** Felix's default VXLAN MTU on a 1500-byte network. */
  vxlanMtu: 1450,
  gateway: '169.254.1.1',
  hostVethMac: 'ee:ee:ee:ee:ee:ee',
  vethPrefix: 'cali',
} as const;

/** Calico's host-side veth name for a pod. */
export function caliVethName(namespace: string, pod: string): string {
  return CALICO.vethPrefix + sha1Hex(`${namespace}.${pod}`).slice(0, 11);
}

/** The node's tunnel address: the block's first address. */
export function tunnelAddress(block: string): string {
  const c = parseCidr(block, { strict: true });
  if (!c) throw new Error(`bad IPAM block ${block}`);
  return formatIPv4(c.addr);
}

/** The VXLAN device's MAC: a locally administered address derived from the node name (Calico picks a random one and stores it on the node). */
export function vtepMac(node: string): string {
  const h = sha1Hex(`vtep.${node}`);
  return ['66', h.slice(0, 2), h.slice(2, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10)].join(':');
}

/** Lowest free pod address in the block, from .1 upward, skipping the tunnel address and the broadcast address. */
export function nextPodAddress(block: string, taken: ReadonlySet<string>): string | undefined {
  const c = parseCidr(block, { strict: true });
  if (!c) throw new Error(`bad IPAM block ${block}`);
  const size = 2 ** (32 - c.prefix);
  for (let i = 1; i < size - 1; i++) {
    const ip = formatIPv4((c.addr + i) >>> 0);
    if (!taken.has(ip)) return ip;
  }
  return undefined;
}

/** Whether an address lies in a block (for checks and tests). */
export function inBlock(ip: string, block: string): boolean {
  const a = parseIPv4(ip);
  const c = parseCidr(block, { strict: true });
  return a !== undefined && c !== undefined && inCidr(a, c);
}

export interface PodAddressing {
  readonly ns: string;
  readonly pod: string;
  readonly node: string;
  readonly ip: string;
  readonly hostVeth: string;
}

/**
 * Addresses for pods on their nodes. Pods in `keep` hold their address; the others get the lowest
 * free one in their node's block, in the order given (placement order).
 */
export function assignPodAddresses(
  pods: readonly { readonly ns: string; readonly pod: string; readonly node: string }[],
  blocks: Readonly<Record<string, string>>,
  keep: ReadonlyMap<string, string> = new Map(),
): { readonly assigned: PodAddressing[]; readonly errors: string[] } {
  const taken = new Map<string, Set<string>>();
  const key = (p: { ns: string; pod: string }): string => `${p.ns}/${p.pod}`;
  for (const p of pods) {
    const ip = keep.get(key(p));
    if (ip !== undefined) (taken.get(p.node) ?? taken.set(p.node, new Set()).get(p.node))?.add(ip);
  }
  const assigned: PodAddressing[] = [];
  const errors: string[] = [];
  for (const p of pods) {
    const block = blocks[p.node];
    if (block === undefined) { errors.push(`node ${p.node} has no IPAM block (kubernetes.cni.blocks)`); continue; }
    let ip = keep.get(key(p));
    if (ip === undefined) {
      const set = taken.get(p.node) ?? new Set<string>();
      taken.set(p.node, set);
      ip = nextPodAddress(block, set);
      if (ip === undefined) { errors.push(`block ${block} of ${p.node} is full`); continue; }
      set.add(ip);
    }
    assigned.push({ ns: p.ns, pod: p.pod, node: p.node, ip, hostVeth: caliVethName(p.ns, p.pod) });
  }
  return { assigned, errors };
}
