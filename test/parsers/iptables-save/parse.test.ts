import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../sim/core/diagnostics.js';
import { getChain } from '../../../sim/net/netfilter/ruleset.js';
import { parseIptablesSave, serializeIptablesSave } from '../../../sim/parsers/iptables-save/index.js';
import { A10_FILTER, A10_KUBE_PROXY_ORDER, A10_NAT, DIVERT_SAVE, DOCKER_NAT, FOOTER, HEADER } from './fixtures.js';
import { structure } from './structure.js';

const parse = (t: string) => parseIptablesSave(t, { file: 'f.rules' });
const only = (ds: readonly Diagnostic[], sev: Diagnostic['severity'] = 'error') => ds.filter((d) => d.severity === sev);

describe('reading real dumps', () => {
  it("reads kube-proxy's A10 rule lines without any diagnostic", () => {
    const r = parse(A10_KUBE_PROXY_ORDER);
    expect(r.diagnostics).toEqual([]);
    const np = getChain(r.value, 'nat', 'KUBE-NODEPORTS');
    expect(np?.rules.map((x) => x.index)).toEqual([1, 2]);
    expect(np?.rules[0]).toMatchObject({ table: 'nat', chain: 'KUBE-NODEPORTS', loc: { file: 'f.rules', line: 9 }, raw: A10_KUBE_PROXY_ORDER.split('\n')[8] });
    expect(np?.rules[1]?.spec.matches.map((m) => m.kind)).toEqual(['comment', 'tcp', 'nfacct']);
  });
  it('keeps quoting as iptables-save prints it, with escapes', () => {
    const r = parse('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m comment --comment "say \\"hi\\" \\\\ o\'k" -j ACCEPT\nCOMMIT\n');
    expect(r.diagnostics).toEqual([]);
    expect(getChain(r.value, 'filter', 'INPUT')?.rules[0]?.spec.matches[0]).toEqual({ kind: 'comment', text: 'say "hi" \\ o\'k' });
    expect(serializeIptablesSave(r.value)).toContain('--comment "say \\"hi\\" \\\\ o\\\'k"');
  });
  it('reads rule counters of iptables-save -c and chain counters', () => {
    const r = parse('*filter\n:INPUT DROP [5:300]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n[7:420] -A INPUT -j ACCEPT\nCOMMIT\n');
    expect(r.diagnostics).toEqual([]);
    const input = getChain(r.value, 'filter', 'INPUT');
    expect(input?.counters).toEqual({ packets: 5, bytes: 300 });
    expect(input?.policy).toBe('DROP');
    expect(input?.rules[0]?.counters).toEqual({ packets: 7, bytes: 420 });
    expect(serializeIptablesSave(r.value, { counters: true })).toContain('[7:420] -A INPUT -j ACCEPT');
  });
  it('accepts the old `--opt ! value` negation with a located warning', () => {
    const r = parse('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport ! 22 -j DROP\nCOMMIT\n');
    expect(only(r.diagnostics, 'warning')).toMatchObject([{ line: 5, column: 25, code: 'intrapositioned-negation' }]);
    expect(getChain(r.value, 'filter', 'INPUT')?.rules[0]?.spec.matches[0]).toMatchObject({ kind: 'tcp', dport: { min: 22, max: 22, invert: true } });
  });
  it('keeps unknown modules and targets, marked unsupported, with an unsupported diagnostic', () => {
    const r = parse('*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m owner --uid-owner 33 -j ACCEPT\n-A INPUT -j NFLOG --nflog-group 2\nCOMMIT\n');
    expect(only(r.diagnostics)).toEqual([]);
    expect(only(r.diagnostics, 'unsupported').map((d) => [d.line, d.column])).toEqual([[5, 13], [6, 13]]);
    const rules = getChain(r.value, 'filter', 'INPUT')?.rules ?? [];
    expect(rules.map((x) => x.unsupported !== undefined)).toEqual([true, true]);
    expect(serializeIptablesSave(r.value)).toContain('-A INPUT -m owner --uid-owner 33 -j ACCEPT\n-A INPUT -j NFLOG --nflog-group 2\n');
  });
});

