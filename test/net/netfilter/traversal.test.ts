import { describe, expect, it } from 'vitest';
import { exploreAll } from '../../../sim/core/choice.js';
import { cloneRuleset, getChain } from '../../../sim/net/netfilter/ruleset.js';
import { runTable } from '../../../sim/net/netfilter/run-table.js';
import { filterRules, load, mkEnv, run } from './helpers.js';
import { A10_NAT, DIVERT_SAVE } from '../../parsers/iptables-save/fixtures.js';

const chains = (...user: string[]): string[] => user.map((u) => `:${u} - [0:0]`);

describe('chain traversal', () => {
  it('-j jumps and RETURN comes back to the rule after the jump', () => {
    const rs = load(filterRules(...chains('A'), '-A INPUT -j A', '-A INPUT -j DROP', '-A A -j RETURN', '-A A -j ACCEPT'));
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict.kind).toBe('DROP');
    expect(result.steps.map((s) => (s.kind === 'match' ? `${s.rule.chain}#${s.rule.index}` : s.kind))).toEqual(['INPUT#1', 'A#1', 'INPUT#2']);
  });
  it('falling off a user chain returns to the caller; falling off a built-in chain applies the policy', () => {
    const rs = load(filterRules(...chains('A'), '-A INPUT -j A', '-A A -p udp -j ACCEPT').replace(':INPUT ACCEPT', ':INPUT DROP'));
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict.kind).toBe('DROP');
    expect(result.decidedBy).toBeUndefined();
    expect(result.steps.at(-1)).toEqual({ kind: 'policy', table: 'filter', chain: 'INPUT', policy: 'DROP' });
  });
  it('RETURN in a built-in chain applies the policy', () => {
    const rs = load(filterRules('-A INPUT -j RETURN', '-A INPUT -j DROP'));
    expect(run(rs, 'filter', 'INPUT').result.verdict.kind).toBe('ACCEPT');
  });
  it('-g: RETURN from the goto-ed chain resumes in the chain that called the goto-ing chain', () => {
    const rs = load(filterRules(...chains('A', 'B'), '-A INPUT -j A', '-A INPUT -j REJECT', '-A A -g B', '-A A -j DROP', '-A B -j RETURN'));
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict).toEqual({ kind: 'REJECT', with: 'icmp-port-unreachable' });
    expect(result.decidedBy).toMatchObject({ chain: 'INPUT', index: 2 });
  });
  it('-g from a built-in chain: the end of the goto-ed chain applies the policy', () => {
    const rs = load(filterRules(...chains('B'), '-A INPUT -g B', '-A INPUT -j ACCEPT', '-A B -p udp -j ACCEPT').replace(':INPUT ACCEPT', ':INPUT DROP'));
    expect(run(rs, 'filter', 'INPUT').result.verdict.kind).toBe('DROP');
  });
  it('an absent table or hook accepts with no steps', () => {
    const rs = load(filterRules('-A INPUT -j DROP'));
    expect(run(rs, 'nat', 'PREROUTING').result).toEqual({ verdict: { kind: 'ACCEPT' }, steps: [] });
  });
  it('a rule without target only counts, and the walk goes on', () => {
    const rs = load(filterRules('-A INPUT -m comment --comment "count me"', '-A INPUT -j DROP'));
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.steps[0]).toMatchObject({ kind: 'match', target: '', effect: 'no target: counted only' });
    expect(result.verdict.kind).toBe('DROP');
  });
});

describe('counters', () => {
  it('matched rules and the applied policy count packets and bytes', () => {
    const rs = load(filterRules(...chains('A'), '-A INPUT -j A', '-A INPUT -p udp -j DROP', '-A A -p tcp'));
    run(rs, 'filter', 'INPUT', { packet: { length: 100 } });
    run(rs, 'filter', 'INPUT', { packet: { length: 50 } });
    const input = getChain(rs, 'filter', 'INPUT');
    expect(input?.rules[0]?.counters).toEqual({ packets: 2, bytes: 150 });
    expect(input?.rules[1]?.counters).toEqual({ packets: 0, bytes: 0 });
    expect(getChain(rs, 'filter', 'A')?.rules[0]?.counters).toEqual({ packets: 2, bytes: 150 });
    expect(input?.counters).toEqual({ packets: 2, bytes: 150 });
  });
  it('cloneRuleset copies counters so runs on the clone leave the original alone', () => {
    const rs = load(filterRules('-A INPUT -j ACCEPT'));
    const copy = cloneRuleset(rs);
    run(copy, 'filter', 'INPUT');
    expect(getChain(copy, 'filter', 'INPUT')?.rules[0]?.counters.packets).toBe(1);
    expect(getChain(rs, 'filter', 'INPUT')?.rules[0]?.counters.packets).toBe(0);
  });
});

