// The app's entry point: a request through a scenario step, with its trace and its result.
import { describe, expect, it } from 'vitest';
import { loadScenario, traceRequest } from '../../sim/index.js';
import { ictscFiles } from './ictsc-files.js';

describe('traceRequest', () => {
  it('uses the step the scenario was loaded for, and returns the trace with the simulate result', () => {
    const sc = loadScenario(ictscFiles, { step: 3 });
    const { trace, result } = traceRequest(sc, { from: 'host01', to: '192.168.0.1:30080', tries: 2, explore: true });
    expect(result.step).toBe(3);
    expect(result.tries.map((t) => t.outcome)).toEqual(['timeout', 'ok']);
    expect(result.probabilities?.ok).toBe(0.5);
    expect(trace.events.some((e) => e.kind === 'route' && e.route.table === '100')).toBe(true);
  });
  it('ICMP echo to lb is answered; UDP to a closed port is refused with ICMP port unreachable', () => {
    const sc = loadScenario(ictscFiles);
    expect(traceRequest(sc, { from: 'host01', to: '192.168.0.1', proto: 'icmp' }).result.summary).toMatchObject({ ok: 1 });
    const udp = traceRequest(sc, { from: 'host01', to: '192.168.0.1:53', proto: 'udp' });
    expect(udp.result.summary).toMatchObject({ refused: 1 });
    expect(udp.trace.events.some((e) => e.kind === 'deliver' && e.host === 'host01' && e.packet.icmp?.text === 'port unreachable')).toBe(true);
  });
});
