// Chain-name hashing: sha256 -> base32 -> 16 chars (semantics.md A5), checked against upstream's
// fixtures, real-node dumps, and Node's own crypto.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  base32StdEncode,
  endpointChainName,
  portProtoHash,
  serviceChainNames,
  servicePortNameString,
  sha256,
} from '../../../sim/apps/kube-proxy/index.js';

describe('sha256 and base32', () => {
  it('match Node crypto for arbitrary byte strings (including multi-block lengths)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const mine = Buffer.from(sha256(bytes)).toString('hex');
        expect(mine).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes the RFC 4648 test vectors', () => {
    const enc = (s: string): string => base32StdEncode(new TextEncoder().encode(s));
    expect(enc('')).toBe('');
    expect(enc('f')).toBe('MY======');
    expect(enc('fo')).toBe('MZXQ====');
    expect(enc('foo')).toBe('MZXW6===');
    expect(enc('foob')).toBe('MZXW6YQ=');
    expect(enc('fooba')).toBe('MZXW6YTB');
    expect(enc('foobar')).toBe('MZXW6YTBOI======');
  });
});

describe('kube-proxy chain names', () => {
  it('reproduces the hashes of upstream fixtures (semantics.md A5)', () => {
    expect(portProtoHash('ns1/svc1:p80', 'tcp')).toBe('XPGD46QRK7WJZT7O');
    expect(portProtoHash('ns2/svc2:p80', 'tcp')).toBe('GNZBNJ2PO5MGZ6GT');
    expect(portProtoHash('ns3/svc3:p80', 'tcp')).toBe('X27LE4BHSL4DOUIK');
    expect(portProtoHash('ns1/svc1', 'tcp')).toBe('AQI2S6QIMU7PVVRP');
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '10.180.0.1:80')).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(endpointChainName('ns1/svc1:p80', 'tcp', '[ff06::c1]:80')).toBe('KUBE-SEP-LIGRYQQLSZN4UWQ5');
  });

  it('reproduces chain names seen on a real kind node (default/nginx, unnamed port)', () => {
    const name = servicePortNameString('default', 'nginx');
    expect(name).toBe('default/nginx');
    expect(serviceChainNames(name, 'tcp')).toEqual({
      svc: 'KUBE-SVC-2CMXP7HKUVJN7L6M',
      svl: 'KUBE-SVL-2CMXP7HKUVJN7L6M',
      fw: 'KUBE-FW-2CMXP7HKUVJN7L6M',
      ext: 'KUBE-EXT-2CMXP7HKUVJN7L6M',
    });
    expect(endpointChainName(name, 'tcp', '10.244.1.5:80')).toBe('KUBE-SEP-IZW656N5ZXYN5BEC');
    expect(endpointChainName(name, 'tcp', '10.244.1.6:80')).toBe('KUBE-SEP-C4VXQDW52UV45WW3');
    expect(endpointChainName(name, 'tcp', '10.244.2.6:80')).toBe('KUBE-SEP-UOZCNMEBPO5JGMU4');
  });

  it('equals the first 16 base32 characters of Node sha256 for any service port name', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom('tcp', 'udp', 'sctp'), (name, proto) => {
        const expected = base32FromHex(createHash('sha256').update(name + proto).digest('hex')).slice(0, 16);
        expect(portProtoHash(name, proto)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });
});

// An independent base32 (bit string based) for the cross-check above.
function base32FromHex(hex: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of hex) bits += parseInt(c, 16).toString(2).padStart(4, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out;
}
