// One iptables command from its words (after the program name, or an iptables-restore line):
// `[-t table] -A|-I|-R|-D|-C chain [n] rule…`, `-N|-X|-F|-Z [chain]`, `-P chain policy`,
// `-E old new`. iptables(8) COMMANDS. In iptables-restore input the table comes from the
// `*table` line and `-t` is refused, as iptables-restore does.

import { diag, type Diagnostic, type SourceLocation } from '../../core/diagnostics.js';
import { TABLES, type Table } from '../../net/netfilter/api.js';
import type { IptablesCommand, RuleDraft } from '../../net/netfilter/commands.js';
import { parseRuleArgs } from './rule-args.js';
import { KNOWN_UNMODELLED_TARGETS, TARGET_DEFS } from './targets.js';
import type { Token } from './tokens.js';
import { parseUint } from './values.js';

export interface CommandParseCtx {
  readonly file: string;
  readonly loc: SourceLocation;
  readonly raw: string;
  /** Set for iptables-restore lines: the current `*table`. */
  readonly restoreTable?: Table;
  readonly hasChain: (table: Table, chain: string) => boolean;
}

const COMMANDS: Readonly<Record<string, string>> = {
  '-A': 'A', '--append': 'A', '-I': 'I', '--insert': 'I', '-R': 'R', '--replace': 'R', '-D': 'D', '--delete': 'D',
  '-C': 'C', '--check': 'C', '-N': 'N', '--new-chain': 'N', '--new': 'N', '-X': 'X', '--delete-chain': 'X',
  '-F': 'F', '--flush': 'F', '-Z': 'Z', '--zero': 'Z', '-P': 'P', '--policy': 'P', '-E': 'E', '--rename-chain': 'E',
  '-L': 'L', '--list': 'L', '-S': 'S', '--list-rules': 'S',
};
/** Options that only change how iptables runs (wait for the lock, verbosity). */
const RUN_OPTS: Readonly<Record<string, number>> = { '-w': 1, '--wait': 1, '-W': 1, '--wait-interval': 1, '-v': 0, '--verbose': 0, '-n': 0, '--numeric': 0, '-x': 0, '--exact': 0, '--line-numbers': 0, '--modprobe': 1 };

/** Options of the rule part that take a word (long extension options are assumed to). */
function TAKES_ARG(w: string): boolean {
  return /^-[sdiopmjg]$/.test(w) || (w.startsWith('--') && !w.includes('=') && !NO_ARG_LONG.has(w));
}
const NO_ARG_LONG = new Set(['--syn', '--fragment', '--transparent', '--nowildcard', '--restore-skmark', '--physdev-is-in', '--physdev-is-out', '--physdev-is-bridged',
  '--limit-iface-in', '--limit-iface-out', '--set', '--rcheck', '--update', '--remove', '--reap', '--rttl', '--rsource', '--rdest', '--random', '--random-fully',
  '--persistent', '--notrack', '--save-mark', '--restore-mark', '--log-tcp-sequence', '--log-tcp-options', '--log-ip-options', '--log-uid', '--log-macdecode']);

export function validChainName(name: string): string | undefined {
  if (name.length === 0 || name.length > 28) return 'chain names are 1-28 characters';
  if (name.startsWith('-') || name.startsWith('!')) return 'a chain name may not start with - or !';
  if (/\s/.test(name)) return 'a chain name may not contain blanks';
  if (TARGET_DEFS[name] || KNOWN_UNMODELLED_TARGETS.includes(name)) return `chain name may not clash with target name ${name}`;
  return undefined;
}

