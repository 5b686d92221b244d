// The 'iptables-save' order: what a real node prints. Expected lines are taken from real
// `iptables-save` / `iptables -S` output of kind and EKS nodes (kube-proxy v1.2x-v1.3x).
import { describe, expect, it } from 'vitest';
import { iptablesSaveRuleText, renderKubeProxyRules, type KubeProxyInput } from '../../../sim/apps/kube-proxy/index.js';

// A kind cluster: Service default/nginx, type LoadBalancer (MetalLB), port 80 unnamed, nodePort 30606.
const kindNode: KubeProxyInput = {
  nodeName: 'prgs-worker',
  nodeIPs: ['172.18.0.3'],
  clusterCIDR: '10.244.0.0/16',
  nfacctAvailable: true,
  services: [
    { namespace: 'default', name: 'nginx', protocol: 'TCP', type: 'LoadBalancer', clusterIP: '10.109.124.25', port: 80, nodePort: 30606, loadBalancerIPs: ['172.18.255.201'] },
  ],
  endpoints: [
    {
      namespace: 'default',
      name: 'nginx',
      endpoints: [
        { ip: '10.244.2.6', port: 80, nodeName: 'prgs-worker2' },
        { ip: '10.244.1.5', port: 80, nodeName: 'prgs-worker' },
        { ip: '10.244.1.6', port: 80, nodeName: 'prgs-worker' },
      ],
    },
  ],
};

const realNodeLines = [
  ':KUBE-EXT-2CMXP7HKUVJN7L6M - [0:0]',
  '-A KUBE-EXT-2CMXP7HKUVJN7L6M -m comment --comment "masquerade traffic for default/nginx external destinations" -j KUBE-MARK-MASQ',
  '-A KUBE-EXT-2CMXP7HKUVJN7L6M -j KUBE-SVC-2CMXP7HKUVJN7L6M',
  '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "default/nginx" -m tcp --dport 30606 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-2CMXP7HKUVJN7L6M',
  '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/nginx" -m tcp --dport 30606 -j KUBE-EXT-2CMXP7HKUVJN7L6M',
  '-A KUBE-SERVICES -d 172.18.255.201/32 -p tcp -m comment --comment "default/nginx loadbalancer IP" -m tcp --dport 80 -j KUBE-EXT-2CMXP7HKUVJN7L6M',
  ':KUBE-SVC-2CMXP7HKUVJN7L6M - [0:0]',
  '-A KUBE-SERVICES -d 10.109.124.25/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j KUBE-SVC-2CMXP7HKUVJN7L6M',
  '-A KUBE-SVC-2CMXP7HKUVJN7L6M ! -s 10.244.0.0/16 -d 10.109.124.25/32 -p tcp -m comment --comment "default/nginx cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
  '-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.1.5:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-IZW656N5ZXYN5BEC',
  '-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.1.6:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-C4VXQDW52UV45WW3',
  '-A KUBE-SVC-2CMXP7HKUVJN7L6M -m comment --comment "default/nginx -> 10.244.2.6:80" -j KUBE-SEP-UOZCNMEBPO5JGMU4',
  // Fixed rules as real nodes print them.
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
  '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0',
  '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
  '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
];

