// The world the walker moves packets through: namespaces, the L2 segments between them, the
// simulated clock, the chooser and the trace recorder. One World is one deterministic run.

import type { Chooser } from '../../core/choice.js';
import type { Rng } from '../../core/rng.js';
import { Scheduler } from '../../core/scheduler.js';
import type { Recorder } from '../../trace/recorder.js';
import type { TraceEventInput } from '../../trace/events.js';
import type { Host } from './host.js';

export interface SegmentMember {
  readonly host: string;
  readonly iface: string;
}

export interface Segment {
  readonly name: string;
  readonly latencyUs: number;
  readonly members: SegmentMember[];
  /** The switch's forwarding database: source MAC -> the member it was seen on. */
  readonly fdb: Map<string, SegmentMember>;
  /** The members with their namespace and device resolved, for the walker (see l2.ts portsOf). */
  resolved: { readonly n: number; readonly ports: readonly unknown[] } | undefined;
}

export interface WorldOptions {
  readonly rng: Rng;
  readonly chooser: Chooser;
  readonly recorder: Recorder;
  /** Default one-way latency of a link, µs. */
  readonly linkLatencyUs?: number;
}

export class World {
  readonly hosts = new Map<string, Host>();
  readonly segments = new Map<string, Segment>();
  readonly sched = new Scheduler();
  readonly rng: Rng;
  readonly chooser: Chooser;
  readonly rec: Recorder;
  readonly linkLatencyUs: number;
  /** A veth pair's one-way latency: a fifth of a link's, at least 1 µs. */
  readonly vethLatencyUs: number;
  private packetIds = 0;
  /** Application hooks: called when a host's stack delivers UDP to a socket-less port etc. */
  readonly notes: string[] = [];

  constructor(o: WorldOptions) {
    this.rng = o.rng;
    this.chooser = o.chooser;
    this.rec = o.recorder;
    this.linkLatencyUs = o.linkLatencyUs ?? 50;
    this.vethLatencyUs = Math.max(1, Math.round(this.linkLatencyUs / 5));
  }

  get now(): number {
    return this.sched.now;
  }

  newPacketId(): number {
    return ++this.packetIds;
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no such host/namespace: ${name}`);
    return h;
  }

  addHost(h: Host): void {
    if (this.hosts.has(h.name)) throw new Error(`duplicate namespace ${h.name}`);
    this.hosts.set(h.name, h);
  }

  segment(name: string, latencyUs?: number): Segment {
    let s = this.segments.get(name);
    if (!s) {
      s = { name, latencyUs: latencyUs ?? this.linkLatencyUs, members: [], fdb: new Map(), resolved: undefined };
      this.segments.set(name, s);
    }
    return s;
  }

  emit(e: TraceEventInput): void {
    if (this.rec.enabled) this.rec.record(e);
  }

  /** Records the chooser's latest choice as a trace branch event. */
  noteChoice(): void {
    const c = this.chooser.made[this.chooser.made.length - 1];
    if (c && this.rec.enabled) this.emit({ kind: 'branch', t: this.now, label: c.label, options: c.options, chosen: c.chosen, p: c.p });
  }
}
