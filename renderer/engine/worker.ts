// The engine's Web Worker: the only place the renderer runs sim/, reached through sim/index.ts.
// Functions the engine does not export yet are reported as missing capabilities, not crashes.

import * as sim from '../../sim/index.js';
import { EngineHost, type SimApi } from './engine-host.js';
import type { EngineResponse } from './protocol.js';

const api = sim as unknown as Partial<SimApi>;
const post = (r: EngineResponse): void => (self as unknown as { postMessage(m: unknown): void }).postMessage(r);
const host = new EngineHost(api, post);
self.addEventListener('message', (e: MessageEvent) => {
  void host.receive(e.data);
});
host.ready();
