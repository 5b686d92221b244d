// The pod-to-pod (and address-to-pod) truth table for one port and protocol, computed with sets
// rather than cell by cell: each policy's selected pods, each peer's matching pods and each rule's
// destination-port set are computed once as bitsets, then every pod's allowed-ingress and
// allowed-egress sets are unions of those. The semantics are those of evaluate.ts (which the tests
// check cell by cell); this file only makes them fast (1,000 pods x 500 policies).
import type { IPv4 } from '../../core/ip.js';
import { parseIPv4, formatIPv4 } from '../../core/ip.js';
import type { LabelSelector } from '../../model/k8s/label-selector.js';
import type { Labels } from '../../model/k8s/meta.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyRule } from '../../model/k8s/network-policy.js';
import type { Protocol } from '../../model/k8s/protocol.js';
import type { NetpolCluster, NetpolPod } from './cluster.js';
import { ipBlockContains, portEntryMatches } from './match.js';
import type { NetpolIndex } from './resolve.js';
import { indexCluster } from './resolve.js';

export interface MatrixOptions {
  readonly port: number;
  readonly protocol: Protocol;
  /** Extra sources given by address (outside clients, node addresses, or pod IPs). */
  readonly fromIps?: readonly IPv4[];
}

export interface NetpolMatrix {
  readonly port: number;
  readonly protocol: Protocol;
  /** Pods as `namespace/name`, then the listed addresses. */
  readonly sources: readonly string[];
  /** Pods as `namespace/name`. */
  readonly destinations: readonly string[];
  /** Row-major, sources x destinations; 1 = allowed. */
  readonly cells: Uint8Array;
}

export function matrixCell(m: NetpolMatrix, source: number, destination: number): boolean {
  return m.cells[source * m.destinations.length + destination] === 1;
}

type Bits = Uint32Array;
const ALL = 'all' as const;
type SetOrAll = Bits | typeof ALL;

/** A selector compiled to arrays, for the inner loops. */
function compileSelector(s: LabelSelector): (l: Labels) => boolean {
  const keys = Object.keys(s.matchLabels);
  const vals = keys.map((k) => s.matchLabels[k] as string);
  const exprs = s.matchExpressions.map((r) => ({ key: r.key, op: r.operator, values: new Set(r.values) }));
  return (l) => {
    for (let i = 0; i < keys.length; i++) if (l[keys[i] as string] !== vals[i]) return false;
    for (const e of exprs) {
      const v = l[e.key];
      const has = v !== undefined && Object.hasOwn(l, e.key);
      switch (e.op) {
        case 'In': if (!has || !e.values.has(v)) return false; break;
        case 'NotIn': if (has && e.values.has(v)) return false; break;
        case 'Exists': if (!has) return false; break;
        case 'DoesNotExist': if (has) return false; break;
      }
    }
    return true;
  };
}

