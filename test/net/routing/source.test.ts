import { describe, expect, it } from 'vitest';
import { formatIPv4, ipv4 } from '../../../sim/core/ip.js';
import type { IPv4 } from '../../../sim/core/ip.js';
import type { InputConf, RoutingState, ValidateSourceInput } from '../../../sim/net/routing/index.js';
import { addrType, inetSelectAddr, martianCheck, routeInput, routeOutput, validateSource } from '../../../sim/net/routing/index.js';
import { ns } from './helpers.js';

const ip = (x: IPv4 | undefined): string | undefined => (x === undefined ? undefined : formatIPv4(x));

describe('source address selection', () => {
  const host = (): RoutingState =>
    ns(['eth0', 'eth1'], `ip addr add 10.0.0.1/24 dev eth0
ip addr add 10.5.0.1/16 dev eth0
ip addr add 10.1.0.1/24 dev eth1
ip route add default via 10.5.0.254
ip route add 192.0.2.0/24 via 10.0.0.254 src 10.1.0.1
`).state;

  it('uses the route\'s src when it has one', () => {
    expect(ip(routeOutput(host(), { dst: ipv4('192.0.2.9'), mark: 0 }).src)).toBe('10.1.0.1');
  });

  it('otherwise the egress device\'s primary address in the gateway\'s subnet', () => {
    const o = routeOutput(host(), { dst: ipv4('8.8.8.8'), mark: 0 });
    expect(o.dev).toBe('eth0');
    expect(ip(o.src)).toBe('10.5.0.1');
    expect(ip(inetSelectAddr(host(), 'eth0', ipv4('10.0.0.77'), 'global'))).toBe('10.0.0.1');
    expect(ip(inetSelectAddr(host(), 'eth0', ipv4('203.0.113.1'), 'global'))).toBe('10.0.0.1');
  });

  it('a local destination goes out via lo with itself as source', () => {
    const o = routeOutput(host(), { dst: ipv4('10.1.0.1'), mark: 0 });
    expect(o.dev).toBe('lo');
    expect(ip(o.src)).toBe('10.1.0.1');
  });

  it('skips addresses of narrower scope than the route', () => {
    const { state } = ns(['eth0'], 'ip addr add 169.254.1.1/16 dev eth0 scope link\nip addr add 10.0.0.1/24 dev eth0');
    expect(ip(inetSelectAddr(state, 'eth0', 0, 'global'))).toBe('10.0.0.1');
    expect(ip(inetSelectAddr(state, 'eth0', ipv4('169.254.9.9'), 'link'))).toBe('169.254.1.1');
  });

  const calico = (order: 'eth0-first' | 'tunl0-first'): RoutingState => {
    const links = order === 'eth0-first' ? ['eth0', 'tunl0', 'cali1234'] : ['tunl0', 'eth0', 'cali1234'];
    return ns(links, `ip addr add 172.16.0.12/24 dev eth0
ip addr add 172.20.6.0/32 dev tunl0
ip route add default via 172.16.0.254
ip route add 172.20.6.3 dev cali1234 scope link
`).state;
  };

  it('falls back to the first device in creation order with a global address when the egress device has none (Calico veth)', () => {
    expect(ip(inetSelectAddr(calico('eth0-first'), 'cali1234', ipv4('172.20.6.3'), 'global'))).toBe('172.16.0.12');
    expect(ip(inetSelectAddr(calico('tunl0-first'), 'cali1234', ipv4('172.20.6.3'), 'global'))).toBe('172.20.6.0');
    expect(ip(routeOutput(calico('eth0-first'), { dst: ipv4('172.20.6.3'), mark: 0 }).src)).toBe('172.16.0.12');
  });

  it('passes over 127.0.0.1 only because it is host scope: a global address on lo wins', () => {
    const s = ns(['eth0', 'cali1234'], 'ip addr add 172.16.0.12/24 dev eth0\nip addr add 192.0.2.53/32 dev lo').state;
    expect(ip(inetSelectAddr(s, 'cali1234', ipv4('172.20.6.3'), 'global'))).toBe('192.0.2.53');
  });

  it('finds nothing when no device has a suitable address', () => {
    const s = ns(['cali1234'], '').state;
    expect(inetSelectAddr(s, 'cali1234', ipv4('172.20.6.3'), 'global')).toBeUndefined();
  });
});