describe('unsupported rules', () => {
  it('an unknown module is reported and treated as not matching, never as a match', () => {
    const rs = load(filterRules('-A INPUT -m owner --uid-owner 0 -j DROP', '-A INPUT -j ACCEPT'), ['unsupported']);
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict.kind).toBe('ACCEPT');
    expect(result.steps[0]).toMatchObject({ kind: 'unsupported', rule: { chain: 'INPUT', index: 1, raw: '-A INPUT -m owner --uid-owner 0 -j DROP' } });
  });
  it('an unknown target is reported and skipped', () => {
    const rs = load(filterRules('-A INPUT -j NFQUEUE --queue-num 3', '-A INPUT -j DROP'), ['unsupported']);
    const { result } = run(rs, 'filter', 'INPUT');
    expect(result.verdict.kind).toBe('DROP');
    expect(result.steps[0]).toMatchObject({ kind: 'unsupported', what: expect.stringContaining('NFQUEUE') });
  });
  it('an unsupported rule whose header does not match is not reported', () => {
    const rs = load(filterRules('-A INPUT -p udp -m owner --uid-owner 0 -j DROP'), ['unsupported']);
    expect(run(rs, 'filter', 'INPUT').result.steps).toEqual([{ kind: 'policy', table: 'filter', chain: 'INPUT', policy: 'ACCEPT' }]);
  });
});

