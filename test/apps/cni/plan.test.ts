import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPodAddresses, caliVethName, inBlock, nextPodAddress, tunnelAddress, vtepMac, sha1Hex } from '../../../sim/index.js';

describe('sha1Hex', () => {
  it('agrees with Node crypto on any text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => sha1Hex(s) === createHash('sha1').update(s, 'utf8').digest('hex')));
  });
  it('matches the FIPS 180 "abc" vector', () => {
    expect(sha1Hex('abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('Calico naming and addressing', () => {
  it('names the host-side veth cali + 11 hex digits of sha1("<ns>.<pod>")', () => {
    const n = caliVethName('my-ns', 'my-deployment-0');
    expect(n).toBe(`cali${createHash('sha1').update('my-ns.my-deployment-0').digest('hex').slice(0, 11)}`);
    expect(n.length).toBe(15);
  });

  it('gives the tunnel the block first address, as the write-up log shows for worker01', () => {
    expect(tunnelAddress('172.20.5.0/24')).toBe('172.20.5.0');
    expect(() => tunnelAddress('172.20.5.1/24')).toThrow();
  });

  it('hands pods the lowest free address from .1, never the broadcast address', () => {
    expect(nextPodAddress('172.20.6.0/24', new Set())).toBe('172.20.6.1');
    expect(nextPodAddress('172.20.6.0/24', new Set(['172.20.6.1', '172.20.6.3']))).toBe('172.20.6.2');
    expect(nextPodAddress('10.0.0.0/30', new Set(['10.0.0.1', '10.0.0.2']))).toBeUndefined();
  });

  it('keeps addresses of surviving pods and fills the rest in placement order', () => {
    const blocks = { w1: '172.20.5.0/24', w2: '172.20.6.0/24' };
    const r = assignPodAddresses([
      { ns: 'n', pod: 'a', node: 'w2' },
      { ns: 'n', pod: 'b', node: 'w2' },
      { ns: 'n', pod: 'c', node: 'w1' },
    ], blocks, new Map([['n/b', '172.20.6.1']]));
    expect(r.errors).toEqual([]);
    expect(r.assigned.map((a) => [a.pod, a.ip])).toEqual([['a', '172.20.6.2'], ['b', '172.20.6.1'], ['c', '172.20.5.1']]);
    for (const a of r.assigned) expect(inBlock(a.ip, blocks[a.node as 'w1' | 'w2'])).toBe(true);
  });

  it('reports a node without a block', () => {
    expect(assignPodAddresses([{ ns: 'n', pod: 'a', node: 'x' }], {}).errors[0]).toMatch(/no IPAM block/);
  });

  it('derives a stable, locally administered VTEP MAC per node', () => {
    expect(vtepMac('worker01')).toMatch(/^66(:[0-9a-f]{2}){5}$/);
    expect(vtepMac('worker01')).toBe(vtepMac('worker01'));
    expect(vtepMac('worker01')).not.toBe(vtepMac('worker02'));
  });
});