describe('fib_validate_source (rp_filter, src_valid_mark, accept_local)', () => {
  const lb = (extra = ''): RoutingState =>
    ns(['eth0', 'eth1'], `ip addr add 192.168.0.1/24 dev eth0
ip addr add 172.16.0.254/24 dev eth1
ip route add default via 192.168.0.254
${extra}`).state;
  const v = (s: RoutingState, src: string, iif: string, o: Partial<ValidateSourceInput> = {}): ReturnType<typeof validateSource> =>
    validateSource(s, { src: ipv4(src), iif, mark: 0, rpFilter: 0, srcValidMark: false, acceptLocal: false, ...o });

  it('strict mode wants the route back to use the receiving device; loose mode any route', () => {
    expect(v(lb(), '192.168.0.10', 'eth0', { rpFilter: 1 }).ok).toBe(true);
    const spoofed = v(lb(), '192.168.0.10', 'eth1', { rpFilter: 1 });
    expect(spoofed).toMatchObject({ ok: false, errno: 'EXDEV' });
    expect(v(lb(), '192.168.0.10', 'eth1', { rpFilter: 2 }).ok).toBe(true);
    expect(v(lb(), '192.168.0.10', 'eth1', { rpFilter: 0 }).ok).toBe(true);
  });

  it('an unroutable source fails strict and loose, passes with rp_filter off', () => {
    const s = ns(['eth0'], 'ip addr add 192.168.0.1/24 dev eth0').state;
    expect(v(s, '203.0.113.9', 'eth0', { rpFilter: 1 }).ok).toBe(false);
    expect(v(s, '203.0.113.9', 'eth0', { rpFilter: 2 }).ok).toBe(false);
    expect(v(s, '203.0.113.9', 'eth0', { rpFilter: 0 }).ok).toBe(true);
  });

  it('a source that is one of our addresses is martian unless accept_local', () => {
    expect(v(lb(), '172.16.0.254', 'eth0')).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(v(lb(), '172.16.0.254', 'eth0', { acceptLocal: true }).ok).toBe(true);
    expect(v(lb(), '172.16.0.254', 'eth0', { rpFilter: 1 })).toMatchObject({ ok: false, errno: 'EINVAL' });
  });

  const divert = 'ip rule add fwmark 1 lookup 100\nip route add local 0.0.0.0/0 dev lo table 100';
  const reply = (o: Partial<ValidateSourceInput>): ReturnType<typeof validateSource> =>
    validateSource(lb(divert), { src: ipv4('172.16.0.12'), dst: ipv4('192.168.0.10'), iif: 'eth1', mark: 1, rpFilter: 0, srcValidMark: false, acceptLocal: false, ...o });

  it('DIVERT replies pass while src_valid_mark=0: the mark is left out of the reverse lookup', () => {
    expect(reply({ rpFilter: 1 }).ok).toBe(true);
    expect(reply({ rpFilter: 2 }).ok).toBe(true);
  });

  it('src_valid_mark=1 breaks DIVERT unless accept_local=1 and rp_filter is 0 or 2', () => {
    expect(reply({ srcValidMark: true, rpFilter: 0 })).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(reply({ srcValidMark: true, rpFilter: 1, acceptLocal: true })).toMatchObject({ ok: false, errno: 'EXDEV' });
    expect(reply({ srcValidMark: true, rpFilter: 2, acceptLocal: true }).ok).toBe(true);
    expect(reply({ srcValidMark: true, rpFilter: 0, acceptLocal: true }).ok).toBe(true);
    expect(reply({ srcValidMark: true, rpFilter: 2 })).toMatchObject({ ok: false, errno: 'EINVAL' });
  });

  it('the reverse lookup runs with iif lo for local delivery and the output device for forwarding', () => {
    const s = lb('ip rule add iif lo to 192.168.0.0/24 lookup 200\nip route add 192.168.0.0/24 dev eth1 table 200');
    expect(v(s, '192.168.0.10', 'eth0', { rpFilter: 1 })).toMatchObject({ ok: false, errno: 'EXDEV' });
    expect(v(s, '192.168.0.10', 'eth0', { rpFilter: 1, oif: 'eth1' }).ok).toBe(true);
  });
});

