// Small worlds for walker tests: a topology text plus files, built exactly as the CLI builds a
// folder, with every trace event recorded.
import { expect } from 'vitest';
import { buildWorld, parseTopology, TraceRecorder, ipv4Of, type BuiltWorld, type TraceEvent } from './sim.js';

export function world(topology: string, files: Record<string, string> = {}, opts: { step?: number; seed?: number } = {}): BuiltWorld & { rec: TraceRecorder } {
  const t = parseTopology(topology, { file: 'topology.yaml' });
  expect(t.diagnostics).toEqual([]);
  const rec = new TraceRecorder();
  const built = buildWorld(t.value, {
    read: (p) => files[p],
    list: (d) => Object.keys(files).filter((f) => f.startsWith(d)).sort(),
  }, { recorder: rec, ...opts });
  expect(built.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { ...built, rec };
}

export function ends(events: readonly TraceEvent[]): Extract<TraceEvent, { kind: 'end' }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: 'end' }> => e.kind === 'end');
}

export function kinds<K extends TraceEvent['kind']>(events: readonly TraceEvent[], kind: K): Extract<TraceEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<TraceEvent, { kind: K }> => e.kind === kind);
}

export { ipv4Of };

/** Two hosts on one link: client 10.0.1.10, server 10.0.1.20. */
export const PAIR = `
name: pair
hosts:
  client:
    interfaces:
      eth0: { link: a, addresses: [10.0.1.10/24] }
  server:
    interfaces:
      eth0: { link: a, addresses: [10.0.1.20/24] }
`;

/** client --(a)-- router --(b)-- server, each with a default route toward the router. */
export const ROUTED = `
name: routed
hosts:
  client:
    interfaces:
      eth0: { link: a, addresses: [10.0.1.10/24] }
    routes: [default via 10.0.1.1 dev eth0]
  router:
    role: router
    interfaces:
      eth0: { link: a, addresses: [10.0.1.1/24] }
      eth1: { link: b, addresses: [10.0.2.1/24] }
    sysctls: { net.ipv4.ip_forward: 1 }
    files: { iptables: router.rules }
  server:
    interfaces:
      eth0: { link: b, addresses: [10.0.2.20/24] }
    routes: [default via 10.0.2.1 dev eth0]
`;
