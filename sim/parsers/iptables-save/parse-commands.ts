// A shell-style file of iptables commands (`iptables -t mangle -A PREROUTING -p tcp -m socket -j
// DIVERT`, with `sudo`, `iptables-legacy` / `iptables-nft`, comments and line continuations),
// applied in order onto a ruleset as the kernel would: a command it would refuse changes nothing
// and is reported. Lines that are not iptables commands (`ip rule add …`) are returned untouched
// in `otherLines` for the parser of their own format.

import { diag, type Diagnostic, type Parsed } from '../../core/diagnostics.js';
import { RulesetBuilder } from '../../net/netfilter/commands.js';
import type { Ruleset } from '../../net/netfilter/ruleset.js';
import { parseCommandArgs } from './command-args.js';
import { shellLines } from './shell-words.js';

export interface OtherLine {
  readonly line: number;
  /** The logical line, continuations joined. */
  readonly text: string;
}

export type ParsedIptablesCommands = Parsed<Ruleset> & { readonly otherLines: readonly OtherLine[] };

const IPTABLES = new Set(['iptables', 'iptables-legacy', 'iptables-nft']);
const IP6TABLES = new Set(['ip6tables', 'ip6tables-legacy', 'ip6tables-nft']);

export function parseIptablesCommands(text: string, opts: { file: string }, base?: Ruleset): ParsedIptablesCommands {
  const file = opts.file;
  const diagnostics: Diagnostic[] = [];
  const otherLines: OtherLine[] = [];
  const b = new RulesetBuilder(base);
  for (const sl of shellLines(text)) {
    let k = 0;
    const toks = sl.tokens;
    if (toks.length === 0) continue;
    // `sudo [-E …] iptables …`
    if (toks[0]?.text === 'sudo') {
      k = 1;
      while (toks[k]?.text.startsWith('-')) k++;
    }
    const prog = toks[k];
    if (!prog) continue;
    const name = prog.text.slice(prog.text.lastIndexOf('/') + 1);
    const loc = { file, line: sl.line, column: (toks[0] ?? prog).col };
    if (IP6TABLES.has(name)) {
      diagnostics.push(diag('unsupported', { file, line: prog.line, column: prog.col }, `${name}: IPv6 rules are not modelled; line skipped`, { expected: 'iptables (IPv4)', code: 'ipv6' }));
      continue;
    }
    if (!IPTABLES.has(name)) {
      otherLines.push({ line: sl.line, text: sl.joined });
      continue;
    }
    if (sl.unterminated) {
      diagnostics.push(diag('error', { file, line: sl.unterminated.line, column: sl.unterminated.col }, 'unterminated quote', { expected: 'a closing quote', code: 'unterminated-quote' }));
      continue;
    }
    if (sl.shellFeature) {
      diagnostics.push(diag('unsupported', { file, line: sl.shellFeature.line, column: sl.shellFeature.col }, `${sl.shellFeature.what} is not expanded; line skipped`, { expected: 'a plain iptables command line', code: 'shell-feature' }));
      continue;
    }
    const r = parseCommandArgs(toks.slice(k + 1), { file, loc, raw: sl.raw, hasChain: (t, c) => b.hasChain(t, c) });
    diagnostics.push(...r.diagnostics);
    if (r.cmd) diagnostics.push(...b.apply(r.cmd));
  }
  return { value: b.build(), diagnostics, otherLines };
}
