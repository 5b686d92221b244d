// iproute2's name tables (lib/rt_names.c, ip/rtm_map.c and the files under etc/iproute2/):
// routing table ids <-> names (rt_tables, extensible with the user's own rt_tables text), route
// protocols (rt_protos), scopes (rt_scopes), route types, TOS/dsfield names (rt_dsfield) and IP
// protocol names for `ipproto`. Numbers are read the way strtoul(…, 0) reads them.

import type { RouteProto, RouteScope, RouteType } from '../../net/routing/api.js';
import { SCOPE_VALUE, scopeFromValue } from '../../net/routing/constants.js';
import { parseUnsigned } from './numbers.js';

/** Table names known to this parse: the reserved ones plus any from an rt_tables text. */
export interface TableNames {
  readonly byName: ReadonlyMap<string, number>;
  readonly byId: ReadonlyMap<number, string>;
}

const RESERVED_TABLES: readonly (readonly [number, string])[] = [[255, 'local'], [254, 'main'], [253, 'default'], [0, 'unspec']];

export const RT_TABLE_MAX = 0xffffffff;

/** Parses rt_tables text (`<id> <name>` per line, `#` comments) on top of the reserved names. */
export function tableNames(rtTables?: string): TableNames {
  const byName = new Map<string, number>();
  const byId = new Map<number, string>();
  const add = (id: number, name: string): void => {
    if (!byName.has(name)) byName.set(name, id);
    if (!byId.has(id)) byId.set(id, name);
  };
  // The user's file is read first, as iproute2 reads /etc/iproute2/rt_tables (which holds the reserved names too).
  if (rtTables) {
    for (const rawLine of rtTables.split(/\r?\n/)) {
      const line = rawLine.replace(/#.*$/, '').trim();
      if (!line) continue;
      const m = /^(\S+)\s+(\S+)/.exec(line);
      if (!m) continue;
      const id = parseUnsigned(m[1] as string);
      if (id === undefined) continue;
      add(id, m[2] as string);
    }
  }
  for (const [id, name] of RESERVED_TABLES) add(id, name);
  return { byName, byId };
}

export const DEFAULT_TABLE_NAMES: TableNames = tableNames();

/** rtnl_rttable_a2n: a name, else a number up to RT_TABLE_MAX. */
export function tableId(text: string, names: TableNames): number | undefined {
  const n = names.byName.get(text);
  if (n !== undefined) return n;
  const v = parseUnsigned(text);
  return v !== undefined && v <= RT_TABLE_MAX ? v : undefined;
}

/** rtnl_rttable_n2a. */
export function tableName(id: number, names: TableNames = DEFAULT_TABLE_NAMES): string {
  return names.byId.get(id) ?? String(id);
}

const PROTOS: readonly (readonly [number, string])[] = [
  [0, 'unspec'], [1, 'redirect'], [2, 'kernel'], [3, 'boot'], [4, 'static'], [8, 'gated'], [9, 'ra'], [10, 'mrt'],
  [11, 'zebra'], [12, 'bird'], [13, 'dnrouted'], [14, 'xorp'], [15, 'ntk'], [16, 'dhcp'], [18, 'keepalived'], [42, 'babel'],
  [84, 'ovn'], [99, 'openr'], [186, 'bgp'], [187, 'isis'], [188, 'ospf'], [189, 'rip'], [192, 'eigrp'],
];
const PROTO_BY_NAME = new Map(PROTOS.map(([n, s]) => [s, n]));
const PROTO_BY_ID = new Map(PROTOS.map(([n, s]) => [n, s]));

/** rtnl_rtprot_a2n then n2a: the canonical name iproute2 prints (a number when it has no name). */
export function protoName(text: string): RouteProto | undefined {
  if (PROTO_BY_NAME.has(text)) return text;
  const v = parseUnsigned(text);
  if (v === undefined || v > 255) return undefined;
  return PROTO_BY_ID.get(v) ?? String(v);
}

export function protoNumber(p: RouteProto): number {
  return PROTO_BY_NAME.get(p) ?? Number(p);
}

/** rtnl_rtscope_a2n: a name from rt_scopes or a number 0..255 that has a name in our model. */
export function scopeName(text: string): RouteScope | undefined {
  if (Object.prototype.hasOwnProperty.call(SCOPE_VALUE, text)) return text as RouteScope;
  const v = parseUnsigned(text);
  return v === undefined || v > 255 ? undefined : scopeFromValue(v);
}

/**
 * rtnl_rtntype_a2n: exact `local`, `nat`, `throw`, `brd`; unambiguous-prefix forms of the others,
 * tried in iproute2's order (so `u` is unreachable, `b` broadcast).
 */
export function routeTypeName(text: string): RouteType | undefined {
  // The constants, not `text`: a type read from a file is a slice of it, and the walker compares
  // route types on every packet (constants compare by identity).
  if (text === 'local') return 'local';
  if (text === 'nat') return 'nat';
  if (text === 'throw') return 'throw';
  if (text === 'brd') return 'broadcast';
  const prefixed: readonly RouteType[] = ['broadcast', 'anycast', 'multicast', 'prohibit', 'unreachable', 'blackhole'];
  for (const t of prefixed) if (matches(text, t)) return t;
  if (matches(text, 'unicast')) return 'unicast';
  const v = parseUnsigned(text);
  if (v === undefined) return undefined;
  const byNum: Readonly<Record<number, RouteType>> = { 1: 'unicast', 2: 'local', 3: 'broadcast', 4: 'anycast', 5: 'multicast', 6: 'blackhole', 7: 'unreachable', 8: 'prohibit', 9: 'throw', 10: 'nat' };
  return byNum[v];
}

/** lib/utils.c matches(): `arg` is a non-empty prefix of `word`. */
export function matches(arg: string, word: string): boolean {
  return arg.length > 0 && word.startsWith(arg);
}

/** etc/iproute2/rt_dsfield names. */
const DSFIELD: readonly (readonly [number, string])[] = [
  [0x28, 'AF11'], [0x30, 'AF12'], [0x38, 'AF13'], [0x48, 'AF21'], [0x50, 'AF22'], [0x58, 'AF23'], [0x68, 'AF31'], [0x70, 'AF32'],
  [0x78, 'AF33'], [0x88, 'AF41'], [0x90, 'AF42'], [0x98, 'AF43'], [0x20, 'CS1'], [0x40, 'CS2'], [0x60, 'CS3'], [0x80, 'CS4'],
  [0xa0, 'CS5'], [0xc0, 'CS6'], [0xe0, 'CS7'], [0xb8, 'EF'],
];
const DS_BY_NAME = new Map(DSFIELD.map(([n, s]) => [s, n]));
const DS_BY_ID = new Map(DSFIELD.map(([n, s]) => [n, s]));

/** rtnl_dsfield_a2n: a name, else a hex number (iproute2 reads TOS in base 16). */
export function dsfieldValue(text: string): number | undefined {
  const named = DS_BY_NAME.get(text);
  if (named !== undefined) return named;
  if (text === 'default') return 0;
  if (!/^(0[xX])?[0-9a-fA-F]+$/.test(text)) return undefined;
  const v = parseInt(text.replace(/^0[xX]/, ''), 16);
  return v <= 255 ? v : undefined;
}

/** rtnl_dsfield_n2a. */
export function dsfieldName(v: number): string {
  return DS_BY_ID.get(v) ?? `0x${v.toString(16).padStart(2, '0')}`;
}

/** inet_proto_a2n / n2a for the protocols routing rules meet. */
const IPPROTOS: readonly (readonly [number, string])[] = [[1, 'icmp'], [2, 'igmp'], [4, 'ipip'], [6, 'tcp'], [17, 'udp'], [41, 'ipv6'], [47, 'gre'], [50, 'esp'], [51, 'ah'], [58, 'ipv6-icmp'], [132, 'sctp'], [136, 'udplite'], [255, 'raw']];
const IPPROTO_BY_NAME = new Map(IPPROTOS.map(([n, s]) => [s, n]));
const IPPROTO_BY_ID = new Map(IPPROTOS.map(([n, s]) => [n, s]));

export function ipprotoValue(text: string): number | undefined {
  const named = IPPROTO_BY_NAME.get(text);
  if (named !== undefined) return named;
  const v = parseUnsigned(text);
  return v !== undefined && v <= 255 ? v : undefined;
}

export function ipprotoName(v: number): string {
  return IPPROTO_BY_ID.get(v) ?? String(v);
}
