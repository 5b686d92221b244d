// One iptables command line (as a scenario step writes it: `iptables -t nat -I PREROUTING 1 …`),
// parsed against a ruleset so chain names resolve, ready for applyIptablesCommand.

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import type { IptablesCommand } from '../../net/netfilter/commands.js';
import { getChain, type Ruleset } from '../../net/netfilter/ruleset.js';
import { parseCommandArgs } from './command-args.js';
import { shellLines } from './shell-words.js';

export function parseIptablesCommand(text: string, opts: { file: string; line?: number }, ruleset: Ruleset): { command?: IptablesCommand; diagnostics: Diagnostic[] } {
  const file = opts.file;
  const lines = shellLines(text).filter((l) => l.tokens.length > 0);
  const sl = lines[0];
  if (!sl) return { diagnostics: [diag('error', { file, line: opts.line ?? 1, column: 1 }, 'no iptables command', { expected: 'iptables [-t table] -A|-I|-D|-N|... ', code: 'no-command' })] };
  const offset = (opts.line ?? 1) - 1;
  const toks = sl.tokens.map((t) => ({ ...t, line: t.line + offset }));
  let k = toks[0]?.text === 'sudo' ? 1 : 0;
  while (k > 0 && toks[k]?.text.startsWith('-')) k++;
  const prog = toks[k];
  const name = prog ? prog.text.slice(prog.text.lastIndexOf('/') + 1) : '';
  if (!prog || !['iptables', 'iptables-legacy', 'iptables-nft'].includes(name)) {
    return { diagnostics: [diag('error', { file, line: sl.line + offset, column: prog?.col ?? 1 }, `not an iptables command: "${prog?.text ?? ''}"`, { expected: 'iptables, iptables-legacy or iptables-nft', code: 'not-iptables' })] };
  }
  const loc = { file, line: sl.line + offset, column: (toks[0] ?? prog).col };
  const r = parseCommandArgs(toks.slice(k + 1), { file, loc, raw: sl.raw, hasChain: (t, c) => getChain(ruleset, t, c) !== undefined });
  return r.cmd ? { command: r.cmd, diagnostics: r.diagnostics } : { diagnostics: r.diagnostics };
}
