import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../../sim/core/ip.js';
import { addAddress, createRoutingState, addLink, describeRouting, fibLookup, delAddress } from '../../../sim/net/routing/index.js';
import { ns, run } from './helpers.js';

const routesOf = (s: Parameters<typeof describeRouting>[0], table: number | 'all' = 'all'): string[] =>
  describeRouting(s, { table }).routes.split('\n').filter(Boolean).map((l) => l.trimEnd());

describe('routes the kernel makes from addresses', () => {
  it('adds local, broadcast and connected routes (no network-address broadcast since 5.14)', () => {
    const { state } = ns(['eth0'], 'ip addr add 172.16.0.11/24 dev eth0');
    expect(routesOf(state, 254)).toEqual(['172.16.0.0/24 dev eth0 proto kernel scope link src 172.16.0.11']);
    expect(routesOf(state, 255)).toEqual([
      'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1',
      'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1',
      'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1',
      'local 172.16.0.11 dev eth0 proto kernel scope host src 172.16.0.11',
      'broadcast 172.16.0.255 dev eth0 proto kernel scope link src 172.16.0.11',
    ]);
  });

  it('a /32 gets only its local route; a /31 no broadcast', () => {
    const { state } = ns(['tunl0', 'p2p'], 'ip addr add 172.20.5.0/32 dev tunl0\nip addr add 100.64.0.0/31 dev p2p');
    const all = routesOf(state);
    expect(all.filter((l) => l.includes('tunl0'))).toEqual(['local 172.20.5.0 dev tunl0 table local proto kernel scope host src 172.20.5.0']);
    expect(all.filter((l) => l.includes('p2p'))).toEqual([
      '100.64.0.0/31 dev p2p proto kernel scope link src 100.64.0.0',
      'local 100.64.0.0 dev p2p table local proto kernel scope host src 100.64.0.0',
    ]);
  });

  it('a second address in the subnet is secondary: local route with the primary as src, no new connected route', () => {
    const { state } = ns(['eth0'], 'ip addr add 10.0.0.1/24 dev eth0\nip addr add 10.0.0.2/24 dev eth0');
    expect(state.addrs.filter((a) => a.iface === 'eth0').map((a) => a.secondary)).toEqual([false, true]);
    expect(routesOf(state)).toContain('local 10.0.0.2 dev eth0 table local proto kernel scope host src 10.0.0.1');
    expect(routesOf(state, 254)).toEqual(['10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1']);
  });

  it('link down removes the link-scope routes and the routes through it, keeps the local route; up restores the kernel ones', () => {
    const { state } = ns(['eth0'], 'ip addr add 10.0.0.1/24 dev eth0\nip route add default via 10.0.0.254');
    const down = run(state, 'ip link set eth0 down').state;
    expect(routesOf(down).filter((l) => l.includes('eth0'))).toEqual(['local 10.0.0.1 dev eth0 table local proto kernel scope host src 10.0.0.1']);
    expect(fibLookup(down, { dst: ipv4('8.8.8.8'), iif: 'lo', mark: 0 }).ok).toBe(false);
    const up = run(down, 'ip link set eth0 up').state;
    expect(routesOf(up, 254)).toEqual(['10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1']);
  });

  it('deleting the address removes its routes and user routes using it as src', () => {
    const { state } = ns(['eth0', 'eth1'], 'ip addr add 10.0.0.1/24 dev eth0\nip addr add 10.1.0.1/24 dev eth1\nip route add 192.0.2.0/24 via 10.1.0.254 src 10.0.0.1');
    const r = delAddress(state, { dev: 'eth0', addr: ipv4('10.0.0.1'), prefix: 24 });
    expect(r.ok).toBe(true);
    expect(routesOf(r.state).some((l) => l.includes('10.0.0.1') || l.includes('eth0'))).toBe(false);
    expect(delAddress(r.state, { dev: 'eth0', addr: ipv4('10.0.0.1'), prefix: 24 }).ok).toBe(false);
  });

  it('refuses a duplicate address and a device that does not exist', () => {
    let s = addLink(createRoutingState(), 'eth0', { up: true }).state;
    s = addAddress(s, { dev: 'eth0', addr: ipv4('10.0.0.1'), prefix: 24 }).state;
    const dup = addAddress(s, { dev: 'eth0', addr: ipv4('10.0.0.1'), prefix: 24 });
    expect(!dup.ok && dup.error.errno).toBe('EEXIST');
    const nodev = addAddress(s, { dev: 'eth9', addr: ipv4('10.0.0.1'), prefix: 24 });
    expect(!nodev.ok && nodev.error.errno).toBe('ENODEV');
  });
});

