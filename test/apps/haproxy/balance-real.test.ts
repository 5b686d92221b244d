// Server order of the engine's balancers against real HAProxy 2.6 (Debian 12), recorded by
// fixtures/real/gen-lb-sequences.sh: sequential connections, each released before the next.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHaproxyCfg } from '../../../sim/parsers/haproxy-cfg/index.js';
import { createBalancer, resolveHaproxy } from '../../../sim/apps/haproxy/index.js';

interface Case { balance: string; weights: number[]; picks: string[] }
const data = JSON.parse(readFileSync(new URL('./fixtures/real/lb-sequences.json', import.meta.url), 'utf8')) as { haproxy: string; cases: Case[] };

function backendFor(c: Case) {
  const servers = c.weights.map((w, i) => `    server s${i + 1} 127.0.0.1:${18101 + i} weight ${w}`).join('\n');
  const cfg = `defaults\n    mode http\n    timeout connect 1s\n    timeout client 5s\n    timeout server 5s\nbackend be\n    balance ${c.balance}\n${servers}\n`;
  const parsed = parseHaproxyCfg(cfg, { file: 'case.cfg' });
  expect(parsed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const be = resolveHaproxy(parsed.value).backends[0];
  if (!be) throw new Error('no backend');
  return be;
}

describe(`balance order matches HAProxy ${data.haproxy}`, () => {
  for (const c of data.cases) {
    it(`${c.balance} weights ${c.weights.join(',')}`, () => {
      const b = createBalancer(backendFor(c));
      const got: string[] = [];
      c.picks.forEach((_, k) => {
        const s = b.pick(undefined, { srcIp: `127.0.0.${k + 1}` });
        got.push(s?.name ?? '-');
        if (s) b.release(s.name);
      });
      expect(got).toEqual(c.picks);
    });
  }
});
