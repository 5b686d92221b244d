// `hoplab lab probe`: real requests with curl from a host's namespace, each classified the way the
// simulator reports outcomes, with the client address nginx logged and the server HAProxy chose.
// curl runs as in the scenario (`curl -m <s> http://<to>/`) plus a query string that tags each try
// (`/?hoplab-try=<id>`) so its nginx log line can be found; nginx serves the same page for it.
// curl exit codes: 0 ok, 28 timeout, 7 refused, 52/55/56 reset (the server or HAProxy closed or
// reset the connection without an answer).
import { spawnSync } from 'node:child_process';
import { readLabState, type LabStateFile } from './lab.js';
import { hostArgv } from './safety.js';
import { labEnv, readTextOr, sleep } from './runtime.js';
import { hostNs, podNs } from './names.js';
import { parseTcplogLine } from './haproxy-adjust.js';
import { parseMainLogLine } from './nginx-files.js';
import { loadScenario } from './scenario.js';

export const OUTCOMES = ['ok', 'timeout', 'reset', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface ProbeTry {
  readonly outcome: Outcome;
  readonly httpStatus?: number;
  readonly server?: string;
  readonly loggedClientIp?: string;
  readonly elapsedMs: number;
}

export interface ProbeResult {
  readonly step: number | string;
  readonly from: string;
  readonly to: string;
  readonly tries: readonly ProbeTry[];
  readonly summary: Readonly<Record<Outcome, number>>;
}

export function classifyCurlExit(code: number | null): Outcome | undefined {
  switch (code) {
    case 0: return 'ok';
    case 28: return 'timeout';
    case 7: return 'refused';
    case 52: case 55: case 56: return 'reset';
    default: return undefined;
  }
}

export function summarize(tries: readonly ProbeTry[]): Record<Outcome, number> {
  const s: Record<Outcome, number> = { ok: 0, timeout: 0, reset: 0, refused: 0 };
  for (const t of tries) s[t.outcome]++;
  return s;
}

/** `ip:port` (port default 80) of an address the lab owns; anything else is refused. */
export function checkTarget(to: string, labAddresses: ReadonlySet<string>): { ip: string; port: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(to);
  if (!m) throw new Error(`--to ${to}: expected an IPv4 address with an optional :port`);
  const ip = m[1] as string;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port < 1 || port > 65535) throw new Error(`--to ${to}: port out of range`);
  if (!labAddresses.has(ip)) throw new Error(`--to ${to}: ${ip} is not an address inside the lab (the lab never sends traffic anywhere else)`);
  return { ip, port };
}

function labAddresses(st: LabStateFile): Set<string> {
  const sc = loadScenario(st.dir);
  const set = new Set<string>();
  for (const h of sc.topology.hosts) for (const i of h.interfaces) for (const a of i.addresses) set.add(a.text.split('/')[0] as string);
  for (const p of st.pods) set.add(p.ip);
  return set;
}

export interface ProbeOptions {
  readonly from: string;
  readonly to: string;
  readonly tries: number;
  readonly timeoutSeconds?: number;
}

export async function probe(opts: ProbeOptions): Promise<ProbeResult> {
  const st = readLabState();
  if (!st) throw new Error('no lab is up (hoplab lab up <dir> first)');
  const target = checkTarget(opts.to, labAddresses(st));
  const pod = st.pods.find((p) => p.name === opts.from);
  const ns = pod ? podNs(pod.ns, pod.name) : hostNs(opts.from);
  if (!pod && !loadScenario(st.dir).topology.hosts.some((h) => h.name === opts.from)) throw new Error(`--from ${opts.from}: no such host or pod in the lab`);
  const run = `${Date.now().toString(36)}`;
  const raw: { id: string; code: number | null; status: number; localPort: number; ms: number }[] = [];
  for (let i = 0; i < opts.tries; i++) {
    const id = `${run}-${i}`;
    const url = `http://${target.ip}:${target.port}/?hoplab-try=${id}`;
    const argv = hostArgv({ ns, argv: ['curl', '-s', '-o', '/dev/null', '-m', String(opts.timeoutSeconds ?? 2), '-w', '%{http_code} %{local_port} %{time_total}', url], note: 'probe' });
    const t0 = Date.now();
    const r = spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', env: labEnv(), timeout: ((opts.timeoutSeconds ?? 2) + 10) * 1000 });
    const [status, port, total] = (r.stdout ?? '').trim().split(' ');
    const ms = total !== undefined && Number.isFinite(Number(total)) ? Math.round(Number(total) * 1000) : Date.now() - t0;
    raw.push({ id, code: r.status, status: Number(status ?? 0), localPort: Number(port ?? 0), ms });
  }
  await sleep(200); // nginx writes its log line after the response; give it a moment
  const nginxByTry = new Map<string, string>();
  for (const p of st.processes.filter((x) => x.key.startsWith('nginx:'))) {
    for (const line of readTextOr(p.stdout).split('\n')) {
      const a = parseMainLogLine(line);
      const m = a ? /hoplab-try=([a-z0-9-]+)/.exec(a.request) : null;
      if (a && m) nginxByTry.set(m[1] as string, a.remoteAddr);
    }
  }
  const serverByPort = new Map<number, string>();
  const sc = loadScenario(st.dir);
  const fromIps = new Set(pod ? [pod.ip] : (sc.topology.hosts.find((h) => h.name === opts.from)?.interfaces ?? []).flatMap((i) => i.addresses.map((a) => a.text.split('/')[0] as string)));
  for (const p of st.processes.filter((x) => x.key.startsWith('haproxy:'))) {
    for (const line of readTextOr(p.stdout).split('\n')) {
      const l = parseTcplogLine(line);
      if (l && l.server !== '<NOSRV>' && fromIps.has(l.clientIp)) serverByPort.set(l.clientPort, l.server);
    }
  }
  const tries: ProbeTry[] = raw.map((t) => {
    const outcome = classifyCurlExit(t.code);
    if (outcome === undefined) throw new Error(`curl from ${opts.from} exited with code ${t.code ?? 'signal'}, which the lab does not classify`);
    const logged = nginxByTry.get(t.id);
    const server = t.localPort > 0 ? serverByPort.get(t.localPort) : undefined;
    return {
      outcome,
      ...(outcome === 'ok' ? { httpStatus: t.status } : {}),
      ...(server !== undefined ? { server } : {}),
      ...(logged !== undefined ? { loggedClientIp: logged } : {}),
      elapsedMs: t.ms,
    };
  });
  return { step: st.variant ?? st.step, from: opts.from, to: opts.to, tries, summary: summarize(tries) };
}
