import { describe, expect, it } from 'vitest';
import { ipv4, formatIPv4 } from '../../../sim/core/ip.js';
import type { FibQuery, FibResult } from '../../../sim/net/routing/api.js';
import { fibLookup, fibLookupDetailed, routeOutput } from '../../../sim/net/routing/index.js';
import type { RoutingState } from '../../../sim/net/routing/index.js';
import { scriptedChooser } from '../../../sim/core/choice.js';
import { ns, run } from './helpers.js';

function q(dst: string, extra: Omit<Partial<FibQuery>, 'dst' | 'src'> & { src?: string } = {}): FibQuery {
  const { src, ...rest } = extra;
  return { dst: ipv4(dst), iif: 'lo', mark: 0, ...rest, ...(src !== undefined ? { src: ipv4(src) } : {}) };
}

function via(r: FibResult): string {
  if (!r.ok) return r.reason;
  return `${r.type} t${r.table} ${r.nexthop ? `${r.nexthop.via !== undefined ? `via ${formatIPv4(r.nexthop.via)} ` : ''}dev ${r.nexthop.dev}` : ''}`.trim();
}

const BASE = `
ip addr add 10.0.0.1/24 dev eth0
ip addr add 10.1.0.1/24 dev eth1
ip addr add 10.2.0.1/24 dev eth2
`;

describe('table lookup', () => {
  const { state } = ns(['eth0', 'eth1', 'eth2'], `${BASE}
ip route add default via 10.0.0.254
ip route add 192.168.0.0/16 via 10.1.0.254
ip route add 192.168.5.0/24 via 10.2.0.254
ip route add 172.16.0.0/12 via 10.1.0.254 metric 200
ip route add 172.16.0.0/12 via 10.2.0.254 metric 100
ip route add 198.51.100.0/24 via 10.1.0.254
ip route add 198.51.100.0/24 tos 0x10 via 10.2.0.254
`);

  it('picks the longest prefix', () => {
    expect(via(fibLookup(state, q('192.168.5.9')))).toBe('unicast t254 via 10.2.0.254 dev eth2');
    expect(via(fibLookup(state, q('192.168.6.9')))).toBe('unicast t254 via 10.1.0.254 dev eth1');
    expect(via(fibLookup(state, q('8.8.8.8')))).toBe('unicast t254 via 10.0.0.254 dev eth0');
  });

  it('prefers the lowest metric within a prefix', () => {
    expect(via(fibLookup(state, q('172.20.1.1')))).toBe('unicast t254 via 10.2.0.254 dev eth2');
  });

  it('uses a tos-specific route only for that tos, and prefers it over tos 0', () => {
    expect(via(fibLookup(state, q('198.51.100.7', { tos: 0x10 })))).toBe('unicast t254 via 10.2.0.254 dev eth2');
    expect(via(fibLookup(state, q('198.51.100.7', { tos: 0x08 })))).toBe('unicast t254 via 10.1.0.254 dev eth1');
    expect(via(fibLookup(state, q('198.51.100.7')))).toBe('unicast t254 via 10.1.0.254 dev eth1');
  });

  it('finds the host addresses in the local table', () => {
    const r = fibLookup(state, q('10.1.0.1'));
    expect(r.ok && r.type).toBe('local');
    const b = fibLookup(state, q('10.1.0.255'));
    expect(b.ok && b.type).toBe('broadcast');
  });

  it('restricts to the requested oif and falls back to a shorter prefix', () => {
    expect(via(fibLookup(state, q('192.168.5.9', { oif: 'eth1' })))).toBe('unicast t254 via 10.1.0.254 dev eth1');
    expect(fibLookup(state, q('192.168.5.9', { oif: 'eth9' })).ok).toBe(false);
  });
});

