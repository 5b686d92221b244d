// `hoplab lab up|down` and step changes on a running lab: builds a scenario step in `hoplab-*`
// namespaces (lab/net-plan.ts, lab/cni-commands.ts), loads each host's tables with
// iptables-nft-restore, starts HAProxy on hosts with a haproxy file and nginx in every pod, and
// records what it started in the state directory so `probe`, `capture` and `down` find it.
// A failure while bringing the lab up tears everything down before the error is reported.
import { join } from 'node:path';
import { buildCniPlan, podCommands } from './cni-commands.js';
import { kubeProxyInput, planCluster, type ClusterPlan, type LabPod } from './cluster-plan.js';
import { adjustHaproxyCfg, type HaproxyAdjustment } from './haproxy-adjust.js';
import { hostNs, podNs } from './names.js';
import { buildNetPlan, primaryAddress, sysctlCmd, type LabCommand } from './net-plan.js';
import { NGINX_1_19_INDEX_HTML, nginxConf } from './nginx-files.js';
import { hostTables } from './node-tables.js';
import {
  ensureDir, environmentProblem, listeningPorts, alive, readTextOr, runAll, runCommand, startProcess,
  STATE_DIR, stopPid, teardownAll, waitFor, writeText,
} from './runtime.js';
import { healthAnswers, healthScriptPath, healthServerScript } from './health-server.js';
import { mountedConfigMapFiles, type ConfigMap, type KubeProxyInput } from '../sim/index.js';
import { applyChange, changesTo, iprouteRun, loadScenario, ScenarioError, type LabAction, type Scenario, type ScenarioState } from './scenario.js';

export const IPTABLES_BACKEND = 'iptables-nft';

export interface LabProcess {
  readonly key: string;
  readonly ns: string;
  readonly pid: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LabStateFile {
  readonly version: 1;
  readonly dir: string;
  readonly step: number;
  readonly variant?: string;
  readonly policy: boolean;
  readonly placement?: 'before-kube-forward' | 'after-kube-forward';
  readonly pods: readonly LabPod[];
  readonly processes: readonly LabProcess[];
  readonly notes: readonly string[];
}

export interface UpOptions {
  readonly step?: number;
  readonly variant?: string;
  readonly policy?: boolean;
  readonly placement?: 'before-kube-forward' | 'after-kube-forward';
  readonly log?: (s: string) => void;
}

const STATE_FILE = join(STATE_DIR, 'state.json');

export function readLabState(): LabStateFile | undefined {
  const t = readTextOr(STATE_FILE, '');
  if (t === '') return undefined;
  return JSON.parse(t) as LabStateFile;
}

/** A running lab, in this process. */
export class Lab {
  private state: ScenarioState;
  private cluster: ClusterPlan | undefined;
  private file: LabStateFile;
  readonly adjustments: HaproxyAdjustment[] = [];

  private constructor(readonly scenario: Scenario, private readonly opts: UpOptions) {
    this.state = scenario.initial;
    this.file = { version: 1, dir: scenario.dir, step: 0, policy: opts.policy ?? true, ...(opts.placement ? { placement: opts.placement } : {}), pods: [], processes: [], notes: [] };
  }

  get info(): LabStateFile { return this.file; }

  private log(s: string): void { this.opts.log?.(s); }

  private save(): void {
    ensureDir(STATE_DIR);
    writeText(STATE_FILE, JSON.stringify(this.file, null, 2));
  }

  private addProcess(p: LabProcess): void {
    this.file = { ...this.file, processes: [...this.file.processes.filter((x) => x.key !== p.key), p] };
    this.save();
  }

  /** Builds step 0 (stale state removed first), then applies the changes up to the step or variant asked for. */
  static async up(dir: string, opts: UpOptions = {}): Promise<Lab> {
    const problem = environmentProblem();
    if (problem) throw new ScenarioError(`cannot run the lab: ${problem}`);
    const sc = loadScenario(dir);
    const target = changesTo(sc.topology, opts);
    await teardownAll(opts.log);
    const lab = new Lab(sc, opts);
    try {
      await lab.build();
      for (const c of target.changes) await lab.apply(c);
      lab.file = { ...lab.file, step: target.step, ...(opts.variant !== undefined ? { variant: opts.variant } : {}) };
      lab.save();
      return lab;
    } catch (e) {
      await teardownAll();
      throw e;
    }
  }

