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

  it("verify's simulator side answers in the probe JSON the kernel side uses", async () => {
    const { labSimulator } = await import('../../cli/lab-simulator.js');
    const r = await labSimulator({ dir: 'topologies/ictsc2020-nodeport-source-ip', step: 3, policy: true, from: 'host01', to: '192.168.0.1:30080', tries: 4 });
    expect(r.summary).toEqual({ ok: 2, timeout: 2, reset: 0, refused: 0 });
    expect(r.tries.filter((t) => t.outcome === 'ok').map((t) => t.loggedClientIp)).toEqual(['192.168.0.10', '192.168.0.10']);
  });
});
