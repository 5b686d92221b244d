// Builds a namespace's routing state from `ip …` lines, failing the test on any refusal unless allowed.
import { expect } from 'vitest';
import { parseIpCommands } from '../../../sim/parsers/iproute2/index.js';
import type { RoutingState } from '../../../sim/net/routing/index.js';
import { addLink, applyIpCommands, createRoutingState } from '../../../sim/net/routing/index.js';
import type { Diagnostic } from '../../../sim/core/diagnostics.js';

export function ns(links: readonly string[], script: string, opts: { allowErrors?: boolean; base?: RoutingState; rtTables?: string } = {}): { state: RoutingState; diagnostics: readonly Diagnostic[] } {
  let s = opts.base ?? createRoutingState();
  for (const l of links) {
    const [name, flag] = l.split(':') as [string, string | undefined];
    const r = addLink(s, name, { up: flag !== 'down' });
    expect(r.ok).toBe(true);
    s = r.state;
  }
  const parsed = parseIpCommands(script, { file: 'setup.sh', ...(opts.rtTables !== undefined ? { rtTables: opts.rtTables } : {}) });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const applied = applyIpCommands(s, parsed.value);
  if (!opts.allowErrors) expect(applied.diagnostics).toEqual([]);
  return { state: applied.state, diagnostics: applied.diagnostics };
}

export function run(s: RoutingState, script: string): { state: RoutingState; diagnostics: readonly Diagnostic[] } {
  const parsed = parseIpCommands(script, { file: 'step.sh' });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return applyIpCommands(s, parsed.value);
}