  /** Applies the changes of the next steps until `step` (steps only go forward on a running lab). */
  async advanceTo(step: number): Promise<void> {
    if (this.file.variant !== undefined) throw new ScenarioError('a lab brought up for a variant cannot move to another step; bring it up again');
    if (step < this.file.step) throw new ScenarioError(`the lab is at step ${this.file.step}; bring it up again to go back to step ${step}`);
    for (let s = this.file.step + 1; s <= step; s++) {
      for (const c of this.scenario.topology.steps[s]?.changes ?? []) await this.apply(c);
      this.file = { ...this.file, step: s };
      this.save();
    }
  }

  private async build(): Promise<void> {
    const topo = this.scenario.topology;
    const net = buildNetPlan(topo);
    const cni = buildCniPlan(topo);
    const errors = [...net.errors, ...cni.errors];
    if (errors.length > 0) throw new ScenarioError(errors.join('\n'));
    this.save();
    runAll(net.commands, (s) => this.log(s));
    runAll(cni.commands, (s) => this.log(s));
    if (topo.kubernetes) await this.replanCluster();
    for (const h of topo.hosts) if (!topo.kubernetes?.nodes.includes(h.name)) this.loadTables(h.name);
    for (const h of topo.hosts) {
      const f = this.state.files.get(h.name)?.get('iproute');
      if (!f) continue;
      const run = iprouteRun(h.name, f.path, f.text);
      this.state = { ...this.state, runs: [...this.state.runs, run] };
      await this.act({ kind: 'run', run });
    }
    for (const h of topo.hosts) if (this.state.files.get(h.name)?.has('haproxy')) await this.startHaproxy(h.name);
  }

  private async apply(c: Parameters<typeof applyChange>[2]): Promise<void> {
    const r = applyChange(this.scenario, this.state, c);
    this.state = r.state;
    for (const a of r.actions) await this.act(a);
  }

  private async act(a: LabAction): Promise<void> {
    switch (a.kind) {
      case 'replan-cluster': return this.replanCluster();
      case 'restart-haproxy': return this.startHaproxy(a.host);
      case 'reload-iptables': { this.loadTables(a.host); return; }
      case 'run':
        runAll(a.run.commands.map((c) => ({ ns: hostNs(a.run.host), argv: c.argv, note: `${a.run.file}:${c.line}` })), (s) => this.log(s));
        return;
      case 'sysctl':
        runCommand(sysctlCmd(hostNs(a.host), a.key, a.value, 'step change'));
        return;
    }
  }

  /** The host's tables from its file, kube-proxy and the CNI, then the iptables lines of the step scripts run on it so far. */
  private loadTables(host: string): void {
    const f = this.state.files.get(host)?.get('iptables');
    const t = hostTables(this.scenario.topology, host, {
      ...(f ? { baseText: f.text, baseFile: f.path } : {}),
      objects: this.state.objects,
      ...(this.cluster ? { cluster: this.cluster } : {}),
      policy: this.file.policy,
      ...(this.opts.placement ? { placement: this.opts.placement } : {}),
    });
    for (const n of t.notes) if (!this.file.notes.includes(n)) this.file = { ...this.file, notes: [...this.file.notes, n] };
    const ns = hostNs(host);
    if (t.text !== '') {
      this.log(`[${ns}] ${IPTABLES_BACKEND}-restore (${t.text.split('\n').length} lines)`);
      runCommand({ ns, argv: [`${IPTABLES_BACKEND}-restore`], stdin: t.text, note: `${host}: tables` });
      writeText(join(ensureDir(join(STATE_DIR, host)), 'iptables.rules'), t.text);
    }
    const replay: LabCommand[] = this.state.runs.filter((r) => r.host === host).flatMap((r) => r.commands.filter((c) => c.argv[0] === IPTABLES_BACKEND).map((c) => ({ ns, argv: c.argv, note: `${r.file}:${c.line} (replayed after reload)` })));
    runAll(replay, (s) => this.log(s));
  }

