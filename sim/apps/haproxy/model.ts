// The resolved HAProxy model: each frontend and backend with the settings it runs with after its
// defaults chain (doc section 4), with HAProxy 2.6's built-in defaults filled in:
// retries 3 (include/haproxy/defaults.h CONN_RETRIES), balance roundrobin (backend.c
// backend_parse_balance with no argument), mode tcp (doc "mode": "This is the default mode"),
// server weight 1, check inter 2000 ms, rise 2, fall 3 (defaults.h DEF_CHKINTR, DEF_RISETIME,
// DEF_FALLTIME), httpchk "OPTIONS / HTTP/1.0". A server's own `source` replaces the backend's
// (proto_tcp.c tcp_connect_server: server-specific first, proxy-specific next).

import {
  DEFAULT_HTTPCHK, effectiveSettings, hasBackendCap, hasFrontendCap, proxies,
  type AclDef, type BalanceAlgo, type BindSpec, type Directive, type ForwardFor, type HaproxyConfig,
  type HttpCheckExpect, type HttpCheckSend, type Mode, type ProxySection, type ServerSpec, type SourceSpec,
  type UseBackend,
} from '../../parsers/haproxy-cfg/index.js';

export const HAPROXY_DEFAULTS = {
  retries: 3,
  balance: 'roundrobin',
  mode: 'tcp',
  weight: 1,
  inter: 2000,
  rise: 2,
  fall: 3,
} as const;

export interface CheckModel {
  readonly kind: 'tcp' | 'http';
  readonly inter: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  readonly rise: number;
  readonly fall: number;
  /** Port the check connects to: `port` option, else the server port. */
  readonly port?: number;
  /** Address the check connects to: `addr` option, else the server address. */
  readonly addr: string;
  /** PROXY header on checks: `check-send-proxy`, or inherited from send-proxy when neither port nor addr is set (check.c init_srv_check). */
  readonly sendProxy: 'none' | 'v1' | 'v2';
  readonly http?: { readonly send: HttpCheckSend; readonly expects: readonly HttpCheckExpect[] };
  /** `timeout check` of the backend, and its `timeout connect` (tcpcheck.c: min(inter, connect) when check is set). */
  readonly timeoutCheck?: number;
  readonly timeoutConnect?: number;
}

export interface ServerModel {
  readonly name: string;
  /** 1-based position in the backend, HAProxy's default server id (puid). */
  readonly id: number;
  readonly addr: string;
  readonly port?: { readonly value: number; readonly offset: boolean };
  /** User weight 0..256. */
  readonly weight: number;
  readonly backup: boolean;
  readonly disabled: boolean;
  readonly maxconn: number;
  readonly sendProxy: 'none' | 'v1' | 'v2';
  readonly source?: SourceSpec;
  readonly check?: CheckModel;
  readonly directive: Directive;
}

export interface BackendModel {
  readonly name: string;
  readonly mode: Mode;
  readonly balance: BalanceAlgo;
  readonly balanceDirective?: Directive;
  readonly servers: readonly ServerModel[];
  readonly retries: number;
  readonly redispatch: { readonly enabled: boolean; readonly interval: number; readonly directive?: Directive };
  readonly timeouts: { readonly connect?: number; readonly server?: number; readonly queue?: number; readonly check?: number; readonly tunnel?: number };
  readonly allbackups: boolean;
  readonly abortonclose: boolean;
  readonly forwardfor?: ForwardFor;
  readonly source?: SourceSpec;
  readonly section: ProxySection;
}

export interface FrontendModel {
  readonly name: string;
  readonly mode: Mode;
  readonly binds: readonly BindSpec[];
  readonly defaultBackend?: string;
  readonly useBackends: readonly UseBackend[];
  readonly acls: readonly AclDef[];
  readonly timeouts: { readonly client?: number; readonly httpRequest?: number };
  readonly forwardfor?: ForwardFor;
  readonly log: 'tcplog' | 'httplog' | 'default';
  readonly dontlognull: boolean;
  readonly maxconn?: number;
  readonly section: ProxySection;
}

