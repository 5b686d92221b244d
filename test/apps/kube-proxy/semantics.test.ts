// Behaviour of the generator beyond the upstream fixtures: traffic policies, endpoint conditions,
// affinity, firewall chains, --nodeport-addresses, large-cluster mode (semantics.md A2-A8).
import { describe, expect, it } from 'vitest';
import {
  computeProbability,
  renderKubeProxyRules,
  type EndpointInfo,
  type KubeProxyInput,
  type ServicePortInfo,
} from '../../../sim/apps/kube-proxy/index.js';

const base = { namespace: 'ns', name: 'web', portName: 'http', protocol: 'TCP', clusterIP: '10.96.0.10', port: 80 } as const;

function input(svc: Partial<ServicePortInfo>, endpoints: EndpointInfo[], extra: Partial<KubeProxyInput> = {}): KubeProxyInput {
  return {
    nodeName: 'node-a',
    nodeIPs: ['192.168.0.2'],
    clusterCIDR: '10.244.0.0/16',
    services: [{ ...base, ...svc }],
    endpoints: [{ namespace: 'ns', name: 'web', portName: 'http', protocol: svc.protocol ?? 'TCP', endpoints }],
    ...extra,
  };
}

const lines = (text: string, prefix: string): string[] => text.split('\n').filter((l) => l.startsWith(prefix));

describe('internalTrafficPolicy Local', () => {
  it('drops cluster-IP traffic in filter when this node has no local endpoint', () => {
    const out = renderKubeProxyRules(input({ internalTrafficPolicy: 'Local' }, [{ ip: '10.244.1.5', port: 8080, nodeName: 'node-b' }]));
    expect(out.filter).toContain(
      '-A KUBE-SERVICES -m comment --comment "ns/web:http has no local endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j DROP',
    );
    expect(lines(out.nat, '-A KUBE-SERVICES ').length).toBe(1); // only the nodeports tail rule
    expect(out.nat).not.toContain('KUBE-SEP-');
  });

  it('sends cluster-IP traffic to KUBE-SVL with only local endpoints, masquerade rule included', () => {
    const out = renderKubeProxyRules(
      input({ internalTrafficPolicy: 'Local' }, [
        { ip: '10.244.1.5', port: 8080, nodeName: 'node-b' },
        { ip: '10.244.0.7', port: 8080, nodeName: 'node-a' },
      ]),
    );
    const svl = lines(out.nat, '-A KUBE-SVL-');
    expect(svl[0]).toMatch(/"ns\/web:http cluster IP" .* ! -s 10\.244\.0\.0\/16 -j KUBE-MARK-MASQ$/);
    expect(svl.slice(1)).toEqual([expect.stringMatching(/"ns\/web:http -> 10\.244\.0\.7:8080" -j KUBE-SEP-/)]);
    expect(out.nat).not.toContain(':KUBE-SVC-');
    expect(lines(out.nat, '-A KUBE-SEP-').length).toBe(2);
  });
});

