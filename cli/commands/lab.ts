// `hoplab lab up|probe|capture|down|verify|record`: the real-kernel lab (lab/), as root on Linux.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import type { Command, Io } from '../io.js';
import { Lab, labDown, readLabState } from '../../lab/lab.js';
import { probe, type ProbeResult } from '../../lab/probe.js';
import { startCapture } from '../../lab/capture.js';
import { RECORD_CAPTURE, recordCaptures } from '../../lab/record.js';
import { environmentProblem, sleep, teardownAll } from '../../lab/runtime.js';
import { verify, type LabSimulator, type VerifyRow } from '../../lab/verify.js';
import type { LabTracer } from '../../lab/hop-report.js';

const USAGE = `usage:
  hoplab lab up <dir> [--step N | --variant V] [--no-policy] [--policy-placement before-kube-forward|after-kube-forward] [--verbose]
  hoplab lab probe --from <host> --to <ip[:port]> [--tries N] [--timeout S] [--json]
  hoplab lab capture <host> [<iface>|any] --out <file.pcap> [--duration S] [--count N]
  hoplab lab down
  hoplab lab verify <dir> [--tries N] [--no-policy | --policy-only] [--no-hops] [--json]
  hoplab lab record <dir> --out <dir> [--tries N] [--no-policy]

Builds a scenario in hoplab-* network namespaces with real haproxy, nginx and iptables (root, Linux).`;

/** Tears the lab down if the command is interrupted while building. */
function guardSignals(io: Io): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    io.stderr.write(`\nhoplab lab: ${sig}: tearing the lab down\n`);
    void teardownAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => { process.off('SIGINT', handler); process.off('SIGTERM', handler); };
}

function formatProbe(r: ProbeResult): string {
  const lines = r.tries.map((t, i) => `  ${String(i + 1).padStart(2)}  ${t.outcome.padEnd(8)} ${String(t.elapsedMs).padStart(5)} ms${t.httpStatus !== undefined ? `  HTTP ${t.httpStatus}` : ''}${t.server ? `  server ${t.server}` : ''}${t.loggedClientIp ? `  nginx logged ${t.loggedClientIp}` : ''}`);
  const s = r.summary;
  return `step ${r.step}: ${r.from} -> ${r.to}\n${lines.join('\n')}\n  ok ${s.ok}, timeout ${s.timeout}, reset ${s.reset}, refused ${s.refused}\n`;
}

async function loadSimulator(): Promise<{ simulate: LabSimulator; trace: LabTracer } | undefined> {
  const m = await import('../lab-simulator.js');
  return { simulate: m.labSimulator, trace: m.labTracer };
}

