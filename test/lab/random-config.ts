// Scenario folders drawn from the ICTSC scenario's knobs, for the randomized differential test:
// traffic policy, usesrc, DIVERT, replicas and placement, which client the policy allows, health
// checks, retries/redispatch, where the policy chain sits, and lb's tcp_early_demux and rp_filter.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { seededRng } from '../../sim/index.js';

export interface Knobs {
  readonly etp: 'Cluster' | 'Local';
  readonly usesrc: boolean;
  readonly divert: boolean;
  readonly replicas: 1 | 2;
  readonly podOn: 'worker01' | 'worker02';
  readonly policy: 'none' | 'host01' | 'host02';
  readonly healthChecks: boolean;
  readonly redispatch: boolean;
  readonly placement: 'before-kube-forward' | 'after-kube-forward';
  readonly earlyDemux: 0 | 1;
  readonly rpFilter: 0 | 1 | 2;
}

export function drawKnobs(seed: number, n: number): Knobs[] {
  const rng = seededRng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rng.int(0, xs.length - 1)] as T;
  return Array.from({ length: n }, () => ({
    etp: pick(['Cluster', 'Local'] as const),
    usesrc: pick([true, false]),
    divert: pick([true, false]),
    replicas: pick([1, 2] as const),
    podOn: pick(['worker01', 'worker02'] as const),
    policy: pick(['none', 'host01', 'host02'] as const),
    healthChecks: pick([true, false]),
    redispatch: pick([true, false]),
    placement: pick(['before-kube-forward', 'after-kube-forward'] as const),
    earlyDemux: pick([0, 1] as const),
    rpFilter: pick([0, 1, 2] as const),
  }));
}

const SRC = new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url).pathname;
const CLIENT = { host01: '192.168.0.10', host02: '192.168.0.20' } as const;

/** Writes a scenario folder for the knobs (step 0 only) and returns its path; `remove()` deletes it. */
export function writeScenario(k: Knobs): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hoplab-random-'));
  cpSync(SRC, dir, { recursive: true });
  const topo = parseDocument(readFileSync(join(dir, 'topology.yaml'), 'utf8'));
  topo.set('steps', [{ title: 'drawn configuration' }]);
  topo.delete('variants');
  topo.setIn(['hosts', 'lb', 'sysctls', 'net.ipv4.tcp_early_demux'], k.earlyDemux);
  topo.setIn(['hosts', 'lb', 'sysctls', 'net.ipv4.conf.all.rp_filter'], k.rpFilter);
  if (k.divert) topo.setIn(['hosts', 'lb', 'files', 'iproute'], 'lb/policy-routing.sh');
  topo.setIn(['kubernetes', 'cni', 'policyPlacement'], k.placement);
  writeFileSync(join(dir, 'topology.yaml'), topo.toString());

  writeFileSync(join(dir, 'lb', 'policy-routing.sh'), 'ip rule add fwmark 1 lookup 100\nip route add local 0.0.0.0/0 dev lo table 100\n');
  writeFileSync(join(dir, 'lb', 'rules.v4'), [
    ...(k.divert ? ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', ':DIVERT - [0:0]', '-A PREROUTING -p tcp -m socket -j DIVERT', '-A DIVERT -j MARK --set-xmark 0x1/0xffffffff', '-A DIVERT -j ACCEPT', 'COMMIT'] : []),
    '*nat', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -s 172.16.0.0/24 -o eth0 -j MASQUERADE', 'COMMIT', '',
  ].join('\n'));

  const base = readFileSync(join(SRC, 'lb', 'haproxy.cfg'), 'utf8');
  const head = base.slice(0, base.indexOf('\nbackend nodeport\n') + 1).replace('timeout connect 5000', k.redispatch ? 'timeout connect 500' : 'timeout connect 5000');
  const check = k.healthChecks ? ' check port 32000 inter 1s fall 2 rise 2' : '';
  writeFileSync(join(dir, 'lb', 'haproxy.cfg'), `${head}backend nodeport
    mode tcp
    balance roundrobin
${k.usesrc ? '    source 0.0.0.0 usesrc clientip\n' : ''}${k.healthChecks ? '    option httpchk GET /healthz\n' : ''}${k.redispatch ? '    retries 3\n    option redispatch\n' : ''}        server k8s1 172.16.0.11:30080${check}
        server k8s2 172.16.0.12:30080${check}
`);

  const lbWithHc = k.healthChecks && k.etp === 'Local';
  writeFileSync(join(dir, 'k8s', '20-service.yaml'), `apiVersion: v1
kind: Service
metadata:
  name: my-service
  namespace: my-ns
spec:
  selector:
    app: nginx
  ports:
    - port: 80
      nodePort: 30080
  type: ${lbWithHc ? 'LoadBalancer' : 'NodePort'}
  externalTrafficPolicy: ${k.etp}
${lbWithHc ? '  healthCheckNodePort: 32000\n' : ''}`);
  writeFileSync(join(dir, 'k8s', '10-deployment.yaml'), `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-deployment
  namespace: my-ns
spec:
  replicas: ${k.replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
${k.replicas === 1 ? `      nodeName: ${k.podOn}\n` : ''}      containers:
        - name: nginx
          image: nginx
          ports:
            - containerPort: 80
${k.replicas === 2 ? `      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels:
                app: nginx
            topologyKey: kubernetes.io/hostname
` : ''}`);
  if (k.policy === 'none') rmSync(join(dir, 'k8s', '30-networkpolicy.yaml'));
  else writeFileSync(join(dir, 'k8s', '30-networkpolicy.yaml'), readFileSync(join(SRC, 'k8s', '30-networkpolicy.yaml'), 'utf8').replace('192.168.0.10/32', `${CLIENT[k.policy]}/32`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
