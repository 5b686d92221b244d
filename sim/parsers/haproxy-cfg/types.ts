// The typed shape of a haproxy.cfg as HAProxy 2.6 reads it (doc/configuration.txt sections 3 and 4).
// Every directive keeps its raw line and location; the typed fields are what the engine models.
// Values are recorded per section as written; defaults inheritance is applied by ./inherit.ts.

import type { SourceLocation } from '../../core/diagnostics.js';

/** One configuration line after HAProxy's word splitting (src/tools.c parse_line). */
export interface Directive {
  readonly keyword: string;
  readonly args: readonly string[];
  /** 1-based column of each argument in the raw line (same length as args). */
  readonly argColumns: readonly number[];
  readonly raw: string;
  readonly loc: SourceLocation;
}

export const PROXY_KINDS = ['defaults', 'frontend', 'backend', 'listen'] as const;
export type ProxyKind = (typeof PROXY_KINDS)[number];

export const MODES = ['tcp', 'http'] as const;
export type Mode = (typeof MODES)[number];

/** `balance` algorithms the engine models; others are reported as unsupported. */
export const BALANCE_ALGOS = ['roundrobin', 'static-rr', 'leastconn', 'source', 'first'] as const;
export type BalanceAlgo = (typeof BALANCE_ALGOS)[number];

export const TIMEOUT_NAMES = [
  'connect', 'client', 'server', 'check', 'queue', 'http-request', 'http-keep-alive', 'tunnel',
  'client-fin', 'server-fin', 'tarpit',
] as const;
export type TimeoutName = (typeof TIMEOUT_NAMES)[number];

export interface Located<T> {
  readonly value: T;
  readonly directive: Directive;
}

/** One address of a `bind` line: `[<address>]:<port_range>`. `host` undefined means all addresses. */
export interface BindAddress {
  readonly family: 'ipv4' | 'ipv6' | 'unix' | 'any';
  readonly host?: string;
  readonly portLow: number;
  readonly portHigh: number;
  readonly text: string;
}

export interface BindSpec {
  readonly addresses: readonly BindAddress[];
  readonly transparent: boolean;
  readonly acceptProxy: boolean;
  readonly name?: string;
  readonly v4v6: boolean;
  readonly v6only: boolean;
  readonly interface?: string;
  readonly directive: Directive;
}

/** `usesrc` argument of `source` (doc 4.2 "source"). */
export type UseSrc =
  | { readonly kind: 'client' }
  | { readonly kind: 'clientip' }
  | { readonly kind: 'addr'; readonly addr: string; readonly port?: number }
  | { readonly kind: 'hdr_ip'; readonly header: string; readonly occ: number };

/** `source <addr>[:<port>[-<port>]] [usesrc ...] [interface <name>]`. */
export interface SourceSpec {
  readonly addr: string;
  readonly portLow?: number;
  readonly portHigh?: number;
  readonly usesrc?: UseSrc;
  readonly interface?: string;
  readonly directive: Directive;
}

/** Server settings that `default-server` may preset (all optional so they can be merged). */
export interface ServerOptions {
  readonly check?: boolean;
  readonly inter?: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  readonly rise?: number;
  readonly fall?: number;
  readonly weight?: number;
  readonly backup?: boolean;
  readonly disabled?: boolean;
  readonly sendProxy?: 'v1' | 'v2' | 'none';
  readonly checkSendProxy?: boolean;
  readonly checkPort?: number;
  readonly checkAddr?: string;
  readonly source?: SourceSpec;
  readonly maxconn?: number;
}

export interface ServerSpec {
  readonly name: string;
  /** Address text as written (IPv4, IPv6 or a name). */
  readonly addr: string;
  /**
   * Absent: the server port is the port the client connected to (doc "server": "If the port is not
   * set, the connection will be sent to the same port as the one which was reached on the frontend").
   * `offset` true: `+N`/`-N`, relative to that port.
   */
  readonly port?: { readonly value: number; readonly offset: boolean };
  readonly options: ServerOptions;
  readonly directive: Directive;
}

export interface AclDef {
  readonly name: string;
  readonly criterion: string;
  readonly flags: readonly string[];
  readonly values: readonly string[];
  readonly directive: Directive;
}

