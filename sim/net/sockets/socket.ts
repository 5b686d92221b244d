// Sockets and their lookup as the kernel does it (net/ipv4/inet_hashtables.c):
// the established hash is searched first (exact 4-tuple; connecting SYN_SENT sockets are in it
// too), then listeners scored by how specifically they are bound (address, then device).
// IP_TRANSPARENT lets a socket bind and send from an address the host does not own
// (Documentation/networking/tproxy.rst).

import { ANY_IPV4, formatIPv4, type IPv4 } from '../../core/ip.js';
import type { Timer } from '../../core/scheduler.js';
import { TupleMap } from '../tuple-map.js';
import { LinkedList, type Linked } from '../linked-list.js';
import type { FibResult } from '../routing/api.js';

export const TCP_STATES = ['CLOSED', 'LISTEN', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'CLOSING', 'LAST_ACK', 'TIME_WAIT'] as const;
export type TcpState = (typeof TCP_STATES)[number];

export interface Endpoint {
  readonly ip: IPv4;
  readonly port: number;
}

export type SocketError = 'ECONNREFUSED' | 'ETIMEDOUT' | 'ECONNRESET' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EACCES' | 'EPERM' | 'EINVAL' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'ENOPROTOOPT';

/** What the application hears from its socket. */
export interface SocketEvents {
  onConnected?(s: Sock): void;
  onAccept?(listener: Sock, child: Sock): void;
  onData?(s: Sock, text: string, bytes: number): void;
  /** The peer closed its side (FIN). */
  onPeerClosed?(s: Sock): void;
  onError?(s: Sock, err: SocketError, why: string): void;
  onClosed?(s: Sock): void;
}

export interface Sock {
  readonly id: number;
  readonly ns: string;
  readonly proto: 'tcp' | 'udp';
  readonly owner: string; // application name, e.g. "haproxy", "nginx", "curl", "kube-proxy"
  local: Endpoint; // ip 0.0.0.0 = wildcard
  remote?: Endpoint | undefined;
  state: TcpState;
  transparent: boolean;
  mark: number; // SO_MARK
  bindDev?: string | undefined;
  events: SocketEvents;
  // TCP sequence state
  iss: number;
  sndNxt: number;
  sndUna: number;
  rcvNxt: number;
  /** SYN / SYN-ACK retransmissions done so far. */
  retrans: number;
  timer?: Timer | undefined;
  /** A delayed ACK waiting for a segment to carry it (tcp_send_delayed_ack). */
  delack: Timer | undefined;
  /** For a child created from a listener (request sock and after accept). */
  parent?: Sock | undefined;
  /** Text received and not yet delivered (kept for the app). */
  received: number;
  /** Sent our FIN. */
  finSent: boolean;
  /**
   * Data written and not sent yet (undefined when none waits): until the handshake completes, or
   * held by Nagle's algorithm until the last small segment is acknowledged.
   */
  pendingSend: { text: string; bytes: number }[] | undefined;
  /** TCP_NODELAY: small segments go at once (Nagle's algorithm off). Linux's default is off. */
  nodelay: boolean;
  /**
   * TCP_QUICKACK off (the socket in "pingpong" mode): a connecting socket does not acknowledge the
   * SYN-ACK at once but waits up to TCP_DELACK_MAX for data to carry the ACK, and data it receives
   * is acknowledged with a delay too. Linux's default is on.
   */
  quickack: boolean;
  /** snd_sml: the end of the last segment sent that was smaller than the MSS (Minshall's Nagle). */
  sndSml: number;
  /**
   * sk_rx_dst: the input route of a packet this (full, connected) socket received, with the
   * device it came in on and the routing generation it belongs to (inet_sk_rx_dst_set). Early
   * demux gives later packets from that device this route instead of a lookup.
   */
  rxDst: RxDst | undefined;
  /**
   * sk_dst_cache: the output route of a connected socket (set when it first sends, as
   * ip_queue_xmit does), with what it was looked up for. Valid while the routing generation, the
   * packet's addresses, mark and output device binding are the same (__sk_dst_check).
   */
  dstCache: SkDst | undefined;
  /** Short description for traces. */
  readonly describe: () => string;
}

