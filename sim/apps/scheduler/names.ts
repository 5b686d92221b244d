// Names the workload controllers give the objects they create.
// - pod-template-hash: pkg/controller/controller_utils.go ComputeHash = fnv32a over
//   hashutil.DeepHashObject(template) (a go-spew "%#v" dump of the defaulted v1.PodTemplateSpec
//   Go struct), then the collisionCount as 8 little-endian bytes when set, then
//   rand.SafeEncodeString(decimal Sum32). The spew dump depends on every field of the Go struct in
//   the cluster's release, so hoplab hashes its own canonical text of the template with the same
//   fnv32a and encoding: the value has the right alphabet and length but is not the one a real
//   cluster prints. A real value can be passed in (DeploymentInput.podTemplateHash).
// - Pod names: the ReplicaSet sets generateName "<rs>-", the DaemonSet "<ds>-"; the API server's
//   SimpleNameGenerator appends utilrand.String(5) over the same alphabet, truncating the base to
//   63 - 5 = 58 characters (k8s.io/apiserver pkg/storage/names).
import type { Rng } from '../../core/rng.js';
import { utf8 } from '../../core/utf8.js';

/** k8s.io/apimachinery pkg/util/rand alphanums: no vowels, no 0/1/3 (no accidental words). */
export const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_BASE = 58;

/** FNV-1a, 32 bit, over UTF-8 bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}


/** rand.SafeEncodeString: each byte b becomes ALPHANUMS[b % 27]. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const b of utf8(s)) out += ALPHANUMS[b % ALPHANUMS.length];
  return out;
}

/** ComputeHash's arithmetic over given bytes (hoplab passes its canonical template text). */
export function computeHash(templateBytes: Uint8Array, collisionCount?: number): string {
  let h = fnv32a(templateBytes);
  if (collisionCount !== undefined) {
    const c = new Uint8Array(8);
    new DataView(c.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(c, h);
  }
  return safeEncodeString(String(h));
}

/** JSON with object keys sorted, so the hash does not depend on how the manifest ordered fields. */
export function canonicalText(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalText).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalText(x)}`).join(',')}}`;
}

export function podTemplateHash(template: unknown, collisionCount?: number): string {
  return computeHash(utf8(canonicalText(template)), collisionCount);
}

/**
 * SimpleNameGenerator.GenerateName with a seeded source; `taken` (keys `<scope><name>`, scope being
 * e.g. `<namespace>/`) keeps names unique in a run.
 */
export function generateName(base: string, rng: Rng, taken: Set<string>, scope = ''): string {
  const prefix = base.length > MAX_GENERATED_BASE ? base.slice(0, MAX_GENERATED_BASE) : base;
  for (;;) {
    let suffix = '';
    for (let i = 0; i < 5; i++) suffix += ALPHANUMS[rng.int(0, ALPHANUMS.length - 1)];
    const name = prefix + suffix;
    // The API server answers AlreadyExists and the controller retries with a new name.
    if (!taken.has(scope + name)) {
      taken.add(scope + name);
      return name;
    }
  }
}
