// Kubernetes manifests as users have them: multi-document YAML (`---`), and `kind: List` (or
// `kind: PodList`, ...) as `kubectl get -o yaml` prints. Every object keeps its file:line and the
// line of every field path. Objects the API server would reject are reported and left out; kinds
// hoplab does not model are `unsupported`; loading goes on with the rest.
import type { Diagnostic, Parsed, SourceLocation } from '../../core/diagnostics.js';
import { diag } from '../../core/diagnostics.js';
import type { ObjectBase } from '../../model/k8s/meta.js';
import { namespaceLabels } from '../../model/k8s/namespace.js';
import type { K8sKind, K8sObject } from '../../model/k8s/objects.js';
import { KIND_API_VERSIONS, NAMESPACED_KINDS } from '../../model/k8s/objects.js';
import { decodeMeta } from './common.js';
import type { NameCheck } from './common.js';
import { decodeEndpointSlice } from './endpoint-slice.js';
import { dns1035Label, dns1123Label, dns1123Subdomain } from './names.js';
import { decodeNetworkPolicy } from './network-policy.js';
import { decodeNode } from './node.js';
import { allocateNodePorts } from './node-ports.js';
import { decodePodSpec, decodePodStatus } from './pod-spec.js';
import type { Ctx, YMap } from './reader.js';
import { asMap, describe, get, list, recordFields, str, strMap } from './reader.js';
import { decodeService } from './service.js';
import { decodeDaemonSet, decodeDeployment } from './workload.js';
import { parseYamlDocuments } from './yaml-tree.js';
import type { YValue } from './yaml-tree.js';

export interface ManifestOptions {
  readonly file: string;
  /** The namespace for namespaced objects that name none (kubectl's current namespace). Default `default`. */
  readonly defaultNamespace?: string;
}

/** Name syntax per kind, as each kind's ValidateObjectMeta is called. */
const NAME_CHECK: Record<K8sKind, NameCheck> = {
  Namespace: dns1123Label,
  Service: dns1035Label,
  Pod: dns1123Subdomain,
  NetworkPolicy: dns1123Subdomain,
  Deployment: dns1123Subdomain,
  DaemonSet: dns1123Subdomain,
  Node: dns1123Subdomain,
  EndpointSlice: dns1123Subdomain,
  ConfigMap: dns1123Subdomain,
};

const TOP_FIELDS: Record<K8sKind, readonly string[]> = {
  Namespace: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  Pod: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  Service: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  NetworkPolicy: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  Deployment: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  DaemonSet: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  Node: ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
  EndpointSlice: ['apiVersion', 'kind', 'metadata', 'addressType', 'endpoints', 'ports'],
  ConfigMap: ['apiVersion', 'kind', 'metadata', 'data', 'binaryData', 'immutable'],
};

function isKnownKind(k: string): k is K8sKind {
  return Object.prototype.hasOwnProperty.call(KIND_API_VERSIONS, k);
}

export function parseManifests(text: string, opts: ManifestOptions): Parsed<K8sObject[]> {
  const raw = decodeManifests(text, opts);
  const alloc = allocateNodePorts(raw.value);
  return { value: alloc.objects, diagnostics: [...raw.diagnostics, ...alloc.diagnostics] };
}

/** Several files loaded together: NodePorts are allocated once over all of them, as one cluster. */
export function parseManifestFiles(files: readonly { readonly file: string; readonly text: string }[], opts: { defaultNamespace?: string } = {}): Parsed<K8sObject[]> {
  const objects: K8sObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    const r = decodeManifests(f.text, opts.defaultNamespace === undefined ? { file: f.file } : { file: f.file, defaultNamespace: opts.defaultNamespace });
    objects.push(...r.value);
    diagnostics.push(...r.diagnostics);
  }
  const alloc = allocateNodePorts(objects);
  return { value: alloc.objects, diagnostics: [...diagnostics, ...alloc.diagnostics] };
}

/** Decoding, validation and per-object defaulting, without the cluster-wide NodePort allocation. */
export function decodeManifests(text: string, opts: ManifestOptions): Parsed<K8sObject[]> {
  const { docs, diagnostics } = parseYamlDocuments(text, opts.file);
  const out: K8sObject[] = [];
  const ns = opts.defaultNamespace ?? 'default';
  for (const d of docs) {
    // An empty document (a trailing `---`, or only comments) is skipped, as kubectl skips it.
    if (d.root === undefined || (d.root.kind === 'scalar' && d.root.value === null)) continue;
    decodeTop(d.root, opts.file, ns, out, diagnostics, '');
  }
  return { value: out, diagnostics };
}

