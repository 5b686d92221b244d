// Each host's iptables tables as one iptables-restore payload: the host's own iptables-save file
// (topology `files.iptables`, or its replacement), then on Kubernetes nodes kube-proxy's tables
// from hoplab's generator (its jumps sit above what was there, as EnsureRule Prepend leaves them
// on a fresh node) and the CNI's policy chains (Felix keeps its jump at the top of FORWARD;
// `policyPlacement: after-kube-forward` puts it right below kube-proxy's KUBE-FORWARD jump).
import type { K8sObject, Topology } from '../sim/index.js';
import { kubeProxyInput, kubeProxyTables, type ClusterPlan } from './cluster-plan.js';
import { mergeSources, parseSaveText, serializeSaveText, type RuleSource } from './iptables-text.js';
import { primaryAddress } from './net-plan.js';
import { policyRules } from './netpol-iptables.js';

export interface HostTables {
  /** Empty when the host has no rules at all (nothing to restore). */
  readonly text: string;
  readonly notes: readonly string[];
}

export function hostTables(topo: Topology, host: string, opts: { readonly baseText?: string; readonly baseFile?: string; readonly objects: readonly K8sObject[]; readonly cluster?: ClusterPlan; readonly policy: boolean; readonly placement?: 'before-kube-forward' | 'after-kube-forward' }): HostTables {
  const sources: RuleSource[] = [];
  const notes: string[] = [];
  if (opts.baseText !== undefined) sources.push({ name: opts.baseFile ?? `${host} iptables`, tables: parseSaveText(opts.baseText, opts.baseFile ?? `${host} iptables`), builtinPlacement: 'append' });
  const k8s = topo.kubernetes;
  const h = topo.hosts.find((x) => x.name === host);
  if (k8s && h && k8s.nodes.includes(host) && opts.cluster) {
    const ip = primaryAddress(h)?.ip;
    const input = kubeProxyInput(opts.objects, opts.cluster, host, ip ? [ip] : [], k8s.clusterCIDR);
    sources.push({ name: 'kube-proxy', tables: parseSaveText(kubeProxyTables(input), 'kube-proxy'), builtinPlacement: 'top' });
    // Without policy (--no-policy) the CNI's chains stay and accept everything, as with no NetworkPolicy objects.
    const objects = opts.policy ? opts.objects : opts.objects.filter((o) => o.kind !== 'NetworkPolicy');
    const pr = policyRules(objects, opts.cluster.pods, host);
    notes.push(...pr.notes);
    const placement = opts.placement ?? k8s.cni?.policyPlacement ?? 'before-kube-forward';
    sources.push({ name: 'cni policy', tables: [pr.table], builtinPlacement: placement === 'before-kube-forward' ? 'top' : { after: '-j KUBE-FORWARD' } });
  }
  if (sources.length === 0) return { text: '', notes };
  return { text: serializeSaveText(mergeSources(sources)), notes };
}
