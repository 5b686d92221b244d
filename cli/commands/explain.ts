// `hoplab explain <dir> [--step N | --variant NAME] [--no-policy] --from host01 --to 192.168.0.1:30080`
import { formatDiagnostic, loadScenario, runTries, SimulateError, TraceRecorder, randomChooser, seededRng, tellStory, sourceLineage } from '../../sim/index.js';
import type { Command } from '../io.js';
import { UsageError } from '../args.js';
import { folderFiles } from '../scenario-files.js';
import { simulateOptions } from './simulate.js';

const USAGE = `usage: hoplab explain <topology-dir> [--step N | --variant NAME] [--no-policy] --from <host> --to <ip:port> [--try N] [--max-time S] [--path /p] [--seed N]

Runs one request (as hoplab simulate does) and tells its story: every packet that mattered, the hosts
it crossed, each rewrite, routing and policy decision with its config line, where it ended and why,
and the address each hop believed the client had.`;

export const command: Command = {
  summary: 'the story of one request in words and rules',
  usage: USAGE,
  async run(args, io) {
    const tryAt = args.indexOf('--try');
    const nth = tryAt >= 0 ? Number(args[tryAt + 1]) : 1;
    if (!Number.isInteger(nth) || nth < 1 || nth > 100) throw new UsageError('--try must be an integer 1..100');
    const rest = tryAt >= 0 ? [...args.slice(0, tryAt), ...args.slice(tryAt + 2)] : [...args];
    const { dir, opts } = simulateOptions(rest.filter((a) => a !== '--json'));
    const sc = loadScenario(folderFiles(dir));
    const rec = new TraceRecorder();
    let seen = nth;
    try {
      // Earlier tries run unrecorded (they set HAProxy's round-robin position); the last one is told.
      const r = runTries(sc, { ...opts, tries: nth, recorder: rec }, randomChooser(seededRng((opts.seed ?? 1) ^ 0x5bd1e995)), false);
      const t = r.tries[nth - 1];
      const from = rec.events.findIndex((e) => e.kind === 'app' && e.app === 'curl' && e.action === 'connect' && --seen === 0);
      const events = rec.events.slice(Math.max(0, from));
      for (const d of r.world.allDiagnostics.filter((x) => x.severity === 'error' || x.severity === 'unsupported')) io.stderr.write(`${formatDiagnostic(d)}\n`);
      io.stdout.write(`${tellStory(events).join('\n')}\n\n`);
      io.stdout.write('the client address, hop by hop:\n');
      for (const l of sourceLineage(events, opts.from)) io.stdout.write(`  ${l.host.padEnd(24)} ${l.src.padEnd(16)} ${l.why}\n`);
      io.stdout.write(`\noutcome: ${t?.outcome ?? '?'}${t?.curl ? ` — ${t.curl}` : ''}${t?.loggedClientIp ? ` — nginx logged ${t.loggedClientIp}` : ''}\n`);
      return 0;
    } catch (e) {
      if (e instanceof SimulateError) {
        for (const d of e.diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
        io.stderr.write(`hoplab explain: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