function decodeTop(v: YValue, file: string, ns: string, out: K8sObject[], ds: Diagnostic[], where: string): void {
  const at: SourceLocation = { file, line: v.pos.line, column: v.pos.column };
  if (v.kind !== 'map') {
    ds.push(diag('error', at, `${where || 'document'}: Invalid type: expected a Kubernetes object, got ${describe(v)}`, { expected: 'a mapping with apiVersion, kind and metadata' }));
    return;
  }
  const ctx: Ctx = { file, diags: ds, failed: false };
  const kind = str(ctx, v, '', 'kind');
  const apiVersion = str(ctx, v, '', 'apiVersion');
  if (!kind || !apiVersion) {
    const missing = [apiVersion ? undefined : 'apiVersion not set', kind ? undefined : 'kind not set'].filter(Boolean).join(', ');
    ds.push(diag('error', at, `${where ? `${where}: ` : ''}error validating data: [${missing}]`, { expected: 'apiVersion and kind' }));
    return;
  }
  if (kind === 'List' || (kind.endsWith('List') && get(v, 'items') !== undefined)) {
    asMap(ctx, v, '', ['apiVersion', 'kind', 'metadata', 'items']);
    for (const { value, path } of list(ctx, v, '', 'items')) decodeTop(value, file, ns, out, ds, path);
    return;
  }
  if (!isKnownKind(kind)) {
    ds.push(diag('unsupported', at, `kind ${kind} (${apiVersion}) is not modelled; the object is skipped`, { expected: `one of ${Object.keys(KIND_API_VERSIONS).join(', ')}`, code: 'unsupported-kind' }));
    return;
  }
  const versions: readonly string[] = KIND_API_VERSIONS[kind];
  if (!versions.includes(apiVersion)) {
    ds.push(diag('error', { file, line: get(v, 'apiVersion')?.pos.line ?? at.line, column: get(v, 'apiVersion')?.pos.column ?? 1 }, `no matches for kind "${kind}" in version "${apiVersion}"`, { expected: `apiVersion ${versions.join(' or ')}` }));
    return;
  }
  asMap(ctx, v, '', TOP_FIELDS[kind]);
  const obj = decodeKind(ctx, kind, v, apiVersion, ns);
  if (ctx.failed) {
    ds.push(diag('error', at, `${kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name || '(unnamed)'} is rejected (the API server would refuse it); see the errors above`, { code: 'object-rejected' }));
    return;
  }
  out.push(obj);
}

function decodeKind(ctx: Ctx, kind: K8sKind, root: YMap, apiVersion: string, ns: string): K8sObject {
  const fields: Record<string, readonly [number, number]> = {};
  recordFields(root, '', fields);
  const metadata = decodeMeta(ctx, root, NAME_CHECK[kind], NAMESPACED_KINDS.has(kind), ns);
  const base: ObjectBase = { apiVersion, metadata, loc: { file: ctx.file, line: root.pos.line, column: root.pos.column }, fields };
  switch (kind) {
    case 'Namespace': {
      asMap(ctx, get(root, 'spec'), 'spec', ['finalizers']);
      asMap(ctx, get(root, 'status'), 'status', ['phase', 'conditions']);
      return { ...base, kind, metadata: { ...metadata, labels: namespaceLabels(metadata.name, metadata.labels) } };
    }
    case 'Pod':
      return { ...base, kind, spec: decodePodSpec(ctx, get(root, 'spec'), 'spec', { template: false, at: root }), status: decodePodStatus(ctx, get(root, 'status')) };
    case 'NetworkPolicy': return decodeNetworkPolicy(ctx, root, base);
    case 'Service': return decodeService(ctx, root, base);
    case 'Deployment': return decodeDeployment(ctx, root, base);
    case 'DaemonSet': return decodeDaemonSet(ctx, root, base);
    case 'Node': return decodeNode(ctx, root, base);
    case 'EndpointSlice': return decodeEndpointSlice(ctx, root, base);
    case 'ConfigMap': {
      const bin = get(root, 'binaryData');
      if (bin) ctx.diags.push(diag('unsupported', { file: ctx.file, line: bin.pos.line, column: bin.pos.column }, 'ConfigMap binaryData is kept out of the model: only data (text files) is mounted', { expected: 'data' }));
      return { ...base, kind, data: strMap(ctx, root, '', 'data').value };
    }
  }
}
