// The alternatives a real engineer would compare (scenario page, "Other fixes" and the write-up's
// afterthoughts), as named variants of the ICTSC scenario.
import { describe, expect, it } from 'vitest';
import { buildScenario, loadScenario, simulate, TraceRecorder, runTries, randomChooser, seededRng } from '../../sim/index.js';
import { ictscFiles } from './ictsc-files.js';

const sc = loadScenario(ictscFiles);
const LB = '192.168.0.1:30080';
const summary = (variant: string, from = 'host01') => {
  const r = simulate(sc, { variant, from, to: LB, tries: 6 });
  return r.tries.map((t) => (t.outcome === 'ok' ? `ok ${t.loggedClientIp}` : t.outcome));
};

describe('ICTSC variants', () => {
  it('health checks on the healthCheckNodePort take worker01 out: replicas 1 then always works', () => {
    expect(summary('health-check-nodeport')).toEqual(Array(6).fill('ok 192.168.0.10'));
    expect(summary('health-check-nodeport', 'host02')).toEqual(Array(6).fill('timeout'));
    const sw = buildScenario(sc, { variant: 'health-check-nodeport' });
    sw.world.sched.run(10_000_000);
    const lb = sw.haproxy.get('lb');
    expect(lb?.status('nodeport', 'k8s1')).toBe('down');
    expect(lb?.status('nodeport', 'k8s2')).toBe('up');
  });

  it('health checks leave from lb\'s own address even with usesrc clientip', () => {
    const rec = new TraceRecorder();
    const sw = buildScenario(sc, { variant: 'health-check-nodeport', recorder: rec });
    sw.world.sched.run(3_000_000);
    const checks = rec.events.filter((e) => e.kind === 'emit' && e.by === 'haproxy-check' && e.packet.flags === 'SYN');
    expect(checks.length).toBeGreaterThan(0);
    for (const c of checks) if (c.kind === 'emit') expect(c.packet.src).toBe('172.16.0.254');
  });

  it('option redispatch with a short timeout connect: every request succeeds after one timed-out attempt on worker01', () => {
    const r = simulate(sc, { variant: 'redispatch', from: 'host01', to: LB, tries: 4 });
    for (const t of r.tries) {
      expect(t).toMatchObject({ outcome: 'ok', server: 'k8s2', loggedClientIp: '192.168.0.10' });
      expect(t.elapsedMs).toBeGreaterThanOrEqual(500);
    }
  });

  it('3 replicas with preferred anti-affinity: all scheduled, every try succeeds', () => {
    expect(summary('preferred-anti-affinity-3')).toEqual(Array(6).fill('ok 192.168.0.10'));
  });

  it('3 replicas with required anti-affinity: one pod stays Pending with the scheduler\'s reason', () => {
    const sw = buildScenario(sc, { variant: 'required-anti-affinity-3' });
    const pending = sw.cluster.pods.filter((p) => p.phase === 'Pending');
    expect(pending).toHaveLength(1);
    expect(pending[0]?.message).toMatch(/^0\/3 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 2 node\(s\) didn't match pod anti-affinity rules\./);
    expect(sw.cluster.pods.filter((p) => p.phase === 'Running').map((p) => p.node).sort()).toEqual(['worker01', 'worker02']);
  });

  it('a DaemonSet runs one nginx per worker (not on the tainted control plane)', () => {
    const sw = buildScenario(sc, { variant: 'daemonset' });
    expect(sw.cluster.pods.map((p) => p.node).sort()).toEqual(['worker01', 'worker02']);
    expect(summary('daemonset')).toEqual(Array(6).fill('ok 192.168.0.10'));
  });

  it('step 2 with tcp_early_demux=0 on lb: the SYN-ACK is forwarded to host01, which answers RST; still a timeout', () => {
    const rec = new TraceRecorder();
    const r = runTries(sc, { variant: 'no-early-demux', from: 'host01', to: LB, tries: 2, recorder: rec }, randomChooser(seededRng(1)), false);
    expect(r.tries.map((t) => t.outcome)).toEqual(['timeout', 'timeout']);
    const synAckToClient = rec.events.some((e) => e.kind === 'link' && e.to.host === 'host01' && e.packet.flags === 'SYN,ACK' && e.packet.src === '172.16.0.12');
    const rstFromClient = rec.events.some((e) => e.kind === 'emit' && e.host === 'host01' && e.packet.flags?.startsWith('RST') === true && e.packet.dst === '172.16.0.12');
    expect(synAckToClient).toBe(true);
    expect(rstFromClient).toBe(true);
    expect(rec.events.some((e) => e.kind === 'end' && e.disposition === 'SOCKET_ON_FORWARD')).toBe(false);
  });
});

describe('reboot', () => {
  it('step 4 typed at run time does not survive a reboot of lb: the DIVERT rules and policy routing are gone', () => {
    const r = simulate(sc, { step: 4, from: 'host01', to: LB, tries: 2, reboot: ['lb'] });
    expect(r.tries.map((t) => t.outcome)).toEqual(['timeout', 'timeout']);
  });
  it('saved in rules.v4 and the network configuration, the fix survives a reboot of every machine', () => {
    const all = ['host01', 'host02', 'lb', 'master', 'worker01', 'worker02'];
    expect(simulate(sc, { variant: 'persisted', from: 'host01', to: LB, tries: 4, reboot: all }).tries.map((t) => t.outcome)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(simulate(sc, { variant: 'persisted', from: 'host02', to: LB, tries: 2, reboot: all }).tries.map((t) => t.outcome)).toEqual(['timeout', 'timeout']);
  });
  it('a rules file the host does not declare persistent is not restored', () => {
    const sw = buildScenario(sc, { step: 0, reboot: ['lb'] });
    expect(sw.allDiagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(sw.hosts.get('lb')?.ruleset.tables.map((t) => t.name)).toEqual(['nat']); // rules.v4 is declared persistent
  });
});

describe('PROXY protocol instead of usesrc', () => {
  it('nginx logs the real client from the PROXY header, yet the NetworkPolicy sees lb and keeps host01 out', () => {
    expect(summary('proxy-protocol')).toEqual(Array(6).fill('timeout'));
    const open = simulate(sc, { variant: 'proxy-protocol', from: 'host01', to: LB, tries: 2, noPolicy: true });
    expect(open.tries.map((t) => `${t.outcome} ${t.loggedClientIp}`)).toEqual(['ok 192.168.0.10', 'ok 192.168.0.10']);
  });
  it('the policy\'s verdict names lb\'s address, the one the pod sees', () => {
    const rec = new TraceRecorder();
    runTries(sc, { variant: 'proxy-protocol', from: 'host01', to: LB, tries: 1, recorder: rec }, randomChooser(seededRng(1)), false);
    const verdicts = rec.events.filter((e) => e.kind === 'rule' && e.effect?.includes('NetworkPolicy'));
    expect(verdicts.length).toBeGreaterThan(0);
    for (const v of verdicts) if (v.kind === 'rule') expect(v.effect).toMatch(/TCP 172\.16\.0\.254 -> my-ns\/.*: DENIED/);
  });
  it('a Deployment mounting a missing ConfigMap never starts its nginx, and says why', () => {
    const files = { ...ictscFiles, read: (p: string) => (p === 'variants/proxy-protocol-nginx.yaml' ? (ictscFiles.read(p) ?? '').replace('name: nginx-proxy-protocol\n  namespace', 'name: other\n  namespace') : ictscFiles.read(p)) };
    const sw = buildScenario(loadScenario(files), { variant: 'proxy-protocol' });
    expect(sw.allDiagnostics.some((d) => d.severity === 'error' && d.message.includes('configmap "nginx-proxy-protocol" not found'))).toBe(true);
  });
});

describe('what the cluster does not simulate is said', () => {
  it('a hostNetwork pod is reported, not dropped silently', () => {
    const files = { ...ictscFiles, read: (p: string) => (p === 'k8s/10-deployment.yaml' ? (ictscFiles.read(p) ?? '').replace('      nodeName: worker02', '      nodeName: worker02\n      hostNetwork: true') : ictscFiles.read(p)) };
    const sw = buildScenario(loadScenario(files), { step: 0 });
    expect(sw.allDiagnostics.some((d) => d.severity === 'unsupported' && /uses hostNetwork/.test(d.message))).toBe(true);
  });
});
