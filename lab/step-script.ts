// `run: { host, script }` step changes: a script of iptables / ip rule / ip route / sysctl command
// lines, run inside the host's namespace one by one. Nothing else is run: no shell, no pipes, no
// variables; each line is tokenized like a POSIX shell word list (quotes and backslashes only) and
// checked. `iptables` is run as iptables-nft (the lab's backend).
import { diag, type Diagnostic, type Parsed } from '../sim/index.js';

export interface ScriptCommand {
  /** argv as run inside the namespace. */
  readonly argv: readonly string[];
  readonly line: number;
  readonly text: string;
}

const SHELL_SPECIAL = /[;|&$`<>(){}*?~!]/;

/** Splits a shell command line into words (single/double quotes, backslash escapes). Undefined on unbalanced quotes or shell syntax. */
export function shellWords(line: string): string[] | { error: string } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\') {
      const nx = line[i + 1];
      if (nx === undefined) return { error: 'line continuation is not supported' };
      cur += nx; inWord = true; i++; continue;
    }
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return { error: 'unbalanced single quote' };
      cur += line.slice(i + 1, end); inWord = true; i = end; continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        const c = line[j] as string;
        if (c === '\\' && j + 1 < line.length && '"\\'.includes(line[j + 1] as string)) { s += line[j + 1]; j++; continue; }
        if (c === '$' || c === '`') return { error: `"${c}" inside double quotes is not supported` };
        s += c;
      }
      if (j >= line.length) return { error: 'unbalanced double quote' };
      cur += s; inWord = true; i = j; continue;
    }
    if (ch === ' ' || ch === '\t') { if (inWord) { words.push(cur); cur = ''; inWord = false; } continue; }
    if (ch === '#' && !inWord) break;
    if (SHELL_SPECIAL.test(ch)) return { error: `shell syntax "${ch}" is not supported (one command per line)` };
    cur += ch; inWord = true;
  }
  if (inWord) words.push(cur);
  return words;
}

const IPTABLES_TABLES = ['raw', 'mangle', 'filter', 'nat', 'security'];
const IPTABLES_COMMANDS = ['-A', '--append', '-I', '--insert', '-D', '--delete', '-R', '--replace', '-N', '--new-chain', '-X', '--delete-chain', '-F', '--flush', '-P', '--policy', '-Z', '--zero', '-E', '--rename-chain'];
const IP_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  route: ['add', 'del', 'delete', 'replace', 'append', 'change', 'flush'],
  rule: ['add', 'del', 'delete', 'flush'],
};

function checkIptables(w: readonly string[]): string | undefined {
  let cmds = 0;
  for (let i = 1; i < w.length; i++) {
    const a = w[i] as string;
    if (a === '-t' || a === '--table') {
      const t = w[i + 1];
      if (t === undefined || !IPTABLES_TABLES.includes(t)) return `unknown table ${t ?? '(none)'} (expected ${IPTABLES_TABLES.join(', ')})`;
    }
    if (a === '--modprobe' || a.startsWith('--modprobe=')) return '--modprobe is not allowed';
    if (IPTABLES_COMMANDS.includes(a)) cmds++;
  }
  if (cmds !== 1) return `an iptables line needs exactly one command (${IPTABLES_COMMANDS.filter((c) => !c.startsWith('--')).join(' ')}), found ${cmds}`;
  return undefined;
}

function checkIp(w: readonly string[]): string | undefined {
  let i = 1;
  if (w[i] === '-4') i++;
  const obj = w[i];
  const verb = w[i + 1];
  const verbs = obj === undefined ? undefined : IP_OBJECTS[obj];
  if (!verbs) return `only "ip route" and "ip rule" lines are allowed, not "ip ${obj ?? ''}"`;
  if (verb === undefined || !verbs.includes(verb)) return `ip ${obj} ${verb ?? ''}: expected one of ${verbs.join(', ')}`;
  for (const a of w.slice(i + 2)) if (a === 'netns' || a.startsWith('-')) return `argument ${a} is not allowed in a step script`;
  return undefined;
}

function checkSysctl(w: readonly string[]): string | undefined {
  if (w[1] !== '-w' || w.length !== 3) return 'sysctl lines have the form: sysctl -w net.x.y=value';
  if (!/^net\.[A-Za-z0-9_./-]+=[A-Za-z0-9 ._-]*$/.test(w[2] as string)) return `sysctl ${w[2] as string}: only net.* keys with plain values`;
  return undefined;
}

export function parseStepScript(text: string, opts: { file: string }): Parsed<ScriptCommand[]> {
  const out: ScriptCommand[] = [];
  const diagnostics: Diagnostic[] = [];
  text.split('\n').forEach((raw, idx) => {
    const line = idx + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const w = shellWords(t);
    const loc = { file: opts.file, line };
    if (!Array.isArray(w)) { diagnostics.push(diag('error', loc, w.error, { expected: 'one iptables, ip route, ip rule or sysctl command per line' })); return; }
    if (w.length === 0) return;
    const prog = w[0] as string;
    let err: string | undefined;
    let argv: string[] = w;
    if (prog === 'iptables') { err = checkIptables(w); argv = ['iptables-nft', ...w.slice(1)]; }
    else if (prog === 'ip') err = checkIp(w);
    else if (prog === 'sysctl') { err = checkSysctl(w); argv = ['sysctl', '-q', ...w.slice(1)]; }
    else err = `command ${prog} is not allowed in a step script`;
    if (err !== undefined) { diagnostics.push(diag('error', loc, err, { expected: 'iptables ..., ip route|rule ..., sysctl -w net.*=value' })); return; }
    out.push({ argv, line, text: t });
  });
  return { value: out, diagnostics };
}
