// The served renderer in Chromium: first launch opens the ICTSC topology with a Run button; a trace
// (the committed step-3 fixture, opened as a file) is stepped to the SYN-ACK arriving at lb, where the
// inspector shows the DIVERT mark and the `local` route; step back; the config view highlights the
// rule's line; filters, play; presentation mode in Japanese driven by the keyboard; the folder picker.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { hasChromium, ROOT, screenshot, skipReason, stepUntil, useApp } from './harness.js';

const FIXTURE = join(ROOT, 'test', 'renderer', 'fixtures', 'step3.trace.json');

describe.skipIf(!hasChromium)(`app in Chromium${skipReason ? ` (${skipReason})` : ''}`, () => {
  const app = useApp();

  it('opens the ICTSC scenario on first launch with its topology and a Run button', async () => {
    const p = app().page;
    expect(await p.locator('[data-testid=scenario-title]').textContent()).toBe('Reachable from nowhere (ICTSC 2020)');
    await expect.poll(() => p.locator('[data-testid=run]').count()).toBe(1);
    const options = await p.locator('[data-testid=step] option').allTextContents();
    expect(options).toHaveLength(5);
    expect(options[3]).toMatch(/^3: lb: the DIVERT rules/);
    expect(await p.locator('[data-testid=from]').inputValue()).toBe('host01');
    // the graph has a canvas with pixels drawn
    const drawn = await p.evaluate(() => [...document.querySelectorAll('.graph-cy canvas')].some((c) => (c as HTMLCanvasElement).width > 0));
    expect(drawn).toBe(true);
    await screenshot(p, 'e2e-topology');
  });

  it('steps a step-3 trace to the SYN-ACK arriving at lb: DIVERT mark and the local route', async () => {
    const p = app().page;
    await p.locator('[data-testid=trace-input]').setInputFiles(FIXTURE);
    await p.waitForSelector('.ev-row');
    await stepUntil(p, (row) => /worker02\/eth0 → lb\/eth1/.test(row) && /SYN,ACK/.test(row));
    const arrival = await stepUntil(p, () => true);
    expect(arrival).toMatch(/lb/);
    const ins = p.locator('[data-testid=inspector]');
    await expect.poll(() => ins.locator('[data-testid=inspector-path]').textContent()).toMatch(/DIVERT/);
    const path = (await ins.locator('[data-testid=inspector-path]').textContent()) ?? '';
    expect(path).toMatch(/mangle\/PREROUTING#1.*DIVERT/);
    expect(path).toContain('-A DIVERT -j MARK --set-mark 1');
    expect(path).toContain('steps/3-divert.sh:5');
    const route = (await ins.locator('[data-testid=inspector-route]').textContent()) ?? '';
    expect(route).toContain('fwmark 0x1 lookup 100');
    expect(route).toMatch(/local default dev lo table 100/);
    expect(route).toMatch(/resultlocal/);
    expect(await ins.locator('[data-testid=inspector-conntrack]').textContent()).toContain('REPLY');
    await screenshot(p, 'e2e-step3-divert');

    const before = await p.locator('[data-testid=position]').textContent();
    await p.locator('[data-testid=step-back]').click();
    const after = await p.locator('[data-testid=position]').textContent();
    expect(after).not.toBe(before);
    expect(await p.locator('.ev-row.current').textContent()).toMatch(/worker02\/eth0 → lb\/eth1/);
  });

  it('a rule location opens the config file with its line highlighted', async () => {
    const p = app().page;
    await p.keyboard.press('ArrowRight');
    await p.locator('[data-testid=inspector-path] .loc', { hasText: 'steps/3-divert.sh:4' }).first().click();
    await expect.poll(() => p.locator('[data-testid=code] .code-title').textContent()).toMatch(/steps\/3-divert\.sh/);
    const focused = await p.locator('[data-testid=code] .line.focus').textContent();
    expect(focused).toContain('-A PREROUTING -p tcp -m socket -j DIVERT');
    expect(await p.locator('[data-testid=code] .hl-past, [data-testid=code] .hl-current, [data-testid=code] .hl-later').count()).toBeGreaterThanOrEqual(3);
    await screenshot(p, 'e2e-config');
  });

  it('filters hide ARP; play advances the playhead; the lineage strip shows the real client', async () => {
    const p = app().page;
    await p.keyboard.press('Home');
    expect(await stepUntil(p, (row) => /ARP/.test(row), 100)).toMatch(/ARP request/);
    await p.locator('[data-testid=filter-arp]').check();
    await p.keyboard.press('Home');
    const rows: string[] = [];
    for (let k = 0; k < 60; k++) {
      await p.keyboard.press('ArrowRight');
      rows.push((await p.locator('.ev-row.current').textContent()) ?? '');
    }
    expect(rows.some((r) => /ARP/.test(r))).toBe(false);
    expect(rows.some((r) => /SYN,ACK/.test(r))).toBe(true);
    await p.locator('[data-testid=filter-arp]').uncheck();
    await p.keyboard.press('Home');
    const t0 = await p.locator('[data-testid=timeline]').getAttribute('aria-valuenow');
    await p.locator('[data-testid=play]').click();
    await p.waitForTimeout(700);
    await p.locator('[data-testid=play]').click();
    const t1 = await p.locator('[data-testid=timeline]').getAttribute('aria-valuenow');
    expect(Number(t1)).toBeGreaterThan(Number(t0));
    const lineage = (await p.locator('[data-testid=lineage]').textContent()) ?? '';
    expect(lineage).toContain('host01192.168.0.10');
    expect(lineage).toMatch(/preserved by haproxy \(`usesrc clientip`\)/);
    expect(await p.locator('[data-testid=access-log]').textContent()).toContain('192.168.0.10 - -');
  });

  it('presentation mode in Japanese, driven by the keyboard', async () => {
    const p = app().page;
    await p.locator('[data-testid=language]').selectOption('ja');
    await p.locator('[data-testid=presentation]').click();
    await expect.poll(() => p.locator('[data-testid=app]').getAttribute('class')).toMatch(/presentation/);
    expect(await p.locator('.inspector h2').textContent()).toBe('インスペクター');
    expect(await p.locator('[data-testid=presentation]').textContent()).toBe('プレゼンテーションモードを終了');
    await p.locator('body').click({ position: { x: 5, y: 880 } }).catch(() => undefined);
    const pos0 = await p.locator('[data-testid=position]').textContent();
    await p.keyboard.press('ArrowRight');
    await p.keyboard.press('ArrowRight');
    expect(await p.locator('[data-testid=position]').textContent()).not.toBe(pos0);
    expect(await p.locator('[data-testid=position]').textContent()).toMatch(/イベント \d+ \/ \d+/);
    await screenshot(p, 'e2e-presentation-ja');
    await p.keyboard.press('p');
    expect(await p.locator('.inspector').count()).toBe(0);
    await screenshot(p, 'e2e-presentation-panels-hidden');
    await p.keyboard.press('p');
    expect(await p.locator('.inspector').count()).toBe(1);
    await p.keyboard.press('Escape');
    await expect.poll(() => p.locator('[data-testid=app]').getAttribute('class')).not.toMatch(/presentation/);
    await p.locator('[data-testid=language]').selectOption('en');
    expect(await p.locator('.inspector h2').textContent()).toBe('Inspector');
  });

  it('the folder picker opens a scenario folder', async () => {
    const p = app().page;
    await p.locator('[data-testid=folder-input]').setInputFiles(join(ROOT, 'topologies', 'ictsc2020-nodeport-source-ip'));
    // a newly opened folder starts without a trace
    await expect.poll(() => p.locator('.ev-row').count(), { timeout: 10_000 }).toBe(0);
    expect(await p.locator('[data-testid=scenario-title]').textContent()).toBe('Reachable from nowhere (ICTSC 2020)');
    expect(await p.locator('[data-testid=config] .file').allTextContents()).toContain('steps/3-divert.sh');
    expect(app().errors.filter((e) => !/favicon/.test(e))).toEqual([]);
  });
});
