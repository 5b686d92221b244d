// The walker reports events; a recorder decides what to keep. `TraceRecorder` keeps every event
// (simulate, explain, the app); `NullRecorder` keeps nothing (bench, explore's inner runs that only
// need outcomes).

import type { TraceEvent, TraceEventInput } from './events.js';

export interface Recorder {
  readonly enabled: boolean;
  record(e: TraceEventInput): void;
}

export class TraceRecorder implements Recorder {
  readonly enabled = true;
  readonly events: TraceEvent[] = [];
  record(e: TraceEventInput): void {
    this.events.push({ ...e, seq: this.events.length } as TraceEvent);
  }
}

export const NULL_RECORDER: Recorder = { enabled: false, record: () => undefined };
