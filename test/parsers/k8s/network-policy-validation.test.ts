// NetworkPolicy validation as the API server applies it (pkg/apis/networking/validation
// ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer, ValidateIPBlock):
// each bad policy is rejected with an error located on the offending field.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../sim/parsers/k8s/index.js';

function load(spec: string) {
  const text = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: bad\n  namespace: x\nspec:\n${spec}`;
  const r = parseManifests(text, { file: 'np.yaml' });
  const lines = text.split('\n');
  return { ...r, lineOf: (needle: string) => lines.findIndex((l) => l.includes(needle)) + 1, errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('NetworkPolicy validation', () => {
  it('rejects a CIDR that does not parse, at the cidr line', () => {
    const r = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.300/24\n');
    expect(r.value).toEqual([]);
    expect(r.errors[0]).toMatchObject({ line: r.lineOf('cidr:'), message: expect.stringContaining('spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.300/24": must be a valid CIDR') });
    expect(r.errors.some((d) => d.code === 'object-rejected')).toBe(true);
  });

  it('rejects a CIDR without a prefix length', () => {
    const r = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.1\n');
    expect(r.errors[0]?.message).toContain('ipBlock.cidr: Invalid value: "10.0.0.1"');
  });

  it('rejects an except outside cidr, and one equal to it (must be a strict subset)', () => {
    const outside = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n        except:\n        - 10.1.0.0/24\n');
    expect(outside.errors[0]).toMatchObject({ line: outside.lineOf('- 10.1.0.0/24'), message: 'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`' });
    const equal = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n        except: [10.0.0.0/16]\n');
    expect(equal.errors[0]?.message).toContain('must be a strict subset of `cidr`');
    const ok = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock:\n        cidr: 10.0.0.0/16\n        except: [10.0.5.0/24]\n');
    expect(ok.errors).toEqual([]);
  });

  it('rejects endPort < port, and accepts endPort == port', () => {
    const r = load('  podSelector: {}\n  ingress:\n  - ports:\n    - port: 90\n      endPort: 80\n');
    expect(r.errors[0]).toMatchObject({ line: r.lineOf('endPort:'), message: 'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`' });
    expect(load('  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n      endPort: 80\n').errors).toEqual([]);
  });

  it('rejects endPort with a named port, and endPort without port', () => {
    const named = load('  podSelector: {}\n  egress:\n  - ports:\n    - port: http\n      endPort: 90\n');
    expect(named.errors[0]).toMatchObject({ line: named.lineOf('endPort:'), message: 'spec.egress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric' });
    const none = load('  podSelector: {}\n  egress:\n  - ports:\n    - endPort: 90\n');
    expect(none.errors[0]?.message).toBe('spec.egress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified');
  });

  it('rejects an unknown protocol with the supported values', () => {
    const r = load('  podSelector: {}\n  ingress:\n  - ports:\n    - protocol: ICMP\n');
    expect(r.errors[0]).toMatchObject({ line: r.lineOf('protocol:'), message: 'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"' });
  });

  it('rejects bad port numbers and port names', () => {
    expect(load('  podSelector: {}\n  ingress:\n  - ports:\n    - port: 70000\n').errors[0]?.message).toContain('must be between 1 and 65535');
    expect(load('  podSelector: {}\n  ingress:\n  - ports:\n    - port: Web_Port\n').errors[0]?.message).toContain('spec.ingress[0].ports[0].port: Invalid value: "Web_Port"');
    expect(load('  podSelector: {}\n  ingress:\n  - ports:\n    - port: "80"\n').errors[0]?.message).toContain("must contain at least one letter"); // "80" is a name, not a number
  });

  it('rejects a peer mixing ipBlock with a selector, and an empty peer', () => {
    const mixed = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 10.0.0.0/8}\n      podSelector: {}\n');
    expect(mixed.errors[0]?.message).toBe('spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer');
    const empty = load('  podSelector: {}\n  ingress:\n  - from:\n    - {}\n');
    expect(empty.errors[0]?.message).toBe('spec.ingress[0].from[0]: Required value: must specify a peer');
  });

  it('rejects unknown policyTypes and more than two', () => {
    expect(load('  podSelector: {}\n  policyTypes: [Inbound]\n').errors[0]?.message).toBe('spec.policyTypes[0]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"');
    expect(load('  podSelector: {}\n  policyTypes: [Ingress, Egress, Ingress]\n').errors[0]?.message).toContain('may not specify more than two policyTypes');
  });

  it('checks selector operators and values', () => {
    const noValues = load('  podSelector:\n    matchExpressions:\n    - {key: app, operator: In, values: []}\n');
    expect(noValues.errors[0]?.message).toContain("spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
    const extra = load('  podSelector:\n    matchExpressions:\n    - {key: app, operator: Exists, values: [a]}\n');
    expect(extra.errors[0]?.message).toContain("Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
    const op = load('  podSelector:\n    matchExpressions:\n    - {key: app, operator: Gt, values: ["1"]}\n');
    expect(op.errors[0]?.message).toContain('Unsupported value: "Gt"');
    const badKey = load('  podSelector:\n    matchLabels:\n      "bad key": x\n');
    expect(badKey.errors[0]?.message).toContain('spec.podSelector.matchLabels[bad key]: Invalid value: "bad key"');
  });

  it('warns for a host-bits CIDR and reads it as its network', () => {
    const r = load('  podSelector: {}\n  ingress:\n  - from:\n    - ipBlock: {cidr: 192.168.0.10/24}\n');
    expect(r.errors).toEqual([]);
    expect(r.diagnostics.some((d) => d.severity === 'warning' && d.message.includes('means 192.168.0.0/24'))).toBe(true);
  });

  it('a rejected policy does not stop the other objects from loading', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{protocol: ICMP}]\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: good, namespace: x}\nspec:\n  podSelector: {}\n';
    const r = parseManifests(text, { file: 'two.yaml' });
    expect(r.value.map((o) => o.metadata.name)).toEqual(['good']);
  });
});