describe('martian checks and the input decision', () => {
  it('rejects multicast and zero sources, loopback addresses off lo without route_localnet', () => {
    const m = (src: string, dst: string, routeLocalnet = false): string => {
      const r = martianCheck({ src: ipv4(src), dst: ipv4(dst), iif: 'eth0', routeLocalnet });
      return r.ok ? (r.broadcast ? 'broadcast' : 'ok') : r.kind;
    };
    expect(m('224.0.0.5', '10.0.0.1')).toBe('martian-source');
    expect(m('0.0.0.0', '255.255.255.255')).toBe('broadcast');
    expect(m('0.0.0.0', '10.0.0.1')).toBe('martian-source');
    expect(m('10.0.0.9', '0.1.2.3')).toBe('martian-destination');
    expect(m('10.0.0.9', '127.0.0.1')).toBe('martian-destination');
    expect(m('10.0.0.9', '127.0.0.1', true)).toBe('ok');
    expect(m('127.0.0.1', '10.0.0.1')).toBe('martian-source');
    expect(m('10.0.0.9', '10.0.0.1')).toBe('ok');
  });

  const conf: InputConf = { forwarding: false, rpFilter: 0, srcValidMark: false, acceptLocal: false, routeLocalnet: false };
  const s = (): RoutingState => ns(['eth0', 'eth1'], 'ip addr add 10.0.0.1/24 dev eth0\nip addr add 10.1.0.1/24 dev eth1\nip route add blackhole 198.51.100.0/24').state;
  const input = (src: string, dst: string, c: Partial<typeof conf> = {}): string => {
    const d = routeInput(s(), { src: ipv4(src), dst: ipv4(dst), iif: 'eth0', mark: 0 }, { ...conf, ...c });
    return d.kind === 'drop' ? `drop:${d.reason}` : d.kind;
  };

  it('delivers, forwards only when forwarding is on, and reports why a packet dies', () => {
    expect(input('10.0.0.9', '10.0.0.1')).toBe('local');
    expect(input('10.0.0.9', '10.1.0.7')).toBe('drop:forwarding-disabled');
    expect(input('10.0.0.9', '10.1.0.7', { forwarding: true })).toBe('forward');
    expect(input('10.0.0.9', '10.1.0.7', { forwarding: true, rpFilter: 1 })).toBe('forward');
    expect(input('10.1.0.9', '10.1.0.7', { forwarding: true, rpFilter: 1 })).toBe('drop:rp-filter');
    expect(input('10.0.0.9', '198.51.100.1', { forwarding: true })).toBe('drop:blackhole');
    expect(input('10.0.0.9', '10.0.0.255')).toBe('broadcast');
    expect(input('10.0.0.9', '8.8.8.8', { forwarding: true })).toBe('drop:no-route');
  });
});

describe('addrType (-m addrtype)', () => {
  const s = (): RoutingState =>
    ns(['eth0', 'eth1'], 'ip addr add 10.0.0.1/24 dev eth0\nip addr add 10.1.0.1/24 dev eth1\nip route add blackhole 198.51.100.0/24\nip route add local 203.0.113.0/24 dev lo').state;

  it('classifies local, broadcast, multicast and unicast addresses', () => {
    expect(addrType(s(), ipv4('10.0.0.1'))).toBe('LOCAL');
    expect(addrType(s(), ipv4('127.0.0.1'))).toBe('LOCAL');
    expect(addrType(s(), ipv4('127.1.2.3'))).toBe('LOCAL');
    expect(addrType(s(), ipv4('203.0.113.50'))).toBe('LOCAL');
    expect(addrType(s(), ipv4('10.0.0.255'))).toBe('BROADCAST');
    expect(addrType(s(), ipv4('255.255.255.255'))).toBe('BROADCAST');
    expect(addrType(s(), ipv4('0.0.0.0'))).toBe('BROADCAST');
    expect(addrType(s(), ipv4('224.0.0.1'))).toBe('MULTICAST');
    expect(addrType(s(), ipv4('10.0.0.9'))).toBe('UNICAST');
    expect(addrType(s(), ipv4('8.8.8.8'))).toBe('UNICAST');
  });

  it('never reports BLACKHOLE: the lookup fails and the answer stays UNICAST', () => {
    expect(addrType(s(), ipv4('198.51.100.7'))).toBe('UNICAST');
  });

  it('limits to a device like --limit-iface-in', () => {
    expect(addrType(s(), ipv4('10.0.0.1'), 'eth0')).toBe('LOCAL');
    expect(addrType(s(), ipv4('10.0.0.1'), 'eth1')).toBe('UNICAST');
  });
});