export interface HaproxyModel {
  readonly frontends: readonly FrontendModel[];
  readonly backends: readonly BackendModel[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function resolveServer(be: { source?: SourceSpec; timeouts: BackendModel['timeouts']; httpchk?: { send: HttpCheckSend; expects: readonly HttpCheckExpect[] } }, s: ServerSpec, id: number): ServerModel {
  const o = s.options;
  const sendProxy = o.sendProxy === 'v1' || o.sendProxy === 'v2' ? o.sendProxy : 'none';
  const m: Mutable<ServerModel> = {
    name: s.name, id, addr: s.addr, weight: o.weight ?? HAPROXY_DEFAULTS.weight, backup: o.backup ?? false,
    disabled: o.disabled ?? false, maxconn: o.maxconn ?? 0, sendProxy, directive: s.directive,
  };
  if (s.port !== undefined) m.port = s.port;
  const source = o.source ?? be.source;
  if (source !== undefined) m.source = source;
  if (o.check) {
    const overridden = o.checkPort !== undefined || o.checkAddr !== undefined;
    const c: Mutable<CheckModel> = {
      kind: be.httpchk ? 'http' : 'tcp',
      inter: o.inter ?? HAPROXY_DEFAULTS.inter,
      rise: o.rise ?? HAPROXY_DEFAULTS.rise,
      fall: o.fall ?? HAPROXY_DEFAULTS.fall,
      addr: o.checkAddr ?? s.addr,
      sendProxy: o.checkSendProxy ? (sendProxy === 'v2' ? 'v2' : 'v1') : (!overridden ? sendProxy : 'none'),
    };
    if (o.fastinter !== undefined) c.fastinter = o.fastinter;
    if (o.downinter !== undefined) c.downinter = o.downinter;
    const port = o.checkPort ?? (s.port && !s.port.offset ? s.port.value : undefined);
    if (port !== undefined) c.port = port;
    if (be.httpchk) c.http = be.httpchk;
    if (be.timeouts.check !== undefined) c.timeoutCheck = be.timeouts.check;
    if (be.timeouts.connect !== undefined) c.timeoutConnect = be.timeouts.connect;
    m.check = c;
  }
  return m;
}

function backendOf(config: HaproxyConfig, p: ProxySection): BackendModel {
  const eff = effectiveSettings(config, p);
  const t = eff.timeouts;
  const timeouts: Mutable<BackendModel['timeouts']> = {};
  if (t.connect?.value) timeouts.connect = t.connect.value;
  if (t.server?.value) timeouts.server = t.server.value;
  if (t.queue?.value) timeouts.queue = t.queue.value;
  if (t.check?.value) timeouts.check = t.check.value;
  if (t.tunnel?.value) timeouts.tunnel = t.tunnel.value;
  const httpchk = eff.httpchk?.value.enabled
    ? { send: eff.httpCheckSend?.value ?? eff.httpchk.value.send ?? DEFAULT_HTTPCHK, expects: eff.httpCheckExpects.map((e) => e.value) }
    : undefined;
  const ctx: Parameters<typeof resolveServer>[0] = { timeouts };
  if (eff.source) ctx.source = eff.source;
  if (httpchk) ctx.httpchk = httpchk;
  const b: Mutable<BackendModel> = {
    name: p.name ?? '',
    mode: eff.mode?.value ?? HAPROXY_DEFAULTS.mode,
    balance: eff.balance?.value ?? HAPROXY_DEFAULTS.balance,
    servers: p.servers.map((s, i) => resolveServer(ctx, s, i + 1)),
    retries: eff.retries?.value ?? HAPROXY_DEFAULTS.retries,
    redispatch: eff.redispatch
      ? { enabled: eff.redispatch.value.enabled, interval: eff.redispatch.value.interval, directive: eff.redispatch.directive }
      : { enabled: false, interval: 0 },
    timeouts,
    allbackups: eff.options['allbackups']?.enabled ?? false,
    abortonclose: eff.options['abortonclose']?.enabled ?? false,
    section: p,
  };
  if (eff.balance) b.balanceDirective = eff.balance.directive;
  if (eff.forwardfor?.value) b.forwardfor = eff.forwardfor.value;
  if (eff.source) b.source = eff.source;
  return b;
}

function frontendOf(config: HaproxyConfig, p: ProxySection): FrontendModel {
  const eff = effectiveSettings(config, p);
  const mode = eff.mode?.value ?? HAPROXY_DEFAULTS.mode;
  const timeouts: Mutable<FrontendModel['timeouts']> = {};
  if (eff.timeouts.client?.value) timeouts.client = eff.timeouts.client.value;
  if (eff.timeouts['http-request']?.value) timeouts.httpRequest = eff.timeouts['http-request'].value;
  const httplog = eff.options['httplog']?.enabled ?? false;
  const tcplog = eff.options['tcplog']?.enabled ?? false;
  const f: Mutable<FrontendModel> = {
    name: p.name ?? '', mode, binds: p.binds, useBackends: p.useBackends, acls: p.acls, timeouts,
    // cfgparse.c: httplog on a TCP proxy falls back to tcplog.
    log: httplog ? (mode === 'http' ? 'httplog' : 'tcplog') : tcplog ? 'tcplog' : 'default',
    dontlognull: eff.options['dontlognull']?.enabled ?? false,
    section: p,
  };
  if (eff.defaultBackend) f.defaultBackend = eff.defaultBackend.value;
  if (eff.forwardfor?.value && mode === 'http') f.forwardfor = eff.forwardfor.value;
  if (eff.maxconn) f.maxconn = eff.maxconn.value;
  // A listen section is its own default backend.
  if (p.kind === 'listen' && f.defaultBackend === undefined && p.name !== undefined) f.defaultBackend = p.name;
  return f;
}

export function resolveHaproxy(config: HaproxyConfig): HaproxyModel {
  const ps = proxies(config);
  return {
    frontends: ps.filter(hasFrontendCap).map((p) => frontendOf(config, p)),
    backends: ps.filter(hasBackendCap).map((p) => backendOf(config, p)),
  };
}

export function findBackendModel(model: HaproxyModel, name: string): BackendModel | undefined {
  return model.backends.find((b) => b.name === name);
}