describe('round trip', () => {
  const canonical: [string, string, { header?: string; footer?: string }][] = [
    ['Docker nat', DOCKER_NAT, { header: HEADER, footer: FOOTER }],
    ['kube-proxy nat and filter (A10)', A10_FILTER + A10_NAT, {}],
    ['DIVERT and TPROXY', DIVERT_SAVE, {}],
  ];
  for (const [name, text, opts] of canonical) {
    it(`${name}: serialize(parse(x)) === x`, () => {
      const r = parse(text);
      expect(r.diagnostics).toEqual([]);
      expect(serializeIptablesSave(r.value, opts)).toBe(text);
    });
  }
  it('non-canonical input comes back in canonical form with the same structure', () => {
    const r = parse(A10_KUBE_PROXY_ORDER);
    const again = parse(serializeIptablesSave(r.value));
    expect(again.diagnostics).toEqual([]);
    expect(structure(again.value)).toEqual(structure(r.value));
    expect(serializeIptablesSave(r.value)).toContain('-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n');
    expect(serializeIptablesSave(r.value)).toContain('-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ\n');
  });
  it('prints values in the stored form (upstream test expectations)', () => {
    const cases: [string, string][] = [
      ['-p tcp --syn', '-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN'],
      ['-p tcp -m tcp --sport 1024:', '-p tcp -m tcp --sport 1024:65535'],
      ['-p tcp -m tcp --dport :', '-p tcp -m tcp'],
      ['-m tcp --dport 1 -p 6', '-p tcp -m tcp --dport 1'],
      ['! -s 0.0.0.0', '! -s 0.0.0.0/32'],
      ['-s 10.11.12.13/255.0.255.0', '-s 10.0.12.0/255.0.255.0'],
      ['-i + -d 1.2.3.4', '-d 1.2.3.4/32'],
      ['--protocol=tcp --source=1.2.3.4 --in-interface=eth0', '-s 1.2.3.4/32 -i eth0 -p tcp'],
      ['-p icmp -m icmp --icmp-type echo-reply', '-p icmp -m icmp --icmp-type 0'],
      ['-p icmp -m icmp --icmp-type 255/0:255', '-p icmp -m icmp --icmp-type any'],
      ['-m conntrack --ctproto tcp --ctexpire 3:3', '-m conntrack --ctproto 6 --ctexpire 3'],
      ['-m statistic --mode random --probability 0.5', '-m statistic --mode random --probability 0.50000000000'],
      ['-m statistic --mode nth --every 5 --packet 0', '-m statistic --mode nth --every 5 --packet 0'],
      ['-m mark --mark 0/0xffffffff', '-m mark --mark 0x0'],
      ['-m limit --limit 1000/hour', '-m limit --limit 1000/hour'],
      ['-m limit --limit 5/minute --limit-burst 7', '-m limit --limit 5/min --limit-burst 7'],
      ['-m recent --set', '-m recent --set --name DEFAULT --mask 255.255.255.255 --rsource'],
      ['-m physdev --physdev-in lo --physdev-is-in', '-m physdev --physdev-is-in --physdev-in lo'],
      ['-m length --length :2', '-m length --length 0:2'],
      ['-m ttl ! --ttl-eq 3', '-m ttl ! --ttl-eq 3'],
      ['-j REJECT', '-j REJECT --reject-with icmp-port-unreachable'],
      ['-j MARK --set-mark 1', '-j MARK --set-xmark 0x1/0xffffffff'],
      ['-j LOG --log-prefix "x y" --log-level warning', '-j LOG --log-prefix "x y"'],
      ['-j CONNMARK --restore-mark', '-j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff'],
    ];
    for (const [input, out] of cases) {
      const r = parse(`*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT ${input}\nCOMMIT\n`);
      expect(only(r.diagnostics), input).toEqual([]);
      expect(serializeIptablesSave(r.value).split('\n')[4], input).toBe(`-A INPUT ${out}`);
    }
  });
});

