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
  readonly p50: number;
  readonly p95: number;
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
  const events: TraceEvent[] = [];
  for (let k = 0; k < packets; k++) {
    const a = hosts[k % hostCount] as HostModel;
    const b = hosts[(k * 37 + 11) % hostCount] as HostModel;
    const seg = a.interfaces[0]?.segment ?? 'seg0';
    const bi = b.interfaces.find((x) => x.segment === seg) ?? b.interfaces[0];
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
  const frames: number[] = [];
  const t0 = performance.now();
  let last = t0;
  await new Promise<void>((done) => {
    const f = (now: number): void => {
      frames.push(now - last);
      last = now;
      if (now - t0 < durationMs) requestAnimationFrame(f);
      else done();
    };
    requestAnimationFrame(f);
  });
  appStore.getState().pause();
  const s2 = appStore.getState();
  const inFlight = s2.index ? s2.index.links.filter((l) => l.start <= s2.time && s2.time < l.end).length : 0;
  frames.shift();
  window.__hoplabBench = { elements, inFlight, frames: frames.length, p50: pct(frames, 50), p95: pct(frames, 95), workP95: pct(window.__hoplabFrameWork ?? [], 95), durationMs };
}
