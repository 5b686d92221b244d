// `hoplab lab verify`: every step and variant of a scenario, the simulator's prediction beside
// what the kernel did, request by request. The simulator is a parameter (LabSimulator): the lab
// does not depend on the engine's internals, and verify reports plainly when no simulator is given.
// Outcomes are compared as counts (HAProxy's round robin may start on either server) and logged
// client addresses as sets. With a tracer (LabTracer), each request they disagree on is sent once
// more, captured in every namespace, and compared hop by hop with the simulator's trace: the row
// then says where the two part (lab/hop-report.ts). Those extra tries are sent after the step's
// requests, so they do not change what the step's own rows saw.
import { firstDivergentHop, type HopReport, type LabTracer } from './hop-report.js';
import { Lab } from './lab.js';
import { probe, type ProbeResult } from './probe.js';
import { loadScenario } from './scenario.js';
import { teardownAll } from './runtime.js';

export interface SimRequest {
  readonly dir: string;
  readonly step: number;
  readonly variant?: string;
  readonly policy: boolean;
  readonly from: string;
  readonly to: string;
  readonly tries: number;
}

/** What the engine must provide: the same JSON as `lab probe`, for the same request. */
export type LabSimulator = (req: SimRequest) => Promise<ProbeResult>;

export interface VerifyRow {
  readonly target: string;
  readonly from: string;
  readonly to: string;
  readonly kernel: ProbeResult;
  readonly simulated: ProbeResult;
  readonly agree: boolean;
  readonly differences: readonly string[];
  /** For a disagreement: where kernel and simulator part, in words ("first divergent hop: ..."). */
  readonly firstDivergentHop?: string;
  /** The same, structured: the divergence, the kernel's extra try and the simulator's path compared. */
  readonly hops?: HopReport;
}

export interface VerifyOptions {
  readonly tries?: number;
  readonly policy?: boolean;
  readonly log?: (s: string) => void;
  /** Traces the simulator's side of a disagreement; without it rows carry no divergent hop. */
  readonly tracer?: LabTracer;
}

const NOT_RUN = (r: { from: string; to: string }): ProbeResult => ({ step: '-', from: r.from, to: r.to, tries: [], summary: { ok: 0, timeout: 0, reset: 0, refused: 0 } });

export function compareResults(kernel: ProbeResult, sim: ProbeResult): string[] {
  const diffs: string[] = [];
  for (const k of ['ok', 'timeout', 'reset', 'refused'] as const) {
    if (kernel.summary[k] !== sim.summary[k]) diffs.push(`${k}: kernel ${kernel.summary[k]}, simulator ${sim.summary[k]}`);
  }
  const ips = (r: ProbeResult): string => [...new Set(r.tries.flatMap((t) => (t.loggedClientIp !== undefined ? [t.loggedClientIp] : [])))].sort().join(',');
  if (ips(kernel) !== ips(sim)) diffs.push(`nginx logged: kernel {${ips(kernel)}}, simulator {${ips(sim)}}`);
  return diffs;
}

export async function verify(dir: string, simulate: LabSimulator, opts: VerifyOptions = {}): Promise<VerifyRow[]> {
  const sc = loadScenario(dir);
  const tries = opts.tries ?? 4;
  const policy = opts.policy ?? true;
  const rows: VerifyRow[] = [];
  const run = async (target: string, step: number, variant?: string): Promise<void> => {
    const mine: VerifyRow[] = [];
    for (const r of sc.topology.requests) {
      const kernel = await probe({ from: r.from, to: r.to, tries });
      const simulated = await simulate({ dir: sc.dir, step, ...(variant !== undefined ? { variant } : {}), policy, from: r.from, to: r.to, tries });
      const differences = compareResults(kernel, simulated);
      mine.push({ target, from: r.from, to: r.to, kernel, simulated, agree: differences.length === 0, differences });
      opts.log?.(`${target} ${r.from} -> ${r.to}: ${differences.length === 0 ? 'agree' : differences.join('; ')}`);
    }
    for (const [i, row] of mine.entries()) {
      if (row.agree || !opts.tracer) continue;
      const hops = await firstDivergentHop({ dir: sc.dir, step, ...(variant !== undefined ? { variant } : {}), policy, from: row.from, to: row.to }, opts.tracer);
      mine[i] = { ...row, firstDivergentHop: hops.text, hops };
      opts.log?.(`${target} ${row.from} -> ${row.to}: ${hops.text}`);
    }
    rows.push(...mine);
  };
  try {
    const lab = await Lab.up(dir, { step: 0, policy });
    for (let s = 0; s < Math.max(1, sc.topology.steps.length); s++) {
      await lab.advanceTo(s);
      await run(`step ${s}`, s);
    }
    for (const v of sc.topology.variants) {
      try {
        await Lab.up(dir, { variant: v.name, policy });
      } catch (e) {
        // A variant the lab cannot build is reported, not compared, and the others still run.
        const why = e instanceof Error ? e.message : String(e);
        opts.log?.(`variant ${v.name}: the lab cannot build it: ${why}`);
        for (const r of sc.topology.requests) rows.push({ target: `variant ${v.name}`, from: r.from, to: r.to, kernel: NOT_RUN(r), simulated: NOT_RUN(r), agree: false, differences: [`the lab cannot build it: ${why}`] });
        continue;
      }
      await run(`variant ${v.name}`, v.base, v.name);
    }
  } finally {
    await teardownAll();
  }
  return rows;
}
