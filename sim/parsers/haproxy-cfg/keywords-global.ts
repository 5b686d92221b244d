// `global` section keywords (doc section 3 "Global parameters"). Process-management and TLS
// material settings are recorded: they do not change packet behaviour. Known keywords that would
// change behaviour the engine does not model are reported unsupported; unknown ones are errors.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { Mutable } from './builder.js';
import type { Word } from './tokenize.js';
import type { Directive, GlobalSection } from './types.js';
import { parseUint } from './values.js';

export type GlobalBuilder = Mutable<GlobalSection> & { directives: Directive[]; statsSockets: Directive[]; logs: Directive[] };

/** Recorded without effect on packets (process identity, files, TLS defaults). */
const RECORDED = new Set([
  'ca-base', 'crt-base', 'ssl-default-bind-ciphers', 'ssl-default-bind-ciphersuites', 'ssl-default-bind-options',
  'ssl-default-server-ciphers', 'ssl-default-server-ciphersuites', 'ssl-default-server-options',
  'ssl-dh-param-file', 'ssl-server-verify', 'ssl-default-bind-curves', 'ssl-default-bind-sigalgs',
  'ssl-default-bind-client-sigalgs', 'ssl-default-server-curves', 'ssl-default-server-sigalgs',
  'ssl-default-server-client-sigalgs', 'uid', 'gid', 'quiet', 'master-worker', 'node', 'description',
  'hard-stop-after', 'ulimit-n', 'setenv', 'presetenv', 'unsetenv', 'resetenv', 'log-send-hostname', 'log-tag',
  'localpeer', 'zero-warning', 'set-dumpable', 'strict-limits', 'insecure-fork-wanted', 'insecure-setuid-wanted',
  'expose-experimental-directives', 'server-state-file', 'server-state-base', 'default-path', 'h1-case-adjust',
  'h1-case-adjust-file', 'issuers-chain-path', 'numa-cpu-mapping', 'cpu-map', 'busy-polling', 'noepoll',
  'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'profiling.tasks', 'profiling.memory', 'debug', 'maxsslconn',
  'maxconnrate', 'maxsessrate', 'maxsslrate', 'maxpipes', 'maxzlibmem', 'maxcomprate', 'maxcompcpuusage',
  'thread-groups', 'thread-group', 'httpclient.resolvers.disabled', 'httpclient.ssl.verify', 'ssl-engine',
  'ssl-mode-async', 'ssl-load-extra-files', 'ssl-load-extra-del-ext', 'ssl-skip-self-issued-ca', 'anonkey',
  'pp2-never-send-local', 'unix-bind', 'cluster-secret', 'fd-hard-limit', 'grace', 'stats-file',
]);
const UNMODELLED = new Set(['lua-load', 'lua-load-per-thread', 'lua-prepend-path', 'external-check', 'max-spread-checks']);
const REMOVED: Readonly<Record<string, string>> = { nbproc: 'nbthread (nbproc was removed in 2.5)' };

export function applyGlobalKeyword(g: GlobalBuilder, words: readonly Word[], d: Directive, out: Diagnostic[]): void {
  const kw = words[0] as Word;
  const at = (w: Word | undefined): { file: string; line: number; column: number } => ({ file: d.loc.file, line: d.loc.line, column: w?.column ?? kw.column });
  const one = (): string | undefined => {
    const v = words[1];
    if (!v) out.push(diag('error', at(kw), `'${kw.text}' expects an argument`));
    return v?.text;
  };
  const num = (): number | undefined => {
    const v = words[1];
    const n = v ? parseUint(v.text) : undefined;
    if (n === undefined) out.push(diag('error', at(v), `'${kw.text}' expects an integer argument`, { expected: 'a non-negative integer' }));
    return n;
  };
  switch (kw.text) {
    case 'daemon': g.daemon = true; return;
    case 'user': { const v = one(); if (v !== undefined) g.user = v; return; }
    case 'group': { const v = one(); if (v !== undefined) g.group = v; return; }
    case 'chroot': { const v = one(); if (v !== undefined) g.chroot = v; return; }
    case 'pidfile': { const v = one(); if (v !== undefined) g.pidfile = v; return; }
    case 'maxconn': { const n = num(); if (n !== undefined) g.maxconn = n; return; }
    case 'nbthread': {
      const n = num();
      if (n !== undefined && n < 1) { out.push(diag('error', at(words[1]), `'nbthread' must be at least 1`)); return; }
      if (n !== undefined) g.nbthread = n;
      return;
    }
    case 'spread-checks': {
      const n = num();
      if (n !== undefined && n > 50) { out.push(diag('error', at(words[1]), `'spread-checks' must be between 0 and 50`)); return; }
      if (n !== undefined && n > 0) out.push(diag('unsupported', at(kw), `'spread-checks' randomises check intervals; the engine schedules them without spreading`, { code: 'haproxy-global' }));
      return;
    }
    case 'stats': {
      const sub = words[1];
      if (!sub) { out.push(diag('error', at(kw), `'stats' expects 'socket', 'timeout', 'maxconn' or 'bind-process'`)); return; }
      if (sub.text === 'socket') { if (!words[2]) out.push(diag('error', at(sub), `'stats socket' expects an address`)); g.statsSockets.push(d); return; }
      if (sub.text === 'timeout' || sub.text === 'maxconn' || sub.text === 'bind-process') return;
      out.push(diag('error', at(sub), `'stats ${sub.text}' is not a global stats keyword`, { expected: 'socket, timeout, maxconn, bind-process' }));
      return;
    }
    case 'log':
      if (!words[1]) { out.push(diag('error', at(kw), `'log' expects an address or 'global'`)); return; }
      g.logs.push(d);
      return;
    default:
      break;
  }
  if (kw.text.startsWith('tune.') || RECORDED.has(kw.text)) return;
  if (kw.text in REMOVED) { out.push(diag('error', at(kw), `'${kw.text}' is not supported by HAProxy 2.6`, { expected: REMOVED[kw.text] as string })); return; }
  if (UNMODELLED.has(kw.text)) { out.push(diag('unsupported', at(kw), `'${kw.text}' is not modelled`, { code: 'haproxy-global' })); return; }
  out.push(diag('error', at(kw), `unknown keyword '${kw.text}' in 'global' section`, { expected: 'a global keyword (doc section 3)' }));
}