describe('endpoint conditions', () => {
  it('uses serving+terminating endpoints only when no endpoint is ready', () => {
    const eps: EndpointInfo[] = [
      { ip: '10.244.0.1', port: 80, ready: false, serving: true, terminating: true },
      { ip: '10.244.0.2', port: 80, ready: false, serving: false, terminating: true },
    ];
    const out = renderKubeProxyRules(input({}, eps));
    expect(out.nat).toContain('10.244.0.1:80');
    expect(out.nat).not.toContain('10.244.0.2:80');
    const withReady = renderKubeProxyRules(input({}, [...eps, { ip: '10.244.0.3', port: 80 }]));
    expect(withReady.nat).toContain('10.244.0.3:80');
    expect(withReady.nat).not.toContain('-> 10.244.0.1:80');
  });

  it('rejects when no endpoint is usable anywhere', () => {
    const out = renderKubeProxyRules(input({ nodePort: 30080 }, [{ ip: '10.244.0.1', port: 80, ready: false, serving: false }]));
    expect(out.filter).toContain('"ns/web:http has no endpoints" -m tcp -p tcp -d 10.96.0.10 --dport 80 -j REJECT');
    expect(out.filter).toContain('"ns/web:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT');
    expect(out.nat).not.toContain('KUBE-EXT-');
  });

  it('orders endpoints by their ip:port string, as Go sorts them (byte order: "0" < ":")', () => {
    const out = renderKubeProxyRules(input({}, [{ ip: '10.244.0.2', port: 80 }, { ip: '10.244.0.10', port: 80 }, { ip: '10.244.0.1', port: 80 }]));
    const svc = lines(out.nat, '-A KUBE-SVC-').filter((l) => l.includes(' -> '));
    expect(svc.map((l) => /-> ([0-9.:]+)"/.exec(l)?.[1])).toEqual(['10.244.0.10:80', '10.244.0.1:80', '10.244.0.2:80']);
    expect(svc.map((l) => /--probability (\S+)/.exec(l)?.[1])).toEqual(['0.3333333333', '0.5000000000', undefined]);
  });

  it('prefers zone-hinted endpoints for Cluster policy when every ready endpoint has hints', () => {
    const eps: EndpointInfo[] = [
      { ip: '10.244.0.1', port: 80, zoneHints: ['zone-a'] },
      { ip: '10.244.0.2', port: 80, zoneHints: ['zone-b'] },
    ];
    const out = renderKubeProxyRules(input({}, eps, { nodeZone: 'zone-a' }));
    expect(out.nat).toContain('-> 10.244.0.1:80');
    expect(out.nat).not.toContain('-> 10.244.0.2:80');
    const unhinted = renderKubeProxyRules(input({}, [eps[0] as EndpointInfo, { ip: '10.244.0.2', port: 80 }], { nodeZone: 'zone-a' }));
    expect(unhinted.nat).toContain('-> 10.244.0.2:80');
  });
});

describe('other service features', () => {
  it('writes ClientIP affinity rules before the probabilistic ones, with the configured timeout', () => {
    const out = renderKubeProxyRules(input({ sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 600 }, [{ ip: '10.244.0.1', port: 80 }, { ip: '10.244.0.2', port: 80 }]));
    const svc = lines(out.nat, '-A KUBE-SVC-');
    expect(svc[1]).toMatch(/-m recent --name (KUBE-SEP-\w+) --rcheck --seconds 600 --reap -j \1$/);
    expect(svc[2]).toMatch(/-m recent --name (KUBE-SEP-\w+) --rcheck --seconds 600 --reap -j \1$/);
    expect(svc[3]).toContain('--probability 0.5000000000');
    for (const l of lines(out.nat, '-A KUBE-SEP-').filter((x) => x.includes('DNAT'))) expect(l).toMatch(/-m recent --name (KUBE-SEP-\w+) --set -m tcp -p tcp -j DNAT/);
  });

  it('lets the node through a KUBE-FW chain when a source range contains the node IP', () => {
    const out = renderKubeProxyRules(
      input({ type: 'LoadBalancer', nodePort: 30080, loadBalancerIPs: ['5.6.7.8'], loadBalancerSourceRanges: ['192.168.0.0/24', '203.0.113.0/25'] }, [{ ip: '10.244.0.1', port: 80 }]),
    );
    const fw = lines(out.nat, '-A KUBE-FW-');
    expect(fw.map((l) => l.replace(/^-A KUBE-FW-\w+ /, ''))).toEqual([
      expect.stringMatching(/^-m comment --comment "ns\/web:http loadbalancer IP" -s 192\.168\.0\.0\/24 -j KUBE-EXT-\w+$/),
      expect.stringMatching(/-s 203\.0\.113\.0\/25 -j KUBE-EXT-/),
      expect.stringMatching(/-s 5\.6\.7\.8 -j KUBE-EXT-/),
      '-m comment --comment "other traffic to ns/web:http will be dropped by KUBE-PROXY-FIREWALL"',
    ]);
    expect(out.filter).toMatch(/-A KUBE-PROXY-FIREWALL -m comment --comment "ns\/web:http traffic not accepted by KUBE-FW-\w+" -m tcp -p tcp -d 5\.6\.7\.8 --dport 80 -j DROP/);
  });

  it('--masquerade-all masquerades every cluster-IP packet; without a detector there is no masquerade rule', () => {
    const all = renderKubeProxyRules(input({}, [{ ip: '10.244.0.1', port: 80 }], { masqueradeAll: true }));
    expect(all.nat).toMatch(/-A KUBE-SVC-\w+ -m comment --comment "ns\/web:http cluster IP" -m tcp -p tcp -d 10\.96\.0\.10 --dport 80 -j KUBE-MARK-MASQ/);
    const { clusterCIDR: _c, ...noDetector } = input({}, [{ ip: '10.244.0.1', port: 80 }]);
    expect(renderKubeProxyRules(noDetector).nat).not.toMatch(/-A KUBE-SVC-\S+ .*KUBE-MARK-MASQ/);
  });

  it('uses -m udp for UDP ports and skips headless services', () => {
    const udp = renderKubeProxyRules(input({ protocol: 'UDP', port: 53 }, [{ ip: '10.244.0.1', port: 53 }]));
    expect(udp.nat).toContain('-m udp -p udp -d 10.96.0.10 --dport 53');
    const headless = renderKubeProxyRules(input({ clusterIP: 'None' }, [{ ip: '10.244.0.1', port: 80 }]));
    expect(headless.nat).not.toContain('ns/web');
  });

  it('--nodeport-addresses: one tail rule per matching node address', () => {
    const out = renderKubeProxyRules(input({ nodePort: 30080 }, [{ ip: '10.244.0.1', port: 80 }], { nodeIPs: ['192.168.0.2', '10.0.0.5'], nodePortAddresses: ['192.168.0.0/16'] }));
    expect(lines(out.nat, '-A KUBE-SERVICES ').at(-1)).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -d 192.168.0.2 -j KUBE-NODEPORTS',
    );
    // Loopback is outside the CIDRs, so localhost NodePorts (and KUBE-FIREWALL) are off.
    expect(out.filter).not.toContain('KUBE-FIREWALL');
  });

  it('drops per-endpoint comments above 1000 endpoints (large cluster mode)', () => {
    const eps = Array.from({ length: 1001 }, (_, i) => ({ ip: `10.244.${i >> 8}.${i & 255}`, port: 80 }));
    const out = renderKubeProxyRules(input({}, eps));
    const sep = lines(out.nat, '-A KUBE-SEP-');
    expect(sep.length).toBe(2002);
    expect(sep.every((l) => !l.includes('--comment'))).toBe(true);
    expect(lines(out.nat, '-A KUBE-SERVICES ')[0]).toContain('--comment "ns/web:http cluster IP"');
    const small = renderKubeProxyRules(input({}, eps.slice(0, 1000)));
    expect(lines(small.nat, '-A KUBE-SEP-').every((l) => l.includes('--comment ns/web:http'))).toBe(true);
  });

  it('omits the INVALID drop when nf_conntrack_tcp_be_liberal is set', () => {
    const out = renderKubeProxyRules(input({}, [], { conntrackTCPBeLiberal: true }));
    expect(out.filter).not.toContain('INVALID');
  });
});

describe("'restore' order", () => {
  it('declares chains as syncProxyRules writes them and ends KUBE-SERVICES with the nodeports rule', () => {
    const out = renderKubeProxyRules(input({ nodePort: 30080 }, [{ ip: '10.244.0.1', port: 80 }]), { order: 'restore' });
    const decl = out.nat.split('\n').filter((l) => l.startsWith(':')).map((l) => l.slice(1, l.indexOf(' ')));
    expect(decl.slice(0, 4)).toEqual(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']);
    expect(decl.slice(4).map((c) => c.slice(0, 9))).toEqual(['KUBE-EXT-', 'KUBE-SVC-', 'KUBE-SEP-']);
    const rules = lines(out.nat, '-A ');
    expect(rules[0]).toBe('-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN');
    expect(rules.at(-1)).toContain('must be the last rule');
    expect(out.filter.split('\n').filter((l) => l.startsWith(':')).at(-1)).toBe(':KUBE-FIREWALL - [0:0]');
  });
});

describe('computeProbability', () => {
  it('formats 1/n with 10 decimals, rounding exact ties to even as Go does', () => {
    expect(computeProbability(3)).toBe('0.3333333333');
    expect(computeProbability(7)).toBe('0.1428571429');
    expect(computeProbability(1024)).toBe('0.0009765625');
    expect(computeProbability(2048)).toBe('0.0004882812');
  });
});

describe('input outside the IPv4 proxier', () => {
  it('skips IPv6 or unparsable addresses instead of writing rules iptables would refuse', () => {
    const out = renderKubeProxyRules(
      input(
        { externalIPs: ['2001:db8::1', 'not-an-ip', '192.168.99.1'], loadBalancerIPs: ['fd00::1'], loadBalancerSourceRanges: ['bogus', '10.0.0.0/8'] },
        [{ ip: 'fd00:10::5', port: 80 }, { ip: '10.244.0.9', port: 80 }],
      ),
      { order: 'iptables-save' },
    );
    expect(out.nat).toContain('-d 192.168.99.1/32');
    expect(out.nat).not.toMatch(/2001:db8|fd00|not-an-ip|bogus/);
    expect(out.nat).toContain('--to-destination 10.244.0.9:80');
    const badClusterIP = renderKubeProxyRules(input({ clusterIP: 'fd00::10' }, [{ ip: '10.244.0.9', port: 80 }]));
    expect(badClusterIP.nat).not.toContain('ns/web');
  });
});
