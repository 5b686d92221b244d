// ACL declarations and conditions (doc section 7 "Using ACLs and fetching samples", 7.2 "Using ACLs
// to form conditions"): `acl <name> <criterion> [flags] [operator] [<value>] ...`, and conditions
// `if|unless [!]acl1 [!]acl2 ... [or|'||' ...]`, with anonymous ACLs written between braces.

import type { AclDef, AclTerm, Condition, Directive } from './types.js';
import type { Word } from './tokenize.js';

/** Flags that take a value (`-f file`, `-m method`, `-M file`, `-u id`). */
const FLAGS_WITH_ARG = new Set(['-f', '-m', '-M', '-u']);
const FLAGS_NO_ARG = new Set(['-i', '-n', '--']);

export interface AclParse {
  readonly acl?: AclDef;
  readonly error?: { readonly column: number; readonly message: string; readonly expected?: string };
}

/** Parses the words after the ACL name (criterion, flags, values). */
export function parseAclBody(name: string, words: readonly Word[], directive: Directive, startColumn: number): AclParse {
  const first = words[0];
  if (!first) return { error: { column: startColumn, message: `missing criterion for ACL '${name}'`, expected: 'a sample fetch such as src, path_beg, hdr(host)' } };
  const flags: string[] = [];
  const values: string[] = [];
  let i = 1;
  let flagsDone = false;
  while (i < words.length) {
    const w = (words[i] as Word).text;
    if (!flagsDone && FLAGS_NO_ARG.has(w)) { flags.push(w); if (w === '--') flagsDone = true; i++; continue; }
    if (!flagsDone && FLAGS_WITH_ARG.has(w)) {
      const v = words[i + 1];
      if (!v) return { error: { column: (words[i] as Word).column, message: `ACL flag '${w}' needs an argument` } };
      flags.push(w, v.text);
      i += 2;
      continue;
    }
    flagsDone = true;
    values.push(w);
    i++;
  }
  return { acl: { name, criterion: first.text, flags, values, directive } };
}

const ACL_NAME = /^[A-Za-z0-9_.:-]+$/;

/** Parses a condition starting at `words[0]` which must be `if` or `unless`. */
export function parseCondition(words: readonly Word[], directive: Directive): { readonly cond?: Condition; readonly error?: { readonly column: number; readonly message: string } } {
  const head = words[0];
  if (!head || (head.text !== 'if' && head.text !== 'unless')) {
    return { error: { column: head?.column ?? 1, message: `expected 'if' or 'unless'` } };
  }
  const anyOf: AclTerm[][] = [];
  let current: AclTerm[] = [];
  let i = 1;
  if (words.length === 1) return { error: { column: head.column, message: `missing condition after '${head.text}'` } };
  while (i < words.length) {
    const w = words[i] as Word;
    if (w.text === 'or' || w.text === '||') {
      if (current.length === 0) return { error: { column: w.column, message: `'${w.text}' without a term before it` } };
      anyOf.push(current);
      current = [];
      i++;
      continue;
    }
    let negate = false;
    let text = w.text;
    let column = w.column;
    while (text.startsWith('!')) { negate = !negate; text = text.slice(1); column++; }
    if (w.text === '') return { error: { column: w.column, message: `empty term` } };
    if (text === '') {
      // `! acl` with a space: the negation applies to the next word.
      const nx = words[i + 1];
      if (!nx) return { error: { column: w.column, message: `'!' without an ACL` } };
      i++;
      text = nx.text;
      column = nx.column;
    }
    if (text === '{') {
      const close = words.findIndex((x, k) => k > i && x.text === '}');
      if (close < 0) return { error: { column, message: `missing '}' closing an anonymous ACL` } };
      const body = words.slice(i + 1, close);
      const parsed = parseAclBody('', body, directive, column);
      if (parsed.error) return { error: parsed.error };
      current.push({ negate, ref: { kind: 'anonymous', acl: parsed.acl as AclDef }, column });
      i = close + 1;
      continue;
    }
    if (!ACL_NAME.test(text)) return { error: { column, message: `invalid ACL name '${text}'` } };
    current.push({ negate, ref: { kind: 'named', name: text }, column });
    i++;
  }
  if (current.length === 0) return { error: { column: (words[words.length - 1] as Word).column, message: `condition ends with 'or'` } };
  anyOf.push(current);
  return { cond: { polarity: head.text, anyOf } };
}

/** Writes a condition back as haproxy.cfg words. */
export function formatCondition(c: Condition): string {
  const terms = c.anyOf.map((and) => and.map((t) => {
    const body = t.ref.kind === 'named'
      ? t.ref.name
      : `{ ${[t.ref.acl.criterion, ...t.ref.acl.flags, ...t.ref.acl.values].join(' ')} }`;
    return `${t.negate ? '!' : ''}${body}`;
  }).join(' '));
  return `${c.polarity} ${terms.join(' || ')}`;
}

/** ACLs HAProxy predefines (doc 7.4 "Pre-defined ACLs"). */
export const PREDEFINED_ACLS: ReadonlySet<string> = new Set([
  'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH',
  'HTTP_URL_STAR', 'LOCALHOST', 'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS',
  'METH_POST', 'METH_PUT', 'METH_TRACE', 'RDP_COOKIE', 'REQ_CONTENT', 'TRUE', 'WAIT_END',
]);