describe('route types', () => {
  const { state } = ns(['eth0'], `${'ip addr add 10.0.0.1/24 dev eth0'}
ip route add default via 10.0.0.254
ip route add blackhole 172.20.5.0/26 proto bird
ip route add unreachable 172.20.6.0/24
ip route add prohibit 172.20.7.0/24
ip route add throw 172.20.8.0/24 table 50
ip route add 172.20.8.0/21 via 10.0.0.253 table 50
ip rule add lookup 50 pref 100
`);

  it('blackhole, unreachable and prohibit end the lookup with their error', () => {
    expect(via(fibLookup(state, q('172.20.5.1')))).toBe('blackhole');
    expect(via(fibLookup(state, q('172.20.6.1')))).toBe('unreachable');
    expect(via(fibLookup(state, q('172.20.7.1')))).toBe('prohibit');
    const r = fibLookup(state, q('172.20.5.1'));
    expect(!r.ok && r.route?.proto).toBe('bird');
  });

  it('throw continues with the next rule, and a table miss does too', () => {
    expect(via(fibLookup(state, q('172.20.8.1')))).toBe('unicast t254 via 10.0.0.254 dev eth0');
    expect(via(fibLookup(state, q('172.20.9.1')))).toBe('unicast t50 via 10.0.0.253 dev eth0');
    const d = fibLookupDetailed(state, q('172.20.8.1'));
    expect(d.steps.map((x) => `${x.rule.priority}:${x.outcome}`)).toEqual(['0:no-route-in-table', '100:throw', '32766:result']);
  });

  it('no route at all is ENETUNREACH (no-route)', () => {
    const { state: empty } = ns([], '');
    expect(via(fibLookup(empty, q('8.8.8.8')))).toBe('no-route');
  });
});

describe('RPDB', () => {
  it('gives rules without priority the second rule\'s priority minus one', () => {
    const { state } = ns(['eth0'], `
ip rule add fwmark 1 lookup 100
ip rule add from 10.9.0.0/16 lookup 101
ip rule add to 10.8.0.0/16 lookup 102 pref 500
ip rule add iif eth0 lookup 103
`);
    // fwmark: below main (32765); from: below the fwmark rule (32764); explicit 500; then the
    // second rule is 500, so the iif rule lands at 499.
    expect(state.rules.map((r) => r.priority)).toEqual([0, 499, 500, 32764, 32765, 32766, 32767]);
    expect(state.rules.find((r) => r.iif === 'eth0')?.priority).toBe(499);
    const again = run(state, 'ip rule add oif eth0 lookup 104').state;
    expect(again.rules.find((r) => r.oif === 'eth0')?.priority).toBe(498);
  });

  it('matches every selector', () => {
    const { state } = ns(['eth0', 'eth1', 'eth2'], `${BASE}
ip route add default via 10.0.0.254
ip route add default via 10.1.0.254 table 10
ip rule add from 192.0.2.0/24 lookup 10 pref 10
ip rule add to 198.51.100.0/24 lookup 10 pref 11
ip rule add iif eth2 lookup 10 pref 12
ip rule add oif eth1 lookup 10 pref 13
ip rule add tos 0x10 lookup 10 pref 14
ip rule add ipproto udp dport 53 lookup 10 pref 15
ip rule add sport 1000-2000 lookup 10 pref 16
ip rule add not from 0.0.0.0/1 lookup 10 pref 17
`);
    const t10 = (x: FibQuery): number | undefined => { const r = fibLookup(state, x); return r.ok ? r.rule.priority : undefined; };
    expect(t10(q('8.8.8.8', { src: '192.0.2.5' }))).toBe(10);
    expect(t10(q('198.51.100.1'))).toBe(11);
    expect(t10(q('8.8.8.8', { iif: 'eth2', src: '10.2.0.9' }))).toBe(12);
    expect(t10(q('8.8.8.8', { oif: 'eth1' }))).toBe(13);
    expect(t10(q('8.8.8.8', { tos: 0x10 }))).toBe(14);
    expect(t10(q('8.8.8.8', { proto: 17, dport: 53 }))).toBe(15);
    expect(t10(q('8.8.8.8', { proto: 6, dport: 53 }))).toBe(32766);
    expect(t10(q('8.8.8.8', { proto: 6, sport: 1500 }))).toBe(16);
    expect(t10(q('8.8.8.8', { proto: 6, sport: 2001 }))).toBe(32766);
    expect(t10(q('8.8.8.8', { src: '200.0.0.1' }))).toBe(17);
    expect(t10(q('8.8.8.8', { src: '100.0.0.1' }))).toBe(32766);
  });

  it('compares fwmark under the mask, and `fwmark 0` alone matches everything', () => {
    const { state } = ns(['eth0'], `ip addr add 10.0.0.1/24 dev eth0
ip route add default via 10.0.0.254
ip route add default via 10.0.0.253 table 7
ip rule add fwmark 0x4000/0x4000 lookup 7 pref 100
`);
    const pick = (mark: number): string => via(fibLookup(state, q('8.8.8.8', { mark })));
    expect(pick(0x4000)).toBe('unicast t7 via 10.0.0.253 dev eth0');
    expect(pick(0xc001)).toBe('unicast t7 via 10.0.0.253 dev eth0');
    expect(pick(0x8000)).toBe('unicast t254 via 10.0.0.254 dev eth0');
    const z = run(state, 'ip rule add fwmark 0 lookup 7 pref 50').state;
    expect(via(fibLookup(z, q('8.8.8.8', { mark: 0x8000 })))).toBe('unicast t7 via 10.0.0.253 dev eth0');
  });

  it('a rule naming a missing device matches nothing (detached)', () => {
    const { state } = ns(['eth0'], `ip addr add 10.0.0.1/24 dev eth0
ip route add default via 10.0.0.254
ip rule add iif cali99 blackhole pref 5
`);
    expect(fibLookup(state, q('8.8.8.8', { iif: 'cali99', src: '10.0.0.9' })).ok).toBe(true);
  });

  it('rule actions blackhole, unreachable, prohibit; nop; goto skips rules', () => {
    const { state } = ns(['eth0'], `ip addr add 10.0.0.1/24 dev eth0
ip route add default via 10.0.0.254
ip rule add to 192.0.2.1 blackhole pref 10
ip rule add to 192.0.2.2 unreachable pref 11
ip rule add to 192.0.2.3 prohibit pref 12
ip rule add to 192.0.2.4 nop pref 13
ip rule add fwmark 9 goto 200 pref 20
ip rule add to 192.0.2.0/24 prohibit pref 100
ip rule add to 192.0.2.0/24 lookup main pref 200
`);
    expect(via(fibLookup(state, q('192.0.2.1')))).toBe('blackhole');
    expect(via(fibLookup(state, q('192.0.2.2')))).toBe('unreachable');
    expect(via(fibLookup(state, q('192.0.2.3')))).toBe('prohibit');
    expect(via(fibLookup(state, q('192.0.2.4')))).toBe('prohibit');
    const g = fibLookupDetailed(state, q('192.0.2.4', { mark: 9 }));
    expect(via(g.result)).toBe('unicast t254 via 10.0.0.254 dev eth0');
    expect(g.steps.map((x) => `${x.rule.priority}:${x.outcome}`)).toContain('20:goto');
    expect(g.steps.some((x) => x.rule.priority === 100)).toBe(false);
  });

  it('a goto to a priority nobody has is unresolved and falls through', () => {
    const { state } = ns(['eth0'], `ip addr add 10.0.0.1/24 dev eth0
ip route add default via 10.0.0.254
ip rule add goto 300 pref 20
ip rule add prohibit pref 30
`);
    expect(via(fibLookup(state, q('8.8.8.8')))).toBe('prohibit');
    const s2 = run(state, 'ip rule add lookup main pref 300').state;
    expect(via(fibLookup(s2, q('8.8.8.8')))).toBe('unicast t254 via 10.0.0.254 dev eth0');
  });
});