describe("'iptables-save' order", () => {
  const out = renderKubeProxyRules(kindNode, { order: 'iptables-save' });
  const lines = out.text.split('\n');

  it('contains every line a real kind node printed for the same Service', () => {
    for (const l of realNodeLines) expect(lines).toContain(l);
  });

  it('prints the built-in jump rules in the order a real node has them', () => {
    const chain = (c: string): string[] => out.filter.split('\n').filter((l) => l.startsWith(`-A ${c} `));
    expect(chain('INPUT')).toEqual([
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
      '-A INPUT -j KUBE-FIREWALL',
    ]);
    expect(chain('FORWARD')).toEqual([
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
    ]);
    expect(chain('OUTPUT')).toEqual([
      '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -j KUBE-FIREWALL',
    ]);
  });

  it('puts KUBE-FIREWALL jumps on top when kubelet had not created them first', () => {
    const o = renderKubeProxyRules(kindNode, { order: 'iptables-save', kubeletFirewallJumpsFirst: false });
    const input = o.filter.split('\n').filter((l) => l.startsWith('-A INPUT '));
    expect(input[0]).toBe('-A INPUT -j KUBE-FIREWALL');
  });

  it('declares built-ins first, then user chains sorted, with the canary in every table', () => {
    const decl = (block: string): string[] => block.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1).split(' ')[0] as string);
    expect(decl(out.filter)).toEqual([
      'INPUT', 'FORWARD', 'OUTPUT',
      'KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-CANARY', 'KUBE-PROXY-FIREWALL', 'KUBE-SERVICES',
    ]);
    const nat = decl(out.nat);
    expect(nat.slice(0, 4)).toEqual(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
    expect(nat.slice(4)).toEqual([...nat.slice(4)].sort());
    expect(out.mangle).toContain(':KUBE-PROXY-CANARY - [0:0]');
    expect(out.text.indexOf('*mangle')).toBeLessThan(out.text.indexOf('*filter'));
    expect(out.text.indexOf('*filter')).toBeLessThan(out.text.indexOf('*nat'));
  });

  it('keeps KUBE-SERVICES\' nodeports rule last', () => {
    const svc = out.nat.split('\n').filter((l) => l.startsWith('-A KUBE-SERVICES '));
    expect(svc.at(-1)).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    );
  });
});

describe('iptablesSaveRuleText', () => {
  it('moves -s/-d/-p first and prints each module as its save function does', () => {
    expect(iptablesSaveRuleText(['-m', 'comment', '--comment', '"block incoming localnet connections"', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'])).toBe(
      ' ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    );
    expect(iptablesSaveRuleText(['-m', 'comment', '--comment', 'ns/a', '-s', '10.0.0.7', '-j', 'KUBE-MARK-MASQ'])).toBe(
      ' -s 10.0.0.7/32 -m comment --comment "ns/a" -j KUBE-MARK-MASQ',
    );
    expect(iptablesSaveRuleText(['-m', 'comment', '--comment', 'x', '-m', 'recent', '--name', 'KUBE-SEP-A', '--set', '-m', 'udp', '-p', 'udp', '-j', 'DNAT', '--to-destination', '10.0.0.1:53'])).toBe(
      ' -p udp -m comment --comment x -m recent --set --name KUBE-SEP-A --mask 255.255.255.255 --rsource -m udp -j DNAT --to-destination 10.0.0.1:53',
    );
    expect(iptablesSaveRuleText(['-m', 'comment', '--comment', '"a/b has no endpoints"', '-m', 'tcp', '-p', 'tcp', '-d', '10.1.2.3', '--dport', '80', '-j', 'REJECT'])).toBe(
      ' -d 10.1.2.3/32 -p tcp -m comment --comment "a/b has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(iptablesSaveRuleText(['-j', 'MARK', '--or-mark', '0x00004000'])).toBe(' -j MARK --set-xmark 0x4000/0x4000');
  });

  it('prints the probability the kernel stores, with 11 decimals', () => {
    const p = (v: string): string => iptablesSaveRuleText(['-m', 'statistic', '--mode', 'random', '--probability', v, '-j', 'X']);
    expect(p('0.3333333333')).toBe(' -m statistic --mode random --probability 0.33333333349 -j X');
    expect(p('0.5000000000')).toBe(' -m statistic --mode random --probability 0.50000000000 -j X');
    expect(p('0.2500000000')).toBe(' -m statistic --mode random --probability 0.25000000000 -j X');
  });

  it('rejects an option no loaded module owns', () => {
    expect(() => iptablesSaveRuleText(['--dport', '80', '-j', 'ACCEPT'])).toThrow(/no loaded match/);
  });
});
