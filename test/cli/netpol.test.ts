// `hoplab netpol matrix|explain|diff` over files and directories of Kubernetes YAML.
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from '../../cli/io.js';

const ICTSC = fileURLToPath(new URL('../apps/netpol/fixtures/ictsc.yaml', import.meta.url));
const NGINX = 'my-ns/my-deployment-5d59d67564-x7k2p';

async function run(...argv: string[]) {
  const io = captureIo();
  const code = await main(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const pods = (labelsB = 'app: b') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  namespace: x\n  labels: {app: a}\nspec:\n  containers: [{name: c, image: i}]\nstatus:\n  podIP: 10.0.0.1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  namespace: x\n  labels: {${labelsB}}\nspec:\n  containers: [{name: c, image: i}]\nstatus:\n  podIP: 10.0.0.2\n`;
const denyToB = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-a-to-b\n  namespace: x\nspec:\n  podSelector: {matchLabels: {app: b}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: a}}\n';

describe('hoplab netpol', () => {
  it('matrix prints a grid of . and X, rows sources and columns destinations', async () => {
    const r = await run('netpol', 'matrix', ICTSC, '--from-ip', '192.168.0.10', '--from-ip', '192.168.0.20');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toContain(NGINX);
    expect(rows.find((l) => l.startsWith('| 192.168.0.10 '))?.trim().endsWith('| .                                    |')).toBe(true);
    expect(rows.find((l) => l.startsWith('| 192.168.0.20 '))).toMatch(/\| X +\|$/);
  });

  it('matrix --json has the stable shape', async () => {
    const r = await run('netpol', 'matrix', ICTSC, '--from-ip', '192.168.0.20', '--json', '--port', '80', '--protocol', 'tcp');
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(Object.keys(j)).toEqual(['port', 'protocol', 'sources', 'destinations', 'allowed']);
    expect(j).toEqual({
      port: 80, protocol: 'TCP', sources: [NGINX, '192.168.0.20'], destinations: [NGINX],
      allowed: { [NGINX]: { [NGINX]: true }, '192.168.0.20': { [NGINX]: false } },
    });
  });

  it('explain prints the verdict and its reasons', async () => {
    const r = await run('netpol', 'explain', ICTSC, '--from', '192.168.0.20', '--to', NGINX, '--port', '80');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`TCP 192.168.0.20 -> ${NGINX}:80: DENIED`);
    const line = readFileSync(ICTSC, 'utf8').split('\n').findIndex((l) => l.includes('kind: NetworkPolicy'));
    expect(r.out).toContain(`isolated by my-ns/allow-host01 (${ICTSC}:${line}) and no rule admits 192.168.0.20`);
    const j = JSON.parse((await run('netpol', 'explain', ICTSC, '--from', '192.168.0.10', '--to', NGINX, '--port', '80', '--json')).out) as { allowed: boolean; decidedBy: { rule: string } };
    expect(j.allowed).toBe(true);
    expect(j.decidedBy.rule).toBe('spec.ingress[0].from[0]');
  });

  it('diff lists the cells that changed between two directories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-netpol-'));
    mkdirSync(join(dir, 'before'));
    mkdirSync(join(dir, 'after'));
    writeFileSync(join(dir, 'before', 'pods.yaml'), pods());
    writeFileSync(join(dir, 'after', 'pods.yaml'), pods());
    writeFileSync(join(dir, 'after', 'policy.yml'), denyToB);
    writeFileSync(join(dir, 'after', 'notes.txt'), 'not a manifest');
    const r = await run('netpol', 'diff', join(dir, 'before'), join(dir, 'after'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('TCP/80: no cell changed\n'); // x/a may reach x/b before and after
    const r2 = await run('netpol', 'diff', join(dir, 'before'), join(dir, 'after'), '--from-ip', '192.168.1.1');
    expect(r2.out).toBe('TCP/80: 1 cell changed\n- 192.168.1.1 -> x/b: allowed -> denied\n');
    writeFileSync(join(dir, 'after', 'pods.yaml'), pods('app: c'));
    const r3 = await run('netpol', 'diff', join(dir, 'before'), join(dir, 'after'), '--json');
    expect(JSON.parse(r3.out)).toEqual({ port: 80, protocol: 'TCP', changes: [] });
  });

  it('reports located diagnostics on stderr and exits 1 when an object is rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hoplab-netpol-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, `${pods()}---\n${denyToB.replace('podSelector: {matchLabels: {app: a}}', 'ipBlock: {cidr: 10.0.0.0/33}')}`);
    const r = await run('netpol', 'matrix', f);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: spec.ingress\\[0\\].from\\[0\\].ipBlock.cidr: Invalid value`));
    expect(r.out).toContain('x/a');
  });

  it('usage errors say what was expected', async () => {
    expect((await run('netpol', 'explain', ICTSC, '--from', 'nobody', '--to', NGINX, '--port', '80')).err).toContain('--from expects namespace/pod or an IPv4 address');
    expect((await run('netpol', 'matrix', ICTSC, '--protocol', 'ICMP')).code).toBe(2);
    expect((await run('netpol', 'frobnicate')).err).toContain('unknown subcommand "frobnicate"');
    expect((await run('netpol', 'explain', ICTSC, '--from', 'my-ns/ghost', '--to', NGINX, '--port', '80')).err).toContain('no pod my-ns/ghost');
  });
});
