// The upstream expected dumps (proxier_test.go), reproduced line for line from the same inputs.
import { describe, expect, it } from 'vitest';
import { renderKubeProxyRules, type KubeProxyInput, type ServicePortInfo, type ServicePortEndpoints } from '../../../sim/apps/kube-proxy/index.js';
import {
  TEST_ENABLE_LOCALHOST_NODEPORTS_IPV4,
  TEST_EXTERNAL_TRAFFIC_POLICY_LOCAL,
  TEST_HEALTH_CHECK_NODE_PORT,
  TEST_MASQUERADE_RULE_RANDOM_FULLY,
  TEST_NODE_PORT,
  TEST_NON_LOCAL_EXTERNAL_IPS,
  TEST_OVERALL_IPTABLES_RULES,
} from './upstream-fixtures.js';

// NewFakeProxier: node "test-node", pod CIDR 10.0.0.0/8, node IP 192.168.0.2, mark text 0x4000,
// no --random-fully; nfacct counters only in the newest version of the test file.
function fakeProxier(services: ServicePortInfo[], endpoints: ServicePortEndpoints[], extra: Partial<KubeProxyInput> = {}): KubeProxyInput {
  return {
    nodeName: 'test-node',
    nodeIPs: ['192.168.0.2', '192.168.1.2', '192.168.99.11'],
    clusterCIDR: '10.0.0.0/8',
    randomFully: false,
    nfacctAvailable: false,
    services,
    endpoints,
    ...extra,
  };
}

function render(input: KubeProxyInput): string {
  return renderKubeProxyRules(input, { order: 'kube-proxy', masqueradeMarkText: '0x4000' }).text;
}

const svc1 = { namespace: 'ns1', name: 'svc1', portName: 'p80', protocol: 'TCP', port: 80 } as const;
const eps = (namespace: string, name: string, list: ServicePortEndpoints['endpoints']): ServicePortEndpoints => ({
  namespace,
  name,
  portName: 'p80',
  protocol: 'TCP',
  endpoints: list,
});

