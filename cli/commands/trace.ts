// `hoplab trace <topology-dir> --from <host> --to <ip:port> [--proto tcp|udp|icmp] [--step N | --variant V] [--json]`
import { buildScenario, formatDiagnostic, formatEvent, loadScenario, parseTarget, probe, TraceRecorder, TRACE_VERSION, type ProbeProto } from '../../sim/index.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { folderFiles, readTopology } from '../scenario-files.js';

const USAGE = `usage: hoplab trace <topology-dir> --from <host> --to <ip:port> [--proto tcp|udp|icmp] [--step N | --variant NAME] [--no-policy] [--wait MS] [--seed N] [--json]

Sends one connection attempt (TCP connect, a UDP datagram, or an ICMP echo) through the scenario
(its hosts, Kubernetes part and programs, at the step asked for) and prints the
hop-by-hop story: each host, hook, matching rule (raw line and file:line), NAT rewrite, routing
decision, and delivery or the exact place and reason the packet died.`;

export const command: Command = {
  summary: 'one connection attempt, hop by hop',
  usage: USAGE,
  async run(args, io) {
    const { positional, flags } = parseArgs(args, {
      from: { type: 'string' }, to: { type: 'string' }, proto: { type: 'string' }, step: { type: 'number' },
      variant: { type: 'string' }, wait: { type: 'number' }, seed: { type: 'number' }, json: { type: 'boolean' }, 'no-policy': { type: 'boolean' },
    });
    const dir = positional[0];
    if (!dir || positional.length > 1) throw new UsageError('give exactly one topology folder');
    const from = flags['from'];
    const to = flags['to'];
    if (typeof from !== 'string') throw new UsageError('--from <host> is required');
    if (typeof to !== 'string') throw new UsageError('--to <ip:port> is required');
    const proto = (flags['proto'] ?? 'tcp') as string;
    if (!['tcp', 'udp', 'icmp'].includes(proto)) throw new UsageError(`--proto must be tcp, udp or icmp, not ${proto}`);
    const target = parseTarget(to);
    if (typeof target === 'string') throw new UsageError(target);
    const topoText = readTopology(dir);
    if (typeof topoText === 'string') { io.stderr.write(`hoplab trace: ${topoText}\n`); return 1; }
    const rec = new TraceRecorder();
    // The whole scenario: hosts, the Kubernetes part and the programs (HAProxy, nginx) running.
    const built = buildScenario(loadScenario(folderFiles(dir)), {
      ...(typeof flags['step'] === 'number' ? { step: flags['step'] } : {}),
      ...(typeof flags['variant'] === 'string' ? { variant: flags['variant'] } : {}),
      ...(typeof flags['seed'] === 'number' ? { seed: flags['seed'] } : {}),
      ...(flags['no-policy'] ? { noPolicy: true } : {}),
      recorder: rec,
    });
    const diagnostics = built.allDiagnostics;
    const host = built.world.hosts.get(from);
    if (!host) { io.stderr.write(`hoplab trace: no host "${from}" in ${dir} (hosts: ${[...built.world.hosts.keys()].join(', ')})\n`); return 2; }
    const wait = typeof flags['wait'] === 'number' ? flags['wait'] : proto === 'tcp' ? 3000 : 1000;
    const result = probe(built.world, host, target, proto as ProbeProto, wait * 1000);
    if (flags['json']) {
      io.stdout.write(`${JSON.stringify({ version: TRACE_VERSION, from, to, proto, result, diagnostics, events: rec.events }, null, 2)}\n`);
    } else {
      for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
      for (const e of rec.events) io.stdout.write(`${formatEvent(e)}\n`);
      io.stdout.write(`\nresult: ${result.outcome} after ${result.elapsedMs} ms — ${result.detail}\n`);
    }
    return diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
  },
};
