// Random and mutated configurations never make the parser throw, and every diagnostic points
// inside the input (a real line, a column within that line).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHaproxyCfg } from '../../../sim/parsers/haproxy-cfg/index.js';
import { resolveHaproxy, createBalancer } from '../../../sim/apps/haproxy/index.js';

const seed = readFileSync(new URL('../../apps/haproxy/fixtures/ictsc-step2.cfg', import.meta.url), 'utf8');
const words = ['global', 'defaults', 'frontend', 'backend', 'listen', 'server', 'bind', 'mode', 'tcp', 'http', 'balance',
  'roundrobin', 'source', 'usesrc', 'clientip', 'timeout', 'connect', '5s', 'check', 'weight', '0', '300', 'backup',
  'option', 'redispatch', 'httpchk', 'http-check', 'expect', 'status', 'acl', 'use_backend', 'if', '!', '{', '}',
  'default_backend', 'b', '1.2.3.4:80', ':80', '*:8080-8090', '"q', "'x y'", '\\', '#', 'from', 'retries', '3', 'x'];

function checkLocated(text: string): void {
  const lines = text.split('\n');
  const r = parseHaproxyCfg(text, { file: 'f.cfg' });
  for (const d of r.diagnostics) {
    expect(d.file).toBe('f.cfg');
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.length);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeLessThanOrEqual((lines[d.line - 1] ?? '').length + 1);
  }
  // The resolved model and balancers must cope with whatever the parser accepted.
  const m = resolveHaproxy(r.value);
  for (const be of m.backends) { const b = createBalancer(be); b.pick(undefined, { srcIp: '10.0.0.1' }); }
}

describe('haproxy.cfg parser robustness', () => {
  it('random word soups', () => {
    const line = fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 8 }).map((ws) => `${ws.length % 2 ? '    ' : ''}${ws.join(' ')}`);
    fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (ls) => checkLocated(ls.join('\n'))), { numRuns: 300 });
  });
  it('mutations of the ICTSC config', () => {
    const lines = seed.split('\n');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(lines.length - 1), fc.nat(80), fc.string({ maxLength: 5 })), { minLength: 1, maxLength: 6 }), (muts) => {
      const ls = [...lines];
      for (const [i, at, ins] of muts) { const l = ls[i] ?? ''; ls[i] = l.slice(0, at) + ins + l.slice(at + ins.length); }
      checkLocated(ls.join('\n'));
    }), { numRuns: 300 });
  });
});