  private async replanCluster(): Promise<void> {
    const k8s = this.scenario.topology.kubernetes;
    if (!k8s) return;
    const plan = planCluster(this.state.objects, k8s, this.file.pods);
    if (plan.errors.length > 0) throw new ScenarioError(plan.errors.join('\n'));
    const same = (a: LabPod, b: LabPod): boolean => a.ns === b.ns && a.name === b.name && a.node === b.node && a.ip === b.ip;
    const gone = this.file.pods.filter((p) => !plan.pods.some((q) => same(p, q)));
    const added = plan.pods.filter((p) => !this.file.pods.some((q) => same(p, q)));
    for (const p of gone) {
      const key = `nginx:${p.ns}/${p.name}`;
      const proc = this.file.processes.find((x) => x.key === key);
      if (proc) await stopPid(proc.pid, 'SIGQUIT');
      runCommand({ ns: null, argv: ['ip', 'netns', 'del', podNs(p.ns, p.name)], note: `pod ${p.ns}/${p.name} deleted` });
      this.file = { ...this.file, processes: this.file.processes.filter((x) => x.key !== key) };
    }
    this.cluster = plan;
    this.file = { ...this.file, pods: plan.pods };
    this.save();
    for (const p of added) {
      runAll(podCommands(p), (s) => this.log(s));
      await this.startNginx(p);
    }
    for (const n of k8s.nodes) this.loadTables(n);
    for (const n of k8s.nodes) await this.startHealthServer(n);
    if (plan.pending.length > 0) this.log(`pending pods: ${plan.pending.map((p) => `${p.ns}/${p.name} (${p.reason})`).join(', ')}`);
  }

  /** kube-proxy's healthCheckNodePort server on a node, restarted with the answers of the current plan. */
  private async startHealthServer(node: string): Promise<void> {
    const key = `kube-proxy-health:${node}`;
    const old = this.file.processes.find((x) => x.key === key);
    if (old) { await stopPid(old.pid); this.file = { ...this.file, processes: this.file.processes.filter((x) => x.key !== key) }; }
    const input = this.kubeProxyInputOf(node);
    const answers = input ? healthAnswers(input) : [];
    if (answers.length === 0) return;
    const dir = ensureDir(join(STATE_DIR, node));
    const script = healthScriptPath(STATE_DIR, node);
    writeText(script, healthServerScript(answers));
    const ns = hostNs(node);
    const pid = startProcess({ ns, argv: ['node', script], note: `${node}: kube-proxy health check server` }, join(dir, 'health.log'), join(dir, 'health.err'));
    this.addProcess({ key, ns, pid, stdout: join(dir, 'health.log'), stderr: join(dir, 'health.err') });
    await waitFor(`kube-proxy health server on ${node}`, () => answers.every((a) => listeningPorts(pid).has(a.port)), 5000, () => (alive(pid) ? undefined : `exited: ${readTextOr(join(dir, 'health.err'))}`));
  }

  private kubeProxyInputOf(node: string): KubeProxyInput | undefined {
    const k8s = this.scenario.topology.kubernetes;
    const h = this.scenario.topology.hosts.find((x) => x.name === node);
    if (!k8s || !h || !this.cluster) return undefined;
    const ip = primaryAddress(h)?.ip;
    return kubeProxyInput(this.state.objects, this.cluster, node, ip ? [ip] : [], k8s.clusterCIDR);
  }

