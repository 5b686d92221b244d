// How a match or target extension is described to the rule parser: its option names (with
// aliases), how many words each takes, whether `!` may precede it, and a builder that turns the
// options as written into the typed value, reporting bad arguments at their column.

import type { ProtoSpec } from '../../net/netfilter/rule-types.js';
import type { Token } from './tokens.js';

export interface OptDef {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly args: 0 | 1 | 2;
  readonly invert?: boolean;
}

export interface ParsedOpt {
  readonly name: string; // canonical name
  readonly written: string;
  readonly args: readonly Token[];
  readonly invert: boolean;
  readonly col: number;
}

export interface BuildCtx {
  readonly proto?: ProtoSpec;
  error(col: number, message: string, expected: string): void;
  warn(col: number, message: string, expected?: string): void;
  /** Parsed, but evaluation will report it as not modelled. */
  unsupported(col: number, message: string): void;
}

export interface ExtDef<S> {
  readonly name: string;
  readonly options: readonly OptDef[];
  /** undefined when an error was reported. */
  build(opts: readonly ParsedOpt[], ctx: BuildCtx, col: number): S | undefined;
}

export function findOpt(defs: readonly OptDef[], written: string): OptDef | undefined {
  return defs.find((d) => d.name === written || d.aliases?.includes(written));
}

/** The single occurrence of an option; a repeated option is an error (iptables: "can only be specified once"). */
export function one(opts: readonly ParsedOpt[], name: string, ctx: BuildCtx): ParsedOpt | undefined {
  const all = opts.filter((o) => o.name === name);
  if (all.length > 1) {
    const second = all[1] as ParsedOpt;
    ctx.error(second.col, `${name} given more than once`, `${name} at most once`);
  }
  return all[0];
}

export function arg(o: ParsedOpt, i = 0): Token {
  return o.args[i] as Token;
}

/** Reports, and returns false, when an option that cannot be inverted was. */
export function noInvert(o: ParsedOpt | undefined, ctx: BuildCtx): boolean {
  if (o?.invert) {
    ctx.error(o.col, `${o.name} cannot be inverted`, `${o.name} without !`);
    return false;
  }
  return true;
}
