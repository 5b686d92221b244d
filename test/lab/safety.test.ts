import { describe, expect, it } from 'vitest';
import { assertSafe, hostArgv, UnsafeCommandError } from '../../lab/safety.js';
import type { LabCommand } from '../../lab/net-plan.js';

const c = (ns: string | null, ...argv: string[]): LabCommand => ({ ns, argv, note: 'test' });

describe('assertSafe', () => {
  it('allows only ip netns add/del/pids on hoplab-* and ip netns list in the root namespace', () => {
    expect(() => assertSafe(c(null, 'ip', 'netns', 'add', 'hoplab-lb'))).not.toThrow();
    expect(() => assertSafe(c(null, 'ip', 'netns', 'del', 'hoplab-lb'))).not.toThrow();
    expect(() => assertSafe(c(null, 'ip', 'netns', 'list'))).not.toThrow();
    for (const bad of [
      ['ip', 'netns', 'add', 'lb'],
      ['ip', 'netns', 'del', 'default'],
      ['ip', 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'],
      ['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'eth0'],
      ['iptables-nft', '-F'],
      ['sysctl', '-w', 'net.ipv4.ip_forward=1'],
      ['ip', 'netns', 'exec', 'hoplab-lb', 'sh'],
    ]) expect(() => assertSafe(c(null, ...bad)), bad.join(' ')).toThrow(UnsafeCommandError);
  });

  it('runs nothing in a namespace that is not hoplab-*', () => {
    expect(() => assertSafe(c('lb', 'ip', 'link', 'set', 'lo', 'up'))).toThrow(/not a hoplab/);
    expect(() => assertSafe(c('hoplab-', 'ip', 'link', 'set', 'lo', 'up'))).toThrow();
  });

  it('allows only the lab programs', () => {
    expect(() => assertSafe(c('hoplab-lb', 'sh', '-c', 'true'))).toThrow(/not on the lab/);
    expect(() => assertSafe(c('hoplab-lb', 'bash'))).toThrow();
    expect(() => assertSafe(c('hoplab-lb', 'haproxy', '-db', '-f', '/x'))).not.toThrow();
  });

  it('lets an ip command place a veth end only in a hoplab-* namespace', () => {
    expect(() => assertSafe(c('hoplab-sw-a', 'ip', 'link', 'add', 'p', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', 'hoplab-h'))).not.toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', 'link', 'set', 'tmp', 'netns', 'hoplab-b'))).not.toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', 'link', 'set', 'eth0', 'netns', '1'))).toThrow(/hoplab-\*/);
    expect(() => assertSafe(c('hoplab-a', 'ip', 'link', 'add', 'p', 'type', 'veth', 'peer', 'name', 'x', 'netns', 'default'))).toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', 'netns', 'exec', 'x', 'sh'))).toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', '-n', 'other', 'link'))).toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', '-batch', '/tmp/x'))).toThrow();
    expect(() => assertSafe(c('hoplab-a', 'ip', 'route', 'add', 'default', 'netns', 'hoplab-b'))).toThrow(/only allowed to place a veth/);
  });

  it('executes ip through ip -n and everything else through ip netns exec', () => {
    expect(hostArgv(c('hoplab-lb', 'ip', 'link', 'set', 'lo', 'up'))).toEqual(['ip', '-n', 'hoplab-lb', 'link', 'set', 'lo', 'up']);
    expect(hostArgv(c('hoplab-lb', 'sysctl', '-w', 'a=b'))).toEqual(['ip', 'netns', 'exec', 'hoplab-lb', 'sysctl', '-w', 'a=b']);
    expect(() => hostArgv(c('x', 'ip', 'link'))).toThrow();
  });
});