export function parseCommandArgs(tokens: readonly Token[], ctx: CommandParseCtx): { cmd?: IptablesCommand; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const at = (t: { line: number; col: number }, message: string, expected: string, code: string, severity: Diagnostic['severity'] = 'error'): void => {
    diagnostics.push(diag(severity, { file: ctx.file, line: t.line, column: t.col }, message, { expected, code }));
  };
  const rest: Token[] = [];
  let table: Table = ctx.restoreTable ?? 'filter';
  let cmdTok: Token | undefined;
  let cmd: string | undefined;
  const cmdArgs: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quoted) { rest.push(t); continue; }
    // A word right after an option that takes an argument is that argument (`--comment -t`).
    const prev = tokens[i - 1];
    if (prev && !prev.quoted && TAKES_ARG(prev.text) && rest[rest.length - 1] === prev) { rest.push(t); continue; }
    const glued = /^-t(.+)$/.exec(t.text);
    if (t.text === '-t' || t.text === '--table' || glued || t.text.startsWith('--table=')) {
      const v = glued ? glued[1] : t.text.startsWith('--table=') ? t.text.slice(8) : tokens[++i]?.text;
      if (ctx.restoreTable) { at(t, 'The -t option cannot be used in iptables-restore', 'the table from the *table line', 'restore-table-option'); continue; }
      if (!v || !(TABLES as readonly string[]).includes(v)) { at(t, `unknown table "${v ?? ''}"`, TABLES.join(', '), 'bad-table'); return { diagnostics }; }
      table = v as Table;
      continue;
    }
    if (RUN_OPTS[t.text] !== undefined && !ctx.restoreTable) {
      if (RUN_OPTS[t.text] === 1 && tokens[i + 1] && /^\d+$/.test((tokens[i + 1] as Token).text)) i++;
      continue;
    }
    const c = COMMANDS[t.text];
    if (c && !cmd) {
      cmd = c;
      cmdTok = t;
      // Command arguments: chain, then a rule number / policy / new name.
      const a1 = tokens[i + 1];
      if (a1 && !a1.text.startsWith('-') && !(a1.text === '!' && !a1.quoted)) {
        cmdArgs.push(a1);
        i++;
        const a2 = tokens[i + 1];
        const wants2 = c === 'P' || c === 'E' || ((c === 'I' || c === 'R' || c === 'D') && a2 !== undefined && /^\d+$/.test(a2.text));
        if (a2 && wants2 && !a2.text.startsWith('-')) { cmdArgs.push(a2); i++; }
      }
      continue;
    }
    if (c && cmd) { at(t, 'only one command per line', 'a single command (-A, -I, -D, -N, ...)', 'two-commands'); return { diagnostics }; }
    rest.push(t);
  }
  if (!cmd || !cmdTok) {
    at(tokens[0] ?? { line: ctx.loc.line, col: 1 }, 'no command given', 'one of -A, -I, -R, -D, -C, -N, -X, -F, -Z, -P, -E', 'no-command');
    return { diagnostics };
  }
  const chainTok = cmdArgs[0];
  const base = { table, loc: ctx.loc, raw: ctx.raw, ...(chainTok ? { chainCol: chainTok.line === ctx.loc.line ? chainTok.col : 1 } : {}) };
  const needChain = (): string | undefined => {
    if (!chainTok) { at(cmdTok as Token, `${(cmdTok as Token).text} needs a chain name`, `${(cmdTok as Token).text} CHAIN`, 'missing-chain'); return undefined; }
    return chainTok.text;
  };
  const ruleDraft = (chain: string): RuleDraft | undefined => {
    const r = parseRuleArgs(rest, { file: ctx.file, table, hasChain: (n) => ctx.hasChain(table, n), firstLine: ctx.loc.line });
    diagnostics.push(...r.diagnostics);
    const d: { -readonly [K in keyof RuleDraft]: RuleDraft[K] } = { spec: r.spec, raw: ctx.raw, loc: ctx.loc, cols: r.cols };
    if (r.unsupported !== undefined) d.unsupported = r.unsupported;
    if (r.counters) d.counters = r.counters;
    void chain;
    return d;
  };
  const noRest = (): boolean => {
    if (rest.length) { at(rest[0] as Token, `unexpected "${(rest[0] as Token).text}" after ${(cmdTok as Token).text}`, 'nothing more on this line', 'unexpected-argument'); return false; }
    return true;
  };
  const num = (t: Token | undefined): number | undefined => (t ? parseUint(t.text, 1_000_000) : undefined);
  switch (cmd) {
    case 'A':
    case 'C': {
      const chain = needChain();
      const rule = chain !== undefined ? ruleDraft(chain) : undefined;
      if (chain === undefined || !rule) return { diagnostics };
      return { cmd: { ...base, op: cmd === 'A' ? 'append' : 'check', chain, rule }, diagnostics };
    }
    case 'I':
    case 'R':
    case 'D': {
      const chain = needChain();
      if (chain === undefined) return { diagnostics };
      const posTok = cmdArgs[1];
      const position = posTok ? num(posTok) : cmd === 'I' ? 1 : undefined;
      if (posTok && position === undefined) { at(posTok, `bad rule number "${posTok.text}"`, 'a rule number >= 1', 'bad-index'); return { diagnostics }; }
      if (cmd === 'D' && position !== undefined) {
        if (!noRest()) return { diagnostics };
        return { cmd: { ...base, op: 'delete', chain, position }, diagnostics };
      }
      if (cmd === 'R' && position === undefined) { at(cmdTok, '-R needs a rule number', '-R CHAIN RULENUM RULE', 'missing-index'); return { diagnostics }; }
      const rule = ruleDraft(chain);
      if (!rule) return { diagnostics };
      if (cmd === 'D') return { cmd: { ...base, op: 'delete-rule', chain, rule }, diagnostics };
      return { cmd: { ...base, op: cmd === 'I' ? 'insert' : 'replace', chain, position: position ?? 1, rule }, diagnostics };
    }
    case 'N': {
      const chain = needChain();
      if (chain === undefined || !noRest()) return { diagnostics };
      const bad = validChainName(chain);
      if (bad) { at(chainTok as Token, `bad chain name "${chain}": ${bad}`, 'a name of 1-28 characters, not starting with - or !, not a target name', 'bad-chain-name'); return { diagnostics }; }
      return { cmd: { ...base, op: 'new-chain', chain }, diagnostics };
    }
    case 'X':
    case 'F':
    case 'Z': {
      if (!noRest()) return { diagnostics };
      const op = cmd === 'X' ? 'delete-chain' : cmd === 'F' ? 'flush' : 'zero';
      return { cmd: chainTok ? { ...base, op, chain: chainTok.text } : { ...base, op }, diagnostics };
    }
    case 'P': {
      const chain = needChain();
      const p = cmdArgs[1];
      if (chain === undefined) return { diagnostics };
      if (!p || (p.text !== 'ACCEPT' && p.text !== 'DROP')) { at(p ?? cmdTok, `bad policy "${p?.text ?? ''}"`, 'ACCEPT or DROP', 'bad-policy'); return { diagnostics }; }
      if (!noRest()) return { diagnostics };
      return { cmd: { ...base, op: 'policy', chain, policy: p.text }, diagnostics };
    }
    case 'E': {
      const chain = needChain();
      const n = cmdArgs[1];
      if (chain === undefined) return { diagnostics };
      if (!n) { at(cmdTok, '-E needs the new name', '-E OLD NEW', 'missing-argument'); return { diagnostics }; }
      const bad = validChainName(n.text);
      if (bad) { at(n, `bad chain name "${n.text}": ${bad}`, 'a valid chain name', 'bad-chain-name'); return { diagnostics }; }
      return { cmd: { ...base, op: 'rename-chain', chain, newName: n.text }, diagnostics };
    }
    default:
      // -L / -S only print.
      return { diagnostics };
  }
}
