// The worker protocol: request/response validation, the engine host over the real sim/index.ts
// parseTopology (and a stand-in run when the engine cannot run yet), streaming in chunks, cancel,
// and the main-thread client paired with the host through a fake worker.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import * as sim from '../../sim/index.js';
import { chunk, parseRequest, parseResponse, parseRunParams, type EngineResponse } from '../../renderer/engine/protocol.js';
import { CHUNK_SIZE, EngineHost, capabilitiesOf, filesOf, type SimApi } from '../../renderer/engine/engine-host.js';
import { EngineClient, type WorkerLike } from '../../renderer/engine/client.js';
import { podsFromScenario, findNamespaces } from '../../renderer/engine/scenario-model.js';
import { fixtureTrace, readFolder } from './helpers.js';

const ICTSC = fileURLToPath(new URL('../../topologies/ictsc2020-nodeport-source-ip', import.meta.url));
const folder = readFolder(ICTSC, 'ictsc');
const api = sim as unknown as Partial<SimApi>;
const run = { from: 'host01', to: '192.168.0.1:30080', proto: 'tcp', tries: 1, mode: 'simulate', step: 3 };

describe('protocol validation', () => {
  it('accepts well-formed requests and rejects bad ones with a reason', () => {
    expect(parseRequest({ type: 'run', id: 1, params: run }).ok).toBe(true);
    expect(parseRequest({ type: 'cancel', id: 2 }).ok).toBe(true);
    expect(parseRequest({ type: 'open', id: 3, folder }).ok).toBe(true);
    const bad: [unknown, RegExp][] = [
      [null, /object/],
      [{ type: 'run', id: -1, params: run }, /id/],
      [{ type: 'run', id: 1, params: { ...run, tries: 0 } }, /tries/],
      [{ type: 'run', id: 1, params: { ...run, tries: 101 } }, /tries/],
      [{ type: 'run', id: 1, params: { ...run, to: '192.168.0.1' } }, /port/],
      [{ type: 'run', id: 1, params: { ...run, to: '999.1.1.1:80' } }, /bad destination/],
      [{ type: 'run', id: 1, params: { ...run, proto: 'sctp' } }, /proto/],
      [{ type: 'run', id: 1, params: { ...run, mode: 'guess' } }, /mode/],
      [{ type: 'run', id: 1, params: { ...run, variant: 'x' } }, /not both/],
      [{ type: 'run', id: 1, params: { ...run, from: '../etc' } }, /host/],
      [{ type: 'open', id: 1, folder: { name: 'x', files: { '../a': '' } } }, /relative/],
      [{ type: 'open', id: 1, folder: { name: 'x', files: { a: 1 } } }, /text/],
      [{ type: 'nope', id: 1 }, /unknown/],
    ];
    for (const [v, re] of bad) {
      const p = parseRequest(v);
      expect(p.ok, JSON.stringify(v)).toBe(false);
      if (!p.ok) expect(p.error).toMatch(re);
    }
    expect(parseRunParams({ ...run, proto: 'icmp', to: '10.0.0.1' }).ok).toBe(true);
  });

  it('checks responses', () => {
    expect(parseResponse({ type: 'events', id: 1, offset: 0, events: [{ kind: 'emit', t: 0 }] }).ok).toBe(true);
    expect(parseResponse({ type: 'events', id: 1, offset: 0, events: [{ t: 0 }] }).ok).toBe(false);
    expect(parseResponse({ type: 'done', id: 1, total: 3 }).ok).toBe(false);
    expect(parseResponse({ type: 'ready', capabilities: {} }).ok).toBe(true);
    expect(parseResponse({ type: 'error', id: 1 }).ok).toBe(false);
  });

  it('chunks cover every item once, in order', () => {
    const xs = Array.from({ length: 3501 }, (_, i) => i);
    const cs = chunk(xs, 1500);
    expect(cs.map((c) => c.offset)).toEqual([0, 1500, 3000]);
    expect(cs.flatMap((c) => c.items)).toEqual(xs);
    expect(chunk([], 10)).toEqual([]);
  });

  it('ScenarioFiles over a folder lists direct children only', () => {
    const f = filesOf(folder);
    expect(f.list('k8s')).toEqual(['k8s/00-namespace.yaml', 'k8s/10-deployment.yaml', 'k8s/20-service.yaml', 'k8s/30-networkpolicy.yaml']);
    expect(f.list('k8s/')).toEqual(f.list('k8s'));
    expect(f.list('')).toContain('topology.yaml');
    expect(f.list('')).not.toContain('lb/haproxy.cfg');
    expect(f.read('./lb/haproxy.cfg')).toContain('frontend nodeport');
    expect(f.read('nope')).toBeUndefined();
  });
});

