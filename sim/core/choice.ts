// Choice points. The walker never draws random numbers itself: it asks a Chooser. In `simulate`
// mode the chooser draws from the seeded rng (one path); in `explore` mode the driver re-runs the
// same deterministic walk once per combination of choices, so every branch is visited with its
// exact probability (see sim/scenario/explore.ts).

import type { Rng } from './rng.js';

export interface ChoiceOption<T> {
  readonly p: number; // probability of this option; options sum to 1
  readonly value: T;
  readonly label: string;
}

export interface ChoiceRecord {
  readonly label: string; // what was being chosen, e.g. "statistic --probability 0.5 (nat KUBE-SVC-X #1)"
  readonly options: readonly string[];
  readonly chosen: number;
  readonly p: number;
}

export interface Chooser {
  choose<T>(label: string, options: readonly ChoiceOption<T>[]): T;
  /** Choices made so far in this run, in order. */
  readonly made: readonly ChoiceRecord[];
}

export function randomChooser(rng: Rng): Chooser {
  const made: ChoiceRecord[] = [];
  return {
    made,
    choose(label, options) {
      if (options.length === 0) throw new Error(`no options for ${label}`);
      const r = rng.next();
      let acc = 0;
      let idx = options.length - 1;
      for (let i = 0; i < options.length; i++) {
        acc += (options[i] as ChoiceOption<unknown>).p;
        if (r < acc) { idx = i; break; }
      }
      const o = options[idx] as ChoiceOption<(typeof options)[number]['value']>;
      made.push({ label, options: options.map((x) => x.label), chosen: idx, p: o.p });
      return o.value;
    },
  };
}

/**
 * Follows a forced prefix of choice indices, then takes option 0 for every new choice point while
 * recording how many options it had, so a driver can enumerate the siblings.
 */
export function scriptedChooser(prefix: readonly number[]): Chooser & { readonly arities: number[]; readonly probs: number[][] } {
  const made: ChoiceRecord[] = [];
  const arities: number[] = [];
  const probs: number[][] = [];
  return {
    made,
    arities,
    probs,
    choose(label, options) {
      if (options.length === 0) throw new Error(`no options for ${label}`);
      const k = made.length;
      const idx = k < prefix.length ? (prefix[k] as number) : 0;
      const o = options[idx];
      if (!o) throw new Error(`choice ${k} (${label}) has no option ${idx}: the walk is not deterministic`);
      arities.push(options.length);
      probs.push(options.map((x) => x.p));
      made.push({ label, options: options.map((x) => x.label), chosen: idx, p: o.p });
      return o.value;
    },
  };
}

export interface ExploredPath<R> {
  readonly choices: readonly number[];
  readonly p: number;
  readonly result: R;
}

/** Depth-first enumeration of every combination of choices; `run` must be deterministic given the chooser. */
export function exploreAll<R>(run: (c: Chooser) => R, opts: { maxPaths?: number } = {}): ExploredPath<R>[] {
  const maxPaths = opts.maxPaths ?? 100_000;
  const out: ExploredPath<R>[] = [];
  const stack: number[][] = [[]];
  while (stack.length > 0) {
    const prefix = stack.pop() as number[];
    const c = scriptedChooser(prefix);
    const result = run(c);
    let p = 1;
    for (let i = 0; i < c.made.length; i++) p *= (c.made[i] as ChoiceRecord).p;
    out.push({ choices: c.made.map((m) => m.chosen), p, result });
    if (out.length > maxPaths) throw new Error(`explore: more than ${maxPaths} paths`);
    // Siblings of every choice made beyond the forced prefix.
    for (let i = c.made.length - 1; i >= prefix.length; i--) {
      const arity = c.arities[i] as number;
      for (let alt = arity - 1; alt >= 1; alt--) {
        if (((c.probs[i] as number[])[alt] as number) <= 0) continue;
        stack.push([...c.made.slice(0, i).map((m) => m.chosen), alt]);
      }
    }
  }
  return out.filter((x) => x.p > 0);
}
