// The engine's public types as the renderer sees them, all from sim/index.ts (the only door into
// the engine). Derived names keep the renderer's dependency to the few exports the contract promises.

import type { Trace, Topology, Diagnostic } from '../../sim/index.js';

export type { Trace, Topology, Diagnostic };
export type TraceEvent = Trace['events'][number];
export type TraceEventKind = TraceEvent['kind'];
export type EventOf<K extends TraceEventKind> = Extract<TraceEvent, { kind: K }>;
export type PacketSummary = EventOf<'emit'>['packet'];
export type RuleInfo = EventOf<'rule'>['rule'];
export type RouteInfo = EventOf<'route'>['route'];
export type ConntrackInfo = EventOf<'conntrack'>['entry'];
export type Disposition = EventOf<'end'>['disposition'];
export type SourceLocation = EventOf<'unsupported'>['loc'];

/** Dispositions that count as the packet having arrived (sim/trace/events.ts SUCCESS_DISPOSITIONS). */
export const SUCCESS: readonly string[] = ['DELIVERED', 'ACCEPTED_BY_APP'];

/** The JSON of `hoplab simulate`: one request, its tries and their outcomes. */
export interface SimulateResult {
  readonly step: number | string;
  readonly from: string;
  readonly to: string;
  readonly tries: readonly SimulateTry[];
  readonly summary: { readonly ok: number; readonly timeout: number; readonly reset: number; readonly refused: number };
  readonly probabilities?: Readonly<Record<string, number>>;
}
export interface SimulateTry {
  readonly outcome: 'ok' | 'timeout' | 'reset' | 'refused';
  readonly httpStatus?: number;
  readonly server?: string;
  readonly loggedClientIp?: string;
  readonly elapsedMs: number;
}