describe('adding routes is checked like the kernel', () => {
  const base = (): ReturnType<typeof ns>['state'] => ns(['eth0', 'eth1', 'off:down'], 'ip addr add 10.0.0.1/24 dev eth0\nip addr add 10.1.0.1/24 dev eth1').state;
  const err = (script: string): { code: string | undefined; line: number; column: number; message: string } => {
    const r = run(base(), script);
    const d = r.diagnostics[0];
    return { code: d?.code, line: d?.line ?? 0, column: d?.column ?? 0, message: d?.message ?? '' };
  };

  it('a gateway must be on a connected prefix, reported at the gateway word', () => {
    expect(err('ip route add 192.0.2.0/24 via 172.31.0.1')).toMatchObject({ code: 'routing.ENETUNREACH', line: 1, column: 31, message: expect.stringContaining('Nexthop has invalid gateway') });
  });

  it('a gateway reachable only through another gateway is not enough', () => {
    const r = run(base(), 'ip route add 172.31.0.0/16 via 10.0.0.254\nip route add 192.0.2.0/24 via 172.31.0.1');
    expect(r.diagnostics.map((d) => `${d.line}:${d.code}`)).toEqual(['2:routing.ENETUNREACH']);
  });

  it('the gateway must be on the named device', () => {
    expect(err('ip route add 192.0.2.0/24 via 10.0.0.254 dev eth1').code).toBe('routing.ENETUNREACH');
    expect(run(base(), 'ip route add 192.0.2.0/24 via 10.0.0.254 dev eth0').diagnostics).toEqual([]);
  });

  it('onlink skips the reachability check but not the device checks', () => {
    expect(run(base(), 'ip route add 192.0.2.0/24 via 172.31.0.1 dev eth0 onlink').diagnostics).toEqual([]);
    expect(err('ip route add 192.0.2.0/24 via 10.0.0.1 dev eth0 onlink').message).toContain('Nexthop has invalid gateway');
    expect(err('ip route add 192.0.2.0/24 via 172.31.0.1 dev off onlink').code).toBe('routing.ENETDOWN');
  });

  it('the device must exist (iproute2 checks it) and be up', () => {
    expect(err('ip route add 192.0.2.0/24 dev eth9')).toMatchObject({ code: 'routing.ENODEV', column: 31, message: expect.stringContaining('Cannot find device "eth9"') });
    expect(err('ip route add 192.0.2.0/24 dev off').code).toBe('routing.ENETDOWN');
  });

  it('src must be a local address, reported at the address', () => {
    expect(err('ip route add 192.0.2.0/24 dev eth0 src 10.0.0.99')).toMatchObject({ code: 'routing.EINVAL', column: 40, message: expect.stringContaining('Invalid prefsrc address') });
    expect(run(base(), 'ip route add 192.0.2.0/24 dev eth0 src 10.1.0.1').diagnostics).toEqual([]);
  });

  it('rejects host bits, gateways on blackhole routes and a gateway on a host-scope route', () => {
    expect(err('ip route add 10.9.0.1/16 dev eth0').message).toContain('Invalid prefix for given prefix length');
    expect(err('ip route add blackhole 10.9.0.0/16 dev eth0').message).toContain('can not be specified for this route type');
    expect(err('ip route add local 10.9.0.1 via 10.0.0.254 dev eth0').message).toContain('host scope can not have a gateway');
  });

  it('duplicate is EEXIST; replace swaps it; append adds after; del removes the first match', () => {
    const s = run(base(), 'ip route add 192.0.2.0/24 via 10.0.0.254').state;
    const dup = run(s, 'ip route add 192.0.2.0/24 via 10.1.0.254');
    expect(dup.diagnostics.map((d) => d.code)).toEqual(['routing.EEXIST']);
    const rep = run(s, 'ip route replace 192.0.2.0/24 via 10.1.0.254').state;
    expect(routesOf(rep, 254)).toContain('192.0.2.0/24 via 10.1.0.254 dev eth1');
    expect(routesOf(rep, 254).filter((l) => l.startsWith('192.0.2.0/24'))).toHaveLength(1);
    const app = run(s, 'ip route append 192.0.2.0/24 via 10.1.0.254').state;
    expect(routesOf(app, 254).filter((l) => l.startsWith('192.0.2.0/24'))).toEqual(['192.0.2.0/24 via 10.0.0.254 dev eth0', '192.0.2.0/24 via 10.1.0.254 dev eth1']);
    expect(run(app, 'ip route append 192.0.2.0/24 via 10.1.0.254').diagnostics.map((d) => d.code)).toEqual(['routing.EEXIST']);
    const other = run(s, 'ip route add 192.0.2.0/24 via 10.1.0.254 metric 10');
    expect(other.diagnostics).toEqual([]);
    const del = run(app, 'ip route del 192.0.2.0/24 via 10.1.0.254').state;
    expect(routesOf(del, 254).filter((l) => l.startsWith('192.0.2.0/24'))).toEqual(['192.0.2.0/24 via 10.0.0.254 dev eth0']);
    expect(run(del, 'ip route del 198.51.100.0/24').diagnostics.map((d) => d.code)).toEqual(['routing.ESRCH']);
  });

  it('a default route without dev takes the device of the route to its gateway', () => {
    const s = run(base(), 'ip route add default via 10.1.0.254 proto static').state;
    expect(routesOf(s, 254)[0]).toBe('default via 10.1.0.254 dev eth1 proto static');
  });
});

describe('rules', () => {
  it('duplicate rule with the same priority is EEXIST, backward goto EINVAL, del of a missing rule ENOENT', () => {
    const { state } = ns([], 'ip rule add fwmark 1 lookup 100 pref 10');
    expect(run(state, 'ip rule add fwmark 1 lookup 100 pref 10').diagnostics.map((d) => d.code)).toEqual(['routing.EEXIST']);
    expect(run(state, 'ip rule add goto 5 pref 10').diagnostics.map((d) => d.code)).toEqual(['routing.EINVAL']);
    expect(run(state, 'ip rule del fwmark 2').diagnostics.map((d) => d.code)).toEqual(['routing.ENOENT']);
    const del = run(state, 'ip rule del fwmark 1 lookup 100').state;
    expect(del.rules.map((r) => r.priority)).toEqual([0, 32766, 32767]);
  });

  it('flush keeps only priority-0 rules', () => {
    const { state } = ns([], 'ip rule add fwmark 1 lookup 100\nip rule flush');
    expect(state.rules.map((r) => r.priority)).toEqual([0]);
  });
});