  /** A ConfigMap mounted over the pod's /etc/nginx/conf.d, as the kubelet would mount it. */
  private confDOf(p: LabPod): { name: string; text: string }[] | undefined {
    const [kind, ns, name] = p.owner.split('/');
    const owner = this.state.objects.find((o) => o.kind === kind && (o.metadata.namespace ?? 'default') === ns && o.metadata.name === name);
    const spec = owner?.kind === 'Deployment' || owner?.kind === 'DaemonSet' ? owner.spec.template.spec : owner?.kind === 'Pod' ? owner.spec : undefined;
    if (!spec) return undefined;
    const configMaps = new Map(this.state.objects.filter((o): o is ConfigMap => o.kind === 'ConfigMap').map((c) => [`${c.metadata.namespace ?? 'default'}/${c.metadata.name}`, c] as const));
    const r = mountedConfigMapFiles(spec, p.ns, configMaps, '/etc/nginx/conf.d');
    if (r !== undefined && 'missing' in r) throw new ScenarioError(`pod ${p.ns}/${p.name}: configmap "${r.missing}" not found`);
    return r;
  }

  private async startNginx(p: LabPod): Promise<void> {
    const dir = ensureDir(join(STATE_DIR, 'pods', `${p.ns}.${p.name}`));
    ensureDir(join(dir, 'html'));
    ensureDir(join(dir, 'tmp'));
    writeText(join(dir, 'html', 'index.html'), NGINX_1_19_INDEX_HTML);
    writeText(join(dir, 'nginx.conf'), nginxConf(dir, undefined, this.confDOf(p)));
    const ns = podNs(p.ns, p.name);
    const pid = startProcess({ ns, argv: ['nginx', '-c', join(dir, 'nginx.conf'), '-p', dir, '-e', join(dir, 'error.log')], note: `nginx in ${p.ns}/${p.name}` }, join(dir, 'stdout.log'), join(dir, 'stderr.log'));
    this.addProcess({ key: `nginx:${p.ns}/${p.name}`, ns, pid, stdout: join(dir, 'access.log'), stderr: join(dir, 'error.log') });
    await waitFor(`nginx in ${p.ns}/${p.name}`, () => listeningPorts(pid).has(80), 5000, () => (alive(pid) ? undefined : `exited: ${readTextOr(join(dir, 'stderr.log'))}${readTextOr(join(dir, 'error.log'))}`));
  }

  private async startHaproxy(host: string): Promise<void> {
    const f = this.state.files.get(host)?.get('haproxy');
    if (!f) return;
    const key = `haproxy:${host}`;
    const old = this.file.processes.find((x) => x.key === key);
    if (old) await stopPid(old.pid);
    const dir = ensureDir(join(STATE_DIR, host));
    const chroot = ensureDir(join(dir, 'haproxy-chroot'));
    const adj = adjustHaproxyCfg(f.text, { chroot, statsSocket: join(dir, 'haproxy.sock') });
    this.adjustments.splice(0, this.adjustments.length, ...adj.adjustments);
    const cfg = join(dir, 'haproxy.cfg');
    writeText(cfg, adj.text);
    const ns = hostNs(host);
    const check = runCommand({ ns, argv: ['haproxy', '-c', '-q', '-f', cfg], note: `${host}: check ${f.path}` }, { check: false });
    if (check.status !== 0) throw new ScenarioError(`haproxy -c rejects ${f.path}: ${check.stderr}`);
    const log = join(dir, 'haproxy.log');
    const err = join(dir, 'haproxy.err');
    const pid = startProcess({ ns, argv: ['haproxy', '-db', '-f', cfg], note: `${host}: haproxy` }, log, err);
    this.addProcess({ key, ns, pid, stdout: log, stderr: err });
    const ports = [...adj.text.matchAll(/^\s*bind\s+\S*:(\d+)/gm)].map((m) => Number(m[1]));
    await waitFor(`haproxy on ${host}`, () => ports.every((p) => listeningPorts(pid).has(p)), 5000, () => (alive(pid) ? undefined : `exited: ${readTextOr(err)}`));
  }
}

/** Tears down every hoplab-* namespace and the processes in them. */
export async function labDown(log?: (s: string) => void): Promise<{ namespaces: number; processes: number }> {
  const problem = environmentProblem();
  if (problem) throw new ScenarioError(`cannot run the lab: ${problem}`);
  return teardownAll(log);
}

export function formatScenarioDiagnostics(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

