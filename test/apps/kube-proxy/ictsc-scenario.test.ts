// The ICTSC 2020 scenario (shared/scenarios/ictsc2020-nodeport-source-ip.md): Service my-ns/my-service,
// NodePort 80:30080 (unnamed port), one nginx endpoint 172.20.6.3:80 on worker02, pod network
// 172.20.0.0/16, nodes worker01 172.16.0.11 and worker02 172.16.0.12. The cluster IP is not in the
// write-up; 10.96.120.30 is assumed. Defaults: no nfacct, --random-fully supported, the real
// proxier's mark text. Expected dumps written out by reading syncProxyRules for this input.
import { describe, expect, it } from 'vitest';
import { portProtoHash, renderKubeProxyRules, type KubeProxyInput, type TrafficPolicy } from '../../../sim/apps/kube-proxy/index.js';

function node(nodeName: string, nodeIP: string, policy: TrafficPolicy): KubeProxyInput {
  return {
    nodeName,
    nodeIPs: [nodeIP],
    clusterCIDR: '172.20.0.0/16',
    services: [
      { namespace: 'my-ns', name: 'my-service', protocol: 'TCP', type: 'NodePort', clusterIP: '10.96.120.30', port: 80, nodePort: 30080, externalTrafficPolicy: policy },
    ],
    endpoints: [{ namespace: 'my-ns', name: 'my-service', protocol: 'TCP', endpoints: [{ ip: '172.20.6.3', port: 80, nodeName: 'worker02' }] }],
  };
}

const FILTER_HEAD = `*filter
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
`;
const FILTER_TAIL = `-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x00004000/0x00004000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
`;

const CLUSTER_NAT = `*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-LPQPAPVH5OU3YNQ7 - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-64FCGZGKDO2IY2N5 - [0:0]
:KUBE-SVC-LPQPAPVH5OU3YNQ7 - [0:0]
-A KUBE-NODEPORTS -m comment --comment my-ns/my-service -m tcp -p tcp --dport 30080 -j KUBE-EXT-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "masquerade traffic for my-ns/my-service external destinations" -j KUBE-MARK-MASQ
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -s 172.20.6.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -m tcp -p tcp -j DNAT --to-destination 172.20.6.3:80
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 ! -s 172.20.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service -> 172.20.6.3:80" -j KUBE-SEP-64FCGZGKDO2IY2N5
COMMIT
`;

const LOCAL_WORKER01_NAT = `*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-LPQPAPVH5OU3YNQ7 - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-64FCGZGKDO2IY2N5 - [0:0]
:KUBE-SVC-LPQPAPVH5OU3YNQ7 - [0:0]
-A KUBE-NODEPORTS -m comment --comment my-ns/my-service -m tcp -p tcp --dport 30080 -j KUBE-EXT-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "pod traffic for my-ns/my-service external destinations" -s 172.20.0.0/16 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "masquerade LOCAL traffic for my-ns/my-service external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "route LOCAL traffic for my-ns/my-service external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -s 172.20.6.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -m tcp -p tcp -j DNAT --to-destination 172.20.6.3:80
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 ! -s 172.20.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service -> 172.20.6.3:80" -j KUBE-SEP-64FCGZGKDO2IY2N5
COMMIT
`;

const LOCAL_WORKER02_NAT = `*nat
:KUBE-NODEPORTS - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-EXT-LPQPAPVH5OU3YNQ7 - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-64FCGZGKDO2IY2N5 - [0:0]
:KUBE-SVC-LPQPAPVH5OU3YNQ7 - [0:0]
:KUBE-SVL-LPQPAPVH5OU3YNQ7 - [0:0]
-A KUBE-NODEPORTS -m comment --comment my-ns/my-service -m tcp -p tcp --dport 30080 -j KUBE-EXT-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "pod traffic for my-ns/my-service external destinations" -s 172.20.0.0/16 -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "masquerade LOCAL traffic for my-ns/my-service external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -m comment --comment "route LOCAL traffic for my-ns/my-service external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-LPQPAPVH5OU3YNQ7
-A KUBE-EXT-LPQPAPVH5OU3YNQ7 -j KUBE-SVL-LPQPAPVH5OU3YNQ7
-A KUBE-MARK-MASQ -j MARK --or-mark 0x00004000
-A KUBE-POSTROUTING -m mark ! --mark 0x00004000/0x00004000 -j RETURN
-A KUBE-POSTROUTING -j MARK --xor-mark 0x00004000
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -s 172.20.6.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-64FCGZGKDO2IY2N5 -m comment --comment my-ns/my-service -m tcp -p tcp -j DNAT --to-destination 172.20.6.3:80
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service cluster IP" -m tcp -p tcp -d 10.96.120.30 --dport 80 ! -s 172.20.0.0/16 -j KUBE-MARK-MASQ
-A KUBE-SVC-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service -> 172.20.6.3:80" -j KUBE-SEP-64FCGZGKDO2IY2N5
-A KUBE-SVL-LPQPAPVH5OU3YNQ7 -m comment --comment "my-ns/my-service -> 172.20.6.3:80" -j KUBE-SEP-64FCGZGKDO2IY2N5
COMMIT
`;

describe('ICTSC 2020 scenario: my-ns/my-service NodePort 30080', () => {
  it('hashes the unnamed port as "my-ns/my-service" + "tcp"', () => {
    expect(portProtoHash('my-ns/my-service', 'tcp')).toBe('LPQPAPVH5OU3YNQ7');
  });

  it('externalTrafficPolicy Cluster: the same rules on both nodes; NodePort traffic is always masqueraded', () => {
    for (const [name, ip] of [['worker01', '172.16.0.11'], ['worker02', '172.16.0.12']] as const) {
      const out = renderKubeProxyRules(node(name, ip, 'Cluster'));
      expect(out.filter).toBe(FILTER_HEAD + FILTER_TAIL);
      expect(out.nat).toBe(CLUSTER_NAT);
    }
  });

  it('externalTrafficPolicy Local on worker01 (no local endpoint): EXT has no final jump; filter DROPs the NodePort', () => {
    const out = renderKubeProxyRules(node('worker01', '172.16.0.11', 'Local'));
    expect(out.filter).toBe(
      FILTER_HEAD +
        '-A KUBE-EXTERNAL-SERVICES -m comment --comment "my-ns/my-service has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30080 -j DROP\n' +
        FILTER_TAIL,
    );
    expect(out.nat).toBe(LOCAL_WORKER01_NAT);
  });

  it('externalTrafficPolicy Local on worker02 (the pod is here): external traffic goes to KUBE-SVL unmasqueraded', () => {
    const out = renderKubeProxyRules(node('worker02', '172.16.0.12', 'Local'));
    expect(out.filter).toBe(FILTER_HEAD + FILTER_TAIL);
    expect(out.nat).toBe(LOCAL_WORKER02_NAT);
  });

  it('the iptables-save view of worker01 with Local drops NodePort traffic in filter KUBE-EXTERNAL-SERVICES', () => {
    const out = renderKubeProxyRules(node('worker01', '172.16.0.11', 'Local'), { order: 'iptables-save' });
    expect(out.filter).toContain(
      '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "my-ns/my-service has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP',
    );
    expect(out.nat).not.toContain('KUBE-SVL-');
  });
});
