// The ICTSC 2020 "reachable from nowhere" policy (scenario ictsc2020-nodeport-source-ip): namespace
// my-ns, the nginx pod (app: nginx) on worker02, ingress allowed only from host01 192.168.0.10/32.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../sim/parsers/k8s/index.js';
import { buildCluster, indexCluster, checkPacket, explainText, computeMatrix, matrixCell, PLACEMENT_NOTE } from '../../../sim/apps/netpol/index.js';
import { ipv4 } from '../../../sim/core/ip.js';

const FILE = fileURLToPath(new URL('./fixtures/ictsc.yaml', import.meta.url));
const TEXT = readFileSync(FILE, 'utf8');
const parsed = parseManifests(TEXT, { file: 'ictsc.yaml' });
const { cluster } = buildCluster(parsed.value);
const ix = indexCluster(cluster);
const NGINX = 'my-ns/my-deployment-5d59d67564-x7k2p';
const lineOf = (needle: string) => TEXT.split('\n').findIndex((l) => l.includes(needle)) + 1;
const check = (src: string) => checkPacket(ix, { srcIp: ipv4(src), dstPod: NGINX, port: 80, protocol: 'TCP' });

describe('ICTSC 2020 NetworkPolicy', () => {
  it('loads without errors', () => {
    expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(cluster.policies.map((p) => p.metadata.name)).toEqual(['allow-host01']);
  });

  it("admits host01's address, citing the ipBlock peer by file:line", () => {
    const v = check('192.168.0.10');
    expect(v.allowed).toBe(true);
    expect(v.from.kind).toBe('external');
    expect(v.decidedBy && 'path' in v.decidedBy ? v.decidedBy.path : '').toBe('spec.ingress[0].from[0]');
    const text = explainText(ix, v);
    expect(text).toContain(`TCP 192.168.0.10 -> ${NGINX}:80: ALLOWED`);
    expect(text).toContain(`admitted by my-ns/allow-host01 spec.ingress[0].from[0] (ictsc.yaml:${lineOf('- ipBlock:')}): ipBlock 192.168.0.10/32 contains 192.168.0.10`);
  });

  it("denies host02's address: isolated by the policy and no rule admits it", () => {
    const v = check('192.168.0.20');
    expect(v.allowed).toBe(false);
    const text = explainText(ix, v);
    expect(text).toContain(`ingress at ${NGINX}: isolated by my-ns/allow-host01 (ictsc.yaml:${lineOf('kind: NetworkPolicy') - 1}) and no rule admits 192.168.0.20`);
    expect(text).toContain(`my-ns/allow-host01 spec.ingress[0] (ictsc.yaml:${lineOf('- from:')}): from[0] ipBlock 192.168.0.10/32 does not contain 192.168.0.20`);
  });

  it("denies lb's inside address 172.16.0.254 (HAProxy's own connection, or ETP Local keeping lb's source)", () => {
    const v = check('172.16.0.254');
    expect(v.allowed).toBe(false);
    expect(explainText(ix, v)).toContain('no rule admits 172.16.0.254');
  });

  it("denies worker01's tunnel address 172.20.5.0 (kube-proxy's MASQUERADE on the other node), naming the node", () => {
    const v = check('172.20.5.0');
    expect(v.allowed).toBe(false);
    expect(v.from).toMatchObject({ kind: 'node', node: 'worker01' });
    expect(v.fromDestinationNode).toBe(false);
    const text = explainText(ix, v);
    expect(text).toContain("172.20.5.0: an address of node worker01, not the destination's node (worker02)");
    expect(text).toContain(PLACEMENT_NOTE);
  });

  it("allows worker02's own addresses (traffic from the pod's node), when the caller says they are the node's", () => {
    expect(check('172.20.6.0').ingress.reason).toBe('node-local');
    const v = checkPacket(ix, { srcIp: ipv4('10.9.9.9'), dstPod: NGINX, port: 80, protocol: 'TCP', nodeAddresses: [ipv4('10.9.9.9')] });
    expect(v.allowed).toBe(true);
    expect(v.fromDestinationNode).toBe(true);
  });

  it('the matrix gives the same answers for the listed addresses', () => {
    const ips = ['192.168.0.10', '192.168.0.20', '172.16.0.254', '172.20.5.0'];
    const m = computeMatrix(cluster, { port: 80, protocol: 'TCP', fromIps: ips.map(ipv4) });
    const col = m.destinations.indexOf(NGINX);
    expect(ips.map((ip) => matrixCell(m, m.sources.indexOf(ip), col))).toEqual([true, false, false, false]);
  });
});