export function computeMatrix(cluster: NetpolCluster, opts: MatrixOptions, index?: NetpolIndex): NetpolMatrix {
  const ix = index ?? indexCluster(cluster);
  const pods = cluster.pods;
  const n = pods.length;
  const w = (n + 31) >>> 5;
  const nsPods = new Map<string, number[]>();
  pods.forEach((p, i) => { const l = nsPods.get(p.namespace); if (l) l.push(i); else nsPods.set(p.namespace, [i]); });
  const nsNames = [...nsPods.keys()];
  const nsLabels = (ns: string): Labels => cluster.namespaces.get(ns)?.labels ?? {};
  const selCache = new Map<string, (l: Labels) => boolean>();
  const sel = (s: LabelSelector) => {
    const k = JSON.stringify(s);
    let f = selCache.get(k);
    if (!f) { f = compileSelector(s); selCache.set(k, f); }
    return f;
  };

  // --- per-peer pod sets (cached: generated and real policies repeat their peers) ---
  const peerCache = new Map<string, Bits>();
  const peerSet = (peer: NetworkPolicyPeer, policyNs: string): Bits => {
    const key = peer.ipBlock ? `ip:${peer.ipBlock.cidrText}|${peer.ipBlock.exceptText.join(',')}` : `sel:${peer.namespaceSelector ? JSON.stringify(peer.namespaceSelector) : `=${policyNs}`}|${JSON.stringify(peer.podSelector ?? null)}`;
    let b = peerCache.get(key);
    if (b) return b;
    b = new Uint32Array(w);
    if (peer.ipBlock) {
      const blk = peer.ipBlock;
      for (let i = 0; i < n; i++) { const ip = (pods[i] as NetpolPod).ip; if (ip !== undefined && ipBlockContains(blk, ip)) b[i >>> 5]! |= 1 << (i & 31); }
    } else {
      const nsOk = peer.namespaceSelector ? sel(peer.namespaceSelector) : undefined;
      const podOk = peer.podSelector ? sel(peer.podSelector) : undefined;
      for (const ns of nsOk ? nsNames.filter((x) => nsOk(nsLabels(x))) : [policyNs]) {
        for (const i of nsPods.get(ns) ?? []) {
          const p = pods[i] as NetpolPod;
          if (p.hostNetwork) continue; // not selectable: its traffic is its node's
          if (!podOk || podOk(p.labels)) b[i >>> 5]! |= 1 << (i & 31);
        }
      }
    }
    peerCache.set(key, b);
    return b;
  };
  const { port, protocol } = opts;
  interface Compiled { readonly peers: SetOrAll; readonly ports: SetOrAll | 'none'; readonly rule: NetworkPolicyRule }
  const compileRule = (r: NetworkPolicyRule, ns: string): Compiled => {
    let peers: SetOrAll = ALL;
    if (r.peers.length > 0) {
      const b = new Uint32Array(w);
      for (const peer of r.peers) { const s = peerSet(peer, ns); for (let k = 0; k < w; k++) b[k]! |= s[k]!; }
      peers = b;
    }
    let ports: SetOrAll | 'none' = ALL;
    if (r.ports.length > 0) {
      const named = r.ports.some((e) => typeof e.port === 'string' && e.protocol === protocol);
      const numeric = r.ports.some((e) => typeof e.port !== 'string' && portEntryMatches(e, port, protocol, undefined));
      if (numeric) ports = ALL;
      else if (!named) ports = 'none';
      else {
        const b = new Uint32Array(w);
        for (let i = 0; i < n; i++) if (r.ports.some((e) => portEntryMatches(e, port, protocol, (pods[i] as NetpolPod).ports))) b[i >>> 5]! |= 1 << (i & 31);
        ports = b;
      }
    }
    return { peers, ports, rule: r };
  };
  const has = (b: Bits, i: number) => ((b[i >>> 5]! >>> (i & 31)) & 1) === 1;

  // --- isolation and allowed sets per pod ---
  const inIso = new Uint8Array(n);
  const outIso = new Uint8Array(n);
  const inAll = new Uint8Array(n);
  const outAll = new Uint8Array(n);
  const inSet: (Bits | undefined)[] = new Array<Bits | undefined>(n);
  const outSet: (Bits | undefined)[] = new Array<Bits | undefined>(n);
  const inRules: (Compiled[] | undefined)[] = new Array<Compiled[] | undefined>(n);
  const wantIpRows = (opts.fromIps?.length ?? 0) > 0;
  for (const pol of cluster.policies as readonly NetworkPolicy[]) {
    const ns = pol.metadata.namespace ?? 'default';
    const members = nsPods.get(ns);
    if (!members) continue;
    const selects = sel(pol.spec.podSelector);
    const selected = members.filter((i) => !(pods[i] as NetpolPod).hostNetwork && selects((pods[i] as NetpolPod).labels));
    if (selected.length === 0) continue;
    if (pol.spec.policyTypes.includes('Ingress')) {
      const rules = pol.spec.ingress.map((r) => compileRule(r, ns)).filter((c) => c.ports !== 'none');
      for (const d of selected) {
        inIso[d] = 1;
        if (wantIpRows) (inRules[d] ??= []).push(...rules);
        if (inAll[d]) continue;
        for (const c of rules) {
          if (c.ports !== ALL && c.ports !== 'none' && !has(c.ports, d)) continue;
          if (c.peers === ALL) { inAll[d] = 1; break; }
          const b = (inSet[d] ??= new Uint32Array(w));
          const s = c.peers;
          for (let k = 0; k < w; k++) b[k]! |= s[k]!;
        }
      }
    }
    if (pol.spec.policyTypes.includes('Egress')) {
      const rules = pol.spec.egress.map((r) => compileRule(r, ns)).filter((c) => c.ports !== 'none');
      for (const s of selected) {
        outIso[s] = 1;
        if (outAll[s]) continue;
        for (const c of rules) {
          if (c.peers === ALL && c.ports === ALL) { outAll[s] = 1; break; }
          const b = (outSet[s] ??= new Uint32Array(w));
          const pe = c.peers;
          const po = c.ports;
          for (let k = 0; k < w; k++) b[k]! |= (pe === ALL ? 0xffffffff : pe[k]!) & (po === ALL || po === 'none' ? 0xffffffff : po[k]!);
        }
      }
    }
  }

  // --- node locality: a hostNetwork pod is its node; traffic between a pod and its node is allowed ---
  const nodeAddrs = (node: string | undefined): readonly IPv4[] => (node === undefined ? [] : (cluster.nodes.get(node) ?? []));
  const hostLocal = (host: NetpolPod, other: NetpolPod): boolean =>
    other.nodeName !== undefined && (host.nodeName === other.nodeName || (host.ip !== undefined && nodeAddrs(other.nodeName).includes(host.ip)));

  // --- cells ---
  const ipRows = opts.fromIps ?? [];
  const rows = n + ipRows.length;
  const cells = new Uint8Array(rows * n);
  for (let s = 0; s < n; s++) {
    const sp = pods[s] as NetpolPod;
    const sHost = sp.hostNetwork;
    const egressOpen = sHost || !outIso[s] || outAll[s] === 1;
    const eb = outSet[s];
    const row = s * n;
    for (let d = 0; d < n; d++) {
      if (s === d) { cells[row + d] = 1; continue; }
      const dp = pods[d] as NetpolPod;
      let ok = egressOpen || (eb !== undefined && has(eb, d)) || (dp.hostNetwork && hostLocal(dp, sp));
      if (ok && !dp.hostNetwork && inIso[d] && !inAll[d]) {
        const ib = inSet[d];
        ok = (ib !== undefined && has(ib, s)) || (sHost && hostLocal(sp, dp));
      }
      cells[row + d] = ok ? 1 : 0;
    }
  }
  const podRow = new Map<string, number>();
  pods.forEach((p, i) => podRow.set(p.key, i));
  ipRows.forEach((ip, k) => {
    const row = (n + k) * n;
    const asPod = ix.podsByIp.get(ip)?.[0];
    if (asPod) {
      const r = podRow.get(asPod.key) as number;
      cells.set(cells.subarray(r * n, r * n + n), row);
      return;
    }
    const ipNode = ix.nodeByAddr.get(ip);
    for (let d = 0; d < n; d++) {
      const dp = pods[d] as NetpolPod;
      let ok = dp.hostNetwork || !inIso[d] || inAll[d] === 1;
      if (!ok) ok = dp.nodeName !== undefined && (nodeAddrs(dp.nodeName).includes(ip) || ipNode === dp.nodeName);
      if (!ok) {
        for (const c of inRules[d] ?? []) {
          if (c.ports !== ALL && c.ports !== 'none' && !has(c.ports, d)) continue;
          if (c.peers === ALL || c.rule.peers.some((p) => p.ipBlock !== undefined && ipBlockContains(p.ipBlock, ip))) { ok = true; break; }
        }
      }
      cells[row + d] = ok ? 1 : 0;
    }
  });
  return {
    port, protocol,
    sources: [...pods.map((p) => p.key), ...ipRows.map((ip) => formatIPv4(ip))],
    destinations: pods.map((p) => p.key),
    cells,
  };
}

export function parseIpList(texts: readonly string[]): { ips: IPv4[]; bad: string[] } {
  const ips: IPv4[] = [];
  const bad: string[] = [];
  for (const t of texts) { const ip = parseIPv4(t); if (ip === undefined) bad.push(t); else ips.push(ip); }
  return { ips, bad };
}