describe('upstream proxier_test.go expected dumps', () => {
  it('TestNodePort', () => {
    const input = fakeProxier(
      [{ ...svc1, type: 'NodePort', clusterIP: '172.30.0.41', nodePort: 3001 }],
      [eps('ns1', 'svc1', [{ ip: '10.180.0.1', port: 80 }])],
    );
    expect(render(input)).toBe(TEST_NODE_PORT);
  });

  it('TestHealthCheckNodePort (no endpoints: REJECT; --nodeport-addresses 127.0.0.0/8)', () => {
    const input = fakeProxier(
      [{ ...svc1, type: 'LoadBalancer', clusterIP: '172.30.0.42', nodePort: 3001, healthCheckNodePort: 30000, externalTrafficPolicy: 'Local' }],
      [],
      { nodePortAddresses: ['127.0.0.0/8'] },
    );
    expect(render(input)).toBe(TEST_HEALTH_CHECK_NODE_PORT);
  });

  it('TestMasqueradeRule, with and without --random-fully', () => {
    expect(render(fakeProxier([], [], { randomFully: true }))).toBe(TEST_MASQUERADE_RULE_RANDOM_FULLY);
    expect(render(fakeProxier([], [], { randomFully: false }))).toBe(TEST_MASQUERADE_RULE_RANDOM_FULLY.replace(' --random-fully', ''));
  });

  it('TestExternalTrafficPolicyLocal', () => {
    const input = fakeProxier(
      [
        {
          ...svc1,
          type: 'LoadBalancer',
          clusterIP: '172.30.0.41',
          nodePort: 3001,
          healthCheckNodePort: 30000,
          externalIPs: ['192.168.99.11'],
          loadBalancerIPs: ['1.2.3.4'],
          externalTrafficPolicy: 'Local',
        },
      ],
      [eps('ns1', 'svc1', [{ ip: '10.180.0.1', port: 80 }, { ip: '10.180.2.1', port: 80, nodeName: 'test-node' }])],
    );
    expect(render(input)).toBe(TEST_EXTERNAL_TRAFFIC_POLICY_LOCAL);
  });

  it('TestNonLocalExternalIPs', () => {
    const input = fakeProxier(
      [{ ...svc1, clusterIP: '172.30.0.41', externalIPs: ['192.168.99.11'] }],
      [eps('ns1', 'svc1', [{ ip: '10.180.0.1', port: 80 }, { ip: '10.180.2.1', port: 80, nodeName: 'test-node' }])],
    );
    expect(render(input)).toBe(TEST_NON_LOCAL_EXTERNAL_IPS);
  });

  it('TestEnableLocalhostNodePortsIPv4 (no local-traffic detector)', () => {
    const { clusterCIDR: _omit, ...noDetector } = fakeProxier(
      [{ ...svc1, type: 'NodePort', clusterIP: '10.69.0.10', nodePort: 30001, externalTrafficPolicy: 'Local' }],
      [eps('ns1', 'svc1', [{ ip: '10.244.0.1', port: 80 }, { ip: '10.244.2.1', port: 80, nodeName: 'test-node' }])],
    );
    expect(render(noDetector)).toBe(TEST_ENABLE_LOCALHOST_NODEPORTS_IPV4);
    // TestDisableLocalhostNodePortsIPv4: same rules, no KUBE-FIREWALL, loopback excluded from KUBE-NODEPORTS.
    const disabled = render({ ...noDetector, localhostNodePorts: false });
    const expected = TEST_ENABLE_LOCALHOST_NODEPORTS_IPV4.replace(':KUBE-FIREWALL - [0:0]\n', '')
      .replace(/-A KUBE-FIREWALL .*\n/, '')
      .replace('-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS', '-m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS');
    expect(disabled).toBe(expected);
  });

  it('TestOverallIPTablesRules', () => {
    const input = fakeProxier(
      [
        { ...svc1, clusterIP: '172.30.0.41' },
        {
          namespace: 'ns2', name: 'svc2', portName: 'p80', protocol: 'TCP', port: 80, type: 'LoadBalancer',
          externalTrafficPolicy: 'Local', clusterIP: '172.30.0.42', nodePort: 3001, loadBalancerIPs: ['1.2.3.4'],
          externalIPs: ['192.168.99.22'], healthCheckNodePort: 30000,
        },
        { namespace: 'ns3', name: 'svc3', portName: 'p80', protocol: 'TCP', port: 80, type: 'NodePort', clusterIP: '172.30.0.43', nodePort: 3003 },
        { namespace: 'ns4', name: 'svc4', portName: 'p80', protocol: 'TCP', port: 80, type: 'NodePort', clusterIP: '172.30.0.44', externalIPs: ['192.168.99.33'] },
        {
          namespace: 'ns5', name: 'svc5', portName: 'p80', protocol: 'TCP', port: 80, type: 'LoadBalancer',
          externalTrafficPolicy: 'Cluster', clusterIP: '172.30.0.45', nodePort: 3002, loadBalancerIPs: ['5.6.7.8'],
          healthCheckNodePort: 30000, loadBalancerSourceRanges: [' 203.0.113.0/25'],
          sessionAffinity: 'ClientIP', sessionAffinityTimeoutSeconds: 10800,
        },
        { namespace: 'ns6', name: 'svc6', portName: 'p80', protocol: 'TCP', port: 80, type: 'ClusterIP', clusterIP: '172.30.0.46' },
      ],
      [
        eps('ns1', 'svc1', [{ ip: '10.180.0.1', port: 80 }]),
        eps('ns2', 'svc2', [{ ip: '10.180.0.2', port: 80 }]),
        eps('ns3', 'svc3', [{ ip: '10.180.0.3', port: 80 }]),
        eps('ns4', 'svc4', [{ ip: '10.180.0.4', port: 80 }, { ip: '10.180.0.5', port: 80, nodeName: 'test-node' }]),
        eps('ns5', 'svc5', [{ ip: '10.180.0.3', port: 80 }]),
      ],
      { nfacctAvailable: true },
    );
    const got = render(input);
    expect(got.split('\n')).toEqual(TEST_OVERALL_IPTABLES_RULES.split('\n'));
  });

  it('the service order in the input does not change the output', () => {
    const a = { ...svc1, name: 'b', clusterIP: '172.30.0.1', nodePort: 3001 };
    const b = { ...svc1, name: 'a', clusterIP: '172.30.0.2', nodePort: 3002 };
    const e = [eps('ns1', 'a', [{ ip: '10.0.0.1', port: 80 }]), eps('ns1', 'b', [{ ip: '10.0.0.2', port: 80 }])];
    expect(render(fakeProxier([a, b], e))).toBe(render(fakeProxier([b, a], [...e].reverse())));
  });
});