function hostWith(a: Partial<SimApi>): { out: EngineResponse[]; host: EngineHost } {
  const out: EngineResponse[] = [];
  return { out, host: new EngineHost(a, (r) => out.push(r)) };
}

describe('engine host', () => {
  it('opens the ICTSC folder with the real parseTopology: hosts, segments, cluster, steps, requests', async () => {
    const { out, host } = hostWith(api);
    await host.receive({ type: 'open', id: 1, folder });
    const r = out[0];
    expect(r?.type).toBe('opened');
    if (r?.type !== 'opened') return;
    expect(r.model.hosts.filter((h) => h.role !== 'pod').map((h) => h.name)).toEqual(['host01', 'host02', 'lb', 'master', 'worker01', 'worker02']);
    expect(r.model.cluster?.nodes).toEqual(['master', 'worker01', 'worker02']);
    expect(r.model.steps).toHaveLength(5);
    expect(r.model.steps[3]?.files).toEqual(['steps/3-divert.sh']);
    expect(r.model.hosts.find((h) => h.name === 'lb')?.files.map((f) => f.path).sort()).toEqual(['lb/haproxy.cfg', 'lb/rules.v4']);
    expect(r.model.layout['lb']).toEqual([300, 210]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('reports a folder without topology.yaml as an error for that request', async () => {
    const { out, host } = hostWith(api);
    await host.receive({ type: 'open', id: 4, folder: { name: 'x', files: { 'a.yaml': '' } } });
    expect(out[0]).toMatchObject({ type: 'error', id: 4 });
  });

  it('says what the engine can do, and refuses to run without loadScenario/traceRequest', async () => {
    const { out, host } = hostWith({ parseTopology: api.parseTopology! });
    host.ready();
    expect(out[0]).toEqual({ type: 'ready', capabilities: { parseTopology: true, loadScenario: false, traceRequest: false } });
    await host.receive({ type: 'open', id: 1, folder });
    await host.receive({ type: 'run', id: 2, params: run });
    expect(out.at(-1)).toMatchObject({ type: 'error', id: 2, message: expect.stringMatching(/cannot run/) });
  });

  it('streams a run in chunks, then done with the result and the pods of the loaded scenario', async () => {
    const trace = fixtureTrace();
    const events = Array.from({ length: 4000 }, (_, i) => ({ ...trace.events[i % trace.events.length]!, seq: i }));
    const nsMap = new Map<string, unknown>([
      ['worker02', { name: 'worker02', host: 'worker02', kind: 'host', ifaces: new Map([['eth0', { name: 'eth0', kind: 'ethernet', addrs: [{ addr: 0xac10000c, prefix: 24 }], segment: 'inside' }]]) }],
      ['worker02/nginx-1', { name: 'worker02/nginx-1', host: 'nginx-1', kind: 'pod', ifaces: new Map([['eth0', { name: 'eth0', kind: 'veth', addrs: [{ addr: 0xac140603, prefix: 32 }], peer: { ns: 'worker02', iface: 'cali1' } }]]) }],
    ]);
    const seen: unknown[] = [];
    const fake: Partial<SimApi> = {
      parseTopology: api.parseTopology!,
      loadScenario: (_f, opts) => {
        seen.push(opts);
        return { scenario: { world: { hosts: nsMap } }, diagnostics: [] };
      },
      traceRequest: (_s, req) => {
        seen.push(req);
        return { trace: { version: 1, events }, result: { step: 3, from: req.from, to: req.to, tries: [], summary: { ok: 1, timeout: 0, reset: 0, refused: 0 } } };
      },
    };
    const { out, host } = hostWith(fake);
    await host.receive({ type: 'open', id: 1, folder });
    expect(out[0]?.type === 'opened' && out[0].model.hosts.find((h) => h.role === 'pod')).toMatchObject({ name: 'nginx-1', node: 'worker02', interfaces: [{ addresses: ['172.20.6.3/32'], peer: { host: 'worker02', iface: 'cali1' } }] });
    await host.receive({ type: 'run', id: 2, params: { ...run, mode: 'explore', tries: 4 } });
    const chunks = out.filter((r) => r.type === 'events');
    expect(chunks.map((c) => (c.type === 'events' ? c.offset : -1))).toEqual([0, CHUNK_SIZE, 2 * CHUNK_SIZE]);
    expect(chunks.reduce((n, c) => n + (c.type === 'events' ? c.events.length : 0), 0)).toBe(4000);
    expect(out.at(-1)).toMatchObject({ type: 'done', id: 2, total: 4000, pods: [{ name: 'nginx-1' }] });
    expect(seen).toContainEqual({ step: 3 });
    expect(seen).toContainEqual({ from: 'host01', to: '192.168.0.1:30080', proto: 'tcp', tries: 4, explore: true });
  });

  it('a cancel stops a run between chunks', async () => {
    const events = Array.from({ length: 5000 }, (_, i) => ({ ...fixtureTrace().events[0]!, seq: i }));
    const fake: Partial<SimApi> = {
      parseTopology: api.parseTopology!,
      loadScenario: () => ({ scenario: {}, diagnostics: [] }),
      traceRequest: () => ({ trace: { version: 1, events }, result: { step: 0, from: '', to: '', tries: [], summary: { ok: 0, timeout: 0, reset: 0, refused: 0 } } }),
    };
    const { out, host } = hostWith(fake);
    await host.receive({ type: 'open', id: 1, folder });
    const p = host.receive({ type: 'run', id: 9, params: run });
    await host.receive({ type: 'cancel', id: 9 });
    await p;
    expect(out.filter((r) => r.type === 'events').length).toBe(1);
    expect(out.at(-1)).toEqual({ type: 'error', id: 9, message: 'cancelled' });
  });

  it('bad requests come back as errors, not exceptions', async () => {
    const { out, host } = hostWith(api);
    await host.receive({ type: 'run', id: 5, params: { ...run, tries: 'x' } });
    expect(out[0]).toMatchObject({ type: 'error', id: 5, message: expect.stringMatching(/tries/) });
    expect(capabilitiesOf({})).toEqual({ parseTopology: false, loadScenario: false, traceRequest: false });
  });

  it('finds namespaces only where they look like namespaces', () => {
    expect(findNamespaces({ a: new Map([['x', { name: 'x' }]]) })).toEqual([]);
    expect(podsFromScenario(undefined)).toEqual([]);
  });
});

describe('client and host through a worker', () => {
  function pair(a: Partial<SimApi>): EngineClient {
    const listeners: ((e: { data: unknown }) => void)[] = [];
    const host = new EngineHost(a, (r) => queueMicrotask(() => listeners.forEach((l) => l({ data: structuredClone(r) }))));
    const worker: WorkerLike = {
      postMessage: (m) => void host.receive(structuredClone(m)),
      addEventListener: ((type: string, l: (e: { data: unknown }) => void) => {
        if (type === 'message') listeners.push(l);
      }) as WorkerLike['addEventListener'],
      terminate: () => undefined,
    };
    const c = new EngineClient(worker);
    host.ready();
    return c;
  }

  it('open, then a run whose chunks arrive before done', async () => {
    const trace = fixtureTrace();
    const c = pair({
      parseTopology: api.parseTopology!,
      loadScenario: () => ({ scenario: {}, diagnostics: [] }),
      traceRequest: () => ({ trace, result: { step: 3, from: 'host01', to: 'x', tries: [], summary: { ok: 1, timeout: 0, reset: 0, refused: 0 } } }),
    });
    expect((await c.ready).traceRequest).toBe(true);
    const { model } = await c.open(folder);
    expect(model.name).toBe('ictsc2020-nodeport-source-ip');
    const got: number[] = [];
    const r = c.run({ from: 'host01', to: '192.168.0.1:30080', proto: 'tcp', tries: 1, mode: 'simulate', step: 3 }, { onEvents: (o, es) => got.push(o, es.length) });
    const done = await r.done;
    expect(got).toEqual([0, trace.events.length]);
    expect(done.total).toBe(trace.events.length);
  });

  it('an engine error rejects the request', async () => {
    const c = pair({ parseTopology: api.parseTopology! });
    await c.open(folder);
    await expect(c.run({ from: 'host01', to: '1.2.3.4:80', proto: 'tcp', tries: 1, mode: 'simulate' }, { onEvents: () => undefined }).done).rejects.toThrow(/cannot run/);
  });
});