describe('statistic', () => {
  const svc = filterRules(...chains('SEP1', 'SEP2', 'SEP3'),
    '-A INPUT -m statistic --mode random --probability 0.33333333349 -j SEP1',
    '-A INPUT -m statistic --mode random --probability 0.50000000000 -j SEP2',
    '-A INPUT -j SEP3', '-A SEP1 -j ACCEPT', '-A SEP2 -j DROP', '-A SEP3 -j REJECT');
  it('random mode asks the chooser with two labelled options and the exact stored probability', () => {
    const rs = load(svc);
    const env = mkEnv({ hook: 'INPUT' });
    runTable(rs, 'filter', 'INPUT', env);
    const first = env.chooser.made[0];
    expect(first?.options).toEqual(['match -> SEP1', 'no match']);
    expect(first?.p).toBe(715827883 / 2 ** 31);
    expect(first?.label).toContain('filter INPUT #1');
  });
  it('explore gives each of three endpoints probability 1/3 (to the kernel\'s 31-bit precision)', () => {
    const rs = load(svc);
    const paths = exploreAll((c) => runTable(cloneRuleset(rs), 'filter', 'INPUT', mkEnv({ hook: 'INPUT', chooser: c })).verdict.kind);
    const by = new Map<string, number>();
    for (const p of paths) by.set(p.result, (by.get(p.result) ?? 0) + p.p);
    expect(by.get('ACCEPT')).toBeCloseTo(1 / 3, 9);
    expect(by.get('DROP')).toBeCloseTo(1 / 3, 9);
    expect(by.get('REJECT')).toBeCloseTo(1 / 3, 9);
    expect([...by.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('nth mode matches packet p of every n, counting per rule', () => {
    const rs = load(filterRules('-A INPUT -m statistic --mode nth --every 3 --packet 1 -j DROP'));
    const seq = Array.from({ length: 7 }, () => run(rs, 'filter', 'INPUT').result.verdict.kind);
    expect(seq).toEqual(['ACCEPT', 'DROP', 'ACCEPT', 'ACCEPT', 'DROP', 'ACCEPT', 'ACCEPT']);
    const inv = load(filterRules('-A INPUT -m statistic --mode nth ! --every 2 --packet 0 -j DROP'));
    expect(Array.from({ length: 4 }, () => run(inv, 'filter', 'INPUT').result.verdict.kind)).toEqual(['ACCEPT', 'DROP', 'ACCEPT', 'DROP']);
  });
});

describe('socket match and the DIVERT recipe', () => {
  const transparent = { found: true, transparent: true, mark: 0x7, description: 'haproxy 10.0.0.1:40000 transparent' };
  it('a packet of a transparent socket gets mark 1 and ends mangle PREROUTING with ACCEPT', () => {
    const rs = load(DIVERT_SAVE);
    const { result, env } = run(rs, 'mangle', 'PREROUTING', { socket: transparent });
    expect(env.mark).toBe(1);
    expect(result.verdict.kind).toBe('ACCEPT');
    expect(result.decidedBy).toMatchObject({ chain: 'DIVERT', index: 2 });
    expect(result.steps[0]).toMatchObject({ kind: 'match', target: 'DIVERT', effect: expect.stringContaining('haproxy') });
    expect(result.steps[1]).toMatchObject({ effect: 'mark 0x0 -> 0x1' });
  });
  it('without a socket, a new connection to port 80 goes to TPROXY (the walker applies its mark)', () => {
    const { result, env } = run(load(DIVERT_SAVE), 'mangle', 'PREROUTING');
    expect(env.mark).toBe(0);
    expect(result.verdict).toEqual({ kind: 'TPROXY', onPort: 50080, mark: { value: 1, mask: 1 } });
    expect(result.decidedBy).toMatchObject({ chain: 'PREROUTING', index: 2 });
  });
  it('other traffic without a socket falls to the policy', () => {
    const { result } = run(load(DIVERT_SAVE), 'mangle', 'PREROUTING', { packet: { dport: 443 } });
    expect(result.decidedBy).toBeUndefined();
    expect(result.verdict.kind).toBe('ACCEPT');
  });
  it('--transparent, --nowildcard and --restore-skmark', () => {
    const rules = (opts: string): string => ['*mangle', ':PREROUTING ACCEPT [0:0]', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':POSTROUTING ACCEPT [0:0]', `-A PREROUTING -m socket ${opts} -j DROP`, 'COMMIT', ''].join('\n');
    const plain = { found: true, transparent: false, mark: 0x9 };
    expect(run(load(rules('--transparent')), 'mangle', 'PREROUTING', { socket: plain }).result.verdict.kind).toBe('ACCEPT');
    expect(run(load(rules('')), 'mangle', 'PREROUTING', { socket: plain }).result.verdict.kind).toBe('DROP');
    let asked: boolean | undefined;
    run(load(rules('--nowildcard')), 'mangle', 'PREROUTING', { socket: (q) => { asked = q.nowildcard; return plain; } });
    expect(asked).toBe(true);
    const { env } = run(load(rules('--restore-skmark')), 'mangle', 'PREROUTING', { socket: plain });
    expect(env.mark).toBe(0x9);
    const t = run(load(rules('--transparent --restore-skmark')), 'mangle', 'PREROUTING', { socket: plain });
    expect(t.env.mark).toBe(0);
  });
});

describe('kube-proxy A10 rules', () => {
  it('pod -> clusterIP is DNATed to the endpoint without the masquerade mark', () => {
    const rs = load(A10_NAT);
    const { result, env } = run(rs, 'nat', 'PREROUTING', { packet: { src: '10.0.3.4', dst: '172.30.0.41', dport: 80 }, local: ['192.168.0.2'] });
    expect(result.verdict).toMatchObject({ kind: 'DNAT', range: { minPort: 80 } });
    expect(result.decidedBy?.chain).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(env.mark).toBe(0);
  });
  it('external -> nodeIP:3001 is marked for masquerade and DNATed', () => {
    const rs = load(A10_NAT);
    const { result, env } = run(rs, 'nat', 'PREROUTING', { packet: { src: '203.0.113.2', dst: '192.168.0.2', dport: 3001 }, local: ['192.168.0.2'] });
    expect(result.verdict.kind).toBe('DNAT');
    expect(env.mark).toBe(0x4000);
    const post = run(rs, 'nat', 'POSTROUTING', { mark: 0x4000 });
    expect(post.result.verdict.kind).toBe('MASQUERADE');
    expect(post.env.mark).toBe(0);
  });
  it('unmarked traffic leaves KUBE-POSTROUTING by RETURN', () => {
    const post = run(load(A10_NAT), 'nat', 'POSTROUTING');
    expect(post.result.verdict.kind).toBe('ACCEPT');
    expect(post.result.steps.map((s) => s.kind)).toEqual(['match', 'match', 'policy']);
  });
});
