// What the lab may run, checked before anything runs. The rules (docs/lab.md "Safety"):
// - in the root namespace only `ip netns add|del|list|pids` on `hoplab-*` namespaces;
// - everything else inside a `hoplab-*` namespace, through `ip -n <ns>` (for ip) or
//   `ip netns exec <ns>`; programs from a fixed list;
// - an `ip` command may name another namespace only to create a veth end in, or move one to, a
//   `hoplab-*` namespace; never a pid, never the root namespace, never a batch file.
import { isLabNs } from './names.js';
import type { LabCommand } from './net-plan.js';

export const NS_PROGRAMS = ['ip', 'bridge', 'sysctl', 'iptables-nft', 'iptables-nft-restore', 'iptables-nft-save', 'haproxy', 'nginx', 'curl', 'tcpdump', 'conntrack', 'node'] as const;

export class UnsafeCommandError extends Error {}

const IP_FORBIDDEN_OPTIONS = new Set(['-n', '-netns', '--netns', '-b', '-batch', '--batch', '-force', '-all', '-a']);

function checkIpArgs(args: readonly string[], where: string): void {
  if (args.length === 0) throw new UnsafeCommandError(`${where}: empty ip command`);
  for (const a of args) if (IP_FORBIDDEN_OPTIONS.has(a)) throw new UnsafeCommandError(`${where}: ip option ${a} is not allowed`);
  const obj = args[0] as string;
  if (obj === 'netns' || obj === 'net' || obj === 'ne') throw new UnsafeCommandError(`${where}: ip netns inside a namespace is not allowed`);
  args.forEach((a, i) => {
    if (a !== 'netns') return;
    const target = args[i + 1];
    const isLinkAddPeer = obj === 'link' && args[1] === 'add' && args.includes('peer');
    const isLinkSet = obj === 'link' && args[1] === 'set';
    if (!(isLinkAddPeer || isLinkSet)) throw new UnsafeCommandError(`${where}: "netns" is only allowed to place a veth end`);
    if (target === undefined || !isLabNs(target)) throw new UnsafeCommandError(`${where}: interfaces may only go to hoplab-* namespaces, not ${target ?? '(nothing)'}`);
  });
}

/** Throws UnsafeCommandError unless the command keeps to the lab's rules. */
export function assertSafe(c: LabCommand): void {
  const where = `[${c.ns ?? 'root'}] ${c.argv.join(' ')}`;
  const prog = c.argv[0];
  if (c.ns === null) {
    const [, a, b, ns] = c.argv;
    const ok = prog === 'ip' && a === 'netns' && ((b === 'list' && c.argv.length === 3) || ((b === 'add' || b === 'del' || b === 'delete' || b === 'pids') && ns !== undefined && isLabNs(ns) && c.argv.length === 4));
    if (!ok) throw new UnsafeCommandError(`${where}: only "ip netns add|del|pids hoplab-*" and "ip netns list" run in the root namespace`);
    return;
  }
  if (!isLabNs(c.ns)) throw new UnsafeCommandError(`${where}: ${c.ns} is not a hoplab-* namespace`);
  if (!(NS_PROGRAMS as readonly string[]).includes(prog ?? '')) throw new UnsafeCommandError(`${where}: program ${prog ?? '(none)'} is not on the lab's list (${NS_PROGRAMS.join(', ')})`);
  if (prog === 'ip') checkIpArgs(c.argv.slice(1), where);
  // node runs only the lab's own kube-proxy health server script.
  if (prog === 'node' && !(c.argv.length === 2 && /\/kube-proxy-health\.cjs$/.test(c.argv[1] ?? '') && /^\/(run|tmp)\/hoplab-lab\//.test(c.argv[1] ?? ''))) throw new UnsafeCommandError(`${where}: node may only run the lab's kube-proxy health server`);
  if (prog === 'bridge' && c.argv.some((a) => IP_FORBIDDEN_OPTIONS.has(a) || a === 'netns')) throw new UnsafeCommandError(`${where}: bridge may not name a namespace or batch file`);
}

/** The argv the root namespace actually executes for a checked command. */
export function hostArgv(c: LabCommand): string[] {
  assertSafe(c);
  if (c.ns === null) return [...c.argv];
  if (c.argv[0] === 'ip') return ['ip', '-n', c.ns, ...c.argv.slice(1)];
  return ['ip', 'netns', 'exec', c.ns, ...c.argv];
}
