import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../sim/core/diagnostics.js';
import { parseIptablesCommands, parseIptablesSave, serializeIptablesSave } from '../../../sim/parsers/iptables-save/index.js';
import { A10_FILTER, A10_KUBE_PROXY_ORDER, A10_NAT, DIVERT_COMMANDS, DIVERT_SAVE, DOCKER_NAT } from './fixtures.js';
import { structure } from './structure.js';

const SAMPLES = [DOCKER_NAT, A10_NAT, A10_FILTER, A10_KUBE_PROXY_ORDER, DIVERT_SAVE];
const WORDS = ['-A', '-I', '-D', '-N', '-X', '-j', '-g', '-m', '-p', '!', '--dport', 'tcp', 'udp', 'ACCEPT', 'DROP', 'KUBE-SVC', '"', '\\', '*nat', ':X', '[0:0]', 'COMMIT', '-s', '10.0.0.0/8', '--comment', '--set-xmark', '0x1/0x1', ' ', '\n', '\t', '-t', 'mangle'];

function inRange(text: string, ds: readonly Diagnostic[]): void {
  const lines = text.split('\n');
  for (const d of ds) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(Math.max(1, lines.length));
    const len = (lines[d.line - 1] ?? '').replace(/\r$/, '').length;
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeLessThanOrEqual(len + 1);
  }
}

function timed<T>(f: () => T): T {
  const t0 = performance.now();
  const r = f();
  expect(performance.now() - t0).toBeLessThan(2000);
  return r;
}

const mutated = fc.tuple(fc.constantFrom(...SAMPLES), fc.array(fc.tuple(fc.nat(), fc.nat(5), fc.constantFrom(...WORDS)), { maxLength: 8 })).map(([s, edits]) => {
  let t = s;
  for (const [pos, del, ins] of edits) {
    const p = pos % (t.length + 1);
    t = t.slice(0, p) + ins + t.slice(p + del);
  }
  return t;
});
const wordSoup = fc.array(fc.constantFrom(...WORDS), { maxLength: 60 }).map((ws) => ws.join(' '));

describe('robustness', () => {
  it('random and mutated iptables-save input never throws and every diagnostic points inside the input', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 300 }), mutated, wordSoup), (text) => {
      const r = timed(() => parseIptablesSave(text, { file: 'x' }));
      inRange(text, r.diagnostics);
      timed(() => serializeIptablesSave(r.value));
    }), { numRuns: 400 });
  });
  it('random and mutated command scripts never throw and every diagnostic points inside the input', () => {
    const scripts = fc.oneof(fc.string({ maxLength: 300 }), mutated.map((t) => t.split('\n').map((l) => `iptables -t nat ${l}`).join('\n')), fc.constant(DIVERT_COMMANDS), wordSoup.map((w) => `iptables ${w}`));
    fc.assert(fc.property(scripts, (text) => {
      const r = timed(() => parseIptablesCommands(text, { file: 'x' }));
      inRange(text, r.diagnostics);
    }), { numRuns: 300 });
  });
});

// Valid rules from pieces each module accepts.
const octet = fc.integer({ min: 0, max: 255 });
const ip = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const cidr = fc.tuple(ip, fc.integer({ min: 0, max: 32 })).map(([a, l]) => `${a}/${l}`);
const port = fc.integer({ min: 0, max: 65535 });
const portRange = fc.oneof(port.map(String), fc.tuple(port, port).map(([a, b]) => `${Math.min(a, b)}:${Math.max(a, b)}`));
const neg = fc.boolean().map((b) => (b ? '! ' : ''));
const hex32 = fc.nat({ max: 0xffffffff }).map((v) => `0x${v.toString(16)}`);
const comment = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n') && !s.includes('\r'));
const header = fc.tuple(fc.option(fc.tuple(neg, cidr).map(([n, c]) => `${n}-s ${c}`)), fc.option(fc.tuple(neg, cidr).map(([n, c]) => `${n}-d ${c}`)),
  fc.option(fc.tuple(neg, fc.constantFrom('eth0', 'veth+', 'lo')).map(([n, i]) => `${n}-i ${i}`))).map((xs) => xs.filter((x) => x !== null).join(' '));
