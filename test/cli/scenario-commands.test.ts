// The scenario commands as a user runs them: their JSON shapes are contracts others depend on.
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from '../../cli/io.js';

const DIR = 'topologies/ictsc2020-nodeport-source-ip';

describe('hoplab simulate', () => {
  it('--json keeps its documented shape', async () => {
    const io = captureIo();
    expect(await main(['simulate', DIR, '--step', '0', '--no-policy', '--from', 'host01', '--to', '192.168.0.1:30080', '--tries', '2', '--json'], io)).toBe(0);
    const r = JSON.parse(io.out()) as Record<string, unknown>;
    expect(Object.keys(r).sort()).toEqual(['from', 'step', 'summary', 'to', 'tries']);
    expect(r['tries']).toEqual([
      { outcome: 'ok', httpStatus: 200, server: 'k8s1', loggedClientIp: '172.20.5.0', elapsedMs: expect.any(Number) },
      { outcome: 'ok', httpStatus: 200, server: 'k8s2', loggedClientIp: '172.16.0.12', elapsedMs: expect.any(Number) },
    ]);
    expect(r['summary']).toEqual({ ok: 2, timeout: 0, reset: 0, refused: 0 });
  });
  it('--explore adds exact probabilities; bad arguments are usage errors', async () => {
    const io = captureIo();
    expect(await main(['simulate', DIR, '--step', '3', '--from', 'host01', '--to', '192.168.0.1:30080', '--explore', '--json'], io)).toBe(0);
    expect((JSON.parse(io.out()) as { probabilities: unknown }).probabilities).toEqual({ ok: 0.5, timeout: 0.5, reset: 0, refused: 0 });
    const bad = captureIo();
    expect(await main(['simulate', DIR, '--step', '1', '--variant', 'x', '--from', 'host01', '--to', '192.168.0.1:30080'], bad)).toBe(2);
    expect(bad.err()).toMatch(/--step or --variant/);
  });
});

describe('hoplab trace', () => {
  it('runs through the scenario with its programs: the SYN HAProxy sends for host01 dies at worker01 on kube-proxy\'s rule', async () => {
    const io = captureIo();
    await main(['trace', DIR, '--step', '3', '--from', 'host01', '--to', '192.168.0.1:30080', '--json'], io);
    const t = JSON.parse(io.out()) as { version: number; events: { kind: string; host?: string; by?: string; disposition?: string; loc?: { file: string } }[] };
    expect(t.version).toBe(1);
    expect(t.events.some((e) => e.kind === 'emit' && e.by === 'haproxy')).toBe(true);
    const drop = t.events.find((e) => e.kind === 'end' && e.host === 'worker01');
    expect(drop).toMatchObject({ disposition: 'DROPPED', loc: { file: expect.stringContaining('kube-proxy') } });
  });
});

describe('hoplab kube-proxy render', () => {
  it("prints a node's rules as iptables-save does", async () => {
    const io = captureIo();
    expect(await main(['kube-proxy', 'render', DIR, '--step', '1', '--node', 'worker01'], io)).toBe(0);
    expect(io.out()).toContain('-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "my-ns/my-service has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j DROP');
    const none = captureIo();
    expect(await main(['kube-proxy', 'render', DIR, '--node', 'lb'], none)).toBe(2);
  });
});
