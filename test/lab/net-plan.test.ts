import { describe, expect, it } from 'vitest';
import { buildNetPlan, type LabCommand } from '../../lab/net-plan.js';
import { buildCniPlan, podCommands } from '../../lab/cni-commands.js';
import { assertSafe } from '../../lab/safety.js';
import { parseTopology } from '../../sim/index.js';
import { ictsc } from './helpers.js';

const inNs = (cmds: readonly LabCommand[], ns: string): string[] => cmds.filter((c) => c.ns === ns).map((c) => c.argv.join(' '));

describe('network plan for the ICTSC topology', () => {
  const topo = ictsc().topology;
  const plan = buildNetPlan(topo);

  it('creates one namespace per host and one switch namespace per segment with more than two members', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.namespaces).toEqual(['hoplab-sw-outside', 'hoplab-sw-inside', 'hoplab-host01', 'hoplab-host02', 'hoplab-lb', 'hoplab-master', 'hoplab-worker01', 'hoplab-worker02']);
    expect(plan.commands.filter((c) => c.ns === null).map((c) => c.argv.join(' '))).toEqual(plan.namespaces.map((n) => `ip netns add ${n}`));
  });

  it('wires each host interface as a veth whose peer is a port of the segment bridge', () => {
    const sw = inNs(plan.commands, 'hoplab-sw-inside');
    expect(sw).toContain('ip link add br0 type bridge stp_state 0');
    expect(sw).toContain('ip link add lb-eth1 type veth peer name eth1 netns hoplab-lb');
    expect(sw).toContain('ip link add worker02-eth0 type veth peer name eth0 netns hoplab-worker02');
    expect(sw).toContain('ip link set worker02-eth0 master br0');
    expect(inNs(plan.commands, 'hoplab-sw-outside')).toContain('ip link add host01-eth0 type veth peer name eth0 netns hoplab-host01');
  });

  it('gives hosts their addresses, routes and sysctls from the topology', () => {
    const lb = inNs(plan.commands, 'hoplab-lb');
    expect(lb).toContain('ip addr add 192.168.0.1/24 dev eth0');
    expect(lb).toContain('ip addr add 172.16.0.254/24 dev eth1');
    expect(lb.indexOf('sysctl -q -w net.ipv4.ip_forward=1')).toBeGreaterThan(lb.indexOf('sysctl -q -w net.ipv4.ip_forward=0'));
    expect(inNs(plan.commands, 'hoplab-host01')).toContain('ip route add default via 192.168.0.1 dev eth0');
    expect(inNs(plan.commands, 'hoplab-worker01')).toContain('ip route add default via 172.16.0.254 dev eth0');
  });

  it('creates lb eth0 before eth1, in topology order (MASQUERADE fallback order)', () => {
    const i0 = plan.commands.findIndex((c) => c.argv.includes('eth0') && c.argv.includes('hoplab-lb') && c.argv[1] === 'link');
    const i1 = plan.commands.findIndex((c) => c.argv.includes('eth1') && c.argv.includes('hoplab-lb') && c.argv[1] === 'link');
    expect(i0).toBeGreaterThanOrEqual(0);
    expect(i1).toBeGreaterThan(i0);
  });

  it('keeps every command inside the lab rules (no veth end in the root namespace)', () => {
    const cni = buildCniPlan(topo);
    for (const c of [...plan.commands, ...cni.commands]) expect(() => assertSafe(c)).not.toThrow();
    for (const c of plan.commands.filter((x) => x.ns === null)) expect(c.argv.slice(0, 3)).toEqual(['ip', 'netns', 'add']);
  });
});

