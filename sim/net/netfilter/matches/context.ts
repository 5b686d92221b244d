// What a match sees while it is evaluated: the packet environment, the rule (for labels and
// per-rule state), and the match's position in the rule. A match answers matched or not, may say
// it cannot be evaluated (reported as an 'unsupported' step, the rule then does not match), and
// may describe a side effect (`--restore-skmark`) or an assumption (`limit`).

import type { NfEnv } from '../api.js';
import type { NfRule } from '../ruleset.js';

export interface MatchCtx {
  readonly env: NfEnv;
  readonly rule: NfRule;
  readonly index: number; // position of the match in rule.spec.matches
}

export interface MatchResult {
  readonly matched: boolean;
  readonly unsupported?: string;
  readonly effect?: string;
}

export const MATCH: MatchResult = { matched: true };
export const NO_MATCH: MatchResult = { matched: false };

export function result(matched: boolean): MatchResult {
  return matched ? MATCH : NO_MATCH;
}

export function inRange(v: number, r: { readonly min: number; readonly max: number }): boolean {
  return v >= r.min && v <= r.max;
}

export function hex(v: number): string {
  return `0x${(v >>> 0).toString(16)}`;
}

/** Interface name match as the kernel does it (ifname_compare with the mask iptables builds for `+`). */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  if (pattern.endsWith('+')) return (name ?? '').startsWith(pattern.slice(0, -1));
  return name === pattern;
}
