// One lab at a time on a machine: the lab test files run in separate vitest workers, and bringing a
// lab up tears down any other. Each file holds this lock (a file created exclusively, with the
// holder's pid; a dead holder's lock is taken over) while it uses the lab.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'hoplab-lab-tests.lock');

function holderAlive(): boolean {
  try {
    const pid = Number(readFileSync(LOCK, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireLabLock(timeoutMs = 1_500_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      const fd = openSync(LOCK, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!holderAlive()) { try { unlinkSync(LOCK); } catch { /* taken by another waiter */ } continue; }
      if (Date.now() - t0 > timeoutMs) throw new Error(`another lab test has held ${LOCK} for ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function releaseLabLock(): void {
  try {
    if (readFileSync(LOCK, 'utf8').trim() === String(process.pid)) unlinkSync(LOCK);
  } catch { /* not held */ }
}
