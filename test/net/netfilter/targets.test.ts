import { describe, expect, it } from 'vitest';
import { ipv4 } from '../../../sim/core/ip.js';
import type { NfVerdict } from '../../../sim/net/netfilter/api.js';
import { ct, load, run } from './helpers.js';

function table(name: string, chain: string, rule: string, policy = 'ACCEPT'): string {
  const hooks: Record<string, string[]> = {
    filter: ['INPUT', 'FORWARD', 'OUTPUT'], nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
    mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'], raw: ['PREROUTING', 'OUTPUT'],
  };
  return [`*${name}`, ...(hooks[name] ?? []).map((h) => `:${h} ${h === chain ? policy : 'ACCEPT'} [0:0]`), `-A ${chain} ${rule}`, 'COMMIT', ''].join('\n');
}
function verdictOf(name: 'filter' | 'nat' | 'mangle' | 'raw', chain: 'INPUT' | 'PREROUTING' | 'OUTPUT' | 'POSTROUTING' | 'FORWARD', rule: string, env = {}): NfVerdict {
  return run(load(table(name, chain, rule)), name, chain, env).result.verdict;
}

describe('terminating targets', () => {
  it('ACCEPT, DROP', () => {
    expect(verdictOf('filter', 'INPUT', '-j DROP').kind).toBe('DROP');
    expect(verdictOf('filter', 'INPUT', '-j ACCEPT', {}).kind).toBe('ACCEPT');
  });
  it('REJECT defaults to icmp-port-unreachable and takes every --reject-with, aliases included', () => {
    expect(verdictOf('filter', 'INPUT', '-j REJECT')).toEqual({ kind: 'REJECT', with: 'icmp-port-unreachable' });
    const cases: [string, string][] = [
      ['icmp-net-unreachable', 'icmp-net-unreachable'], ['net-unreach', 'icmp-net-unreachable'], ['host-unreach', 'icmp-host-unreachable'],
      ['icmp-proto-unreachable', 'icmp-proto-unreachable'], ['proto-unreach', 'icmp-proto-unreachable'], ['port-unreach', 'icmp-port-unreachable'],
      ['icmp-net-prohibited', 'icmp-net-prohibited'], ['net-prohib', 'icmp-net-prohibited'], ['icmp-host-prohibited', 'icmp-host-prohibited'],
      ['host-prohib', 'icmp-host-prohibited'], ['icmp-admin-prohibited', 'icmp-admin-prohibited'], ['admin-prohib', 'icmp-admin-prohibited'],
    ];
    for (const [opt, w] of cases) expect(verdictOf('filter', 'INPUT', `-j REJECT --reject-with ${opt}`)).toEqual({ kind: 'REJECT', with: w });
    expect(verdictOf('filter', 'INPUT', '-p tcp -j REJECT --reject-with tcp-rst')).toEqual({ kind: 'REJECT', with: 'tcp-reset' });
    expect(verdictOf('filter', 'INPUT', '-p tcp -j REJECT --reject-with tcp-reset')).toEqual({ kind: 'REJECT', with: 'tcp-reset' });
  });
  it('DNAT with address ranges, ports, --random, --persistent', () => {
    expect(verdictOf('nat', 'PREROUTING', '-p tcp -j DNAT --to-destination 10.1.1.1:8080')).toEqual({
      kind: 'DNAT', range: { minIp: ipv4('10.1.1.1'), maxIp: ipv4('10.1.1.1'), minPort: 8080, maxPort: 8080 }, random: false, persistent: false,
    });
    expect(verdictOf('nat', 'OUTPUT', '-p udp -j DNAT --to-destination 10.1.1.1-10.1.1.3:1000-2000 --random --persistent', { packet: { proto: 17 } })).toEqual({
      kind: 'DNAT', range: { minIp: ipv4('10.1.1.1'), maxIp: ipv4('10.1.1.3'), minPort: 1000, maxPort: 2000 }, random: true, persistent: true,
    });
  });
  it('SNAT, MASQUERADE, REDIRECT', () => {
    expect(verdictOf('nat', 'POSTROUTING', '-j SNAT --to-source 192.0.2.1 --random-fully')).toEqual({
      kind: 'SNAT', range: { minIp: ipv4('192.0.2.1'), maxIp: ipv4('192.0.2.1') }, random: false, randomFully: true, persistent: false,
    });
    expect(verdictOf('nat', 'POSTROUTING', '-j MASQUERADE --random-fully')).toEqual({ kind: 'MASQUERADE', random: false, randomFully: true });
    expect(verdictOf('nat', 'POSTROUTING', '-p tcp -j MASQUERADE --to-ports 1024-2048 --random')).toEqual({ kind: 'MASQUERADE', minPort: 1024, maxPort: 2048, random: true, randomFully: false });
    expect(verdictOf('nat', 'PREROUTING', '-p tcp -j REDIRECT --to-ports 3128')).toEqual({ kind: 'REDIRECT', minPort: 3128, maxPort: 3128, random: false });
  });
  it('TPROXY carries port, address and mark for the walker', () => {
    expect(verdictOf('mangle', 'PREROUTING', '-p tcp --dport 80 -j TPROXY --tproxy-mark 0x1/0x1 --on-port 50080')).toEqual({ kind: 'TPROXY', onPort: 50080, mark: { value: 1, mask: 1 } });
    expect(verdictOf('mangle', 'PREROUTING', '-p udp -j TPROXY --on-port 53 --on-ip 10.0.0.2', { packet: { proto: 17 } })).toEqual({ kind: 'TPROXY', onPort: 53, onIp: ipv4('10.0.0.2') });
  });
});

