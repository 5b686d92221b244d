// `hoplab simulate <dir> [--step N | --variant NAME] [--no-policy] --from host01 --to 192.168.0.1:30080 [--tries N] [--explore] [--json]`
import { formatDiagnostic, loadScenario, simulate, SimulateError, type SimulateResult } from '../../sim/index.js';
import { parseArgs, UsageError } from '../args.js';
import type { Command, Io } from '../io.js';
import { folderFiles } from '../scenario-files.js';

const USAGE = `usage: hoplab simulate <topology-dir> [--step N | --variant NAME] [--no-policy] --from <host> --to <ip:port>
                       [--tries N] [--max-time S] [--path /p] [--reboot HOST,...] [--explore] [--seed N] [--json]

Runs \`curl -m S http://ip:port/path\` from a client N times, one after another, and reports what curl
saw, which HAProxy server each try went to, and the client address nginx logged. --explore treats
every random choice (kube-proxy's statistic rules, scheduler ties, HAProxy's round-robin position
before the first try) as unknown and prints exact probabilities. --reboot restarts hosts after the
step's changes: only what they declare persistent comes back.`;

export const FLAGS = {
  step: { type: 'number' }, variant: { type: 'string' }, 'no-policy': { type: 'boolean' }, from: { type: 'string' }, to: { type: 'string' },
  tries: { type: 'number' }, 'max-time': { type: 'number' }, reboot: { type: 'string', multiple: true }, path: { type: 'string' }, explore: { type: 'boolean' }, seed: { type: 'number' }, json: { type: 'boolean' },
} as const;

export function simulateOptions(args: readonly string[]): { dir: string; opts: Parameters<typeof simulate>[1] } {
  const { positional, flags } = parseArgs(args, FLAGS);
  const dir = positional[0];
  if (!dir || positional.length > 1) throw new UsageError('give exactly one topology folder');
  if (typeof flags['from'] !== 'string') throw new UsageError('--from <host> is required');
  if (typeof flags['to'] !== 'string') throw new UsageError('--to <ip:port> is required');
  if (flags['step'] !== undefined && flags['variant'] !== undefined) throw new UsageError('give --step or --variant, not both');
  const tries = flags['tries'] ?? 1;
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 1 || tries > 1000) throw new UsageError('--tries must be an integer 1..1000');
  return {
    dir,
    opts: {
      from: flags['from'], to: flags['to'], tries,
      ...(typeof flags['step'] === 'number' ? { step: flags['step'] } : {}),
      ...(typeof flags['variant'] === 'string' ? { variant: flags['variant'] } : {}),
      ...(flags['no-policy'] ? { noPolicy: true } : {}),
      ...(typeof flags['max-time'] === 'number' ? { maxTimeS: flags['max-time'] } : {}),
      ...(typeof flags['path'] === 'string' ? { path: flags['path'] } : {}),
      ...(flags['explore'] ? { explore: true } : {}),
      ...(typeof flags['seed'] === 'number' ? { seed: flags['seed'] } : {}),
      ...(Array.isArray(flags['reboot']) ? { reboot: flags['reboot'].flatMap((x) => x.split(',')).filter((x) => x !== '') } : {}),
    },
  };
}

export function printResult(r: SimulateResult, io: Io): void {
  const where = r.variant !== undefined ? `variant ${r.variant}` : `step ${r.step}`;
  io.stdout.write(`${where}: curl from ${r.from} to ${r.to}\n\n`);
  io.stdout.write(`${'try'.padEnd(5)}${'outcome'.padEnd(10)}${'http'.padEnd(6)}${'server'.padEnd(10)}${'nginx logged'.padEnd(16)}elapsed\n`);
  r.tries.forEach((t, i) => {
    io.stdout.write(`${String(i + 1).padEnd(5)}${t.outcome.padEnd(10)}${String(t.httpStatus ?? '-').padEnd(6)}${(t.server ?? '-').padEnd(10)}${(t.loggedClientIp ?? '-').padEnd(16)}${t.elapsedMs} ms${t.curl ? `  ${t.curl}` : ''}\n`);
  });
  const s = r.summary;
  io.stdout.write(`\nsummary: ok ${s.ok}, timeout ${s.timeout}, reset ${s.reset}, refused ${s.refused}\n`);
  if (r.probabilities) {
    const p = r.probabilities;
    io.stdout.write(`probabilities per try (${r.paths} paths explored): ok ${p.ok}, timeout ${p.timeout}, reset ${p.reset}, refused ${p.refused}\n`);
  }
  if (r.nginxLog && r.nginxLog.length) io.stdout.write(`\nnginx log:\n${r.nginxLog.map((l) => `  ${l}`).join('\n')}\n`);
}

export const command: Command = {
  summary: 'tries of curl through the scenario, with outcomes and logged client addresses',
  usage: USAGE,
  async run(args, io) {
    const { dir, opts } = simulateOptions(args);
    const sc = loadScenario(folderFiles(dir));
    try {
      const r = simulate(sc, opts);
      if (args.includes('--json')) {
        const { nginxLog: _log, ...json } = r;
        io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      } else printResult(r, io);
      return 0;
    } catch (e) {
      if (e instanceof SimulateError) {
        for (const d of e.diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
        io.stderr.write(`hoplab simulate: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
