// The structure of a ruleset without where it came from (raw text, locations, columns), for
// comparing a parse with the parse of its serialization.
import type { Ruleset } from '../../../sim/net/netfilter/ruleset.js';

export function structure(r: Ruleset): unknown {
  return r.tables.map((t) => ({
    name: t.name,
    chains: t.chains.map((c) => ({
      name: c.name, builtin: c.builtin, policy: c.policy, counters: c.counters,
      rules: c.rules.map((x) => ({ index: x.index, spec: x.spec, unsupported: x.unsupported !== undefined })),
    })),
  }));
}
