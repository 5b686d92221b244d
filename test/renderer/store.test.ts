// The store's transitions: opening a scenario fills the run form from its first request, a streamed
// trace builds the index, stepping and scrubbing move the cursor and time together, playing advances
// on the display axis and stops at the end, filters move the cursor to a visible event, runs record
// outcomes per client.
import { describe, expect, it } from 'vitest';
import { createAppStore, lastVisibleAtOrBefore, DISPLAY_US_PER_SECOND } from '../../renderer/state/store.js';
import type { ScenarioModel } from '../../renderer/engine/protocol.js';
import { fixtureTrace } from './helpers.js';

const model: ScenarioModel = {
  name: 'm', title: 'M', description: '', segments: [], variants: [], layout: {},
  hosts: [{ name: 'host01', role: 'client', interfaces: [], files: [] }, { name: 'lb', role: 'loadbalancer', interfaces: [], files: [] }],
  steps: [{ title: 'a', files: [] }, { title: 'b', files: [] }],
  requests: [{ from: 'host01', to: '192.168.0.1:30080' }],
};
const trace = fixtureTrace();
const result = { step: 3, from: 'host01', to: '192.168.0.1:30080', tries: [{ outcome: 'ok' as const, elapsedMs: 1 }], summary: { ok: 1, timeout: 0, reset: 0, refused: 0 } };

function opened() {
  const s = createAppStore();
  s.getState().opened({ name: 'm', files: {} }, model, []);
  return s;
}

describe('store', () => {
  it('opening a scenario sets the form from its first request and clears the trace', () => {
    const s = opened();
    expect(s.getState().form).toMatchObject({ from: 'host01', to: '192.168.0.1:30080', step: 0 });
    expect(s.getState().events).toEqual([]);
    expect(s.getState().cursor).toBe(-1);
  });

  it('streamed chunks append in order and a replayed chunk replaces the tail', () => {
    const s = opened();
    s.getState().runStarted(7);
    expect(s.getState().status).toBe('running');
    s.getState().appendEvents(0, trace.events.slice(0, 20));
    s.getState().appendEvents(20, trace.events.slice(20));
    expect(s.getState().events.length).toBe(trace.events.length);
    expect(s.getState().index?.events.length).toBe(trace.events.length);
    s.getState().appendEvents(10, trace.events.slice(10, 12));
    expect(s.getState().events.length).toBe(12);
    s.getState().runFinished(result);
    expect(s.getState().status).toBe('idle');
    expect(s.getState().outcomes).toHaveLength(1);
    s.getState().runFinished(result);
    expect(s.getState().outcomes).toHaveLength(1); // same client, step, destination: replaced
  });

  it('steps forward and back through every event, time following the cursor', () => {
    const s = opened();
    s.getState().loadTrace(trace.events);
    const seen: number[] = [];
    for (let k = 0; k < trace.events.length + 3; k++) {
      s.getState().stepForward();
      seen.push(s.getState().cursor);
      expect(s.getState().time).toBe(trace.events[s.getState().cursor]!.t);
    }
    expect(seen.slice(0, trace.events.length)).toEqual(trace.events.map((_, i) => i));
    expect(s.getState().cursor).toBe(trace.events.length - 1);
    s.getState().stepBack();
    expect(s.getState().cursor).toBe(trace.events.length - 2);
    s.getState().setCursor(3);
    s.getState().stepBack();
    expect(s.getState().cursor).toBe(2);
    s.getState().rewind();
    expect(s.getState().cursor).toBe(-1);
  });

  it('hiding ARP skips ARP events when stepping and moves the cursor off them', () => {
    const s = opened();
    s.getState().loadTrace(trace.events);
    const arp = trace.events.findIndex((e) => e.kind === 'emit' && e.packet.proto === 'arp');
    s.getState().setCursor(arp);
    s.getState().toggleHidden('arp');
    expect(s.getState().cursor).toBeLessThan(arp);
    const cursors: number[] = [];
    for (let k = 0; k < trace.events.length; k++) {
      s.getState().stepForward();
      cursors.push(s.getState().cursor);
    }
    const arpIdx = new Set(trace.events.map((e, i) => ('packet' in e && e.packet.proto === 'arp' ? i : -1)).filter((i) => i >= 0));
    expect(cursors.some((c) => arpIdx.has(c))).toBe(false);
  });

  it('plays along the display axis at the chosen speed and stops at the end', () => {
    const s = opened();
    s.getState().loadTrace(trace.events);
    s.getState().setSpeed(2);
    s.getState().play();
    s.getState().tick(100); // 0.1 s at 2x
    const w = s.getState().warp!;
    expect(w.toDisplay(s.getState().time)).toBeCloseTo(0.1 * DISPLAY_US_PER_SECOND * 2, 6);
    expect(s.getState().events[s.getState().cursor]!.t).toBeLessThanOrEqual(s.getState().time);
    s.getState().tick(1e9);
    expect(s.getState().playing).toBe(false);
    expect(s.getState().time).toBe(w.toTime(w.total));
    s.getState().play(); // at the end, play restarts from the beginning
    expect(s.getState().cursor).toBe(-1);
    expect(s.getState().playing).toBe(true);
  });

  it('ticks do nothing while paused; scrubbing sets time and cursor', () => {
    const s = opened();
    s.getState().loadTrace(trace.events);
    s.getState().tick(500);
    expect(s.getState().time).toBe(0);
    const w = s.getState().warp!;
    s.getState().seekDisplay(w.toDisplay(530));
    expect(s.getState().time).toBeCloseTo(530);
    expect(s.getState().events[s.getState().cursor]!.t).toBeLessThanOrEqual(530);
  });

  it('changing the step drops a chosen variant; speed is clamped; panels toggle', () => {
    const s = opened();
    s.getState().setForm({ step: 3, variant: 'redispatch' });
    expect(s.getState().form.variant).toBe('redispatch');
    s.getState().setForm({ step: 2 });
    expect(s.getState().form.variant).toBeUndefined();
    s.getState().setSpeed(1000);
    expect(s.getState().speed).toBe(16);
    s.getState().togglePanel('events');
    expect(s.getState().panels.events).toBe(false);
    s.getState().openConfig('lb/haproxy.cfg', 3);
    expect(s.getState().config).toEqual({ file: 'lb/haproxy.cfg', line: 3 });
  });

  it('lastVisibleAtOrBefore', () => {
    expect(lastVisibleAtOrBefore([1, 4, 9], 5, -1)).toBe(4);
    expect(lastVisibleAtOrBefore([1, 4, 9], 0, -1)).toBe(-1);
    expect(lastVisibleAtOrBefore([1, 4, 9], -1, 3)).toBe(-1);
  });
});
