// Checks HAProxy 2.6 performs once the whole file is read (src/cfgparse.c check_config_validity,
// src/check.c init_srv_check): proxy name clashes, default_backend/use_backend targets and modes,
// undefined ACLs, servers with `check` but no port, and the startup warnings (missing timeouts,
// frontend without bind, HTTP-only options in TCP mode).

import { diag, type Diagnostic } from '../../core/diagnostics.js';
import { PREDEFINED_ACLS } from './acl.js';
import { effectiveSettings, findBackend, hasBackendCap, hasFrontendCap, proxies } from './inherit.js';
import type { Directive, HaproxyConfig, ProxySection } from './types.js';

function argLoc(d: Directive, i: number): { file: string; line: number; column: number } {
  return { file: d.loc.file, line: d.loc.line, column: d.argColumns[i] ?? d.loc.column ?? 1 };
}

function label(p: ProxySection): string {
  return `${p.kind} '${p.name ?? ''}'`;
}

export function validateHaproxyConfig(config: HaproxyConfig, out: Diagnostic[]): void {
  const ps = proxies(config);

  // Name clashes between proxies sharing a capability (a frontend and a backend may share a name).
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i] as ProxySection;
    for (let j = 0; j < i; j++) {
      const b = ps[j] as ProxySection;
      if (a.name === undefined || a.name !== b.name) continue;
      if ((hasFrontendCap(a) && hasFrontendCap(b)) || (hasBackendCap(a) && hasBackendCap(b))) {
        out.push(diag('error', argLoc(a.header, 0), `${label(a)} has the same name as ${label(b)} declared at ${b.header.loc.file}:${b.header.loc.line}`));
      }
    }
  }
  // Named defaults that are referenced must be unique.
  const defs = config.sections.filter((s): s is ProxySection => s.kind === 'defaults');
  const referenced = new Set(config.sections.flatMap((s) => (s.kind !== 'global' && s.kind !== 'other' && s.from !== undefined ? [s.from] : [])));
  for (let i = 0; i < defs.length; i++) {
    const a = defs[i] as ProxySection;
    if (a.name === undefined || !referenced.has(a.name)) continue;
    const b = defs.slice(0, i).find((x) => x.name === a.name);
    if (b) out.push(diag('error', argLoc(a.header, 0), `defaults section '${a.name}' is referenced with 'from' but is declared twice (first at line ${b.header.loc.line})`));
  }

  for (const p of ps) {
    const eff = effectiveSettings(config, p);
    const mode = eff.mode?.value ?? 'tcp';

    if (hasFrontendCap(p)) {
      if (p.binds.length === 0) {
        out.push(diag('warning', p.header.loc, `${label(p)} has no 'bind' directive. Please declare it as a backend if this was intended`));
      }
      const checkTarget = (name: string, d: Directive, argIdx: number, what: string): void => {
        if (name.includes('%[')) {
          out.push(diag('unsupported', argLoc(d, argIdx), `${what} with a dynamic name '${name}' is not modelled`, { code: 'haproxy-dynamic-backend' }));
          return;
        }
        const target = findBackend(config, name);
        if (!target) {
          out.push(diag('error', argLoc(d, argIdx), `${label(p)}: unable to find required ${what}: '${name}'`, { expected: 'the name of a backend or listen section' }));
          return;
        }
        if (target === p) {
          out.push(diag('error', argLoc(d, argIdx), `${label(p)}: loop detected for ${what}: '${name}'`));
          return;
        }
        const tmode = effectiveSettings(config, target).mode?.value ?? 'tcp';
        if (tmode !== mode && !(mode === 'tcp' && tmode === 'http')) {
          out.push(diag('error', argLoc(d, argIdx), `${mode} ${label(p)} tries to use incompatible ${tmode} ${label(target)} as its ${what === 'default_backend' ? 'default backend' : 'backend'} (see 'mode')`));
        }
      };
      if (eff.defaultBackend) {
        checkTarget(eff.defaultBackend.value, eff.defaultBackend.directive, 0, 'default_backend');
        if (p.servers.length > 0) {
          out.push(diag('warning', eff.defaultBackend.directive.loc, `in ${label(p)}, the 'default_backend' rule always has precedence over the servers, which will never be used`));
        }
      }
      for (const u of p.useBackends) {
        checkTarget(u.backend, u.directive, 0, 'use_backend');
        for (const and of u.cond?.anyOf ?? []) {
          for (const t of and) {
            const ref = t.ref;
            if (ref.kind !== 'named') continue;
            if (PREDEFINED_ACLS.has(ref.name) || p.acls.some((a) => a.name === ref.name)) continue;
            out.push(diag('error', { file: u.directive.loc.file, line: u.directive.loc.line, column: t.column }, `no such ACL : '${ref.name}'`, { expected: `an ACL declared in ${label(p)}` }));
          }
        }
      }
      if (mode !== 'http') {
        const httplog = eff.options['httplog'];
        if (httplog?.enabled) {
          out.push(diag('warning', httplog.directive.loc, `'option httplog' not usable with ${label(p)} (needs 'mode http'). Falling back to 'option tcplog'`));
        }
        if (eff.forwardfor?.value) {
          out.push(diag('warning', eff.forwardfor.directive.loc, `'option forwardfor' ignored for ${label(p)} as it requires HTTP mode`));
        }
      }
    }

    if (hasBackendCap(p)) {
      for (const s of p.servers) {
        if (!s.options.check) continue;
        const hasPort = s.options.checkPort !== undefined || (s.port !== undefined && !s.port.offset);
        if (!hasPort) {
          out.push(diag('error', argLoc(s.directive, 1), `${label(p)}: server '${s.name}' has neither service port nor check port`, { expected: 'a port on the server address or a "port" option' }));
        }
      }
    }

    // Startup warning for missing timeouts (cfgparse.c, "missing timeouts for ...").
    const t = eff.timeouts;
    const feMissing = hasFrontendCap(p) && !t.client?.value;
    const beMissing = hasBackendCap(p) && p.servers.length > 0 &&
      (!t.connect?.value || (!t.server?.value && (mode === 'http' || !t.tunnel?.value)));
    if (feMissing || beMissing) {
      out.push(diag('warning', p.header.loc, `missing timeouts for ${label(p)}. While not properly invalid, you will certainly encounter various problems with such a configuration. To fix this, please ensure that all following timeouts are set to a non-zero value: 'client', 'connect', 'server'`, { code: 'haproxy-missing-timeouts' }));
    }
  }
}