export interface RxDst {
  readonly route: Extract<FibResult, { ok: true }>;
  readonly iif: string;
  /** The routing state the route was looked up in: any routing change makes it stale (dst_check). */
  readonly generation: unknown;
}

export interface SkDst {
  readonly route: Extract<FibResult, { ok: true }>;
  readonly generation: unknown;
  readonly src: IPv4;
  readonly dst: IPv4;
  readonly mark: number;
  readonly oif: string | undefined;
}

export class SocketTable {
  private established = new TupleMap<Sock>();
  /** Hashed sockets in the order they were hashed. */
  private readonly hashed = new LinkedList<Socket>();
  private listeners: Sock[] = [];
  private nextId = 1;
  private readonly nsName: string;

  constructor(nsName: string) {
    this.nsName = nsName;
  }

  create(proto: 'tcp' | 'udp', owner: string, local: Endpoint, events: SocketEvents, opts: { transparent?: boolean; mark?: number; bindDev?: string; nodelay?: boolean; quickack?: boolean } = {}): Sock {
    return new Socket(this.nextId++, this.nsName, proto, owner, local, events, opts.transparent ?? false, opts.mark ?? 0, opts.bindDev, opts.nodelay ?? false, opts.quickack ?? true);
  }

  listen(s: Sock): void {
    s.state = proto(s) === 'tcp' ? 'LISTEN' : s.state;
    this.listeners.push(s);
  }

  /** Hash a connected (or connecting) socket by its 4-tuple. */
  hash(s: Sock): void {
    if (!s.remote) throw new Error('hash: socket has no remote');
    const p = protoNum(s.proto);
    const old = this.established.get(p, s.local.ip, s.local.port, s.remote.ip, s.remote.port);
    if (old) this.unlink(old as Socket);
    if (old) this.established.set(p, s.local.ip, s.local.port, s.remote.ip, s.remote.port, s);
    else this.established.add(p, s.local.ip, s.local.port, s.remote.ip, s.remote.port, s);
    this.unlink(s as Socket);
    this.hashed.push(s as Socket);
    (s as Socket).inHash = true;
  }

  private unlink(s: Socket): void {
    if (!s.inHash) return;
    this.hashed.remove(s);
    s.inHash = false;
  }


  unhash(s: Sock): void {
    if (s.remote) {
      const p = protoNum(s.proto);
      if (this.established.deleteIfValue(p, s.local.ip, s.local.port, s.remote.ip, s.remote.port, s)) this.unlink(s as Socket);
    }
    if (this.listeners.includes(s)) this.listeners = without(this.listeners, s);
  }

  /** __inet_lookup_established: exact match of the packet's tuple (packet src = socket remote). */
  lookupEstablished(proto: 'tcp' | 'udp', src: Endpoint, dst: Endpoint): Sock | undefined {
    return this.established.get(protoNum(proto), dst.ip, dst.port, src.ip, src.port);
  }

  /** lookupEstablished without endpoint objects: the packet's source and destination. */
  lookupEstablished4(proto: 'tcp' | 'udp', srcIp: IPv4, sport: number, dstIp: IPv4, dport: number): Sock | undefined {
    return this.established.get(protoNum(proto), dstIp, dport, srcIp, sport);
  }

  /** __inet_lookup_listener: best-scored listener for dst; wildcard binds lose to exact ones. */
  lookupListener(proto: 'tcp' | 'udp', dst: Endpoint, iif: string | undefined, opts: { nowildcard?: boolean; includeWildcard?: boolean } = {}): Sock | undefined {
    let best: Sock | undefined;
    let bestScore = -1;
    for (const l of this.listeners) {
      if (l.proto !== proto || l.local.port !== dst.port) continue;
      if (l.local.ip !== ANY_IPV4 && l.local.ip !== dst.ip) continue;
      if (l.local.ip === ANY_IPV4 && opts.includeWildcard === false) continue;
      if (l.bindDev !== undefined && l.bindDev !== iif) continue;
      const score = (l.local.ip !== ANY_IPV4 ? 4 : 2) + (l.bindDev !== undefined ? 1 : 0);
      if (score > bestScore) { best = l; bestScore = score; }
    }
    return best;
  }

