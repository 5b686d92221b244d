// A Calico-style CNI on the simulated nodes, wired as Felix and the CNI plugin wire a real node
// (see plan.ts for the addressing convention): each node's VXLAN tunnel `vxlan.calico` holds its
// block's first address, with static neighbour/FDB entries for the other nodes and a route per
// remote block through it; each pod is its own namespace with `eth0` = <podIP>/32 and a default
// route via 169.254.1.1, joined by a veth to a host-side `cali...` device that has no address,
// proxy ARP on and a /32 route. NetworkPolicy is enforced where Calico enforces it: filter FORWARD
// toward the pod's interface (after kube-proxy's DNAT, before its SNAT), from the `cali-FORWARD`
// chain whose position relative to kube-proxy's KUBE-FORWARD is the topology's policyPlacement.

import { formatIPv4, ipv4, parseCidr, parseIPv4, type IPv4 } from '../../core/ip.js';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { World } from '../../net/stack/world.js';
import type { DelegatedVerdict, NfEnv } from '../../net/netfilter/api.js';
import { addInterface, newHostSetup, runIpText, type HostSetup } from '../../scenario/build.js';
import { CALICO, tunnelAddress } from './plan.js';
import { checkPacket, explainText, type NetpolIndex, type NetpolVerdict } from '../netpol/index.js';
import type { Protocol } from '../../model/k8s/protocol.js';
import { parseIptablesCommands } from '../../parsers/iptables-save/index.js';

export interface CniNode {
  readonly name: string;
  readonly setup: HostSetup;
  readonly nodeIp: IPv4;
  readonly uplink: string; // the device that holds nodeIp (eth0)
  readonly block: string;
}

export interface CniPod {
  readonly namespace: string;
  readonly name: string;
  readonly node: string;
  readonly ip: string;
  readonly hostVeth: string;
}

/** The tunnel device and the routes to the other nodes' blocks. */
export function plumbNode(w: World, n: CniNode, all: readonly CniNode[], encapsulation: 'vxlan' | 'ipip' | 'none', diagnostics: Diagnostic[]): void {
  const tunnel = ipv4(tunnelAddress(n.block));
  const others = all.filter((o) => o.name !== n.name);
  n.setup.host.sysctl.ip_forward = 1;
  n.setup.host.sysctl.all.forwarding = 1;
  for (const i of n.setup.host.ifaces.values()) i.sysctl.forwarding = 1;
  const lines: string[] = [];
  if (encapsulation === 'vxlan') {
    addInterface(w, n.setup, {
      name: CALICO.vxlanDevice, kind: 'vxlan', mtu: CALICO.vxlanMtu, addresses: [{ addr: tunnel, prefix: 32 }],
      vxlan: { vni: CALICO.vxlanVni, local: n.nodeIp, dstport: CALICO.vxlanPort, dev: n.uplink, peers: others.map((o) => ({ nexthop: ipv4(tunnelAddress(o.block)), vtep: o.nodeIp })) },
      sysctl: { forwarding: 1 },
    }, diagnostics);
    for (const o of others) lines.push(`ip route add ${o.block} via ${tunnelAddress(o.block)} dev ${CALICO.vxlanDevice} onlink proto 80`);
  } else if (encapsulation === 'ipip') {
    addInterface(w, n.setup, { name: 'tunl0', kind: 'ipip', mtu: 1480, addresses: [{ addr: tunnel, prefix: 32 }], ipip: {}, sysctl: { forwarding: 1 } }, diagnostics);
    for (const o of others) lines.push(`ip route add ${o.block} via ${formatIPv4(o.nodeIp)} dev tunl0 onlink proto 80`);
  } else {
    for (const o of others) lines.push(`ip route add ${o.block} via ${formatIPv4(o.nodeIp)} dev ${n.uplink} proto 80`);
  }
  lines.push(`ip route add blackhole ${n.block} proto 80`);
  runIpText(n.setup, lines.join('\n'), `${n.name}: calico routes`, diagnostics);
}

/** The pod's namespace, its veth pair, and the node's /32 route and proxy ARP. */
export function plumbPod(w: World, node: CniNode, pod: CniPod, diagnostics: Diagnostic[]): HostSetup {
  const ps = newHostSetup(w, `${node.name}/${pod.name}`, pod.name, 'pod');
  const podIp = parseIPv4(pod.ip) as IPv4;
  addInterface(w, node.setup, { name: pod.hostVeth, kind: 'veth', mac: CALICO.hostVethMac as never, addresses: [], peer: { ns: ps.host.name, iface: 'eth0' }, sysctl: { proxy_arp: 1, forwarding: 1 } }, diagnostics);
  addInterface(w, ps, { name: 'eth0', kind: 'veth', addresses: [{ addr: podIp, prefix: 32 }], peer: { ns: node.setup.host.name, iface: pod.hostVeth } }, diagnostics);
  runIpText(ps, `ip route add 169.254.1.1 dev eth0 scope link\nip route add default via 169.254.1.1 dev eth0`, `${pod.namespace}/${pod.name}: calico CNI`, diagnostics);
  runIpText(node.setup, `ip route add ${pod.ip} dev ${pod.hostVeth} scope link`, `${node.name}: calico routes`, diagnostics);
  return ps;
}

