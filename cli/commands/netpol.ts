// `hoplab netpol matrix|explain|diff`: NetworkPolicy truth tables and verdicts over plain
// Kubernetes YAML (Namespaces, Pods with labels/IPs/ports, NetworkPolicies; files or directories).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import type { Io, Command } from '../io.js';
import { formatDiagnostic, hasErrors } from '../../sim/index.js';
import { parseIPv4 } from '../../sim/index.js';
import { isProtocol } from '../../sim/index.js';
import type { Protocol } from '../../sim/index.js';
import { parseManifestFiles } from '../../sim/index.js';
import type { EndRef, NetpolCluster } from '../../sim/index.js';
import { buildCluster, computeMatrix, diffMatrices, evaluateConnection, explainText, formatDiff, formatMatrix, indexCluster, matrixToJson, parseIpList, verdictToJson } from '../../sim/index.js';

const USAGE = `usage:
  hoplab netpol matrix <file|dir>... [--port 80] [--protocol TCP] [--from-ip IP ...] [--json] [--verbose]
  hoplab netpol explain <file|dir>... --from <ns/pod|IP> --to <ns/pod> --port N [--protocol TCP] [--json] [--verbose]
  hoplab netpol diff <before> <after> [--port 80] [--protocol TCP] [--from-ip IP ...] [--json] [--verbose]

Reads Namespaces, Pods (labels, status.podIP, container ports, nodeName) and NetworkPolicies from
Kubernetes YAML (multi-document or kind: List; a directory means every .yaml/.yml/.json in it).
Pods are named namespace/name. In the matrix, rows are sources and columns destinations:
'.' allowed, 'X' denied.`;

const MANIFEST_EXT = /\.(ya?ml|json)$/i;

function collect(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const e of readdirSync(path).sort()) {
      const p = join(path, e);
      if (statSync(p).isDirectory()) collect(p, out);
      else if (MANIFEST_EXT.test(e)) out.push(p);
    }
  } else out.push(path);
}

function load(paths: readonly string[], io: Io, verbose: boolean): { cluster: NetpolCluster; failed: boolean } {
  const files: { file: string; text: string }[] = [];
  for (const p of paths) {
    const list: string[] = [];
    try { collect(p, list); } catch { throw new UsageError(`cannot read ${p}`); }
    for (const f of list) files.push({ file: f, text: readFileSync(f, 'utf8') });
  }
  const parsed = parseManifestFiles(files);
  const built = buildCluster(parsed.value);
  const ds = [...parsed.diagnostics, ...built.diagnostics];
  for (const d of ds) if (verbose || d.severity !== 'info') io.stderr.write(`${formatDiagnostic(d)}\n`);
  return { cluster: built.cluster, failed: hasErrors(ds) };
}

function protocolOf(v: unknown): Protocol {
  const t = typeof v === 'string' ? v.toUpperCase() : 'TCP';
  if (!isProtocol(t)) throw new UsageError(`--protocol must be TCP, UDP or SCTP, got "${String(v)}"`);
  return t;
}

function portOf(v: unknown, def?: number): number {
  if (v === undefined && def !== undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new UsageError('--port must be a port number (1-65535)');
  return v;
}

function ipsOf(v: unknown): ReturnType<typeof parseIpList>['ips'] {
  const list = Array.isArray(v) ? v.map(String) : [];
  const { ips, bad } = parseIpList(list);
  if (bad.length) throw new UsageError(`--from-ip expects IPv4 addresses, got ${bad.join(', ')}`);
  return ips;
}

function endRef(text: string, flag: string): EndRef {
  const ip = parseIPv4(text);
  if (ip !== undefined) return { ip };
  if (/^[^/\s]+\/[^/\s]+$/.test(text)) return { pod: text };
  throw new UsageError(`${flag} expects namespace/pod or an IPv4 address, got "${text}"`);
}

const FLAGS = {
  port: { type: 'number' },
  protocol: { type: 'string' },
  'from-ip': { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', alias: 'v' },
} as const;

async function run(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const a = parseArgs(rest, FLAGS);
  const verbose = a.flags.verbose === true;
  const json = a.flags.json === true;
  switch (sub) {
    case 'matrix': {
      if (a.positional.length === 0) throw new UsageError('matrix needs at least one file or directory');
      const { cluster, failed } = load(a.positional, io, verbose);
      const m = computeMatrix(cluster, { port: portOf(a.flags.port, 80), protocol: protocolOf(a.flags.protocol), fromIps: ipsOf(a.flags['from-ip']) });
      io.stdout.write(json ? `${JSON.stringify(matrixToJson(m), null, 2)}\n` : formatMatrix(m));
      return failed ? 1 : 0;
    }
    case 'explain': {
      if (a.positional.length === 0) throw new UsageError('explain needs at least one file or directory');
      if (typeof a.flags.from !== 'string' || typeof a.flags.to !== 'string') throw new UsageError('explain needs --from and --to');
      const port = portOf(a.flags.port);
      const { cluster, failed } = load(a.positional, io, verbose);
      const ix = indexCluster(cluster);
      const from = endRef(a.flags.from, '--from');
      const to = endRef(a.flags.to, '--to');
      for (const e of [from, to]) if ('pod' in e && !ix.podByKey.has(e.pod)) { io.stderr.write(`hoplab netpol: no pod ${e.pod} in the manifests\n`); return 1; }
      const v = evaluateConnection(ix, { from, to, port, protocol: protocolOf(a.flags.protocol) });
      io.stdout.write(json ? `${JSON.stringify(verdictToJson(ix, v), null, 2)}\n` : explainText(ix, v));
      return failed ? 1 : 0;
    }
    case 'diff': {
      if (a.positional.length !== 2) throw new UsageError('diff needs exactly two paths: <before> <after>');
      const opts = { port: portOf(a.flags.port, 80), protocol: protocolOf(a.flags.protocol), fromIps: ipsOf(a.flags['from-ip']) };
      const before = load([a.positional[0] as string], io, verbose);
      const after = load([a.positional[1] as string], io, verbose);
      const changes = diffMatrices(computeMatrix(before.cluster, opts), computeMatrix(after.cluster, opts));
      io.stdout.write(json ? `${JSON.stringify({ port: opts.port, protocol: opts.protocol, changes }, null, 2)}\n` : formatDiff(changes, opts.port, opts.protocol));
      return before.failed || after.failed ? 1 : 0;
    }
    default:
      throw new UsageError(sub === undefined ? 'missing subcommand (matrix, explain or diff)' : `unknown subcommand "${sub}" (expected matrix, explain or diff)`);
  }
}

export const command: Command = {
  summary: 'NetworkPolicy truth tables, verdicts with reasons, and diffs over Kubernetes YAML',
  usage: USAGE,
  run,
};