  lookup(proto: 'tcp' | 'udp', src: Endpoint, dst: Endpoint, iif?: string): Sock | undefined {
    return this.lookupEstablished(proto, src, dst) ?? this.lookupListener(proto, dst, iif);
  }

  portInUse(proto: 'tcp' | 'udp', ip: IPv4, port: number): boolean {
    for (const s of this.hashed) if (s.proto === proto && s.local.port === port && (s.local.ip === ip || s.local.ip === ANY_IPV4)) return true;
    for (const s of this.listeners) if (s.proto === proto && s.local.port === port && (s.local.ip === ip || s.local.ip === ANY_IPV4 || ip === ANY_IPV4)) return true;
    return false;
  }

  /** A port bound by bind()+listen() cannot be shared by connect()'s ephemeral choice. */
  listenerOnPort(proto: 'tcp' | 'udp', ip: IPv4, port: number): boolean {
    for (const s of this.listeners) if (s.proto === proto && s.local.port === port && (s.local.ip === ip || s.local.ip === ANY_IPV4)) return true;
    return false;
  }

  tupleInUse4(proto: 'tcp' | 'udp', localIp: IPv4, localPort: number, remoteIp: IPv4, remotePort: number): boolean {
    return this.established.has(protoNum(proto), localIp, localPort, remoteIp, remotePort);
  }

  tupleInUse(proto: 'tcp' | 'udp', local: Endpoint, remote: Endpoint): boolean {
    return this.established.has(protoNum(proto), local.ip, local.port, remote.ip, remote.port);
  }

  all(): Sock[] {
    return [...this.listeners, ...this.hashed];
  }
}

/** `list` without `s` (apart from unhash, which would otherwise allocate the filter's context on every call). */
function without(list: readonly Sock[], s: Sock): Sock[] {
  return list.filter((l) => l !== s);
}

function proto(s: Sock): 'tcp' | 'udp' {
  return s.proto;
}

function protoNum(p: 'tcp' | 'udp'): number {
  return p === 'tcp' ? 6 : 17;
}

export function formatEndpoint(e: Endpoint): string {
  return `${e.ip === ANY_IPV4 ? '*' : formatIPv4(e.ip)}:${e.port}`;
}

/** A socket: every field present from creation (one hidden class), the description a method. */
class Socket implements Sock, Linked<Socket> {
  remote: Endpoint | undefined = undefined;
  state: TcpState = 'CLOSED';
  iss = 0;
  sndNxt = 0;
  sndUna = 0;
  rcvNxt = 0;
  retrans = 0;
  timer: Timer | undefined = undefined;
  delack: Timer | undefined = undefined;
  parent: Sock | undefined = undefined;
  received = 0;
  finSent = false;
  pendingSend: { text: string; bytes: number }[] | undefined = undefined;
  sndSml = 0;
  rxDst: RxDst | undefined = undefined;
  dstCache: SkDst | undefined = undefined;
  /** Neighbours in the table's list of hashed sockets. */
  prev: Socket | undefined = undefined;
  next: Socket | undefined = undefined;
  inHash = false;
  constructor(
    readonly id: number,
    readonly ns: string,
    readonly proto: 'tcp' | 'udp',
    readonly owner: string,
    public local: Endpoint,
    public events: SocketEvents,
    public transparent: boolean,
    public mark: number,
    public bindDev: string | undefined,
    public nodelay: boolean,
    public quickack: boolean,
  ) {}
  describe(): string {
    return describeSock(this);
  }
}

function describeSock(s: Sock): string {
  const r = s.remote ? ` -> ${formatEndpoint(s.remote)}` : '';
  const flags = [s.transparent ? 'transparent' : '', s.mark ? `mark=0x${s.mark.toString(16)}` : ''].filter(Boolean).join(' ');
  return `${s.owner} ${s.proto} ${formatEndpoint(s.local)}${r} ${s.state}${flags ? ` ${flags}` : ''}`;
}
