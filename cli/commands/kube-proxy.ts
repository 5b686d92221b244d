// `hoplab kube-proxy render <dir> [--step N | --variant NAME] --node worker01`: the rules kube-proxy
// writes on a node, as `iptables-save` prints them there (or in kube-proxy's own order).
import { buildScenario, formatDiagnostic, loadScenario } from '../../sim/index.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { folderFiles } from '../scenario-files.js';

const USAGE = `usage: hoplab kube-proxy render <topology-dir> [--step N | --variant NAME] --node <node> [--input]

Prints the iptables rules kube-proxy (iptables mode) writes on the node for the scenario's Services and
endpoints at that step, as iptables-save shows them on the node. --input prints the Services and
endpoints kube-proxy was given instead (JSON).`;

export const command: Command = {
  summary: "a node's kube-proxy rules as iptables-save text",
  usage: USAGE,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'render') throw new UsageError(`unknown subcommand ${sub ?? '(none)'}; expected render`);
    const { positional, flags } = parseArgs(rest, { step: { type: 'number' }, variant: { type: 'string' }, node: { type: 'string' }, input: { type: 'boolean' } });
    const dir = positional[0];
    if (!dir || positional.length > 1) throw new UsageError('give exactly one topology folder');
    const node = flags['node'];
    if (typeof node !== 'string') throw new UsageError('--node <node> is required');
    const sc = loadScenario(folderFiles(dir));
    const sw = buildScenario(sc, {
      ...(typeof flags['step'] === 'number' ? { step: flags['step'] } : {}),
      ...(typeof flags['variant'] === 'string' ? { variant: flags['variant'] } : {}),
    });
    for (const d of sw.allDiagnostics.filter((x) => x.severity === 'error')) io.stderr.write(`${formatDiagnostic(d)}\n`);
    const kp = sw.cluster.kubeProxy.get(node);
    if (!kp) {
      io.stderr.write(`hoplab kube-proxy: ${node} is not a Kubernetes node of this scenario (nodes: ${[...sw.cluster.kubeProxy.keys()].join(', ') || 'none'})\n`);
      return 2;
    }
    io.stdout.write(flags['input'] ? `${JSON.stringify(kp.input, null, 2)}\n` : kp.text);
    return 0;
  },
};