describe('the DIVERT policy route (tproxy.rst)', () => {
  const lb = (): RoutingState =>
    ns(['eth0', 'eth1'], `ip addr add 192.168.0.1/24 dev eth0
ip addr add 172.16.0.254/24 dev eth1
ip route add default via 192.168.0.254
ip rule add fwmark 1 lookup 100
ip route add local 0.0.0.0/0 dev lo table 100
`).state;

  it('delivers a marked packet for a foreign address locally', () => {
    const r = fibLookup(lb(), { dst: ipv4('192.168.0.10'), src: ipv4('172.16.0.12'), iif: 'eth1', mark: 1 });
    expect(r.ok && r.type).toBe('local');
    expect(r.ok && r.table).toBe(100);
    expect(r.ok && r.rule.priority).toBe(32765);
  });

  it('forwards the same packet without the mark via main', () => {
    const r = fibLookup(lb(), { dst: ipv4('192.168.0.10'), src: ipv4('172.16.0.12'), iif: 'eth1', mark: 0 });
    expect(via(r)).toBe('unicast t254 dev eth0');
    expect(r.ok && r.gateway).toBe(ipv4('192.168.0.10'));
  });
});

describe('custom table with a local route', () => {
  it('makes an address local only for the flows its rule selects', () => {
    const { state } = ns(['eth0'], `ip addr add 10.0.0.1/24 dev eth0
ip route add default via 10.0.0.254
ip route add local 203.0.113.0/24 dev lo table 42
ip rule add iif eth0 to 203.0.113.0/24 lookup 42
`);
    const fromWire = fibLookup(state, q('203.0.113.7', { iif: 'eth0', src: '10.0.0.9' }));
    expect(fromWire.ok && fromWire.type).toBe('local');
    const own = routeOutput(state, { dst: ipv4('203.0.113.7'), mark: 0 });
    expect(own.result.ok && own.result.type).toBe('unicast');
    expect(own.dev).toBe('eth0');
  });
});

