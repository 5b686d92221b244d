// Running things for the lab: checked commands (lab/safety.ts) through `ip -n` / `ip netns exec`,
// long-running processes started detached inside a namespace and tracked by pid, the state
// directory, and the teardown that removes every `hoplab-*` namespace and every process in one.
// Processes are stopped by pid only, and only after checking that the pid still lives in a
// `hoplab-*` namespace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isLabNs } from './names.js';
import type { LabCommand } from './net-plan.js';
import { hostArgv } from './safety.js';

export const STATE_DIR = existsSync('/run') ? '/run/hoplab-lab' : '/tmp/hoplab-lab';
const SBIN = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function labEnv(): NodeJS.ProcessEnv {
  const path = [...(process.env.PATH ?? '').split(':').filter((p) => p !== ''), ...SBIN];
  return { ...process.env, PATH: [...new Set(path)].join(':'), LC_ALL: 'C' };
}

export function which(prog: string): string | undefined {
  for (const d of (labEnv().PATH ?? '').split(':')) if (existsSync(join(d, prog))) return join(d, prog);
  return undefined;
}

export const REQUIRED_TOOLS = {
  ip: 'iproute2', bridge: 'iproute2', sysctl: 'procps', 'iptables-nft-restore': 'iptables', haproxy: 'haproxy', nginx: 'nginx', curl: 'curl',
} as const;

/** Why the lab cannot run here, or undefined when it can. */
export function environmentProblem(extra: readonly string[] = []): string | undefined {
  if (process.platform !== 'linux') return `the lab needs Linux network namespaces; this is ${process.platform}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'the lab needs root (it creates network namespaces and runs iptables inside them); run it with sudo';
  const missing = [...Object.keys(REQUIRED_TOOLS), ...extra].filter((p) => which(p) === undefined);
  if (missing.length > 0) {
    const pk = missing.map((m) => (REQUIRED_TOOLS as Record<string, string>)[m] ?? m);
    return `missing programs: ${missing.join(', ')} (Debian packages: ${[...new Set(pk)].join(' ')})`;
  }
  return undefined;
}

export class CommandError extends Error {
  constructor(readonly command: LabCommand, readonly status: number | null, readonly stderr: string) {
    super(`[${command.ns ?? 'root'}] ${command.argv.join(' ')} failed (${status ?? 'signal'}): ${stderr.trim()} — ${command.note}`);
  }
}

export interface RunResult { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Runs one checked command and waits for it. */
export function runCommand(c: LabCommand, opts: { readonly check?: boolean; readonly timeoutMs?: number } = {}): RunResult {
  const argv = hostArgv(c);
  const r = spawnSync(argv[0] as string, argv.slice(1), { input: c.stdin ?? '', encoding: 'utf8', env: labEnv(), timeout: opts.timeoutMs ?? 30_000 });
  const res = { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
  if ((opts.check ?? true) && res.status !== 0) throw new CommandError(c, res.status, res.stderr);
  return res;
}

export function runAll(cmds: readonly LabCommand[], log?: (s: string) => void): void {
  for (const c of cmds) {
    log?.(`[${c.ns ?? 'root'}] ${c.argv.join(' ')}`);
    runCommand(c);
  }
}

/** Starts a long-running process inside a namespace, detached, output to files. Returns its pid (ip netns exec execs the program in place). */
export function startProcess(c: LabCommand, stdoutFile: string, stderrFile: string): number {
  const argv = hostArgv(c);
  if (c.ns === null || argv[1] !== 'netns' || argv[2] !== 'exec') throw new Error('processes are started inside a lab namespace only');
  const out = openSync(stdoutFile, 'a');
  const err = openSync(stderrFile, 'a');
  try {
    const child = spawn(argv[0] as string, argv.slice(1), { detached: true, stdio: ['ignore', out, err], env: labEnv() });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start ${c.argv.join(' ')}`);
    return child.pid;
  } finally {
    closeSync(out);
    closeSync(err);
  }
}

export function alive(pid: number): boolean {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(s);
  } catch {
    return false;
  }
}

function netnsInode(path: string): number | undefined {
  try { return statSync(path).ino; } catch { return undefined; }
}

/** The hoplab-* namespace a pid lives in, if any. */
export function labNsOfPid(pid: number): string | undefined {
  const ino = netnsInode(`/proc/${pid}/ns/net`);
  if (ino === undefined) return undefined;
  for (const ns of listLabNamespaces()) if (netnsInode(`/var/run/netns/${ns}`) === ino || netnsInode(`/run/netns/${ns}`) === ino) return ns;
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** SIGTERM (or the given signal), then SIGKILL after a grace period; only a pid inside a hoplab-* namespace. */
export async function stopPid(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (!alive(pid)) return;
  if (labNsOfPid(pid) === undefined) return; // not ours (any more): leave it alone
  try { process.kill(pid, signal); } catch { return; }
  const end = Date.now() + graceMs;
  while (Date.now() < end) {
    if (!alive(pid)) return;
    await sleep(25);
  }
  try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  for (let i = 0; i < 40 && alive(pid); i++) await sleep(25);
}

export function listLabNamespaces(): string[] {
  const r = runCommand({ ns: null, argv: ['ip', 'netns', 'list'], note: 'list namespaces' }, { check: false });
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => isLabNs(n));
}

/** Pids of every process inside a lab namespace. */
export function pidsInNs(ns: string): number[] {
  const r = runCommand({ ns: null, argv: ['ip', 'netns', 'pids', ns], note: 'processes in a lab namespace' }, { check: false });
  return r.stdout.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isInteger(n) && n > 0 && n !== process.pid);
}

/** Removes every hoplab-* namespace, stopping the processes inside first, and the state directory. */
export async function teardownAll(log?: (s: string) => void): Promise<{ namespaces: number; processes: number }> {
  const namespaces = listLabNamespaces();
  let processes = 0;
  for (const ns of namespaces) {
    for (const pid of pidsInNs(ns)) { processes++; await stopPid(pid); }
  }
  for (const ns of namespaces) {
    log?.(`ip netns del ${ns}`);
    runCommand({ ns: null, argv: ['ip', 'netns', 'del', ns], note: 'teardown' }, { check: false });
  }
  rmSync(STATE_DIR, { recursive: true, force: true });
  return { namespaces: namespaces.length, processes };
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  return path;
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o644 });
}

/** Listening TCP ports of the namespace a pid lives in (/proc/<pid>/net/tcp shows that namespace). */
export function listeningPorts(pid: number): Set<number> {
  const ports = new Set<number>();
  for (const f of ['tcp', 'tcp6']) {
    let text = '';
    try { text = readFileSync(`/proc/${pid}/net/${f}`, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(parseInt((cols[1] ?? '').split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

export async function waitFor(what: string, ok: () => boolean, timeoutMs: number, failed?: () => string | undefined): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (ok()) return;
    const f = failed?.();
    if (f !== undefined) throw new Error(`${what}: ${f}`);
    if (Date.now() > end) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await sleep(30);
  }
}

export function readTextOr(path: string, fallback = ''): string {
  try { return readFileSync(path, 'utf8'); } catch { return fallback; }
}
