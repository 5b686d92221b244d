// Mutable accumulators used while reading a section; frozen into the readonly types at the end.

import type {
  AclDef, BindSpec, Directive, HttpCheckExpect, Located, OptionSetting, ProxyKind, ProxySection,
  ProxySettings, ServerSpec, TimeoutName, UseBackend,
} from './types.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ProxyBuilder {
  kind: ProxyKind;
  name?: string;
  from?: string;
  header: Directive;
  directives: Directive[];
  settings: Mutable<ProxySettings> & {
    timeouts: Partial<Record<TimeoutName, Located<number>>>;
    httpCheckExpects: Located<HttpCheckExpect>[];
    options: Record<string, OptionSetting>;
    logs: Directive[];
  };
  binds: BindSpec[];
  servers: ServerSpec[];
  acls: AclDef[];
  useBackends: UseBackend[];
  defaultsIndex?: number;
}

export function newProxyBuilder(kind: ProxyKind, header: Directive): ProxyBuilder {
  return {
    kind, header, directives: [],
    settings: { timeouts: {}, httpCheckExpects: [], options: {}, logs: [] },
    binds: [], servers: [], acls: [], useBackends: [],
  };
}

export function freezeProxy(b: ProxyBuilder): ProxySection {
  const p: Mutable<ProxySection> = {
    kind: b.kind, header: b.header, directives: b.directives, settings: b.settings,
    binds: b.binds, servers: b.servers, acls: b.acls, useBackends: b.useBackends,
  };
  if (b.name !== undefined) p.name = b.name;
  if (b.from !== undefined) p.from = b.from;
  if (b.defaultsIndex !== undefined) p.defaultsIndex = b.defaultsIndex;
  return p;
}
