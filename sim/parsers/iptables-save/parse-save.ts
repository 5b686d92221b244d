// iptables-save / iptables-legacy-save text, read the way iptables-restore reads it (without
// --noflush): `# comments`, `*table` starts a table afresh, `:CHAIN POLICY [packets:bytes]`
// sets a built-in chain's policy or creates a user chain (policy `-`), command lines (`-A CHAIN
// …`, optionally preceded by `[packets:bytes]`, also -I/-D/-R/-N/-X/-F/-Z) change the table, and
// `COMMIT` hands it to the kernel, which checks it as a whole. iptables-save(8), iptables-restore(8).

import { diag, type Diagnostic, type Parsed } from '../../core/diagnostics.js';
import { TABLES, TABLE_HOOKS, type Table } from '../../net/netfilter/api.js';
import { issueToDiagnostic, RulesetBuilder } from '../../net/netfilter/commands.js';
import type { ChainPolicy, Counters, Ruleset } from '../../net/netfilter/ruleset.js';
import { validateTable } from '../../net/netfilter/validate.js';
import { parseCommandArgs, validChainName } from './command-args.js';
import { tokenizeRestoreLine } from './tokens.js';

const COUNTERS = /^\[(\d+):(\d+)\]$/;

function parseCounters(text: string): Counters | undefined {
  const m = COUNTERS.exec(text);
  if (!m) return undefined;
  const packets = Number(m[1]);
  const bytes = Number(m[2]);
  return Number.isSafeInteger(packets) && Number.isSafeInteger(bytes) ? { packets, bytes } : undefined;
}

export function parseIptablesSave(text: string, opts: { file: string }): Parsed<Ruleset> {
  const file = opts.file;
  const diagnostics: Diagnostic[] = [];
  const b = new RulesetBuilder();
  const err = (line: number, column: number, message: string, expected: string, code: string): void => {
    diagnostics.push(diag('error', { file, line, column }, message, { expected, code }));
  };
  const lines = text.split('\n');
  let table: Table | undefined;
  let tableLine = 0;
  const commit = (): void => {
    const t = table ? b.frozenTable(table) : undefined;
    if (t) diagnostics.push(...validateTable(t).map(issueToDiagnostic));
    table = undefined;
  };

  lines.forEach((rawLine, i) => {
    const lineNo = i + 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    const col = indent + 1;
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const loc = { file, line: lineNo, column: col };
    if (trimmed.startsWith('*')) {
      const name = trimmed.slice(1);
      if (table) err(lineNo, col, `table ${table} (line ${tableLine}) was not committed before *${name}`, `COMMIT before *${name}`, 'missing-commit');
      commit();
      if (!(TABLES as readonly string[]).includes(name)) {
        err(lineNo, col + 1, `unknown table "${name}"`, TABLES.join(', '), 'bad-table');
        return;
      }
      table = name as Table;
      tableLine = lineNo;
      b.resetTable(table, loc);
      return;
    }
    if (trimmed === 'COMMIT') {
      if (!table) err(lineNo, col, 'COMMIT without a table', 'a *table line before COMMIT', 'commit-without-table');
      commit();
      return;
    }
    if (trimmed.startsWith(':')) {
      if (!table) { err(lineNo, col, 'chain declaration before a table header', 'a *table line (*filter, *nat, ...) first', 'no-table'); return; }
      const { tokens } = tokenizeRestoreLine(line, lineNo);
      const [nameTok, polTok, ctrTok, extra] = tokens;
      const name = nameTok ? nameTok.text.slice(1) : '';
      const bad = validChainName(name);
      if (!nameTok || bad) { err(lineNo, col + 1, `bad chain name "${name}"${bad ? `: ${bad}` : ''}`, 'a chain name of 1-28 characters', 'bad-chain-name'); return; }
      const builtin = (TABLE_HOOKS[table] as readonly string[]).includes(name);
      if (!polTok) { err(lineNo, nameTok.col + nameTok.text.length, `chain ${name} has no policy`, builtin ? 'ACCEPT or DROP' : '- (user-defined chains have no policy)', 'missing-policy'); return; }
      let policy: ChainPolicy | undefined;
      if (builtin) {
        if (polTok.text !== 'ACCEPT' && polTok.text !== 'DROP') { err(lineNo, polTok.col, `bad policy "${polTok.text}" for built-in chain ${name}`, 'ACCEPT or DROP', 'bad-policy'); return; }
        policy = polTok.text;
      } else if (polTok.text !== '-') {
        err(lineNo, polTok.col, `user-defined chain ${name} cannot have policy "${polTok.text}"`, '- (only built-in chains of this table have a policy)', 'bad-policy');
        return;
      }
      let counters: Counters = { packets: 0, bytes: 0 };
      if (ctrTok) {
        const c = parseCounters(ctrTok.text);
        if (!c) { err(lineNo, ctrTok.col, `bad counters "${ctrTok.text}"`, '[packets:bytes]', 'bad-counters'); return; }
        counters = c;
      }
      if (extra) { err(lineNo, extra.col, `unexpected "${extra.text}" after the chain counters`, 'end of line', 'unexpected-argument'); return; }
      b.declareChain(table, name, policy, counters, loc);
      return;
    }
    if (trimmed.startsWith('-') || trimmed.startsWith('[')) {
      if (!table) { err(lineNo, col, 'rule before a table header', 'a *table line (*filter, *nat, ...) first', 'no-table'); return; }
      const tk = tokenizeRestoreLine(line, lineNo);
      if (tk.unterminatedQuote !== undefined) { err(lineNo, tk.unterminatedQuote, 'unterminated quote', 'a closing "', 'unterminated-quote'); return; }
      let tokens = tk.tokens;
      let counters: Counters | undefined;
      const first = tokens[0];
      if (first && first.text.startsWith('[')) {
        counters = parseCounters(first.text);
        if (!counters) { err(lineNo, first.col, `bad counters "${first.text}"`, '[packets:bytes]', 'bad-counters'); return; }
        tokens = tokens.slice(1);
      }
      const cur = table;
      const r = parseCommandArgs(tokens, { file, loc, raw: line, restoreTable: cur, hasChain: (t, c) => b.hasChain(t, c) });
      diagnostics.push(...r.diagnostics);
      const cmd = r.cmd;
      if (!cmd) return;
      if ('chain' in cmd && cmd.chain !== undefined && cmd.op !== 'new-chain' && !b.hasChain(cur, cmd.chain)) {
        err(lineNo, cmd.chainCol ?? col, `chain ${cmd.chain} used but not declared`, `a ":${cmd.chain} - [0:0]" line before its rules`, 'undeclared-chain');
        return;
      }
      const withCounters = counters && 'rule' in cmd ? { ...cmd, rule: { ...cmd.rule, counters } } : cmd;
      diagnostics.push(...b.apply(withCounters, { validate: false }));
      return;
    }
    err(lineNo, col, `unexpected line "${trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed}"`, '*table, :CHAIN POLICY [packets:bytes], -A CHAIN rule, COMMIT or # comment', 'unexpected-line');
  });
  if (table) {
    const last = lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
    err(Math.max(1, last), 1, `table ${table} (line ${tableLine}) has no COMMIT`, `COMMIT at the end of table ${table}`, 'missing-commit');
    commit();
  }
  return { value: b.build(), diagnostics };
}