describe('direct veth pairs', () => {
  const yaml = `name: t
hosts:
  a:
    interfaces:
      eth0: { link: ab, addresses: [10.0.0.1/30] }
  b:
    interfaces:
      eth0: { link: up, addresses: [10.0.1.2/24] }
      eth1: { link: ab, addresses: [10.0.0.2/30] }
  c:
    interfaces:
      eth0: { link: up, addresses: [10.0.1.3/24] }
`;
  const topo = parseTopology(yaml, { file: 't.yaml' }).value;
  const plan = buildNetPlan(topo);

  it('uses one pair for a two-member segment and no switch namespace', () => {
    expect(plan.errors).toEqual([]);
    expect(plan.namespaces).toEqual(['hoplab-a', 'hoplab-b', 'hoplab-c']);
    expect(inNs(plan.commands, 'hoplab-a')).toContain('ip link add eth0 type veth peer name hlpark0');
  });

  it('moves the second end into its host only at that host interface turn, so b has eth0 before eth1', () => {
    const at = (ns: string, cmd: string): number => plan.commands.findIndex((c) => c.ns === ns && c.argv.join(' ') === cmd);
    const bEth0 = at('hoplab-b', 'ip link add eth0 type veth peer name hlpark1');
    const moveIn = at('hoplab-a', 'ip link set hlpark0 netns hoplab-b');
    expect(bEth0).toBeGreaterThan(0);
    expect(moveIn).toBeGreaterThan(bEth0);
    expect(at('hoplab-b', 'ip link set hlpark0 name eth1')).toBe(moveIn + 1);
    expect(at('hoplab-b', 'ip link set hlpark1 netns hoplab-c')).toBeGreaterThan(moveIn);
    expect(at('hoplab-c', 'ip link set hlpark1 name eth0')).toBeGreaterThan(moveIn);
  });

  it('reports interfaces the lab cannot build', () => {
    const t = parseTopology('name: t\nhosts:\n  a:\n    interfaces:\n      tun0: { kind: ipip }\n', { file: 't.yaml' }).value;
    expect(buildNetPlan(t).errors.join()).toMatch(/tun0/);
  });
});

describe('CNI plan', () => {
  const topo = ictsc().topology;
  const cni = buildCniPlan(topo);

  it('puts the VXLAN tunnel with the block first address on every node, after the node eth0 exists', () => {
    expect(cni.errors).toEqual([]);
    const w1 = inNs(cni.commands, 'hoplab-worker01');
    expect(w1.find((c) => c.startsWith('ip link add vxlan.calico'))).toMatch(/type vxlan id 4096 local 172\.16\.0\.11 dev eth0 dstport 4789 nolearning/);
    expect(w1).toContain('ip addr add 172.20.5.0/32 dev vxlan.calico');
    expect(w1).toContain('ip route add 172.20.6.0/24 via 172.20.6.0 dev vxlan.calico onlink');
    expect(w1).toContain('ip route add blackhole 172.20.5.0/24');
    expect(w1.some((c) => /^bridge fdb add \S+ dev vxlan\.calico dst 172\.16\.0\.12$/.test(c))).toBe(true);
  });

  it('wires a pod Calico style: host side without address, /32 route, proxy ARP, default via 169.254.1.1 onlink', () => {
    const cmds = podCommands({ ns: 'my-ns', name: 'p', pod: 'p', labels: {}, node: 'worker02', owner: 'Pod/my-ns/p', templateHash: 'x', ports: [], ip: '172.20.6.1', hostVeth: 'cali0123456789a' });
    for (const c of cmds) expect(() => assertSafe(c)).not.toThrow();
    const node = inNs(cmds, 'hoplab-worker02');
    expect(node).toContain('ip link add cali0123456789a type veth peer name eth0 netns hoplab-pod-my-ns-p');
    expect(node).toContain('sysctl -q -w net.ipv4.conf.cali0123456789a.proxy_arp=1');
    expect(node).toContain('ip route add 172.20.6.1/32 dev cali0123456789a scope link');
    expect(node.some((c) => c.startsWith('ip addr'))).toBe(false);
    const pod = inNs(cmds, 'hoplab-pod-my-ns-p');
    expect(pod).toContain('ip addr add 172.20.6.1/32 dev eth0');
    expect(pod).toContain('ip route add default via 169.254.1.1 dev eth0 onlink');
  });
});
