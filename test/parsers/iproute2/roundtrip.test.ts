import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { IPv4 } from '../../../sim/core/ip.js';
import { maskOf } from '../../../sim/core/ip.js';
import type { IpRule, Nexthop, Route, RouteType } from '../../../sim/net/routing/api.js';
import {
  formatRouteLine, formatRuleLine, parseIpCommands, parseRouteJson, parseRouteShow, parseRuleJson, parseRuleShow, routeToCommand, routeToJson, ruleToCommand, ruleToJson,
} from '../../../sim/parsers/iproute2/index.js';
import { addLink, addRoute, applyIpCommands, createRoutingState, describeRouting, tableRoutes } from '../../../sim/net/routing/index.js';
import { splitLines } from '../../../sim/parsers/iproute2/tokens.js';

const addr = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n as IPv4);
const cidr = fc.tuple(addr, fc.integer({ min: 0, max: 32 })).map(([a, p]) => ({ addr: ((a & maskOf(p)) >>> 0) as IPv4, prefix: p }));
const dev = fc.constantFrom('eth0', 'eth1', 'cali1234', 'lo', 'wg0');
const table = fc.constantFrom(254, 255, 253, 100, 51820, 1000000);
const proto = fc.constantFrom('boot', 'kernel', 'static', 'bird', 'dhcp', '77');
const nexthop = fc.record({ via: fc.option(addr, { nil: undefined }), dev, weight: fc.integer({ min: 1, max: 256 }), onlink: fc.boolean() })
  .map(({ via, ...rest }): Nexthop => (via === undefined ? rest : { ...rest, via }));

const route: fc.Arbitrary<Route> = fc
  .record({
    table,
    type: fc.constantFrom<RouteType>('unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit', 'throw'),
    dst: cidr,
    tos: fc.constantFrom(0, 0x10, 0x28, 0xb8),
    metric: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 0xffffffff })),
    scope: fc.constantFrom('global', 'link', 'host', 'site') as fc.Arbitrary<Route['scope']>,
    proto,
    prefsrc: fc.option(addr, { nil: undefined }),
    nexthops: fc.array(nexthop, { minLength: 1, maxLength: 3 }),
  })
  .map(({ prefsrc, ...r }) => {
    const reject = r.type === 'blackhole' || r.type === 'unreachable' || r.type === 'prohibit' || r.type === 'throw';
    const nexthops = reject ? [] : r.nexthops.length === 1 ? r.nexthops.map((n) => ({ ...n, weight: 1 })) : r.nexthops;
    return { ...r, nexthops, ...(prefsrc !== undefined ? { prefsrc } : {}) };
  });

const range = fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })).map(([a, b]) => ({ min: Math.min(a, b), max: Math.max(a, b) }));
const rule: fc.Arbitrary<IpRule> = fc
  .record({
    priority: fc.integer({ min: 0, max: 0xffffffff }),
    not: fc.boolean(),
    from: fc.option(cidr.filter((c) => c.prefix > 0), { nil: undefined }),
    to: fc.option(cidr.filter((c) => c.prefix > 0), { nil: undefined }),
    iif: fc.option(dev, { nil: undefined }),
    oif: fc.option(dev, { nil: undefined }),
    fwmark: fc.option(fc.record({ value: fc.integer({ min: 1, max: 0xffffffff }), mask: fc.integer({ min: 1, max: 0xffffffff }) }), { nil: undefined }),
    tos: fc.option(fc.constantFrom(0x10, 0x28), { nil: undefined }),
    ipproto: fc.option(fc.constantFrom(6, 17, 1, 47), { nil: undefined }),
    sport: fc.option(range, { nil: undefined }),
    dport: fc.option(range, { nil: undefined }),
    action: fc.oneof(
      fc.record({ kind: fc.constant('lookup' as const), table: fc.integer({ min: 1, max: 0xffffffff }) }),
      fc.record({ kind: fc.constant('goto' as const), priority: fc.integer({ min: 0, max: 0xffffffff }) }),
      fc.constantFrom({ kind: 'blackhole' as const }, { kind: 'unreachable' as const }, { kind: 'prohibit' as const }, { kind: 'nop' as const }),
    ),
    sup: fc.option(fc.integer({ min: 0, max: 32 }), { nil: undefined }),
    proto: fc.option(fc.constantFrom('static', 'bird'), { nil: undefined }),
  })
  .map(({ sup, ...r }) => {
    const out: { -readonly [K in keyof IpRule]: IpRule[K] } = { priority: r.priority, not: r.not, action: r.action };
    for (const k of ['from', 'to', 'iif', 'oif', 'fwmark', 'tos', 'ipproto', 'sport', 'dport', 'proto'] as const) if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
    if (sup !== undefined && r.action.kind === 'lookup') out.suppressPrefixlength = sup;
    return out;
  });

