import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStepScript, shellWords } from '../../lab/step-script.js';
import { ICTSC_DIR } from './helpers.js';

describe('step scripts', () => {
  it('reads the ICTSC DIVERT script as six commands, iptables run as iptables-nft', () => {
    const text = readFileSync(join(ICTSC_DIR, 'steps/3-divert.sh'), 'utf8');
    const r = parseStepScript(text, { file: 'steps/3-divert.sh' });
    expect(r.diagnostics).toEqual([]);
    expect(r.value.map((c) => c.argv.join(' '))).toEqual([
      'iptables-nft -t mangle -N DIVERT',
      'iptables-nft -t mangle -A PREROUTING -p tcp -m socket -j DIVERT',
      'iptables-nft -t mangle -A DIVERT -j MARK --set-mark 1',
      'iptables-nft -t mangle -A DIVERT -j ACCEPT',
      'ip rule add fwmark 1 lookup 100',
      'ip route add local 0.0.0.0/0 dev lo table 100',
    ]);
    expect(r.value[0]?.line).toBe(3);
  });

  it('keeps quoted words whole', () => {
    expect(shellWords(`iptables -A INPUT -m comment --comment "a b" -j ACCEPT`)).toEqual(['iptables', '-A', 'INPUT', '-m', 'comment', '--comment', 'a b', '-j', 'ACCEPT']);
    expect(shellWords(`x 'a "b"' c\\ d`)).toEqual(['x', 'a "b"', 'c d']);
  });

  it('refuses anything but checked iptables / ip route / ip rule / sysctl lines, with the line number', () => {
    const bad = [
      'rm -rf /',
      'iptables -F; reboot',
      'iptables -A INPUT -j ACCEPT && curl x',
      'ip link set eth0 netns 1',
      'ip netns exec other sh',
      'ip route add default via 1.2.3.4 netns x',
      'iptables -t bogus -A X -j ACCEPT',
      'iptables -A INPUT -I INPUT -j ACCEPT',
      'iptables --modprobe=/tmp/x -A INPUT -j ACCEPT',
      'ip rule add fwmark $(id) lookup 100',
      'echo "unbalanced',
      'sysctl -w kernel.panic=1',
    ];
    bad.forEach((line) => {
      const r = parseStepScript(`# comment\n${line}\n`, { file: 's.sh' });
      expect(r.value, line).toEqual([]);
      expect(r.diagnostics[0], line).toMatchObject({ severity: 'error', file: 's.sh', line: 2 });
    });
  });

  it('accepts a net.* sysctl line', () => {
    expect(parseStepScript('sysctl -w net.ipv4.tcp_early_demux=0', { file: 's' }).value[0]?.argv).toEqual(['sysctl', '-q', '-w', 'net.ipv4.tcp_early_demux=0']);
  });
});
