// What a command writes to. Tests pass string sinks; bin/hoplab.mjs passes the process streams.
export interface Io {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown };
}

export interface Command {
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: Io): Promise<number>;
}

export function captureIo(): Io & { out(): string; err(): string } {
  let o = '';
  let e = '';
  return {
    stdout: { write: (s: string) => { o += s; return true; } },
    stderr: { write: (s: string) => { e += s; return true; } },
    out: () => o,
    err: () => e,
  };
}
