// NetworkPolicy as a Calico-style node enforces it, reduced to what the lab needs: filter-table
// rules on the path toward each local pod's host-side veth. Chain names follow Felix
// (cali-FORWARD -> cali-to-wl-dispatch -> cali-tw-<iface>); the per-rule chains are hoplab's.
// Supported: ingress rules with ipBlock (cidr and except), podSelector / namespaceSelector peers
// (resolved to the addresses of the pods the lab runs), ports by number, range (endPort) or the
// target pod's named port, protocols TCP/UDP/SCTP. Not enforced: egress rules (a note is
// returned), traffic from the node itself to its pods (it takes OUTPUT, not FORWARD; Kubernetes
// requires node-to-pod traffic to be allowed anyway).
// Isolation (networking/v1 semantics): a pod selected by any policy with policyTypes Ingress
// accepts only what one of those policies' ingress rules allows; other pods accept everything.
import { matchesSelector, namespaceLabels, type K8sObject, type NetworkPolicy, type NetworkPolicyPeer, type NetworkPolicyPort } from '../sim/index.js';
import type { LabPod } from './cluster-plan.js';
import type { SaveTable } from './iptables-text.js';

export const POLICY_CHAINS = { forward: 'cali-FORWARD', dispatch: 'cali-to-wl-dispatch' } as const;

export function toWorkloadChain(iface: string): string {
  return `cali-tw-${iface}`;
}

export interface PolicyRules {
  readonly table: SaveTable;
  readonly notes: readonly string[];
}

function nsLabelsOf(objects: readonly K8sObject[], ns: string): Readonly<Record<string, string>> {
  const o = objects.find((x) => x.kind === 'Namespace' && x.metadata.name === ns);
  return namespaceLabels(ns, o?.metadata.labels ?? {});
}

/** Source matches for one peer: `-s` arguments, or undefined for "any source". */
function peerSources(peer: NetworkPolicyPeer, policyNs: string, objects: readonly K8sObject[], pods: readonly LabPod[]): { sources: string[]; except: string[] } {
  if (peer.ipBlock) {
    if (peer.ipBlock.family !== 4) return { sources: [], except: [] };
    return { sources: [peer.ipBlock.cidrText], except: [...peer.ipBlock.exceptText] };
  }
  const ips = pods
    .filter((p) => (peer.namespaceSelector ? matchesSelector(peer.namespaceSelector, nsLabelsOf(objects, p.ns)) : p.ns === policyNs))
    .filter((p) => (peer.podSelector ? matchesSelector(peer.podSelector, p.labels) : true))
    .map((p) => `${p.ip}/32`);
  return { sources: ips, except: [] };
}

function portArgs(port: NetworkPolicyPort, pod: LabPod): string[] | undefined {
  const proto = port.protocol.toLowerCase();
  if (port.port === undefined) return ['-p', proto];
  let num: number | undefined;
  if (typeof port.port === 'number') num = port.port;
  else num = pod.ports.find((p) => p.name === port.port && p.protocol === port.protocol)?.containerPort;
  if (num === undefined) return undefined; // a named port this pod lacks matches nothing
  const range = port.endPort !== undefined ? `${num}:${port.endPort}` : String(num);
  return ['-p', proto, '-m', proto, '--dport', range];
}

function q(s: string): string {
  return /^[A-Za-z0-9_./:,+-]+$/.test(s) ? s : `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

/** The filter-table fragment for the pods on `node`. */
export function policyRules(objects: readonly K8sObject[], pods: readonly LabPod[], node: string): PolicyRules {
  const policies = objects.filter((o): o is NetworkPolicy => o.kind === 'NetworkPolicy');
  const notes: string[] = [];
  for (const p of policies) if (p.spec.policyTypes.includes('Egress')) notes.push(`NetworkPolicy ${p.metadata.namespace}/${p.metadata.name}: egress rules are not enforced by the lab`);
  const local = pods.filter((p) => p.node === node);
  const chains: string[] = [POLICY_CHAINS.forward, POLICY_CHAINS.dispatch];
  const rules: { chain: string; line: string }[] = [];
  const add = (chain: string, args: string[]): void => { rules.push({ chain, line: ['-A', chain, ...args].join(' ') }); };
  if (local.length > 0) add(POLICY_CHAINS.forward, ['-o', 'cali+', '-m', 'comment', '--comment', q('to local workloads'), '-j', POLICY_CHAINS.dispatch]);
  let ruleChainNo = 0;
  for (const pod of local) {
    const tw = toWorkloadChain(pod.hostVeth);
    chains.push(tw);
    add(POLICY_CHAINS.dispatch, ['-o', pod.hostVeth, '-g', tw]);
    add(tw, ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
    add(tw, ['-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP']);
    const selecting = policies.filter((p) => p.metadata.namespace === pod.ns && p.spec.policyTypes.includes('Ingress') && matchesSelector(p.spec.podSelector, pod.labels));
    if (selecting.length === 0) {
      add(tw, ['-m', 'comment', '--comment', q('no policy selects this pod'), '-j', 'ACCEPT']);
      continue;
    }
    for (const pol of selecting) {
      pol.spec.ingress.forEach((rule, ri) => {
        const comment = ['-m', 'comment', '--comment', q(`${pol.metadata.namespace}/${pol.metadata.name} ingress[${ri}]`)];
        const portSets = rule.ports.length === 0 ? [[] as string[]] : rule.ports.map((p) => portArgs(p, pod)).filter((x): x is string[] => x !== undefined);
        const peers = rule.peers.length === 0 ? [{ sources: [] as string[], except: [] as string[], any: true }] : rule.peers.map((p) => ({ ...peerSources(p, pol.metadata.namespace ?? 'default', objects, pods), any: false }));
        for (const peer of peers) {
          const srcs = peer.any ? [undefined] : peer.sources;
          for (const src of srcs) {
            for (const ports of portSets) {
              if (peer.except.length === 0) {
                add(tw, [...(src !== undefined ? ['-s', src] : []), ...ports, ...comment, '-j', 'ACCEPT']);
              } else {
                // `cidr except ...`: a chain that returns for the excepted ranges, then accepts.
                const sub = `cali-pi-${pod.hostVeth.slice(4)}-${ruleChainNo++}`;
                chains.push(sub);
                for (const ex of peer.except) add(sub, ['-s', ex, '-j', 'RETURN']);
                add(sub, [...(src !== undefined ? ['-s', src] : []), ...ports, ...comment, '-j', 'ACCEPT']);
                add(tw, ['-j', sub]);
              }
            }
          }
        }
      });
    }
    add(tw, ['-m', 'comment', '--comment', q('drop if no policy allowed the packet'), '-j', 'DROP']);
  }
  add('FORWARD', ['-m', 'comment', '--comment', q('hoplab CNI policy'), '-j', POLICY_CHAINS.forward]);
  return {
    table: { name: 'filter', chains: chains.map((name) => ({ name, policy: '-' })), rules },
    notes,
  };
}
