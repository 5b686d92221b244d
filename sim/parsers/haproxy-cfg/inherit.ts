// Defaults inheritance (doc section 4 "Proxies"): a proxy starts from the settings of the last
// `defaults` section before it, or of the one named with `from`; a defaults section may itself start
// from another one. Anything the proxy sets overrides the inherited value. `log` lines add to the
// inherited ones (the proxy starts with a copy of the defaults' loggers; `no log` clears them).

import type { HaproxyConfig, ProxySection, ProxySettings, Section } from './types.js';

function mergeSettings(base: ProxySettings, own: ProxySettings): ProxySettings {
  const r: { -readonly [K in keyof ProxySettings]: ProxySettings[K] } = {
    timeouts: { ...base.timeouts, ...own.timeouts },
    options: { ...base.options, ...own.options },
    httpCheckExpects: own.httpCheckExpects.length > 0 || own.httpchk !== undefined || own.httpCheckSend !== undefined
      ? own.httpCheckExpects
      : base.httpCheckExpects,
    logs: [...base.logs, ...own.logs],
  };
  const keys = ['mode', 'balance', 'retries', 'maxconn', 'redispatch', 'httpchk', 'httpCheckSend', 'forwardfor', 'source', 'defaultServer', 'defaultBackend'] as const;
  for (const k of keys) {
    const v = own[k] ?? base[k];
    if (v !== undefined) (r as Record<string, unknown>)[k] = v;
  }
  return r;
}

/** The settings a proxy section runs with, after its defaults chain. */
export function effectiveSettings(config: HaproxyConfig, proxy: ProxySection, seen: ReadonlySet<number> = new Set()): ProxySettings {
  const idx = proxy.defaultsIndex;
  if (idx === undefined || seen.has(idx)) return proxy.settings;
  const def = config.sections[idx] as Section | undefined;
  if (!def || def.kind !== 'defaults') return proxy.settings;
  const base = effectiveSettings(config, def, new Set([...seen, idx]));
  return mergeSettings(base, proxy.settings);
}

/** Frontends, backends and listen sections, in file order. */
export function proxies(config: HaproxyConfig): readonly ProxySection[] {
  return config.sections.filter((s): s is ProxySection => s.kind === 'frontend' || s.kind === 'backend' || s.kind === 'listen');
}

export function hasFrontendCap(p: ProxySection): boolean {
  return p.kind === 'frontend' || p.kind === 'listen';
}
export function hasBackendCap(p: ProxySection): boolean {
  return p.kind === 'backend' || p.kind === 'listen';
}

/** The backend-capable proxy with this name, as HAProxy's proxy_be_by_name finds it. */
export function findBackend(config: HaproxyConfig, name: string): ProxySection | undefined {
  return proxies(config).find((p) => hasBackendCap(p) && p.name === name);
}
