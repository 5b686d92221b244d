// ICTSC step 3 run by the engine itself, through the UI: pick step 3, run from host01, step to the
// SYN-ACK arriving at lb and check the inspector shows the DIVERT mark and the `local` route; step
// back. Runs when the engine can run requests (sim/index.ts's traceRequest, or its simulate with a
// TraceRecorder; detected at run time); otherwise it skips and says so. With HOPLAB_UPDATE_DOCS_IMG=1 it refreshes
// docs/img/step2.png and step3.png.
import { describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sim from '../../sim/index.js';
import { runPath, type SimApi } from '../../renderer/engine/engine-host.js';
import { hasChromium, ROOT, screenshot, skipReason, stepUntil, useApp } from './harness.js';

/** HOPLAB_UPDATE_DOCS_IMG=1 copies the step 2 and 3 screenshots to docs/img/ for the README. */
const UPDATE_DOCS = process.env['HOPLAB_UPDATE_DOCS_IMG'] === '1';
const engineRuns = runPath(sim as unknown as Partial<SimApi>) !== undefined;
const why = !hasChromium ? skipReason : engineRuns ? '' : 'sim/index.ts cannot run requests yet (no loadScenario with traceRequest or simulate)';
if (why) console.warn(`e2e step 3: skipped: ${why}`);

describe.skipIf(why !== '')(`ICTSC step 3 run by the engine${why ? ` (skipped: ${why})` : ''}`, () => {
  const app = useApp();

  async function runStep(step: number): Promise<void> {
    const p = app().page;
    await p.locator('[data-testid=step]').selectOption(String(step));
    await p.locator('[data-testid=from]').selectOption('host01');
    await p.locator('[data-testid=to]').fill('192.168.0.1:30080');
    // Round robin starts at k8s1 (worker01, no local endpoint in steps 1-3): the second try reaches the pod.
    await p.locator('[data-testid=tries]').fill('2');
    await p.locator('[data-testid=run]').click();
    await p.waitForFunction(() => document.querySelector('[data-testid=app]')?.getAttribute('data-status') === 'idle' && document.querySelectorAll('.ev-row').length > 0, undefined, { timeout: 60_000 });
  }

  it('step 2 runs and shows its outcome', async () => {
    await runStep(2);
    expect(await app().page.locator('[data-testid=outcome-host01]').count()).toBe(1);
    await app().page.keyboard.press('End');
    const shot = await screenshot(app().page, 'e2e-engine-step2');
    if (UPDATE_DOCS) copyFileSync(shot, join(ROOT, 'docs', 'img', 'step2.png'));
  }, 120_000);

  it('step 3 from host01: the SYN-ACK arriving at lb is DIVERTed, marked and routed local', async () => {
    const p = app().page;
    await runStep(3);
    await p.keyboard.press('Home');
    await stepUntil(p, (row) => /→ lb\/eth1/.test(row) && /SYN,ACK/.test(row));
    await stepUntil(p, () => true);
    const ins = p.locator('[data-testid=inspector]');
    const path = (await ins.locator('[data-testid=inspector-path]').textContent()) ?? '';
    expect(path).toMatch(/DIVERT/);
    expect(path).toMatch(/MARK/);
    const route = (await ins.locator('[data-testid=inspector-route]').textContent()) ?? '';
    expect(route).toMatch(/fwmark 0x1 lookup 100/);
    expect(route).toMatch(/local/);
    const shot = await screenshot(p, 'e2e-engine-step3-divert');
    if (UPDATE_DOCS) copyFileSync(shot, join(ROOT, 'docs', 'img', 'step3.png'));
    const before = await p.locator('.ev-row.current').textContent();
    await p.locator('[data-testid=step-back]').click();
    expect(await p.locator('.ev-row.current').textContent()).not.toBe(before);
    expect(await p.locator('.ev-row.current').textContent()).toMatch(/→ lb\/eth1/);
  }, 120_000);
});