const strip = <T extends { loc?: unknown; raw?: unknown }>(x: T): Omit<T, 'loc' | 'raw'> => {
  const { loc: _l, raw: _r, ...rest } = x;
  return rest;
};

describe('serialize / parse round trips', () => {
  it('ip route show text', () => {
    fc.assert(fc.property(route, (r) => {
      const text = `${formatRouteLine(r, { listed: 'all' })}\n`;
      const p = parseRouteShow(text, { file: 'gen' });
      expect(p.diagnostics).toEqual([]);
      expect(p.value.map(strip)).toEqual([r]);
    }), { numRuns: 400 });
  });

  it('ip -j route show', () => {
    fc.assert(fc.property(fc.array(route, { maxLength: 5 }), (rs) => {
      const p = parseRouteJson(JSON.stringify(rs.map((r) => routeToJson(r, { listed: 'all' }))), { file: 'gen' });
      expect(p.diagnostics).toEqual([]);
      expect(p.value.map(strip)).toEqual(rs);
    }), { numRuns: 200 });
  });

  it('ip rule show text and JSON', () => {
    fc.assert(fc.property(rule, (r) => {
      const p = parseRuleShow(`${formatRuleLine(r)}\n`, { file: 'gen' });
      expect(p.diagnostics).toEqual([]);
      expect(p.value.map(strip)).toEqual([r]);
      const j = parseRuleJson(JSON.stringify([ruleToJson(r)]), { file: 'gen' });
      expect(j.diagnostics).toEqual([]);
      expect(j.value.map(strip)).toEqual([r]);
    }), { numRuns: 400 });
  });

  it('ip rule add command lines', () => {
    fc.assert(fc.property(rule, (r) => {
      const p = parseIpCommands(ruleToCommand(r), { file: 'gen' });
      expect(p.diagnostics).toEqual([]);
      const c = p.value[0];
      expect(c?.kind).toBe('rule');
      if (c?.kind !== 'rule') return;
      const { cols: _c, ...spec } = c.rule;
      expect(spec).toEqual(r);
    }), { numRuns: 300 });
  });

  it('ip route add command lines recreate the same routes in a namespace', () => {
    let s = createRoutingState();
    for (const d of ['eth0', 'eth1']) s = addLink(s, d, { up: true }).state;
    const setup = parseIpCommands(`ip addr add 10.0.0.1/24 dev eth0
ip addr add 10.1.0.1/24 dev eth1
ip route add default via 10.0.0.254 proto static metric 100
ip route add 192.0.2.0/24 nexthop via 10.0.0.254 dev eth0 weight 2 nexthop via 10.1.0.254 dev eth1
ip route add 198.51.100.0/24 via 10.1.0.254 src 10.0.0.1 tos 0x10 table 7
ip route add local 0.0.0.0/0 dev lo table 100
ip route add blackhole 172.20.5.0/26 proto bird
ip route add 172.20.6.3 dev eth1 scope link
ip route add 203.0.113.0/24 via 192.0.2.1 dev eth0 onlink
`, { file: 'setup' });
    const a = applyIpCommands(s, setup.value);
    expect([...setup.diagnostics, ...a.diagnostics]).toEqual([]);
    const user = [...a.state.tables.values()].flat().filter((r) => r.proto !== 'kernel');
    expect(user).toHaveLength(7);
    // Rebuild from the serialized commands: same routes.
    let t = createRoutingState();
    for (const d of ['eth0', 'eth1']) t = addLink(t, d, { up: true }).state;
    const cmds = ['ip addr add 10.0.0.1/24 dev eth0', 'ip addr add 10.1.0.1/24 dev eth1', ...user.map((r) => routeToCommand(r))].join('\n');
    const b = applyIpCommands(t, parseIpCommands(cmds, { file: 'again' }).value);
    expect(b.diagnostics).toEqual([]);
    expect(describeRouting(b.state).routes).toBe(describeRouting(a.state).routes);
    expect(tableRoutes(b.state, 7).map(strip)).toEqual(tableRoutes(a.state, 7).map(strip));
    // And a route value added directly equals the command-built one.
    const direct = addRoute(t, user.find((r) => r.table === 100)!);
    expect(direct.ok).toBe(true);
  });
});

