// Decoders shared by every kind: ObjectMeta (apimachinery ValidateObjectMeta: name syntax per kind,
// labels, annotations) and metav1.LabelSelector (ValidateLabelSelector: operator/values rules).
import type { LabelSelector, LabelSelectorRequirement } from '../../model/k8s/label-selector.js';
import { SELECTOR_OPERATORS } from '../../model/k8s/label-selector.js';
import type { ObjectMeta } from '../../model/k8s/meta.js';
import { childPath } from '../../model/k8s/meta.js';
import { labelValue, qualifiedName } from './names.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, describe, fail, get, invalid, list, required, str, strList, strMap, unsupported } from './reader.js';
import type { Pos, YValue } from './yaml-tree.js';

export const OBJECT_META_FIELDS = [
  'name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers', 'generateName', 'managedFields', 'ownerReferences', 'selfLink',
] as const;

export type NameCheck = (s: string) => string[];

export function decodeMeta(ctx: Ctx, root: YMap, nameCheck: NameCheck, namespaced: boolean, defaultNamespace: string): ObjectMeta {
  const m = asMap(ctx, get(root, 'metadata'), 'metadata', OBJECT_META_FIELDS);
  if (!m) required(ctx, root.pos, 'metadata');
  const name = str(ctx, m, 'metadata', 'name') ?? '';
  const namePos = get(m, 'name')?.pos ?? m?.pos ?? root.pos;
  if (name === '') {
    if (m && str(ctx, m, 'metadata', 'generateName') === undefined) required(ctx, namePos, 'metadata.name', 'name or generateName is required');
  } else {
    for (const msg of nameCheck(name)) invalid(ctx, namePos, 'metadata.name', name, msg);
  }
  const labels = labelsOf(ctx, m, 'metadata', 'labels');
  const annotations = strMap(ctx, m, 'metadata', 'annotations');
  for (const e of annotations.entries) for (const msg of qualifiedName(e.key)) invalid(ctx, e.keyPos, e.path, e.key, msg);
  const meta: { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] } = { name, labels, annotations: annotations.value };
  const ns = str(ctx, m, 'metadata', 'namespace');
  if (namespaced) {
    meta.namespace = ns === undefined || ns === '' ? defaultNamespace : ns;
  } else if (ns !== undefined && ns !== '') {
    fail(ctx, get(m, 'namespace')?.pos ?? root.pos, 'metadata.namespace', 'Forbidden: not allowed on this type (the kind is cluster-scoped)');
  }
  const uid = str(ctx, m, 'metadata', 'uid');
  if (uid !== undefined) meta.uid = uid;
  const rv = str(ctx, m, 'metadata', 'resourceVersion');
  if (rv !== undefined) meta.resourceVersion = rv;
  return meta;
}

/** map[string]string whose keys are qualified names and values label values (ValidateLabels). */
export function labelsOf(ctx: Ctx, m: YMap | undefined, parent: string, key: string): Record<string, string> {
  const r = strMap(ctx, m, parent, key);
  for (const e of r.entries) {
    for (const msg of qualifiedName(e.key)) invalid(ctx, e.keyPos, e.path, e.key, msg);
    for (const msg of labelValue(e.value)) invalid(ctx, e.pos, e.path, e.value, msg);
  }
  return r.value;
}

export function decodeSelector(ctx: Ctx, v: YValue | undefined, path: string): LabelSelector | undefined {
  const m = asMap(ctx, v, path, ['matchLabels', 'matchExpressions']);
  if (!m) return undefined;
  const matchLabels = labelsOf(ctx, m, path, 'matchLabels');
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const { value, path: p } of list(ctx, m, path, 'matchExpressions')) {
    const r = decodeRequirement(ctx, value, p);
    if (r) matchExpressions.push(r);
  }
  return { matchLabels, matchExpressions };
}

function decodeRequirement(ctx: Ctx, v: YValue, path: string): LabelSelectorRequirement | undefined {
  const m = asMap(ctx, v, path, ['key', 'operator', 'values']);
  if (!m) {
    if (v.kind === 'scalar' && v.value === null) required(ctx, v.pos, path);
    return undefined;
  }
  const key = str(ctx, m, path, 'key', { required: true }) ?? '';
  if (key !== '') for (const msg of qualifiedName(key)) invalid(ctx, get(m, 'key')?.pos ?? m.pos, childPath(path, 'key'), key, msg);
  const op = str(ctx, m, path, 'operator', { required: true }) ?? '';
  const values = strList(ctx, m, path, 'values');
  const opPos = get(m, 'operator')?.pos ?? m.pos;
  const valuesPos: Pos = get(m, 'values')?.pos ?? m.pos;
  const operator = SELECTOR_OPERATORS.find((o) => o === op);
  if (op !== '' && !operator) {
    unsupported(ctx, opPos, childPath(path, 'operator'), op, SELECTOR_OPERATORS);
    return undefined;
  }
  if (!operator) return undefined;
  if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
    required(ctx, valuesPos, childPath(path, 'values'), "must be specified when `operator` is 'In' or 'NotIn'");
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) {
    fail(ctx, valuesPos, childPath(path, 'values'), "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
  }
  values.forEach((val, i) => {
    for (const msg of labelValue(val)) invalid(ctx, valuesPos, childPath(childPath(path, 'values'), i), val, msg);
  });
  return { key, operator, values };
}

/** For list items that must be mappings: reports `null` items as missing. */
export function itemMap(ctx: Ctx, v: YValue, path: string, known: readonly string[]): YMap | undefined {
  const m = asMap(ctx, v, path, known);
  if (!m && v.kind === 'scalar' && v.value === null) fail(ctx, v.pos, path, `Invalid type: expected object, got ${describe(v)}`);
  return m;
}
