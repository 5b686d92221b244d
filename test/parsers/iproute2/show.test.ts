import { describe, expect, it } from 'vitest';
import { formatIPv4, ipv4 } from '../../../sim/core/ip.js';
import { formatRouteLine, formatRuleLine, parseRouteJson, parseRouteShow, parseRuleJson, parseRuleShow, serializeRouteShow } from '../../../sim/parsers/iproute2/index.js';

// `ip route show table all` of a node like worker02 (Calico, BIRD), as iproute2 prints it (trailing spaces included).
const TABLE_ALL = [
  'default via 172.16.0.254 dev eth0 proto static ',
  'blackhole 172.20.5.0/26 proto bird ',
  '172.20.6.3 dev cali1234 scope link ',
  'default proto static metric 100 ',
  '\tnexthop via 10.0.0.1 dev eth0 weight 1 ',
  '\tnexthop via 10.0.0.2 dev eth1 weight 3 onlink ',
  'unreachable 10.99.0.0/16 metric 4278198272 ',
  'local default dev lo table 100 scope host ',
  'local 172.16.0.12 dev eth0 table local proto kernel scope host src 172.16.0.12 ',
  'broadcast 172.16.0.255 dev eth0 table local proto kernel scope link src 172.16.0.12 ',
  'local 10.0.0.0/8 dev lo table local proto 77 scope host ',
  '198.51.100.0/24 tos 0x10 via 10.0.0.1 dev eth0 table isp2 metric 5 ',
  '',
].join('\n');

describe('ip route show', () => {
  const p = parseRouteShow(TABLE_ALL, { file: 'routes.txt', rtTables: '200 isp2' });

  it('reads every line kind without diagnostics', () => {
    expect(p.diagnostics).toEqual([]);
    expect(p.value).toHaveLength(10);
  });

  it('keeps each route\'s fields, raw text and line', () => {
    const [def, bh, cali, mp, un, divert, local] = p.value;
    expect(def).toMatchObject({ table: 254, type: 'unicast', dst: { addr: 0, prefix: 0 }, proto: 'static', scope: 'global', metric: 0, loc: { file: 'routes.txt', line: 1 } });
    expect(def?.nexthops).toEqual([{ via: ipv4('172.16.0.254'), dev: 'eth0', weight: 1, onlink: false }]);
    expect(bh).toMatchObject({ type: 'blackhole', proto: 'bird', nexthops: [], dst: { prefix: 26 } });
    expect(cali).toMatchObject({ scope: 'link', proto: 'boot', dst: { addr: ipv4('172.20.6.3'), prefix: 32 } });
    expect(mp?.nexthops.map((n) => [formatIPv4(n.via ?? 0), n.dev, n.weight, n.onlink])).toEqual([['10.0.0.1', 'eth0', 1, false], ['10.0.0.2', 'eth1', 3, true]]);
    expect(mp?.loc?.line).toBe(4);
    expect(mp?.raw).toBe('default proto static metric 100\n\tnexthop via 10.0.0.1 dev eth0 weight 1\n\tnexthop via 10.0.0.2 dev eth1 weight 3 onlink');
    expect(un).toMatchObject({ type: 'unreachable', metric: 4278198272, loc: { line: 7 } });
    expect(divert).toMatchObject({ type: 'local', table: 100, scope: 'host', dst: { prefix: 0 } });
    expect(local).toMatchObject({ table: 255, prefsrc: ipv4('172.16.0.12'), proto: 'kernel' });
    expect(p.value[8]?.proto).toBe('77');
    expect(p.value[9]).toMatchObject({ tos: 0x10, table: 200, metric: 5 });
  });

  it('prints the same text back', () => {
    expect(serializeRouteShow(p.value, { listed: 'all', names: { byName: new Map([['isp2', 200]]), byId: new Map([[200, 'isp2'], [255, 'local'], [254, 'main'], [253, 'default']]) } })).toBe(
      TABLE_ALL,
    );
  });

  it('gives routes without a table word the listed table', () => {
    const t = parseRouteShow('local default dev lo scope host\n', { file: 't', table: 100 });
    expect(t.value[0]?.table).toBe(100);
    expect(formatRouteLine(t.value[0]!, { listed: 100 })).toBe('local default dev lo scope host ');
    expect(formatRouteLine(t.value[0]!, { listed: 'all' })).toBe('local default dev lo table 100 scope host ');
  });

  it('reads `ip -o` one-line multipath output', () => {
    const o = parseRouteShow('default proto static metric 100 \\\tnexthop via 10.0.0.1 dev eth0 weight 1 \\\tnexthop via 10.0.0.2 dev eth1 weight 1 \n', { file: 'o' });
    expect(o.diagnostics).toEqual([]);
    expect(o.value[0]?.nexthops).toHaveLength(2);
  });

  it('locates bad lines and goes on', () => {
    const bad = parseRouteShow('default via 10.0.0.1 dev eth0\n10.0.0.0/8 dev eth0 frob 3\n10.1.0.0/16 via 10.0.0.1\n192.168.0.0/16 dev eth0\n', { file: 'b' });
    expect(bad.value.map((r) => r.loc?.line)).toEqual([1, 4]);
    expect(bad.diagnostics.map((d) => `${d.line}:${d.column}:${d.code}`)).toEqual(['2:21:iproute2.unknown-keyword', '3:17:iproute2.missing-dev']);
  });
});

const RULES = '0:\tfrom all lookup local\n32763:\tfrom 10.0.0.0/8 iif cali99 [detached] lookup 7\n32764:\tfrom all lookup main suppress_prefixlength 0\n32765:\tnot from all fwmark 0xca6c lookup 51820\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n';