describe('robustness', () => {
  const words = ['ip', 'route', 'rule', 'add', 'del', 'replace', 'append', 'r', 'ru', 'a', 'default', '10.0.0.0/8', '1.2.3.4', 'via', 'dev', 'eth0', 'table', 'lookup',
    'local', 'main', '100', 'fwmark', '0x1/0xff', 'from', 'to', 'all', 'not', 'pref', 'goto', 'nexthop', 'weight', 'metric', 'proto', 'scope', 'host', 'link', 'src',
    'blackhole', 'throw', 'onlink', '\\', '#', '"', "'", '-4', '-n', 'sudo', '999999999999', '/', '::1', 'suppress_prefixlength', 'sport', '1-2', 'tos', '0x10', ':', '\t'];
  const line = fc.array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 6 })), { maxLength: 14 }).map((ws) => ws.join(' '));
  const text = fc.array(line, { maxLength: 6 }).map((ls) => ls.join('\n'));

  const within = (input: string, d: { line: number; column: number }): boolean => {
    const ls = splitLines(input);
    return d.line >= 1 && d.line <= Math.max(1, ls.length) && d.column >= 1 && d.column <= (ls[d.line - 1] ?? '').length + 1;
  };

  it('never throws on random or mutated ip lines, and locates every diagnostic within the input', () => {
    fc.assert(fc.property(text, (input) => {
      const p = parseIpCommands(input, { file: 'fuzz' });
      for (const d of p.diagnostics) expect(within(input, d), `${JSON.stringify(d)} in ${JSON.stringify(input)}`).toBe(true);
      const r = parseRouteShow(input, { file: 'fuzz' });
      for (const d of r.diagnostics) expect(within(input, d)).toBe(true);
      const u = parseRuleShow(input.replace(/^/gm, '5:\t'), { file: 'fuzz' });
      expect(Array.isArray(u.value)).toBe(true);
      // Applying whatever parsed must not throw either.
      let s = createRoutingState();
      s = addLink(s, 'eth0', { up: true }).state;
      applyIpCommands(s, p.value);
    }), { numRuns: 600 });
  });

  it('mutating a valid script never throws and keeps diagnostics located', () => {
    const valid = 'ip rule add fwmark 1 lookup 100\nip route add local 0.0.0.0/0 dev lo table 100\nip route add default via 172.16.0.254 dev eth0 proto static';
    fc.assert(fc.property(fc.integer({ min: 0, max: valid.length }), fc.integer({ min: 0, max: 5 }), fc.string({ maxLength: 4 }), (at, del, ins) => {
      const input = valid.slice(0, at) + ins + valid.slice(at + del);
      const p = parseIpCommands(input, { file: 'mut' });
      for (const d of p.diagnostics) expect(within(input, d)).toBe(true);
    }), { numRuns: 600 });
  });

  it('JSON parsers never throw on arbitrary JSON', () => {
    fc.assert(fc.property(fc.json(), (j) => {
      parseRouteJson(j, { file: 'j' });
      parseRuleJson(j, { file: 'j' });
    }), { numRuns: 300 });
  });
});