describe('suppress_prefixlength (wg-quick)', () => {
  const wg = (): RoutingState =>
    ns(['eth0', 'wg0'], `ip addr add 192.168.1.10/24 dev eth0
ip addr add 10.66.0.2/32 dev wg0
ip route add default via 192.168.1.1
ip -4 route add 0.0.0.0/0 dev wg0 table 51820
ip -4 rule add not fwmark 51820 table 51820
ip -4 rule add table main suppress_prefixlength 0
`).state;

  it('sends ordinary traffic into the tunnel, skipping main\'s default route', () => {
    const d = fibLookupDetailed(wg(), q('8.8.8.8'));
    expect(via(d.result)).toBe('unicast t51820 dev wg0');
    expect(d.steps.map((x) => `${x.rule.priority}:${x.outcome}`)).toEqual(['0:no-route-in-table', '32764:suppressed', '32765:result']);
  });

  it('keeps the LAN on eth0 (a /24 is longer than /0)', () => {
    expect(via(fibLookup(wg(), q('192.168.1.77')))).toBe('unicast t254 dev eth0');
  });

  it('lets the tunnel\'s own marked packets use the default route', () => {
    expect(via(fibLookup(wg(), q('8.8.8.8', { mark: 51820 })))).toBe('unicast t254 via 192.168.1.1 dev eth0');
  });

  it('lists the rules as the real kernel does', () => {
    expect(wg().rules.map((r) => r.priority)).toEqual([0, 32764, 32765, 32766, 32767]);
  });
});

describe('multipath', () => {
  const mp = (): RoutingState =>
    ns(['eth0', 'eth1'], `ip addr add 10.0.0.1/24 dev eth0
ip addr add 10.1.0.1/24 dev eth1
ip route add 198.18.0.0/15 nexthop via 10.0.0.254 dev eth0 weight 1 nexthop via 10.1.0.254 dev eth1 weight 3
`).state;

  it('chooses the same nexthop for the same flow and spreads flows by weight', () => {
    const s = mp();
    const first = via(fibLookup(s, q('198.18.0.1', { src: '10.0.0.1' })));
    expect(via(fibLookup(s, q('198.18.0.1', { src: '10.0.0.1' })))).toBe(first);
    const counts = { eth0: 0, eth1: 0 };
    for (let i = 0; i < 400; i++) {
      const r = fibLookup(s, { dst: (ipv4('198.18.0.0') + i) as FibQuery['dst'], src: ipv4('10.0.0.1'), iif: 'lo', mark: 0 });
      if (r.ok && r.nexthop) counts[r.nexthop.dev as 'eth0' | 'eth1']++;
    }
    expect(counts.eth1).toBeGreaterThan(counts.eth0 * 2);
    expect(counts.eth0).toBeGreaterThan(40);
  });

  it('branches with the weights as probabilities when given a chooser', () => {
    const c = scriptedChooser([1]);
    const r = fibLookup(mp(), q('198.18.0.1'), { chooser: c });
    expect(r.ok && r.nexthop?.dev).toBe('eth1');
    expect(c.made[0]?.p).toBeCloseTo(0.75);
  });

  it('skips a nexthop whose device is down', () => {
    const s = run(mp(), 'ip link set eth1 down').state;
    for (let i = 0; i < 50; i++) {
      const r = fibLookup(s, { dst: (ipv4('198.18.0.0') + i) as FibQuery['dst'], iif: 'lo', mark: 0 });
      expect(r.ok && r.nexthop?.dev).toBe('eth0');
    }
  });
});
