// The frame-time benchmark scene (?bench=frames): a 300-element graph (hosts, segments, edges) with
// 500 packets in flight at once, played slowly while requestAnimationFrame intervals and the
// per-frame work of the packet layer are recorded. bench/frame.bench.ts reads window.__hoplabBench.

import { appStore } from '../state/store.js';
import type { HostModel, ScenarioModel } from '../engine/protocol.js';
import type { TraceEvent } from '../engine/sim-types.js';

export interface FrameBenchResult {
  readonly elements: number;
  readonly inFlight: number;
  readonly frames: number;
  /** Frame cost percentiles, ms: from the frame's start to the first task after its paint. */
  readonly p50: number;
  readonly p95: number;
  /** p95 of the interval between frames (60 Hz pacing: about 16.7 ms when no frame is dropped). */
  readonly intervalP95: number;
  /** Frames that came more than 25 ms after the previous one. */
  readonly dropped: number;
  readonly workP95: number;
  readonly durationMs: number;
}

declare global {
  interface Window {
    __hoplabBench?: FrameBenchResult;
    __hoplabFrameWork?: number[];
  }
}

export function benchScene(hostCount = 100, segmentCount = 20, packets = 500): { model: ScenarioModel; events: TraceEvent[]; elements: number } {
  const hosts: HostModel[] = [];
  let edges = 0;
  for (let i = 0; i < hostCount; i++) {
    const ifaces = [{ name: 'eth0', kind: 'ethernet', addresses: [`10.${i >> 8}.${i & 255}.1/16`], segment: `seg${i % segmentCount}` }];
    if (i < 80) ifaces.push({ name: 'eth1', kind: 'ethernet', addresses: [`10.200.${i}.1/24`], segment: `seg${(i * 7 + 3) % segmentCount}` });
    edges += ifaces.length;
    hosts.push({ name: `h${i}`, role: i % 10 === 0 ? 'loadbalancer' : 'server', interfaces: ifaces, files: [] });
  }
  const layout: Record<string, [number, number]> = {};
  hosts.forEach((h, i) => {
    layout[h.name] = [(i % 10) * 120, Math.floor(i / 10) * 90];
  });
  const model: ScenarioModel = {
    name: 'bench', title: 'Frame benchmark: 300 elements, 500 packets in flight', description: '', hosts,
    segments: Array.from({ length: segmentCount }, (_, k) => ({ name: `seg${k}`, latencyUs: 1500 })), steps: [{ title: 'bench', files: [] }], variants: [], requests: [], layout,
  };
  // Every packet crosses a segment both ends are on, so the trace adds no edges to the 300 elements.
  const members = new Map<string, { host: HostModel; iface: string }[]>();
  for (const h of hosts) for (const i of h.interfaces) if (i.segment) members.set(i.segment, [...(members.get(i.segment) ?? []), { host: h, iface: i.name }]);
  const events: TraceEvent[] = [];
  for (let k = 0; k < packets; k++) {
    const a = hosts[k % hostCount] as HostModel;
    const seg = a.interfaces[0]?.segment ?? 'seg0';
    const peers = (members.get(seg) ?? []).filter((m) => m.host !== a);
    const peer = peers[(k * 37 + 11) % Math.max(1, peers.length)];
    const b = peer?.host ?? a;
    const bi = { name: peer?.iface ?? 'eth0' };
    const packet = { id: k + 1, src: `10.0.${k & 255}.1`, dst: `10.1.${k & 255}.2`, proto: 'tcp' as const, sport: 40000 + k, dport: 80, flags: 'SYN', length: 60 };
    events.push({ seq: events.length, t: k * 2, kind: 'link', from: { host: a.name, iface: 'eth0' }, to: { host: b.name, iface: bi?.name ?? 'eth0' }, packet, latencyUs: 1500 });
  }
  return { model, events, elements: hostCount + segmentCount + edges };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number);
}

export async function runFrameBench(params: URLSearchParams): Promise<void> {
  const durationMs = Number(params.get('ms') ?? 3000);
  const { model, events, elements } = benchScene();
  const st = appStore.getState();
  st.opened({ name: 'bench', files: {} }, model, []);
  st.loadTrace(events);
  const s = appStore.getState();
  if (s.warp) s.seekDisplay(s.warp.toDisplay(1000));
  st.setSpeed(0.25);
  // Let the graph lay out and draw once before measuring.
  await new Promise((r) => setTimeout(r, 500));
  window.__hoplabFrameWork = [];
  appStore.getState().play();
  // Two measures per frame: the interval between frames (what the screen gets) and the frame's own
  // cost, from the frame's start (the rAF timestamp every callback of the frame shares) to the first
  // task after it, which runs once d3's timer, cytoscape's render, style, layout and paint are done.
  const intervals: number[] = [];
  const costs: number[] = [];
  const ch = new MessageChannel();
  let frameStart = 0;
  ch.port1.onmessage = () => {
    costs.push(performance.now() - frameStart);
  };
  const t0 = performance.now();
  let last = t0;
  await new Promise<void>((done) => {
    const f = (now: number): void => {
      intervals.push(now - last);
      last = now;
      frameStart = now;
      ch.port2.postMessage(0);
      if (now - t0 < durationMs) requestAnimationFrame(f);
      else done();
    };
    requestAnimationFrame(f);
  });
  appStore.getState().pause();
  const s2 = appStore.getState();
  const inFlight = s2.index ? s2.index.links.filter((l) => l.start <= s2.time && s2.time < l.end).length : 0;
  intervals.shift();
  costs.shift();
  window.__hoplabBench = {
    elements, inFlight, frames: intervals.length, p50: pct(costs, 50), p95: pct(costs, 95), intervalP95: pct(intervals, 95),
    dropped: intervals.filter((x) => x > 25).length, workP95: pct(window.__hoplabFrameWork ?? [], 95), durationMs,
  };
}
