// Generated names and hashes: FNV-1a test vectors, SafeEncodeString's alphabet, ReplicaSet and pod
// name shapes, and resource quantities.
import { describe, expect, it } from 'vitest';
import { ALPHANUMS, computeHash, fnv32a, milliValue, parseQuantity, podTemplateHash, safeEncodeString, schedule, unitValue } from '../../../sim/apps/scheduler/index.js';
import { deployment, ictscNodes } from './helpers.js';

const bytes = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

describe('pod-template-hash arithmetic', () => {
  it('fnv32a matches the FNV-1a reference vectors', () => {
    expect(fnv32a(bytes(''))).toBe(0x811c9dc5);
    expect(fnv32a(bytes('a'))).toBe(0xe40c292c);
    expect(fnv32a(bytes('foobar'))).toBe(0xbf9cf968);
  });

  it('SafeEncodeString maps each byte to ALPHANUMS[b % 27]; decimal digits land on 4-9 b c d f', () => {
    expect(ALPHANUMS).toHaveLength(27);
    expect(safeEncodeString('1234567890')).toBe('56789bcdf4');
    expect(computeHash(bytes('foobar'))).toBe(safeEncodeString(String(0xbf9cf968)));
  });

  it('the collision count changes the hash; the template text decides it, not its key order', () => {
    const t = { labels: { app: 'nginx', tier: 'web' }, spec: { containers: [{ name: 'nginx' }] } };
    const reordered = { spec: { containers: [{ name: 'nginx' }] }, labels: { tier: 'web', app: 'nginx' } };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(t));
    expect(podTemplateHash(t, 1)).not.toBe(podTemplateHash(t));
    expect(podTemplateHash({ ...t, labels: { app: 'nginx' } })).not.toBe(podTemplateHash(t));
    expect(podTemplateHash(t)).toMatch(/^[4-9bcdf]{1,10}$/);
  });
});

describe('names', () => {
  it('ReplicaSet <deployment>-<hash>, pods <rs>-<5 chars>, labels gain pod-template-hash', () => {
    const r = schedule({ nodes: ictscNodes(), workloads: [{ ...deployment('my-deployment', 2, {}, { namespace: 'my-ns', labels: { app: 'nginx' } }) }] });
    const rs = r.replicaSets[0];
    expect(rs?.name).toMatch(/^my-deployment-[4-9bcdf]{1,10}$/);
    expect(rs?.hashSource).toBe('computed');
    for (const p of r.pods) {
      expect(p.name).toMatch(new RegExp(`^${rs?.name}-[${ALPHANUMS}]{5}$`));
      expect(p.labels).toEqual({ app: 'nginx', 'pod-template-hash': rs?.podTemplateHash });
      expect(p.owner).toEqual({ kind: 'ReplicaSet', name: rs?.name, workload: 'my-deployment' });
    }
  });

  it('a hash taken from a real cluster is used verbatim', () => {
    const r = schedule({ nodes: ictscNodes(), workloads: [{ ...deployment('my-deployment', 1), podTemplateHash: '5d59d67564' }] });
    expect(r.replicaSets[0]).toMatchObject({ name: 'my-deployment-5d59d67564', hashSource: 'given' });
    expect(r.pods[0]?.name).toMatch(/^my-deployment-5d59d67564-[a-z0-9]{5}$/);
  });

  it('generateName keeps at most 58 characters of the base', () => {
    const long = 'x'.repeat(70);
    const r = schedule({ nodes: ictscNodes(), workloads: [deployment(long, 1)] });
    expect(r.pods[0]?.name).toHaveLength(63);
    expect(r.pods[0]?.name.startsWith('x'.repeat(58))).toBe(true);
  });
});

describe('quantities', () => {
  it.each([
    ['100m', 100], ['0.1', 100], ['1', 1000], ['2.5', 2500], ['1e3', 1_000_000], [2, 2000],
  ] as const)('cpu %s is %d millicores', (q, m) => expect(milliValue(q)).toBe(m));
  it.each([
    ['200Mi', 200 * 2 ** 20], ['1Gi', 2 ** 30], ['1.5Gi', 1.5 * 2 ** 30], ['128974848', 128974848], ['129M', 129e6], ['1k', 1000], ['110', 110],
  ] as const)('memory %s is %d bytes', (q, b) => expect(unitValue(q)).toBe(b));
  it('rejects what is not a quantity', () => {
    for (const q of ['abc', '1 Gi', '1GB', '']) expect(parseQuantity(q)).toBeUndefined();
  });
  it('an unparsable request is reported in the notes', () => {
    const r = schedule({ nodes: ictscNodes(), workloads: [deployment('w', 1, { containers: [{ name: 'c', requests: { cpu: 'lots' } }] })] });
    expect(r.notes.some((n) => n.includes('requests.cpu') && n.includes('"lots"'))).toBe(true);
  });
});
