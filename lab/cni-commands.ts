// The commands that wire a Calico-style node and its pods (the convention is in cni-plan.ts):
// node sysctls kubelet and kube-proxy set, the VXLAN tunnel created after the node's own
// interfaces (so the node IP stays MASQUERADE's fallback source, semantics E15), routes to the
// other nodes' blocks, and one veth per pod.
import type { Topology } from '../sim/index.js';
import { CALICO, tunnelAddress, vtepMac } from '../sim/index.js';
import type { LabPod } from './cluster-plan.js';
import { hostNs, podNs } from './names.js';
import { ipCmd, primaryAddress, sysctlCmd, type LabCommand } from './net-plan.js';

export function buildCniPlan(topo: Topology): { commands: LabCommand[]; errors: string[] } {
  const k8s = topo.kubernetes;
  const errors: string[] = [];
  const cmds: LabCommand[] = [];
  if (!k8s) return { commands: cmds, errors };
  const enc = k8s.cni?.encapsulation ?? 'vxlan';
  if (enc === 'ipip') errors.push('cni encapsulation ipip: this lab builds VXLAN only (the kernel it targets may lack IPIP)');
  const blocks = k8s.cni?.blocks ?? {};
  const nodes = k8s.nodes.map((n) => {
    const h = topo.hosts.find((x) => x.name === n);
    const p = h ? primaryAddress(h) : undefined;
    if (!p) errors.push(`node ${n} has no address`);
    if (blocks[n] === undefined) errors.push(`node ${n} has no IPAM block (kubernetes.cni.blocks.${n})`);
    return { name: n, primary: p, block: blocks[n] };
  });
  if (errors.length > 0) return { commands: cmds, errors };
  for (const n of nodes) {
    const ns = hostNs(n.name);
    const p = n.primary as { iface: string; ip: string };
    const block = n.block as string;
    cmds.push(sysctlCmd(ns, 'net.ipv4.ip_forward', '1', 'kubelet/CNI: a node forwards'));
    cmds.push(sysctlCmd(ns, 'net.ipv4.conf.all.route_localnet', '1', 'kube-proxy: localhost NodePorts'));
    if (enc === 'none') continue;
    const dev = CALICO.vxlanDevice;
    const why = `${n.name}: Calico VXLAN`;
    cmds.push(ipCmd(ns, ['link', 'add', dev, 'address', vtepMac(n.name), 'mtu', String(CALICO.vxlanMtu), 'type', 'vxlan', 'id', String(CALICO.vxlanVni), 'local', p.ip, 'dev', p.iface, 'dstport', String(CALICO.vxlanPort), 'nolearning'], why));
    cmds.push(ipCmd(ns, ['addr', 'add', `${tunnelAddress(block)}/32`, 'dev', dev], `${why}: tunnel address, the block's first`));
    cmds.push(ipCmd(ns, ['link', 'set', dev, 'up'], why));
    cmds.push(ipCmd(ns, ['route', 'add', 'blackhole', block], `${n.name}: own IPAM block`));
    for (const r of nodes) {
      if (r.name === n.name) continue;
      const rt = tunnelAddress(r.block as string);
      const rp = r.primary as { iface: string; ip: string };
      cmds.push(ipCmd(ns, ['neigh', 'add', rt, 'lladdr', vtepMac(r.name), 'dev', dev, 'nud', 'permanent'], `${why}: ${r.name}'s VTEP`));
      cmds.push({ ns, argv: ['bridge', 'fdb', 'add', vtepMac(r.name), 'dev', dev, 'dst', rp.ip], note: `${why}: ${r.name}'s VTEP is at ${rp.ip}` });
      cmds.push(ipCmd(ns, ['route', 'add', r.block as string, 'via', rt, 'dev', dev, 'onlink'], `${why}: ${r.name}'s block`));
    }
  }
  return { commands: cmds, errors };
}

/** Commands creating one pod's namespace and its link to its node. */
export function podCommands(pod: LabPod): LabCommand[] {
  const ns = podNs(pod.ns, pod.name);
  const node = hostNs(pod.node);
  const v = pod.hostVeth;
  const why = `pod ${pod.ns}/${pod.name} on ${pod.node}`;
  return [
    { ns: null, argv: ['ip', 'netns', 'add', ns], note: why },
    sysctlCmd(ns, 'net.ipv4.ip_forward', '0', 'kernel default'),
    sysctlCmd(ns, 'net.ipv4.conf.all.rp_filter', '0', 'kernel default'),
    sysctlCmd(ns, 'net.ipv4.conf.default.rp_filter', '0', 'kernel default'),
    ipCmd(ns, ['link', 'set', 'lo', 'up'], why),
    ipCmd(node, ['link', 'add', v, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns], why),
    ipCmd(node, ['link', 'set', v, 'address', CALICO.hostVethMac], `${why}: Calico's host-side MAC`),
    sysctlCmd(node, `net.ipv4.conf.${v}.proxy_arp`, '1', `${why}: answers ARP for ${CALICO.gateway}`),
    sysctlCmd(node, `net.ipv4.neigh.${v}.proxy_delay`, '0', why),
    ipCmd(node, ['link', 'set', v, 'up'], why),
    ipCmd(node, ['route', 'add', `${pod.ip}/32`, 'dev', v, 'scope', 'link'], why),
    ipCmd(ns, ['addr', 'add', `${pod.ip}/32`, 'dev', 'eth0'], why),
    ipCmd(ns, ['link', 'set', 'eth0', 'up'], why),
    ipCmd(ns, ['route', 'add', 'default', 'via', CALICO.gateway, 'dev', 'eth0', 'onlink'], why),
  ];
}