describe('located errors', () => {
  const base = (rule: string, table = 'filter') => {
    const chains: Record<string, string> = {
      filter: ':INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]',
      nat: ':PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]',
      mangle: ':PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]',
    };
    return `*${table}\n${chains[table]}\n:X - [0:0]\n${rule}\nCOMMIT\n`;
  };
  const lineOf = (table: string) => (table === 'filter' ? 6 : table === 'nat' ? 7 : 8);
  const cases: [string, string, string, number][] = [
    ['rule before a table header', '-A INPUT -j ACCEPT\n*filter\nCOMMIT\n', 'no-table', 1],
    ['chain used but not declared', base('-A NOPE -j ACCEPT'), 'undeclared-chain', 4],
    ['jump to an undeclared chain', base('-A INPUT -j NOPE'), 'undeclared-chain', 10],
    ['unknown option of a module', base('-A INPUT -p tcp -m tcp --dportx 80'), 'unknown-option', 24],
    ['wrong argument syntax', base('-A INPUT -m mark --mark 0xZZ'), 'bad-argument', 25],
    ['bad CIDR', base('-A INPUT -s 10.0.0.0/33'), 'bad-address', 13],
    ['port out of range', base('-A INPUT -p tcp --dport 65536'), 'bad-argument', 25],
    ['option without argument', base('-A INPUT -p'), 'missing-argument', 10],
    ['! before -m', base('-A INPUT ! -m tcp'), 'bad-invert', 12],
  ];
  for (const [what, text, code, column] of cases) {
    it(what, () => {
      const errs = only(parse(text).diagnostics);
      const d = errs.find((x) => x.code === code);
      expect(d, JSON.stringify(errs)).toBeDefined();
      expect(d?.column).toBe(column);
      expect(d?.expected).toBeTruthy();
      expect(d?.file).toBe('f.rules');
    });
  }
  it('missing COMMIT points at the last line', () => {
    const errs = only(parse('*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\n').diagnostics);
    expect(errs).toMatchObject([{ code: 'missing-commit', line: 3, column: 1 }]);
  });
  const kernel: [string, string, string, string, number][] = [
    ['DNAT outside nat PREROUTING/OUTPUT', 'nat', '-A POSTROUTING -j DNAT --to-destination 1.2.3.4', 'target-hook', 16],
    ['DNAT in a user chain reached from POSTROUTING', 'nat', '-A POSTROUTING -j X\n-A X -j DNAT --to-destination 1.2.3.4', 'target-hook', 6],
    ['DNAT outside the nat table', 'filter', '-A INPUT -j DNAT --to-destination 1.2.3.4', 'target-table', 10],
    ['TPROXY outside mangle PREROUTING', 'mangle', '-A INPUT -p tcp -j TPROXY --on-port 1', 'target-hook', 17],
    ['TPROXY without -p tcp/udp', 'mangle', '-A PREROUTING -j TPROXY --on-port 1', 'target-needs-protocol', 15],
    ['-m socket reachable from OUTPUT', 'mangle', '-A OUTPUT -j X\n-A X -m socket -j ACCEPT', 'match-hook', 6],
    ['-m tcp without -p tcp', 'filter', '-A INPUT -m tcp --dport 1', 'match-needs-protocol', 10],
    ['REJECT in PREROUTING', 'mangle', '-A PREROUTING -j REJECT', 'target-hook', 15],
    ['-i in OUTPUT', 'filter', '-A OUTPUT -i eth0', 'iface-hook', 11],
    ['jump loop', 'filter', '-A INPUT -j X\n-A X -j X', 'jump-loop', 6],
  ];
  for (const [what, table, rules, code, column] of kernel) {
    it(`the kernel refuses: ${what}`, () => {
      const errs = only(parse(base(rules, table)).diagnostics);
      const d = errs.find((x) => x.code === code);
      expect(d, JSON.stringify(errs)).toBeDefined();
      expect(d?.column).toBe(column);
      expect(d?.line).toBe(lineOf(table) + rules.split('\n').length - 1);
    });
  }
});
