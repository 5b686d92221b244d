// core/v1 ConfigMap: named text files a pod mounts (core/v1 types.go ConfigMap.Data).
import type { ObjectBase } from './meta.js';

export interface ConfigMap extends ObjectBase {
  readonly kind: 'ConfigMap';
  readonly data: Readonly<Record<string, string>>;
}
