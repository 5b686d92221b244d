// The scenario's haproxy.cfg, adjusted only where a namespace without the rest of a Debian system
// needs it. Each adjustment is returned so the lab can print it (docs/lab.md lists them):
// - `log /dev/log <facility> [level]` -> `log stdout format raw <facility> [level]`: there is no
//   syslog daemon for the namespace; HAProxy runs in the foreground (-db) and its stdout is the
//   lab's haproxy.log, which is where `lab probe` reads the chosen server from.
// - `chroot <dir>` -> an empty directory in the lab's state directory.
// - `stats socket <path> ...` -> a socket in the lab's state directory.
// - `user` / `group` removed: HAProxy stays root inside the lb namespace, which `usesrc` needs
//   (IP_TRANSPARENT requires CAP_NET_ADMIN or CAP_NET_RAW, and 2.6 cannot keep either after setuid).
// - `pidfile` removed if present: the lab tracks the pid itself.
// Everything else (daemon included: -db overrides it) is kept byte for byte.

export interface HaproxyAdjustment {
  readonly line: number;
  readonly before: string;
  readonly after: string | null;
  readonly why: string;
}

export interface AdjustedConfig {
  readonly text: string;
  readonly adjustments: readonly HaproxyAdjustment[];
}

const SECTION_KEYWORDS = ['global', 'defaults', 'frontend', 'backend', 'listen', 'peers', 'resolvers', 'userlist', 'mailers', 'program', 'http-errors', 'ring', 'cache'];

export function adjustHaproxyCfg(text: string, paths: { readonly chroot: string; readonly statsSocket: string }): AdjustedConfig {
  const adjustments: HaproxyAdjustment[] = [];
  let section = '';
  const lines = text.split('\n').flatMap((raw, i) => {
    const m = /^(\s*)(\S+)(.*)$/.exec(raw);
    if (!m) return [raw];
    const [, indent, kw, rest] = m as unknown as [string, string, string, string];
    if (SECTION_KEYWORDS.includes(kw)) section = kw;
    const change = (after: string | null, why: string): string[] => {
      adjustments.push({ line: i + 1, before: raw, after, why });
      return after === null ? [] : [after];
    };
    if (kw === 'log') {
      const t = rest.trim().split(/\s+/);
      if (t[0] === '/dev/log' || (t[0] ?? '').startsWith('/')) return change(`${indent}log stdout format raw ${t.slice(1).join(' ')}`.trimEnd(), 'no syslog daemon in the namespace; HAProxy logs to its stdout');
      return [raw];
    }
    if (section !== 'global') return [raw];
    if (kw === 'chroot') return change(`${indent}chroot ${paths.chroot}`, 'chroot into the lab state directory');
    if (kw === 'stats' && /^\s+socket\s/.test(rest)) {
      const t = rest.trim().split(/\s+/);
      return change(`${indent}stats socket ${paths.statsSocket} ${t.slice(2).join(' ')}`.trimEnd(), 'stats socket in the lab state directory');
    }
    if (kw === 'user' || kw === 'group' || kw === 'uid' || kw === 'gid') return change(null, 'HAProxy stays root in the lb namespace (usesrc needs CAP_NET_ADMIN/CAP_NET_RAW)');
    if (kw === 'pidfile') return change(null, 'the lab tracks the pid itself');
    return [raw];
  });
  return { text: lines.join('\n'), adjustments };
}

/** A tcplog line: `client:port [date] frontend backend/server Tw/Tc/Tt bytes ...`. */
export interface HaproxyLogLine {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly frontend: string;
  readonly backend: string;
  readonly server: string;
}

export function parseTcplogLine(line: string): HaproxyLogLine | undefined {
  const m = /(\d+\.\d+\.\d+\.\d+):(\d+) \[[^\]]+\] (\S+) ([^\s/]+)\/(\S+) /.exec(line);
  if (!m) return undefined;
  return { clientIp: m[1] as string, clientPort: Number(m[2]), frontend: m[3] as string, backend: m[4] as string, server: m[5] as string };
}
