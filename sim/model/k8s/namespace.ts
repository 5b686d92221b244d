// core/v1 Namespace. The API server always sets the immutable label kubernetes.io/metadata.name to
// the namespace's name (namespace registry strategy, Kubernetes 1.21+), so selectors can name it.
import type { Labels, ObjectBase } from './meta.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface Namespace extends ObjectBase {
  readonly kind: 'Namespace';
}

/** The labels the API server stores: the written ones, with the name label forced to the name. */
export function namespaceLabels(name: string, written: Labels): Labels {
  return { ...written, [NAMESPACE_NAME_LABEL]: name };
}