const tcpPart = fc.tuple(fc.option(fc.tuple(neg, portRange).map(([n, p]) => `${n}--sport ${p}`)), fc.option(fc.tuple(neg, portRange).map(([n, p]) => `${n}--dport ${p}`)), fc.option(fc.constantFrom('--syn', '! --syn', '--tcp-flags SYN,ACK ACK')))
  .map((xs) => `-p tcp -m tcp ${xs.filter((x) => x !== null).join(' ')}`);
const otherMatch = fc.oneof(
  comment.map((c) => `-m comment --comment "${c.replace(/["\\]/g, (x) => `\\${x}`)}"`),
  fc.tuple(neg, hex32, hex32).map(([n, v, m]) => `-m mark ${n}--mark ${v}/${m}`),
  fc.tuple(neg, fc.subarray(['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'], { minLength: 1 })).map(([n, s]) => `-m conntrack ${n}--ctstate ${s.join(',')}`),
  fc.tuple(neg, fc.subarray(['UNICAST', 'LOCAL', 'BROADCAST', 'MULTICAST'], { minLength: 1 })).map(([n, s]) => `-m addrtype ${n}--dst-type ${s.join(',')}`),
  fc.tuple(fc.integer({ min: 0, max: 1000 }), neg).map(([p, n]) => `-m statistic --mode random ${n}--probability ${(p / 1000).toFixed(3)}`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.nat(8)).map(([e, p]) => `-m statistic --mode nth --every ${e} --packet ${p % e}`),
  fc.tuple(fc.nat(255), neg).map(([t, n]) => `-m ttl ${n}--ttl-eq ${t}`),
  fc.tuple(ip, ip).map(([a, b]) => `-m iprange --src-range ${a}-${b}`).filter((s) => { const [a, b] = s.split(' ')[3]?.split('-').map((x) => x.split('.').reduce((acc, o) => acc * 256 + Number(o), 0)) ?? [0, 0]; return (a ?? 0) <= (b ?? 0); }),
  fc.constantFrom('-m socket --transparent', '-m limit --limit 3/hour', '-m physdev --physdev-is-bridged', '-m length --length 0:500', '-m nfacct --nfacct-name pkts'),
);
const target = fc.oneof(
  fc.constantFrom('-j ACCEPT', '-j DROP', '-j RETURN', '-j LOG --log-prefix "p: "', '-j MARK --or-mark 0x4000', '-j MARK --set-mark 7/0xff', '-j CONNMARK --save-mark', '-j U', '-g U', ''),
  hex32.map((v) => `-j MARK --set-xmark ${v}`),
);
const rule = fc.tuple(header, fc.option(tcpPart), fc.array(otherMatch, { maxLength: 3 }), target).map(([h, t, ms, tg]) => [h, t ?? '', ...ms, tg].filter((x) => x !== '').join(' '));

describe('round trip of generated rulesets', () => {
  it('parse(serialize(parse(x))) has the structure of parse(x), and serializing again is stable', () => {
    fc.assert(fc.property(fc.array(rule, { maxLength: 8 }), fc.array(rule, { maxLength: 4 }), (inputRules, userRules) => {
      const text = ['*filter', ':INPUT DROP [3:4]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':U - [0:0]',
        ...inputRules.map((r) => `-A INPUT ${r}`), ...userRules.map((r) => `-A U ${r.replace(/-[jg] U/, '-j ACCEPT')}`), 'COMMIT', ''].join('\n');
      const a = parseIptablesSave(text, { file: 'gen' });
      expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const out = serializeIptablesSave(a.value, { counters: true });
      const b = parseIptablesSave(out, { file: 'gen2' });
      expect(b.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(structure(b.value)).toEqual(structure(a.value));
      expect(serializeIptablesSave(b.value, { counters: true })).toBe(out);
    }), { numRuns: 300 });
  });
});
