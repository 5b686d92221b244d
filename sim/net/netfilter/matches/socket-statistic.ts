// Matches that ask the world: `-m socket` (xt_socket.c socket_match: the lookup, the wildcard and
// `--transparent` checks, `--restore-skmark` copying the socket's mark) and `-m statistic`
// (xt_statistic.c: random mode compares 31 random bits with the stored u32, so the probability is
// exactly probability/2^31; nth mode keeps a per-rule counter starting at every-1-packet).

import type { SocketMatch, StatisticMatch } from '../rule-types.js';
import { hex, MATCH, NO_MATCH, result, type MatchCtx, type MatchResult } from './context.js';

const NOWILDCARD = Object.freeze({ nowildcard: true });
const WILDCARD = Object.freeze({ nowildcard: false });

export function evalSocket(m: SocketMatch, ctx: MatchCtx): MatchResult {
  const env = ctx.env;
  const s = env.socketLookup(m.nowildcard ? NOWILDCARD : WILDCARD);
  if (env.explain === false) {
    if (!s.found) return NO_MATCH;
    if (m.restoreSkmark && (s.transparent || !m.transparent)) env.mark = s.mark >>> 0;
    return !m.transparent || s.transparent ? MATCH : NO_MATCH;
  }
  const what = s.description ?? (s.found ? 'a socket' : 'no socket');
  if (!s.found) return { matched: false, effect: `socket lookup: ${what}` };
  const effects = [`socket: ${what}`];
  if (m.restoreSkmark && (s.transparent || !m.transparent)) {
    const before = env.mark;
    env.mark = s.mark >>> 0;
    effects.push(`--restore-skmark: mark ${hex(before)} -> ${hex(env.mark)}`);
  }
  const matched = !m.transparent || s.transparent;
  if (!matched) effects.push('not transparent (--transparent)');
  return { matched, effect: effects.join('; ') };
}

/** `%.11f` of the stored probability, as iptables-save prints it. */
export function formatProbability(u32: number): string {
  return (u32 / 0x80000000).toFixed(11);
}

export function evalStatistic(m: StatisticMatch, ctx: MatchCtx): MatchResult {
  const { rule, index, env } = ctx;
  if (m.mode === 'random') {
    const p = Math.min(1, m.probability / 0x80000000);
    const pMatch = m.invert ? 1 - p : p;
    if (pMatch <= 0) return result(false);
    if (pMatch >= 1) return result(true);
    const target = rule.spec.target?.kind === 'jump' ? ` -> ${rule.spec.target.chain}` : '';
    const label = `statistic --probability ${formatProbability(m.probability)}${m.invert ? ' (inverted)' : ''} (${rule.table} ${rule.chain} #${rule.index})`;
    const matched = env.chooser.choose(label, [
      { p: pMatch, value: true, label: `match${target}` },
      { p: 1 - pMatch, value: false, label: 'no match' },
    ]);
    return { matched, effect: `statistic random: ${matched ? 'chosen' : 'not chosen'} (p=${pMatch})` };
  }
  const every = m.every - 1;
  const cur = rule.nth[index] ?? every - m.packet;
  const next = cur === every ? 0 : cur + 1;
  rule.nth[index] = next;
  const hit = next === 0;
  return { matched: hit !== m.invert, effect: `statistic nth: counter ${next} of ${m.every}` };
}