async function run(args: readonly string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined) throw new UsageError('which lab command? (up, probe, capture, down, verify, record)');
  const problem = environmentProblem(sub === 'capture' || sub === 'record' ? ['tcpdump'] : []);
  if (problem) { io.stderr.write(`hoplab lab: ${problem}\n`); return 1; }
  switch (sub) {
    case 'up': {
      const a = parseArgs(rest, { step: { type: 'number' }, variant: { type: 'string' }, 'no-policy': { type: 'boolean' }, 'policy-placement': { type: 'string' }, verbose: { type: 'boolean', alias: 'v' } });
      const dir = a.positional[0];
      if (dir === undefined || a.positional.length > 1) throw new UsageError('lab up takes one scenario folder');
      if (a.flags.step !== undefined && a.flags.variant !== undefined) throw new UsageError('--step and --variant exclude each other');
      const placement = a.flags['policy-placement'];
      if (placement !== undefined && placement !== 'before-kube-forward' && placement !== 'after-kube-forward') throw new UsageError('--policy-placement is before-kube-forward or after-kube-forward');
      const release = guardSignals(io);
      try {
        const lab = await Lab.up(dir, {
          ...(a.flags.step !== undefined ? { step: a.flags.step as number } : {}),
          ...(a.flags.variant !== undefined ? { variant: String(a.flags.variant) } : {}),
          policy: a.flags['no-policy'] !== true,
          ...(placement !== undefined ? { placement } : {}),
          ...(a.flags.verbose ? { log: (s: string) => io.stderr.write(`${s}\n`) } : {}),
        });
        const i = lab.info;
        io.stdout.write(`lab up: ${lab.scenario.topology.name} ${i.variant !== undefined ? `variant ${i.variant}` : `step ${i.step}`}, NetworkPolicy ${i.policy ? 'on' : 'off'}\n`);
        for (const p of i.pods) io.stdout.write(`  pod ${p.ns}/${p.name} on ${p.node}: ${p.ip} (${p.hostVeth})\n`);
        for (const d of lab.adjustments) io.stdout.write(`  haproxy.cfg:${d.line}: ${d.before.trim()} -> ${d.after?.trim() ?? '(removed)'} (${d.why})\n`);
        for (const n of i.notes) io.stdout.write(`  note: ${n}\n`);
        return 0;
      } finally { release(); }
    }
    case 'probe': {
      const a = parseArgs(rest, { from: { type: 'string' }, to: { type: 'string' }, tries: { type: 'number' }, timeout: { type: 'number' }, json: { type: 'boolean' } });
      if (a.flags.from === undefined || a.flags.to === undefined) throw new UsageError('lab probe needs --from and --to');
      const tries = (a.flags.tries as number | undefined) ?? 1;
      if (!Number.isInteger(tries) || tries < 1 || tries > 100) throw new UsageError('--tries is 1..100');
      const timeout = (a.flags.timeout as number | undefined) ?? 2;
      if (timeout <= 0 || timeout > 60) throw new UsageError('--timeout is 0..60 seconds');
      const r = await probe({ from: String(a.flags.from), to: String(a.flags.to), tries, timeoutSeconds: timeout });
      io.stdout.write(a.flags.json ? `${JSON.stringify(r, null, 2)}\n` : formatProbe(r));
      return 0;
    }
    case 'capture': {
      const a = parseArgs(rest, { out: { type: 'string', alias: 'o' }, duration: { type: 'number' }, count: { type: 'number' } });
      const [host, iface = 'any'] = a.positional;
      if (host === undefined || a.flags.out === undefined) throw new UsageError('lab capture needs a host and --out');
      const count = a.flags.count as number | undefined;
      const h = await startCapture(host, iface, resolve(String(a.flags.out)), count !== undefined ? { ...RECORD_CAPTURE, count } : RECORD_CAPTURE);
      io.stderr.write(`capturing: ${h.command}\n(stop with Ctrl-C${a.flags.duration !== undefined ? ` or after ${String(a.flags.duration)} s` : ''})\n`);
      await new Promise<void>((res) => {
        const done = (): void => { process.off('SIGINT', done); process.off('SIGTERM', done); res(); };
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
        if (a.flags.duration !== undefined) void sleep(Number(a.flags.duration) * 1000).then(done);
      });
      const { bytes, dropped } = await h.stop();
      io.stdout.write(`${String(a.flags.out)}: ${bytes} bytes${dropped > 0 ? ` (tcpdump: ${dropped} packets dropped by the kernel)` : ''}\n`);
      return 0;
    }
    case 'down': {
      if (rest.length > 0) throw new UsageError('lab down takes no arguments');
      const r = await labDown();
      io.stdout.write(`lab down: ${r.namespaces} namespaces and ${r.processes} processes removed\n`);
      return 0;
    }
    case 'verify': {
      const a = parseArgs(rest, { tries: { type: 'number' }, 'no-policy': { type: 'boolean' }, 'policy-only': { type: 'boolean' }, 'no-hops': { type: 'boolean' }, json: { type: 'boolean' } });
      const dir = a.positional[0];
      if (dir === undefined) throw new UsageError('lab verify takes a scenario folder');
      const problemHops = a.flags['no-hops'] ? undefined : environmentProblem(['tcpdump']);
      if (problemHops) { io.stderr.write(`hoplab lab verify: ${problemHops} (the divergent hop needs tcpdump; --no-hops goes without)\n`); return 1; }
      const sim = await loadSimulator();
      if (!sim) { io.stderr.write('hoplab lab verify: the simulator is not available; nothing to compare the kernel with\n'); return 1; }
      const release = guardSignals(io);
      try {
        // Both with and without the scenario's NetworkPolicy, unless one is asked for.
        const policies = a.flags['no-policy'] ? [false] : a.flags['policy-only'] ? [true] : [true, false];
        const rows: (VerifyRow & { policy: boolean })[] = [];
        for (const policy of policies) {
          const log = a.flags['json'] ? undefined : (s: string) => io.stdout.write(`${policy ? '[policy]    ' : '[no policy] '}${s}\n`);
          const r = await verify(dir, sim.simulate, { ...(a.flags.tries !== undefined ? { tries: a.flags.tries as number } : {}), policy, ...(log ? { log } : {}), ...(a.flags['no-hops'] ? {} : { tracer: sim.trace }) });
          rows.push(...r.map((x) => ({ ...x, policy })));
        }
        const bad = rows.filter((r) => !r.agree).length;
        if (a.flags['json']) io.stdout.write(`${JSON.stringify({ agree: rows.length - bad, differ: bad, rows: rows.map((r) => ({ target: r.target, policy: r.policy, from: r.from, to: r.to, agree: r.agree, differences: r.differences, ...(r.firstDivergentHop !== undefined ? { firstDivergentHop: r.firstDivergentHop } : {}), ...(r.hops ? { hops: r.hops } : {}), kernel: r.kernel, simulated: r.simulated })) }, null, 2)}\n`);
        else io.stdout.write(`${rows.length - bad} agree, ${bad} differ\n`);
        return bad === 0 ? 0 : 1;
      } finally { release(); }
    }
    case 'record': {
      const a = parseArgs(rest, { out: { type: 'string', alias: 'o' }, tries: { type: 'number' }, 'no-policy': { type: 'boolean' } });
      const dir = a.positional[0];
      if (dir === undefined || a.flags.out === undefined) throw new UsageError('lab record takes a scenario folder and --out <dir>');
      mkdirSync(String(a.flags.out), { recursive: true });
      const release = guardSignals(io);
      try {
        const caps = await recordCaptures(dir, String(a.flags.out), { ...(a.flags.tries !== undefined ? { tries: a.flags.tries as number } : {}), policy: a.flags['no-policy'] !== true, log: (s) => io.stdout.write(`${s}\n`) });
        io.stdout.write(`${caps.length} captures written\n`);
        return 0;
      } finally { release(); }
    }
    case 'status': {
      const st = readLabState();
      io.stdout.write(st ? `${JSON.stringify(st, null, 2)}\n` : 'no lab is up\n');
      return 0;
    }
    default:
      throw new UsageError(`unknown lab command ${sub}`);
  }
}

export const command: Command = {
  summary: 'build a scenario on the real kernel (namespaces, haproxy, nginx, iptables) and probe it',
  usage: USAGE,
  run,
};
