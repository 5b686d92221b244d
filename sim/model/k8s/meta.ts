// The common parts of every Kubernetes object as the API server stores it (k8s.io/apimachinery
// pkg/apis/meta/v1 ObjectMeta), plus where each object and each of its fields was written.
import type { SourceLocation } from '../../core/diagnostics.js';

export type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  /** Set on namespaced kinds: the manifest's namespace, or `default` as kubectl would apply it. */
  readonly namespace?: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  readonly uid?: string;
  readonly resourceVersion?: string;
}

/**
 * Field path (k8s `field.Path` form: `spec.ingress[0].from[1].ipBlock.cidr`, map keys that are not
 * plain identifiers in brackets: `metadata.labels[app.kubernetes.io/name]`) -> [line, column].
 */
export type FieldLocations = Readonly<Record<string, readonly [number, number]>>;

export interface ObjectBase {
  readonly apiVersion: string;
  readonly metadata: ObjectMeta;
  /** Where the object starts (its first field). */
  readonly loc: SourceLocation;
  readonly fields: FieldLocations;
}

/** `a.b`, `a[0]`, `a[kubernetes.io/name]`: the same spelling Kubernetes uses in its field errors. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${key}]`;
}

/** The location of a field path, or of its nearest written ancestor when the field was defaulted. */
export function fieldLoc(obj: ObjectBase, path: string): SourceLocation {
  let p = path;
  for (;;) {
    const hit = obj.fields[p];
    if (hit) return { file: obj.loc.file, line: hit[0], column: hit[1] };
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return obj.loc;
    p = p.slice(0, cut);
  }
}

export function formatLoc(l: SourceLocation): string {
  return `${l.file}:${l.line}`;
}

/** `namespace/name` for namespaced objects, `name` otherwise. */
export function objectKey(o: { readonly metadata: ObjectMeta }): string {
  return o.metadata.namespace === undefined ? o.metadata.name : `${o.metadata.namespace}/${o.metadata.name}`;
}