/** Felix's jump to cali-FORWARD: inserted first (Calico's default), or after kube-proxy's KUBE-FORWARD jump. */
export function installPolicyChain(node: CniNode, placement: 'before-kube-forward' | 'after-kube-forward', diagnostics: Diagnostic[]): void {
  const forward = node.setup.ruleset.tables.find((t) => t.name === 'filter')?.chains.find((c) => c.name === 'FORWARD');
  const kubeIdx = forward?.rules.findIndex((r) => r.spec.target?.kind === 'jump' && r.spec.target.chain === 'KUBE-FORWARD') ?? -1;
  const pos = placement === 'before-kube-forward' || kubeIdx < 0 ? 1 : kubeIdx + 2;
  const text = [
    'iptables -t filter -N cali-FORWARD',
    `iptables -t filter -I FORWARD ${pos} -m comment --comment "cali:wUHhoiAYhphO9Mso" -j cali-FORWARD`,
  ].join('\n');
  const r = parseIptablesCommands(text, { file: `${node.name}: calico felix` }, node.setup.ruleset);
  diagnostics.push(...r.diagnostics);
  node.setup.ruleset = r.value;
}

/**
 * The decision cali-FORWARD makes, from the NetworkPolicy engine: replies of allowed connections
 * pass; a new connection toward a local pod passes when the pod is not isolated or a rule admits
 * the source as it is at this point (after DNAT, before SNAT); traffic not toward a local pod
 * goes back to FORWARD (RETURN).
 */
const RETURN_QUIET: DelegatedVerdict = Object.freeze({ verdict: 'RETURN', effect: '' });
const ACCEPT_QUIET: DelegatedVerdict = Object.freeze({ verdict: 'ACCEPT', effect: '' });
const DROP_QUIET: DelegatedVerdict = Object.freeze({ verdict: 'DROP', effect: '' });

export function policyDelegate(node: CniNode, podsByVeth: ReadonlyMap<string, CniPod>, index: () => NetpolIndex | undefined, nodeAddresses: readonly IPv4[]) {
  // Verdicts per policy index (a value replaced whenever policies or pods change), by source,
  // destination pod, port and protocol.
  const verdicts = new WeakMap<NetpolIndex, Map<string, NetpolVerdict>>();
  return (env: NfEnv): DelegatedVerdict | undefined => {
    const explain = env.explain !== false;
    const out = env.outIface;
    const pod = out !== undefined ? podsByVeth.get(out) : undefined;
    if (!pod) return explain ? { verdict: 'RETURN', effect: 'not toward a local workload: back to FORWARD' } : RETURN_QUIET;
    const ct = env.ct;
    if (ct && (ct.state === 'ESTABLISHED' || ct.state === 'RELATED')) return explain ? { verdict: 'ACCEPT', effect: `to ${pod.namespace}/${pod.name}: ${ct.state} connection, accepted` } : ACCEPT_QUIET;
    const ix = index();
    if (!ix) return explain ? { verdict: 'ACCEPT', effect: `to ${pod.namespace}/${pod.name}: NetworkPolicy is off (--no-policy): accepted` } : ACCEPT_QUIET;
    const p = env.packet;
    const protocol: Protocol | undefined = p.proto === 6 ? 'TCP' : p.proto === 17 ? 'UDP' : p.proto === 132 ? 'SCTP' : undefined;
    if (!protocol || p.dport === undefined) return explain ? { verdict: 'ACCEPT', effect: `to ${pod.namespace}/${pod.name}: not TCP/UDP/SCTP, NetworkPolicy does not apply (Calico allows it)` } : ACCEPT_QUIET;
    const dstPod = `${pod.namespace}/${pod.name}`;
    let byKey = verdicts.get(ix);
    if (!byKey) { byKey = new Map(); verdicts.set(ix, byKey); }
    const key = `${p.src}|${dstPod}|${p.dport}|${protocol}`;
    let v = byKey.get(key);
    if (!v) {
      v = checkPacket(ix, { srcIp: p.src, dstPod, port: p.dport, protocol, nodeAddresses });
      byKey.set(key, v);
    }
    if (!explain) return v.allowed ? ACCEPT_QUIET : DROP_QUIET;
    const text = explainText(ix, v).split('\n').join(' | ');
    return { verdict: v.allowed ? 'ACCEPT' : 'DROP', effect: `NetworkPolicy at ${node.name} for ${pod.namespace}/${pod.name}: ${text}` };
  };
}

export function blockOf(blocks: Readonly<Record<string, string>>, node: string): string | undefined {
  const b = blocks[node];
  return b !== undefined && parseCidr(b, { strict: true }) ? b : undefined;
}
