// electronegativity (Doyensec's Electron security scanner) over the shell and the built page, with zero
// findings allowed. The CLI exits 0 even when it reports HIGH findings, so the test reads its SARIF
// report. It runs when @doyensec/electronegativity is installed and otherwise skips, saying why.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const config = JSON.parse(readFileSync(join(ROOT, 'electron', 'electronegativity.json'), 'utf8')) as { inputs: string[]; electronVersion: string; exclude: string[] };

function findCli(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@doyensec/electronegativity/package.json');
    const bin = (JSON.parse(readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> }).bin;
    const rel = typeof bin === 'string' ? bin : bin?.['electronegativity'];
    return rel ? join(dirname(pkg), rel) : undefined;
  } catch {
    return undefined;
  }
}
const cli = findCli();
const reason = cli ? '' : '@doyensec/electronegativity is not installed (npm i -D @doyensec/electronegativity)';
if (reason) console.warn(`electronegativity: skipped: ${reason}`);

interface Sarif { runs?: { results?: { ruleId?: string; message?: { text?: string }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number } } }[] }[] }[] }

describe.skipIf(!cli)(`electronegativity${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('reports no findings for the shell and the renderer page', () => {
    const missing = config.inputs.filter((i) => !existsSync(join(ROOT, i)));
    if (missing.includes('dist/renderer/index.html')) {
      const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'web.mjs'), '--build-only'], { cwd: ROOT, encoding: 'utf8' });
      expect(b.status, b.stderr).toBe(0);
    }
    const out = mkdtempSync(join(tmpdir(), 'hoplab-eng-'));
    try {
      // One scan over the shell and the page together, as the packaged app holds them: the CSP
      // check is global to a scan and the CSP lives in the page.
      const app = join(out, 'app');
      for (const input of config.inputs) cpSync(join(ROOT, input), join(app, input), { recursive: true });
      const findings: string[] = [];
      const report = join(out, 'report.sarif');
      const args = [cli as string, '-i', app, '-o', report, '-r', '-e', config.electronVersion, ...(config.exclude.length ? ['-x', config.exclude.join(',')] : [])];
      const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
      expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(existsSync(report), `no report written: ${r.stdout}\n${r.stderr}`).toBe(true);
      const sarif = JSON.parse(readFileSync(report, 'utf8')) as Sarif;
      for (const run of sarif.runs ?? []) for (const f of run.results ?? []) {
        const loc = f.locations?.[0]?.physicalLocation;
        findings.push(`${f.ruleId}: ${loc?.artifactLocation?.uri}:${loc?.region?.startLine}: ${f.message?.text ?? ''}`);
      }
      expect(findings).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