describe('MARK arithmetic (skb->mark = (mark & ~mask) ^ value)', () => {
  const cases: [string, number, number][] = [
    ['--set-mark 0x1', 0xff00, 0x1],
    ['--set-mark 0x10/0xf0', 0xff, 0x1f],
    ['--set-xmark 0x4/0x6', 0x7, 0x5],
    ['--and-mark 0xf0', 0xff, 0xf0],
    ['--or-mark 0x4000', 0x1, 0x4001],
    ['--xor-mark 0x4000', 0x4001, 0x1],
    ['--xor-mark 0x4000', 0x1, 0x4001],
  ];
  for (const [opt, before, after] of cases) {
    it(`${opt}: ${before.toString(16)} -> ${after.toString(16)}`, () => {
      const { result, env } = run(load(table('mangle', 'PREROUTING', `-j MARK ${opt}`)), 'mangle', 'PREROUTING', { mark: before });
      expect(env.mark).toBe(after);
      expect(result.verdict.kind).toBe('ACCEPT');
      expect(result.steps[0]).toMatchObject({ kind: 'match', target: 'MARK', effect: `mark 0x${before.toString(16)} -> 0x${after.toString(16)}` });
    });
  }
});

describe('CONNMARK', () => {
  it('--set-mark / --set-xmark change the connection mark', () => {
    const c = ct({ mark: 0xf0 });
    run(load(table('mangle', 'PREROUTING', '-j CONNMARK --set-mark 0x1/0xf')), 'mangle', 'PREROUTING', { ct: c });
    expect(c.mark).toBe(0xf1);
    run(load(table('mangle', 'PREROUTING', '-j CONNMARK --set-xmark 0x3/0x1')), 'mangle', 'PREROUTING', { ct: c });
    expect(c.mark).toBe(0xf3);
  });
  it('--save-mark copies the packet mark under nfmask/ctmask', () => {
    const c = ct({ mark: 0xff00 });
    run(load(table('mangle', 'PREROUTING', '-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff')), 'mangle', 'PREROUTING', { ct: c, mark: 0x1234 });
    expect(c.mark).toBe((0xff00 & ~0xff) ^ (0x1234 & 0xff));
  });
  it('--restore-mark copies the connection mark into the packet mark', () => {
    const c = ct({ mark: 0x55 });
    const { env } = run(load(table('mangle', 'PREROUTING', '-j CONNMARK --restore-mark --mask 0xf')), 'mangle', 'PREROUTING', { ct: c, mark: 0x100 });
    expect(env.mark).toBe((0x100 & ~0xf) ^ (0x55 & 0xf));
  });
  it('without a conntrack entry nothing changes', () => {
    const { env, result } = run(load(table('mangle', 'PREROUTING', '-j CONNMARK --restore-mark')), 'mangle', 'PREROUTING', { mark: 7 });
    expect(env.mark).toBe(7);
    expect(result.steps[0]).toMatchObject({ kind: 'match', target: 'CONNMARK' });
  });
});

describe('LOG, NOTRACK, CT', () => {
  it('LOG is non-terminating and yields a log step', () => {
    const rs = load(['*filter', ':INPUT DROP [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', '-A INPUT -j LOG --log-prefix "in: "', '-A INPUT -j ACCEPT', 'COMMIT', ''].join('\n'));
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict.kind).toBe('ACCEPT');
    expect(result.steps.map((s) => s.kind)).toEqual(['match', 'log', 'match']);
    expect(result.steps[1]).toMatchObject({ kind: 'log', prefix: 'in: ' });
    expect(result.decidedBy?.index).toBe(2);
  });
  it('NOTRACK and CT --notrack set notrack and continue', () => {
    for (const t of ['-j NOTRACK', '-j CT --notrack']) {
      const { env, result } = run(load(table('raw', 'PREROUTING', t)), 'raw', 'PREROUTING');
      expect(env.notrack).toBe(true);
      expect(result.steps.at(-1)).toMatchObject({ kind: 'policy', policy: 'ACCEPT' });
    }
  });
  it('CT --zone is reported unsupported and the rule does not match', () => {
    const { env, result } = run(load(table('raw', 'PREROUTING', '-j CT --zone 5'), ['unsupported']), 'raw', 'PREROUTING');
    expect(env.notrack).toBe(false);
    expect(result.steps[0]).toMatchObject({ kind: 'unsupported' });
  });
});
