import { describe, expect, it } from 'vitest';
import { formatIPv4, ipv4 } from '../../../sim/core/ip.js';
import type { IpCommand } from '../../../sim/parsers/iproute2/index.js';
import { parseIpCommands } from '../../../sim/parsers/iproute2/index.js';

const one = (text: string, rtTables?: string): IpCommand => {
  const p = parseIpCommands(text, { file: 'f.sh', ...(rtTables !== undefined ? { rtTables } : {}) });
  expect(p.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(p.value).toHaveLength(1);
  return p.value[0] as IpCommand;
};
const route = (text: string): Extract<IpCommand, { kind: 'route' }> => {
  const c = one(text);
  if (c.kind !== 'route') throw new Error(`not a route: ${c.kind}`);
  return c;
};
const rule = (text: string, rtTables?: string): Extract<IpCommand, { kind: 'rule' }> => {
  const c = one(text, rtTables);
  if (c.kind !== 'rule') throw new Error(`not a rule: ${c.kind}`);
  return c;
};
const errors = (text: string): { line: number; column: number; code?: string; expected?: string }[] =>
  parseIpCommands(text, { file: 'f.sh' }).diagnostics.filter((d) => d.severity === 'error').map((d) => ({ line: d.line, column: d.column, ...(d.code ? { code: d.code } : {}), ...(d.expected ? { expected: d.expected } : {}) }));

describe('ip route command lines', () => {
  it('reads the DIVERT route with iproute2 defaults filled in', () => {
    const c = route('ip route add local 0.0.0.0/0 dev lo table 100');
    expect(c.op).toBe('add');
    expect(c.route).toMatchObject({ type: 'local', dst: { addr: 0, prefix: 0 }, table: 100, scope: 'host', proto: 'boot', multipath: false });
    expect(c.route.nexthops.map((n) => n.dev)).toEqual(['lo']);
  });

  it('accepts abbreviations, sudo, -4, comments and continuation lines', () => {
    const p = parseIpCommands(`# comment line
sudo -E ip -4 r a 10.0.0.0/8 via 192.168.0.1 \\
    m 20 proto static # trailing comment
ip ro replace default via 192.168.0.254
ip route append 10/8 dev eth1
ip r d 10.0.0.0/8
ip route prepend 1.2.3.0/24 dev eth0 t 7
`, { file: 'f.sh' });
    expect(p.diagnostics).toEqual([]);
    expect(p.value.map((c) => (c.kind === 'route' ? c.op : c.kind))).toEqual(['add', 'replace', 'append', 'del', 'prepend']);
    const first = p.value[0] as Extract<IpCommand, { kind: 'route' }>;
    expect(first.loc).toMatchObject({ file: 'f.sh', line: 2 });
    expect(first.raw).toBe('sudo -E ip -4 r a 10.0.0.0/8 via 192.168.0.1 m 20 proto static');
    expect(first.route).toMatchObject({ metric: 20, proto: 'static', scope: 'global' });
    expect(first.route.nexthops[0]?.cols.via).toEqual({ line: 2, column: 34 });
    const app = p.value[2] as Extract<IpCommand, { kind: 'route' }>;
    expect(formatIPv4(app.route.dst.addr)).toBe('10.0.0.0');
    expect(app.route.scope).toBe('link');
    const del = p.value[3] as Extract<IpCommand, { kind: 'route' }>;
    expect(del.route.scope).toBeUndefined();
    expect(del.route.type).toBeUndefined();
    expect((p.value[4] as Extract<IpCommand, { kind: 'route' }>).route.table).toBe(7);
  });

  it('reads multipath nexthops, onlink, src, tos and table names', () => {
    const c = route('ip route add 10.0.0.0/8 tos 0x10 nexthop via 1.1.1.1 dev eth0 weight 2 onlink nexthop via 2.2.2.2 dev eth1');
    expect(c.route.multipath).toBe(true);
    expect(c.route.tos).toBe(0x10);
    expect(c.route.nexthops.map((n) => [n.via !== undefined ? formatIPv4(n.via) : '', n.dev, n.weight, n.onlink])).toEqual([['1.1.1.1', 'eth0', 2, true], ['2.2.2.2', 'eth1', 1, false]]);
    const s = route('ip route add 172.20.6.3 dev cali1234 scope link src 172.16.0.12 table main');
    expect(s.route).toMatchObject({ prefsrc: ipv4('172.16.0.12'), table: 254, scope: 'link', dst: { prefix: 32 } });
  });

  it('reads reject types without devices', () => {
    expect(route('ip route add blackhole 172.20.5.0/26 proto bird').route).toMatchObject({ type: 'blackhole', scope: 'global', proto: 'bird', nexthops: [] });
    expect(route('ip route add unreachable default metric 4278198272').route).toMatchObject({ type: 'unreachable', metric: 4278198272 });
    expect(route('ip route add throw 10.0.0.0/8 table 5').route.type).toBe('throw');
  });

  it('flags host bits for the kernel to refuse', () => {
    expect(route('ip route add 10.0.0.1/8 dev eth0').route.dstHostBits).toBe(true);
  });

  it('keeps the netns of `ip -n`', () => {
    expect(one('ip -n lb route add default via 10.0.0.1').netns).toBe('lb');
  });

  it('locates errors with what was expected', () => {
    expect(errors('ip route add 10.0.0.0/33 dev eth0')).toEqual([{ line: 1, column: 14, code: 'iproute2.bad-prefix', expected: expect.stringContaining('prefix') }]);
    expect(errors('ip route add 10.0.0.0/8 dev eth0 metrik 5')).toEqual([{ line: 1, column: 34, code: 'iproute2.unknown-keyword', expected: expect.stringContaining('route keyword') }]);
    expect(errors('ip route add 10.0.0.0/8 via')).toEqual([{ line: 1, column: 28, code: 'iproute2.syntax', expected: 'a gateway address' }]);
    expect(errors('ip route add 10.0.0.0/8 via 1.2.3 .4')[0]).toMatchObject({ line: 1, column: 35 });
    expect(errors('ip route frobnicate')).toEqual([{ line: 1, column: 10, code: 'iproute2.unknown-keyword', expected: expect.any(String) }]);
    expect(errors('ip route add via 1.1.1.1 dev eth0')).toEqual([{ line: 1, column: 10, code: 'iproute2.missing-dst', expected: expect.any(String) }]);
  });

  it('goes on after a bad line', () => {
    const p = parseIpCommands('ip route add 10.0.0.0/8 dev eth0 bogus\nip route add 10.1.0.0/16 dev eth0', { file: 'f.sh' });
    expect(p.value).toHaveLength(1);
    expect(p.diagnostics.map((d) => d.line)).toEqual([2 - 1]);
  });

  it('reports what it does not model instead of dropping it silently', () => {
    const p = parseIpCommands('ip route add 10.0.0.0/8 dev eth0 mtu 1400\nip -6 route add ::/0 dev eth0\nip route add 10.0.0.0/8 encap mpls 100 dev eth0\nip neigh add 1.2.3.4 lladdr aa:bb:cc:dd:ee:ff dev eth0', { file: 'f.sh' });
    expect(p.value).toHaveLength(1);
    expect(p.diagnostics.map((d) => `${d.line}:${d.severity}`)).toEqual(['1:unsupported', '2:error', '3:error', '4:unsupported']);
  });
});

describe('ip rule command lines', () => {
  it('reads the DIVERT rule', () => {
    const c = rule('ip rule add fwmark 1 lookup 100');
    expect(c.rule).toMatchObject({ fwmark: { value: 1, mask: 0xffffffff }, action: { kind: 'lookup', table: 100 }, not: false });
    expect(c.rule.priority).toBeUndefined();
  });

  it('reads every selector and action', () => {
    expect(rule('ip ru add not from 10.0.0.0/8 to 192.0.2.1 iif eth0 oif eth1 tos 0x10 ipproto tcp sport 1000-2000 dport 443 fwmark 0x4000/0xc000 pref 100 table main suppress_prefixlength 0').rule).toMatchObject({
      not: true, from: { prefix: 8 }, to: { addr: ipv4('192.0.2.1'), prefix: 32 }, iif: 'eth0', oif: 'eth1', tos: 0x10, ipproto: 6,
      sport: { min: 1000, max: 2000 }, dport: { min: 443, max: 443 }, fwmark: { value: 0x4000, mask: 0xc000 }, priority: 100,
      action: { kind: 'lookup', table: 254 }, suppressPrefixlength: 0,
    });
    expect(rule('ip rule add from all goto 200 pref 10').rule.action).toEqual({ kind: 'goto', priority: 200 });
    expect(rule('ip rule add to 1.2.3.4 blackhole').rule.action).toEqual({ kind: 'blackhole' });
    expect(rule('ip rule add to 1.2.3.4 type unreachable').rule.action).toEqual({ kind: 'unreachable' });
    expect(rule('ip rule add nop pref 5').rule.action).toEqual({ kind: 'nop' });
    expect(rule('ip rule add fwmark 0 lookup 7').rule.fwmark).toEqual({ value: 0, mask: 0 });
  });

  it('resolves table names from an rt_tables text', () => {
    expect(rule('ip rule add from 10.0.0.0/8 lookup isp2', '# comment\n200\tisp2\n').rule.action).toEqual({ kind: 'lookup', table: 200 });
    expect(errors('ip rule add from 10.0.0.0/8 lookup isp2')).toEqual([{ line: 1, column: 36, code: 'iproute2.bad-table', expected: expect.any(String) }]);
  });

  it('rule del keeps only what was written', () => {
    const c = rule('ip rule del pref 32765');
    expect(c.op).toBe('del');
    expect(c.rule.action).toBeUndefined();
    expect(c.rule.priority).toBe(32765);
  });

  it('refuses selectors it cannot evaluate rather than widening the rule', () => {
    const p = parseIpCommands('ip rule add uidrange 1000-2000 lookup 5', { file: 'f.sh' });
    expect(p.value).toEqual([]);
    expect(p.diagnostics[0]).toMatchObject({ line: 1, column: 13, code: 'iproute2.unsupported' });
  });
});

describe('ip address and ip link', () => {
  it('reads addresses and link state changes', () => {
    const p = parseIpCommands('ip addr add 10.0.0.1/24 brd + dev eth0\nip a del 10.0.0.1/24 dev eth0\nip link set dev eth0 up\nip l s eth1 down', { file: 'f.sh' });
    expect(p.diagnostics).toEqual([]);
    expect(p.value.map((c) => c.kind)).toEqual(['addr', 'addr', 'link', 'link']);
    expect(p.value[0]).toMatchObject({ op: 'add', dev: 'eth0', prefix: 24, broadcast: ipv4('10.0.0.255') });
    expect(p.value[3]).toMatchObject({ dev: 'eth1', up: false });
  });
});