/** An ACL condition after `if`/`unless`: OR of ANDs of (possibly negated) ACL references. */
export interface AclTerm {
  readonly negate: boolean;
  /** Named ACL or an anonymous one written `{ criterion values }`. */
  readonly ref: { readonly kind: 'named'; readonly name: string } | { readonly kind: 'anonymous'; readonly acl: AclDef };
  readonly column: number;
}
export interface Condition {
  readonly polarity: 'if' | 'unless';
  readonly anyOf: readonly (readonly AclTerm[])[];
}

export interface UseBackend {
  readonly backend: string;
  readonly cond?: Condition;
  readonly directive: Directive;
}

export interface HttpCheckSend {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly body?: string;
}

export type HttpCheckExpect =
  | { readonly kind: 'status'; readonly codes: readonly (readonly [number, number])[]; readonly negate: boolean }
  | { readonly kind: 'rstatus'; readonly pattern: string; readonly negate: boolean }
  | { readonly kind: 'string'; readonly text: string; readonly negate: boolean }
  | { readonly kind: 'rstring'; readonly pattern: string; readonly negate: boolean };

export interface ForwardFor {
  readonly except?: string;
  readonly header: string;
  readonly ifNone: boolean;
}

/**
 * `option <name>` / `no option <name>` as written. `enabled` false means `no option`.
 * Options with arguments carry them in their own fields below.
 */
export interface OptionSetting {
  readonly enabled: boolean;
  readonly directive: Directive;
}

export interface ProxySettings {
  readonly mode?: Located<Mode>;
  readonly balance?: Located<BalanceAlgo>;
  readonly timeouts: Readonly<Partial<Record<TimeoutName, Located<number>>>>;
  readonly retries?: Located<number>;
  readonly maxconn?: Located<number>;
  /** `option redispatch [<interval>]`: interval -1 by default (last retry); `no option` gives enabled false. */
  readonly redispatch?: Located<{ readonly enabled: boolean; readonly interval: number }>;
  readonly httpchk?: Located<{ readonly enabled: boolean; readonly send: HttpCheckSend }>;
  readonly httpCheckSend?: Located<HttpCheckSend>;
  readonly httpCheckExpects: readonly Located<HttpCheckExpect>[];
  readonly forwardfor?: Located<ForwardFor | null>;
  /** Boolean options: tcplog, httplog, dontlognull, allbackups, abortonclose, ... */
  readonly options: Readonly<Record<string, OptionSetting>>;
  readonly source?: SourceSpec;
  readonly defaultServer?: Located<ServerOptions>;
  readonly defaultBackend?: Located<string>;
  readonly logs: readonly Directive[];
}

export interface ProxySection {
  readonly kind: ProxyKind;
  readonly name?: string;
  readonly from?: string;
  readonly header: Directive;
  readonly directives: readonly Directive[];
  readonly settings: ProxySettings;
  readonly binds: readonly BindSpec[];
  readonly servers: readonly ServerSpec[];
  readonly acls: readonly AclDef[];
  readonly useBackends: readonly UseBackend[];
  /** Index in HaproxyConfig.sections of the defaults section this proxy inherits from, if any. */
  readonly defaultsIndex?: number;
}

export interface GlobalSection {
  readonly kind: 'global';
  readonly header: Directive;
  readonly directives: readonly Directive[];
  readonly daemon: boolean;
  readonly user?: string;
  readonly group?: string;
  readonly chroot?: string;
  readonly pidfile?: string;
  readonly maxconn?: number;
  readonly nbthread?: number;
  readonly statsSockets: readonly Directive[];
  readonly logs: readonly Directive[];
}

/** A section HAProxy knows but the engine does not model (userlist, peers, resolvers, ...). */
export interface OtherSection {
  readonly kind: 'other';
  readonly keyword: string;
  readonly name?: string;
  readonly header: Directive;
  readonly directives: readonly Directive[];
}

export type Section = GlobalSection | ProxySection | OtherSection;

export interface HaproxyConfig {
  readonly file: string;
  /** Sections in file order. Lines before the first section are kept in `preamble`. */
  readonly sections: readonly Section[];
  readonly preamble: readonly Directive[];
  /** The original text, kept so a serializer can reproduce comments and spacing. */
  readonly text: string;
}