describe('ip rule show', () => {
  it('reads priorities, selectors, markers and actions', () => {
    const p = parseRuleShow(RULES + '100:\tfrom all to 192.0.2.0/24 fwmark 0x1/0xff ipproto tcp dport 80-90 goto 200 [unresolved]\n150:\tfrom 192.0.2.1 blackhole proto static\n', { file: 'rules.txt' });
    expect(p.diagnostics).toEqual([]);
    expect(p.value.map((r) => r.priority)).toEqual([0, 32763, 32764, 32765, 32766, 32767, 100, 150]);
    expect(p.value[1]).toMatchObject({ iif: 'cali99', iifDetached: true, from: { prefix: 8 }, action: { kind: 'lookup', table: 7 } });
    expect(p.value[2]).toMatchObject({ suppressPrefixlength: 0 });
    expect(p.value[3]).toMatchObject({ not: true, fwmark: { value: 51820, mask: 0xffffffff }, action: { table: 51820 } });
    expect(p.value[6]).toMatchObject({ fwmark: { value: 1, mask: 0xff }, ipproto: 6, dport: { min: 80, max: 90 }, action: { kind: 'goto', priority: 200 }, unresolved: true, loc: { line: 7, column: 1 } });
    expect(p.value[7]).toMatchObject({ from: { addr: ipv4('192.0.2.1'), prefix: 32 }, action: { kind: 'blackhole' }, proto: 'static' });
  });

  it('prints the same text back', () => {
    const p = parseRuleShow(RULES, { file: 'rules.txt' });
    expect(p.value.map((r) => `${formatRuleLine(r, { iifDetached: r.iifDetached ?? false })}\n`).join('')).toBe(RULES);
  });

  it('locates a line that is not a rule', () => {
    const p = parseRuleShow('0:\tfrom all lookup local\n  garbage here\n5:\tfrom all lookup nosuch\n', { file: 'r' });
    expect(p.value).toHaveLength(1);
    expect(p.diagnostics.map((d) => `${d.line}:${d.column}:${d.code}`)).toEqual(['2:3:iproute2.syntax', '3:20:iproute2.bad-table']);
  });
});

describe('ip -j route show / ip -j rule show', () => {
  // As `ip -j route show table all` prints it (one line), with an IPv6 entry from the local table.
  const JSON_ROUTES = '[{"dst":"default","gateway":"172.16.0.254","dev":"eth0","protocol":"static","flags":[]},{"type":"blackhole","dst":"172.20.5.0/26","protocol":"bird","flags":[]},{"dst":"172.20.6.3","dev":"cali1234","scope":"link","flags":[]},{"dst":"default","protocol":"static","metric":100,"flags":[],"nexthops":[{"gateway":"10.0.0.1","dev":"eth0","weight":1,"flags":[]},{"gateway":"10.0.0.2","dev":"eth1","weight":1,"flags":["onlink"]}]},{"type":"local","dst":"172.16.0.12","dev":"eth0","table":"local","protocol":"kernel","scope":"host","prefsrc":"172.16.0.12","flags":[]},{"type":"local","dst":"::1","dev":"lo","table":"local","protocol":"kernel","metric":0,"flags":[],"pref":"medium"}]';

  it('reads routes, skips IPv6 with a located note', () => {
    const p = parseRouteJson(JSON_ROUTES, { file: 'r.json' });
    expect(p.value).toHaveLength(5);
    expect(p.value.map((r) => formatRouteLine(r, { listed: 'all' }).split('\n')[0]?.trimEnd())).toEqual([
      'default via 172.16.0.254 dev eth0 proto static',
      'blackhole 172.20.5.0/26 proto bird',
      '172.20.6.3 dev cali1234 scope link',
      'default proto static metric 100',
      'local 172.16.0.12 dev eth0 table local proto kernel scope host src 172.16.0.12',
    ]);
    expect(p.value[3]?.nexthops[1]?.onlink).toBe(true);
    expect(p.diagnostics).toHaveLength(1);
    expect(p.diagnostics[0]).toMatchObject({ severity: 'unsupported', line: 1, column: JSON_ROUTES.indexOf('{"type":"local","dst":"::1"') + 1 });
  });

  it('locates a bad element by where its object starts', () => {
    const text = '[\n  {"dst":"default","gateway":"10.0.0.1","dev":"eth0","flags":[]},\n  {"dst":"10.0.0.0/33","dev":"eth0","flags":[]}\n]';
    const p = parseRouteJson(text, { file: 'r.json' });
    expect(p.value).toHaveLength(1);
    expect(p.diagnostics).toEqual([expect.objectContaining({ severity: 'error', line: 3, column: 3 })]);
    expect(parseRouteJson('[{"dst":', { file: 'x' }).diagnostics[0]).toMatchObject({ severity: 'error', code: 'iproute2.json' });
  });

  it('reads rules', () => {
    const text = '[{"priority":0,"src":"all","table":"local"},{"priority":32765,"not":null,"src":"all","fwmark":"0xca6c","table":"51820"},{"priority":100,"src":"10.0.0.0","srclen":8,"fwmark":"0x1","fwmask":"0xff","iif":"eth0","iif_detached":null,"goto":200},{"priority":150,"src":"all","action":"prohibit"},{"priority":32766,"src":"all","table":"main"}]';
    const p = parseRuleJson(text, { file: 'rules.json' });
    expect(p.diagnostics).toEqual([]);
    expect(p.value.map((r) => formatRuleLine(r, { iifDetached: r.iifDetached ?? false }))).toEqual([
      '0:\tfrom all lookup local',
      '32765:\tnot from all fwmark 0xca6c lookup 51820',
      '100:\tfrom 10.0.0.0/8 fwmark 0x1/0xff iif eth0 [detached] goto 200',
      '150:\tfrom all prohibit',
      '32766:\tfrom all lookup main',
    ]);
  });
});
