// A bounded memo for pure functions of text (parsers run again on every world build of the same
// scenario): the oldest entry goes when the bound is reached. Values handed out must not be
// changed by their users; deepFreeze makes that a checked rule for plain data.

export class TextMemo<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly limit = 64) {}

  get(key: string, compute: () => V): V {
    const hit = this.m.get(key);
    if (hit !== undefined) return hit;
    const v = compute();
    if (this.m.size >= this.limit) {
      const oldest = this.m.keys().next();
      if (!oldest.done) this.m.delete(oldest.value);
    }
    this.m.set(key, v);
    return v;
  }
}

/** Freezes plain data all the way down (objects and arrays), so a shared value cannot be changed. */
export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  Object.freeze(v);
  for (const k of Object.keys(v as object)) deepFreeze((v as Record<string, unknown>)[k]);
  return v;
}
