import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { captureIo } from '../../cli/io.js';
import { environmentProblem } from '../../lab/runtime.js';

describe('hoplab lab', () => {
  it('is registered and prints its usage', async () => {
    const io = captureIo();
    expect(await main(['lab', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/hoplab lab up <dir>/);
    expect(io.out()).toMatch(/hoplab lab probe --from/);
  });

  it('refuses to run without root on Linux, saying why; otherwise checks its arguments', async () => {
    const io = captureIo();
    const code = await main(['lab', 'probe', '--from', 'host01'], io);
    if (environmentProblem()) {
      expect(code).toBe(1);
      expect(io.err()).toMatch(/needs (Linux|root)|missing programs/);
    } else {
      expect(code).toBe(2);
      expect(io.err()).toMatch(/needs --from and --to/);
    }
  });

  it('rejects --step together with --variant', async () => {
    if (environmentProblem()) return;
    const io = captureIo();
    expect(await main(['lab', 'up', 'x', '--step', '1', '--variant', 'v'], io)).toBe(2);
    expect(io.err()).toMatch(/exclude each other/);
  });

  it('verify reports a missing simulator and exits non-zero', async () => {
    const sim = (await import('../../sim/index.js')) as Record<string, unknown>;
    if (environmentProblem() || typeof sim['labSimulator'] === 'function') return;
    const io = captureIo();
    const code = await main(['lab', 'verify', 'topologies/ictsc2020-nodeport-source-ip'], io);
    expect(code).toBe(1);
    expect(io.err()).toMatch(/simulator is not available/);
  });
});
