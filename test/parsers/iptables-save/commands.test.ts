import { describe, expect, it } from 'vitest';
import { applyIptablesCommand } from '../../../sim/net/netfilter/commands.js';
import { getChain } from '../../../sim/net/netfilter/ruleset.js';
import { parseIptablesCommand, parseIptablesCommands, parseIptablesSave, serializeIptablesSave } from '../../../sim/parsers/iptables-save/index.js';
import { DIVERT_COMMANDS, DIVERT_SAVE } from './fixtures.js';
import { structure } from './structure.js';

const cmds = (t: string, base?: Parameters<typeof parseIptablesCommands>[2]) => parseIptablesCommands(t, { file: 'setup.sh' }, base);

describe('iptables command scripts', () => {
  it('the DIVERT recipe as commands gives the same mangle table as its iptables-save form', () => {
    const r = cmds(DIVERT_COMMANDS);
    expect(r.diagnostics).toEqual([]);
    const save = parseIptablesSave(DIVERT_SAVE, { file: 'divert.rules' });
    expect(structure(r.value)).toEqual(structure(save.value));
    expect(serializeIptablesSave(r.value)).toBe(DIVERT_SAVE);
  });
  it('returns the other lines for the iproute2 parser', () => {
    expect(cmds(DIVERT_COMMANDS).otherLines).toEqual([
      { line: 10, text: 'ip rule add fwmark 1 lookup 100' },
      { line: 11, text: 'ip route add local 0.0.0.0/0 dev lo table 100' },
    ]);
  });
  it('keeps the raw text and the first line of a continued command', () => {
    const rule = getChain(cmds(DIVERT_COMMANDS).value, 'mangle', 'PREROUTING')?.rules[1];
    expect(rule?.loc).toMatchObject({ file: 'setup.sh', line: 5 });
    expect(rule?.raw).toBe('iptables -t mangle -A PREROUTING -p tcp --dport 80 \\\n    -j TPROXY --tproxy-mark 0x1/0x1 --on-port 50080');
  });
  it('-I n inserts and renumbers, -D deletes by number and by rule, -P sets the policy', () => {
    const r = cmds(['iptables -A INPUT -p tcp -j ACCEPT', 'iptables -A INPUT -p udp -j ACCEPT', 'iptables -I INPUT 2 -p icmp -j DROP',
      'iptables -I INPUT -s 10.0.0.1 -j DROP', 'iptables -D INPUT 1', 'iptables -D INPUT -p udp -j ACCEPT', 'iptables -P INPUT DROP'].join('\n'));
    expect(r.diagnostics).toEqual([]);
    const input = getChain(r.value, 'filter', 'INPUT');
    expect(input?.policy).toBe('DROP');
    expect(input?.rules.map((x) => [x.index, x.loc.line])).toEqual([[1, 1], [2, 3]]);
  });
  it('-F flushes, -X deletes user chains, -E renames and fixes jumps', () => {
    const r = cmds(['iptables -N A', 'iptables -N B', 'iptables -A A -j B', 'iptables -A INPUT -j A', 'iptables -E B C', 'iptables -F INPUT', 'iptables -F A', 'iptables -X'].join('\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value.tables[0]?.chains.map((c) => c.name)).toEqual(['INPUT', 'FORWARD', 'OUTPUT']);
  });
  it('refused commands are reported at their line and change nothing', () => {
    const r = cmds(['iptables -A NOPE -j ACCEPT', 'iptables -N A', 'iptables -A INPUT -j A', 'iptables -X A', 'iptables -t nat -A POSTROUTING -j DNAT --to-destination 1.2.3.4', 'iptables -D INPUT 5'].join('\n'));
    expect(r.diagnostics.map((d) => [d.line, d.code])).toEqual([[1, 'no-such-chain'], [4, 'chain-referenced'], [5, 'target-hook'], [6, 'bad-index']]);
    expect(getChain(r.value, 'nat', 'POSTROUTING')?.rules).toEqual([]);
    expect(getChain(r.value, 'filter', 'A')).toBeDefined();
  });
  it('sudo, iptables-nft, comments and blank lines; ip6tables and shell variables are reported', () => {
    const r = cmds(['# comment', '', 'sudo iptables-nft -A INPUT -j ACCEPT  # trailing', 'ip6tables -A INPUT -j DROP', 'iptables -A INPUT -s $HOST -j DROP'].join('\n'));
    expect(r.diagnostics.map((d) => [d.line, d.severity, d.code])).toEqual([[4, 'unsupported', 'ipv6'], [5, 'unsupported', 'shell-feature']]);
    expect(getChain(r.value, 'filter', 'INPUT')?.rules.length).toBe(1);
  });
  it('applies onto a base ruleset without changing it', () => {
    const base = parseIptablesSave(DIVERT_SAVE, { file: 'd' }).value;
    const r = cmds('iptables -t mangle -A DIVERT -j LOG', base);
    expect(getChain(r.value, 'mangle', 'DIVERT')?.rules.length).toBe(3);
    expect(getChain(base, 'mangle', 'DIVERT')?.rules.length).toBe(2);
  });
  it('a single command for a scenario step', () => {
    const base = parseIptablesSave(DIVERT_SAVE, { file: 'd' }).value;
    const p = parseIptablesCommand('iptables -t mangle -I DIVERT 1 -j LOG --log-prefix "divert "', { file: 'step.yaml', line: 12 }, base);
    expect(p.diagnostics).toEqual([]);
    if (!p.command) throw new Error('no command');
    const r = applyIptablesCommand(base, p.command);
    expect(r.diagnostics).toEqual([]);
    const rules = getChain(r.value, 'mangle', 'DIVERT')?.rules ?? [];
    expect(rules.map((x) => x.spec.target?.kind)).toEqual(['LOG', 'MARK', 'ACCEPT']);
    expect(rules[0]?.loc.line).toBe(12);
    expect(getChain(base, 'mangle', 'DIVERT')?.rules.length).toBe(2);
  });
});
