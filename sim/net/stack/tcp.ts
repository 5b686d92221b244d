// TCP as far as outcomes need it (net/ipv4/tcp_ipv4.c, tcp_input.c, tcp_timer.c): the handshake
// with SYN retransmission as the host's kernel times it, SYN-ACK retransmission by listeners,
// data acknowledged at once (quick-ACK mode) and a FIN's ACK delayed (ping-pong), Nagle's
// algorithm (Minshall's variant) for sockets without TCP_NODELAY, FIN close, RST for segments no
// socket wants, and errors from RST and ICMP that end a connect attempt.

import { fibQuery } from '../routing/fib-lookup.js';
import { ANY_IPV4, formatIPv4, type IPv4 } from '../../core/ip.js';
import { IPPROTO, TCP, ipv4Packet, NO_PAYLOAD as EMPTY, payloadOf, tcpHeader, type Ipv4Packet } from '../packet.js';
import type { Endpoint, Sock, SocketError, SocketEvents } from '../sockets/socket.js';
import type { Host } from './host.js';
import { summarize, type Skb } from './skb.js';
import type { World } from './world.js';
import { ipLocalOut, sendReset, endPacket } from './ip.js';
import type { Due } from '../../core/scheduler.js';

const INITIAL_RTO_US = 1_000_000; // TCP_TIMEOUT_INIT
const DELACK_US = 40_000; // TCP_DELACK_MIN: the first delayed-ACK timeout
const DELACK_MAX_US = 200_000; // TCP_DELACK_MAX: the longest an ACK is delayed
const MSS = 1448;

/** The wait after the k-th SYN transmission (k = 0 for the first): fixed 1 s for the first `linear` timeouts on 6.x kernels, doubling after. */
export function synTimeoutUs(h: Host, k: number): number {
  const linear = h.sysctl.tcp_syn_linear_timeouts;
  return INITIAL_RTO_US * 2 ** Math.max(0, k - linear);
}

function iss(w: World): number {
  return w.rng.int(1, 0x7fffffff);
}

const NO_PAYLOAD = Object.freeze({ bytes: 0 });
/** The payload of every segment without data (packets are values: one object serves them all). */
const NO_EVENTS: SocketEvents = Object.freeze({});

function segment(sk: Sock, flags: number, payload: { text?: string; bytes: number } = NO_PAYLOAD, seq?: number): Ipv4Packet {
  const remote = sk.remote as Endpoint;
  return ipv4Packet(
    sk.local.ip, remote.ip, IPPROTO.TCP, 64, 0, 0,
    tcpHeader(sk.local.port, remote.port, (seq ?? sk.sndNxt) >>> 0, flags & TCP.ACK ? sk.rcvNxt >>> 0 : 0, flags, 64240),
    payload.text !== undefined ? payloadOf(payload.bytes, payload.text) : payload.bytes === 0 ? EMPTY : payloadOf(payload.bytes),
  );
}

/**
 * Sends a segment. `why` is for the trace: callers with a reason to format pass it only when the
 * trace is recorded (`w.rec.enabled ? ... : ''`), so a quiet run builds no text and no closure.
 */
function xmit(w: World, h: Host, sk: Sock, pkt: Ipv4Packet, why: string): void {
  // tcp_event_ack_sent: whatever we send acknowledges what we received; no delayed ACK is left.
  if (sk.delack) { sk.delack.cancelled = true; sk.delack = undefined; }
  (pkt as { id: number }).id = h.ipId++;
  OUT.by = sk.owner;
  OUT.why = why;
  OUT.sk = sk;
  ipLocalOut(w, h, pkt, OUT);
  OUT.sk = undefined;
}

/** The options of every segment sent (ipLocalOut reads them before anything can send again). */
const OUT: { by: string; why: string; sk: Sock | undefined } = { by: '', why: '', sk: undefined };

/**
 * Picks an ephemeral port for a connection (__inet_hash_connect): from a random offset, even ports
 * first; a port may be shared by connections whose 4-tuples differ, but not with a listener's.
 */
function ephemeralPort(w: World, h: Host, local: IPv4, remote: Endpoint): number {
  const [lo, hi] = h.sysctl.ip_local_port_range;
  const span = hi - lo + 1;
  const start = w.rng.int(0, span - 1) & ~1;
  for (let parity = 0; parity <= 1; parity++) {
    for (let i = 0; i < span; i += 2) {
      const port = lo + ((start + i + parity) % span);
      if (!h.sockets.tupleInUse4('tcp', local, port, remote.ip, remote.port) && !h.sockets.listenerOnPort('tcp', local, port)) return port;
    }
  }
  throw new Error(`${h.name}: no free ephemeral port`);
}

export interface ConnectOptions {
  /** Local address to bind (IP_TRANSPARENT allows a foreign one); port 0 = ephemeral. */
  readonly bind?: Endpoint;
  readonly transparent?: boolean;
  readonly mark?: number;
  readonly bindDev?: string;
  /** TCP_NODELAY (curl and HAProxy set it on their connections). */
  readonly nodelay?: boolean;
  /** false: TCP_QUICKACK off before connect() (HAProxy's health checks), so the handshake's last ACK waits for data. */
  readonly quickack?: boolean;
}

/** connect(): returns the socket, or an error when the kernel refuses the bind or has no route. */
export function tcpConnect(w: World, h: Host, owner: string, remote: Endpoint, events: SocketEvents, o: ConnectOptions = {}): Sock | SocketError {
  let localIp = o.bind?.ip ?? ANY_IPV4;
  if (localIp !== ANY_IPV4 && !h.routing.isLocal(localIp) && !o.transparent && !h.sysctl.ip_nonlocal_bind) return 'EADDRNOTAVAIL';
  if (localIp === ANY_IPV4) {
    // ip_route_connect: the source comes from the route to the destination.
    const r = h.routing.lookup(fibQuery({ dst: remote.ip, iif: 'lo', mark: o.mark ?? 0, oif: o.bindDev }));
    if (!r.ok) return r.reason === 'no-route' ? 'ENETUNREACH' : r.reason === 'prohibit' ? 'EACCES' : r.reason === 'unreachable' ? 'EHOSTUNREACH' : 'EINVAL';
    const src = r.type === 'local' ? remote.ip : h.routing.sourceFor(remote.ip, r);
    if (src === undefined) return 'EADDRNOTAVAIL';
    localIp = src;
  }
  const port = o.bind?.port && o.bind.port > 0 ? o.bind.port : ephemeralPort(w, h, localIp, remote);
  const sk = h.sockets.create('tcp', owner, { ip: localIp, port }, events, o);
  sk.remote = remote;
  sk.state = 'SYN_SENT';
  sk.iss = iss(w);
  sk.sndUna = sk.iss;
  sk.sndNxt = sk.iss + 1;
  sk.sndSml = sk.iss;
  h.sockets.hash(sk);
  sendSyn(w, h, sk);
  return sk;
}

function sendSyn(w: World, h: Host, sk: Sock): void {
  const k = sk.retrans;
  xmit(w, h, sk, segment(sk, TCP.SYN, NO_PAYLOAD, sk.iss), w.rec.enabled ? (k === 0 ? 'connect(): SYN' : `SYN retransmission #${k} (tcp_syn_retries=${h.sysctl.tcp_syn_retries})`) : '');
  sk.timer = arm(w, new TcpTimer(w, h, sk, SYN_TIMER), synTimeoutUs(h, k));
}

/** The SYN retransmission timer fired. */
function synTimeout(w: World, h: Host, sk: Sock): void {
  if (sk.state !== 'SYN_SENT') return;
  if (sk.retrans >= h.sysctl.tcp_syn_retries) {
    fail(w, h, sk, 'ETIMEDOUT', `connect timed out after ${sk.retrans + 1} SYNs`);
    return;
  }
  sk.retrans++;
  sendSyn(w, h, sk);
}

function sendSynAck(w: World, h: Host, child: Sock): void {
  const k = child.retrans;
  xmit(w, h, child, segment(child, TCP.SYN | TCP.ACK, NO_PAYLOAD, child.iss), k === 0 ? 'SYN-ACK' : w.rec.enabled ? `SYN-ACK retransmission #${k}` : '');
  child.timer = arm(w, new TcpTimer(w, h, child, SYNACK_TIMER), INITIAL_RTO_US * 2 ** k);
}

/** The SYN-ACK retransmission timer of a request socket fired. */
function synAckTimeout(w: World, h: Host, child: Sock): void {
  if (child.state !== 'SYN_RECV') return;
  if (child.retrans >= h.sysctl.tcp_synack_retries) {
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'kernel', action: 'synack-give-up', message: `request ${child.describe()} dropped after ${child.retrans + 1} SYN-ACKs` });
    h.sockets.unhash(child);
    child.state = 'CLOSED';
    return;
  }
  child.retrans++;
  sendSynAck(w, h, child);
}

/** `nodelay` is TCP_NODELAY on the listener, which the connections it accepts inherit. */
export function tcpListen(h: Host, owner: string, local: Endpoint, events: SocketEvents, o: { transparent?: boolean; bindDev?: string; nodelay?: boolean } = {}): Sock | SocketError {
  if (local.ip !== ANY_IPV4 && !h.routing.isLocal(local.ip) && !o.transparent && !h.sysctl.ip_nonlocal_bind) return 'EADDRNOTAVAIL';
  if (h.sockets.portInUse('tcp', local.ip, local.port)) return 'EADDRINUSE';
  const sk = h.sockets.create('tcp', owner, local, events, { ...(o.transparent !== undefined ? { transparent: o.transparent } : {}), ...(o.bindDev !== undefined ? { bindDev: o.bindDev } : {}), ...(o.nodelay !== undefined ? { nodelay: o.nodelay } : {}) });
  h.sockets.listen(sk);
  return sk;
}

/**
 * write(): the data goes out in segments of at most the MSS, each as soon as Nagle's algorithm
 * lets it. Data written earlier and still waiting goes first.
 */
export function tcpSend(w: World, h: Host, sk: Sock, text: string, bytes = text.length): void {
  if (sk.state === 'SYN_SENT' || sk.state === 'SYN_RECV' || sk.pendingSend !== undefined) { (sk.pendingSend ??= []).push({ text, bytes }); return; }
  if (sk.state !== 'ESTABLISHED' && sk.state !== 'CLOSE_WAIT') return;
  sendData(w, h, sk, text, bytes, WRITE);
}

/** `a` is later than `b` in sequence space (the kernel's after()). */
function seqAfter(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/**
 * tcp_nagle_check with Minshall's variant (tcp_minshall_check): a segment smaller than the MSS
 * waits while data is in flight and the last small segment sent is not acknowledged, unless the
 * socket has TCP_NODELAY.
 */
function nagleHolds(sk: Sock): boolean {
  return !sk.nodelay && sk.sndNxt !== sk.sndUna && seqAfter(sk.sndSml, sk.sndUna) && !seqAfter(sk.sndSml, sk.sndNxt);
}

/** How sendData sends: a new write, a write Nagle held before, or data close() pushes out. */
const WRITE = 0;
const HELD = 1;
const PUSH = 2;
const PUSH_FIN = 3;

/**
 * Sends `bytes` of data (its text on the first segment). A write (WRITE, HELD) goes as Nagle
 * lets it: what it holds back is queued on the socket, for the ACK that lets it go
 * (tcp_data_snd_check) or for close(); the trace notes a hold once. PUSH sends it all (close()
 * pushes with Nagle off), PUSH_FIN with the FIN on the last segment.
 */
function sendData(w: World, h: Host, sk: Sock, text: string, bytes: number, how: number): void {
  let left = bytes;
  let first = true;
  while (left > 0) {
    const n = Math.min(left, MSS);
    if (how <= HELD && n < MSS && nagleHolds(sk)) {
      (sk.pendingSend ??= []).push({ text: first ? text : '', bytes: left });
      if (w.rec.enabled && how === WRITE) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'kernel', action: 'nagle', message: `${sk.owner}: ${left} bytes wait until the last small segment is acknowledged (Nagle's algorithm; the socket has no TCP_NODELAY)` });
      return;
    }
    const fin = how === PUSH_FIN && left === n;
    xmit(w, h, sk, segment(sk, fin ? TCP.FIN | TCP.PSH | TCP.ACK : TCP.PSH | TCP.ACK, first ? { text, bytes: n } : { bytes: n }), w.rec.enabled ? `${sk.owner} sends ${n} bytes${fin ? ' and closes: FIN' : ''}` : '');
    sk.sndNxt = (sk.sndNxt + n) >>> 0;
    // tcp_minshall_update
    if (n < MSS) sk.sndSml = sk.sndNxt;
    left -= n;
    first = false;
  }
}

/** tcp_data_snd_check: an ACK moved snd_una, so data Nagle held may go now. */
function pushHeld(w: World, h: Host, sk: Sock): void {
  const q = sk.pendingSend;
  if (q === undefined || (sk.state !== 'ESTABLISHED' && sk.state !== 'CLOSE_WAIT')) return;
  sk.pendingSend = undefined;
  for (let i = 0; i < q.length; i++) {
    const d = q[i] as { text: string; bytes: number };
    // Once Nagle holds a segment again, the rest waits behind it.
    const waiting = sk.pendingSend as { text: string; bytes: number }[] | undefined;
    if (waiting !== undefined) waiting.push(d);
    else sendData(w, h, sk, d.text, d.bytes, HELD);
  }
}

/**
 * close() with data still queued: tcp_send_fin puts the FIN on the last queued segment and pushes
 * them all with Nagle off.
 */
function sendHeldWithFin(w: World, h: Host, sk: Sock): void {
  const q = sk.pendingSend as { text: string; bytes: number }[];
  sk.pendingSend = undefined;
  for (let i = 0; i < q.length; i++) {
    const d = q[i] as { text: string; bytes: number };
    sendData(w, h, sk, d.text, d.bytes, i === q.length - 1 ? PUSH_FIN : PUSH);
  }
}

/** close(): FIN when connected; a connecting or listening socket just goes away. */
export function tcpClose(w: World, h: Host, sk: Sock): void {
  if (sk.timer) sk.timer.cancelled = true;
  switch (sk.state) {
    case 'ESTABLISHED':
    case 'SYN_RECV':
    case 'CLOSE_WAIT':
      if (sk.state !== 'SYN_RECV' && sk.pendingSend !== undefined) sendHeldWithFin(w, h, sk);
      else xmit(w, h, sk, segment(sk, TCP.FIN | TCP.ACK), w.rec.enabled ? `${sk.owner} closes: FIN` : '');
      sk.state = sk.state === 'CLOSE_WAIT' ? 'LAST_ACK' : 'FIN_WAIT1';
      sk.sndNxt = (sk.sndNxt + 1) >>> 0;
      sk.finSent = true;
      return;
    default:
      h.sockets.unhash(sk);
      sk.state = 'CLOSED';
  }
}

/** Abortive close (SO_LINGER 0 / error): RST if the peer knows the connection. */
export function tcpAbort(w: World, h: Host, sk: Sock, why: string): void {
  if (sk.timer) sk.timer.cancelled = true;
  if (sk.delack) { sk.delack.cancelled = true; sk.delack = undefined; }
  if (sk.state === 'ESTABLISHED' || sk.state === 'CLOSE_WAIT' || sk.state === 'FIN_WAIT1' || sk.state === 'FIN_WAIT2') {
    xmit(w, h, sk, segment(sk, TCP.RST | TCP.ACK), why);
  }
  h.sockets.unhash(sk);
  sk.state = 'CLOSED';
}

function fail(w: World, h: Host, sk: Sock, err: SocketError, why: string): void {
  if (sk.timer) sk.timer.cancelled = true;
  h.sockets.unhash(sk);
  sk.state = 'CLOSED';
  if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: sk.owner, action: 'socket-error', message: `${err}: ${why} (${sk.describe()})` });
  sk.events.onError?.(sk, err, why);
}

/** tcp_v4_err for a connecting socket: any destination-unreachable aborts connect() (hard error). */
export function tcpIcmpError(w: World, h: Host, sk: Sock, err: SocketError, why: string): void {
  if (sk.state === 'SYN_SENT' || sk.state === 'SYN_RECV') fail(w, h, sk, err, why);
}

/** tcp_v4_rcv: find the socket (early demux's, TPROXY's, established, then listener), or answer RST. */
export function tcpRcv(w: World, h: Host, skb: Skb): void {
  const p = skb.pkt;
  const l = p.l4;
  if (l.kind !== 'tcp') return;
  let sk = skb.sk && skb.sk.state !== 'CLOSED' ? skb.sk : undefined;
  sk ??= h.sockets.lookupEstablished4('tcp', p.src, l.sport, p.dst, l.dport) ?? h.sockets.lookupListener('tcp', { ip: p.dst, port: l.dport }, skb.iif);
  if (!sk) {
    if (l.flags & TCP.RST) { endPacket(w, h, skb, 'NO_LISTENER', 'RST for no socket: ignored'); return; }
    endPacket(w, h, skb, 'NO_LISTENER', `no socket for ${formatIPv4(p.dst)}:${l.dport}: answered with RST`);
    sendReset(w, h, skb, `no socket for ${formatIPv4(p.dst)}:${l.dport} (tcp_v4_send_reset)`);
    return;
  }
  if (w.rec.enabled) w.emit({ kind: 'deliver', t: w.now, host: h.host, packet: summarize(p, skb.id), socket: sk.describe(), app: sk.owner });
  if (sk.state === 'LISTEN') { listenerRcv(w, h, sk, skb); return; }
  established(w, h, sk, skb);
}

function listenerRcv(w: World, h: Host, ls: Sock, skb: Skb): void {
  const p = skb.pkt;
  const l = p.l4;
  if (l.kind !== 'tcp') return;
  if (l.flags & TCP.RST) return;
  if ((l.flags & TCP.SYN) && !(l.flags & TCP.ACK)) {
    const existing = h.sockets.lookupEstablished4('tcp', p.src, l.sport, p.dst, l.dport);
    if (existing) { established(w, h, existing, skb); return; }
    const child = h.sockets.create('tcp', ls.owner, { ip: p.dst, port: l.dport }, ls.events, { transparent: ls.transparent, nodelay: ls.nodelay });
    child.remote = { ip: p.src, port: l.sport };
    child.parent = ls;
    child.state = 'SYN_RECV';
    child.iss = iss(w);
    child.sndUna = child.iss;
    child.sndNxt = child.iss + 1;
    child.sndSml = child.iss;
    child.rcvNxt = (l.seq + 1) >>> 0;
    h.sockets.hash(child);
    sendSynAck(w, h, child);
    return;
  }
  endPacket(w, h, skb, 'NO_LISTENER', 'segment for a listener without SYN: RST');
  sendReset(w, h, skb, 'segment without SYN to a listening socket');
}

/** inet_sk_rx_dst_set: remember the input route the packet was delivered by, with its device. */
function setRxDst(h: Host, sk: Sock, skb: Skb): void {
  const r = skb.route;
  if (!r || skb.iif === undefined || skb.local) return;
  sk.rxDst = { route: r, iif: skb.iif, generation: h.routing.generation() };
}

function established(w: World, h: Host, sk: Sock, skb: Skb): void {
  const l = skb.pkt.l4;
  if (l.kind !== 'tcp') return;
  const f = l.flags;
  if (f & TCP.RST) {
    if (sk.state === 'SYN_SENT') { fail(w, h, sk, 'ECONNREFUSED', `RST from ${formatIPv4(skb.pkt.src)}`); return; }
    fail(w, h, sk, 'ECONNRESET', `RST from ${formatIPv4(skb.pkt.src)}`);
    sk.events.onClosed?.(sk);
    return;
  }
  switch (sk.state) {
    case 'SYN_SENT': {
      if ((f & TCP.SYN) && (f & TCP.ACK)) {
        if (l.ack !== sk.sndNxt) { sendReset(w, h, skb, 'SYN-ACK with a wrong ACK number'); return; }
        if (sk.timer) sk.timer.cancelled = true;
        sk.rcvNxt = (l.seq + 1) >>> 0;
        sk.sndUna = l.ack;
        sk.state = 'ESTABLISHED';
        // tcp_finish_connect: the SYN-ACK's input route becomes the socket's sk_rx_dst.
        setRxDst(h, sk, skb);
        // tcp_rcv_synsent_state_process: in pingpong mode (TCP_QUICKACK off) the ACK waits, up
        // to TCP_DELACK_MAX, for the first data to carry it; otherwise it goes at once.
        if (sk.quickack) xmit(w, h, sk, segment(sk, TCP.ACK), 'handshake ACK');
        else armDelack(w, h, sk, DELACK_MAX_US);
        sk.events.onConnected?.(sk);
        flushPending(w, h, sk);
      }
      return;
    }
    case 'SYN_RECV': {
      if ((f & TCP.SYN) && !(f & TCP.ACK)) {
        // A retransmitted SYN: answer with the SYN-ACK again.
        xmit(w, h, sk, segment(sk, TCP.SYN | TCP.ACK, NO_PAYLOAD, sk.iss), 'SYN-ACK (SYN retransmitted by the peer)');
        return;
      }
      if ((f & TCP.ACK) && l.ack === sk.sndNxt) {
        if (sk.timer) sk.timer.cancelled = true;
        sk.state = 'ESTABLISHED';
        // tcp_v4_syn_recv_sock: the full socket starts with the handshake ACK's input route.
        setRxDst(h, sk, skb);
        if (sk.parent) sk.events.onAccept?.(sk.parent, sk);
        flushPending(w, h, sk);
        dataAndFin(w, h, sk, skb);
      }
      return;
    }
    default:
      if (sk.state === 'ESTABLISHED') {
        // tcp_v4_do_rcv: a cached route from another device, or from an older routing state, is
        // dropped; tcp_rcv_established caches this packet's route when there is none.
        const rx = sk.rxDst;
        if (rx && (rx.iif !== skb.iif || rx.generation !== h.routing.generation())) sk.rxDst = undefined;
        if (!sk.rxDst) setRxDst(h, sk, skb);
      }
      dataAndFin(w, h, sk, skb);
  }
}

function flushPending(w: World, h: Host, sk: Sock): void {
  const pend = sk.pendingSend;
  if (pend !== undefined) {
    sk.pendingSend = undefined;
    for (const d of pend) tcpSend(w, h, sk, d.text, d.bytes);
  }
}

function dataAndFin(w: World, h: Host, sk: Sock, skb: Skb): void {
  const p = skb.pkt;
  const l = p.l4;
  if (l.kind !== 'tcp') return;
  const f = l.flags;
  if ((f & TCP.SYN) && (f & TCP.ACK) && sk.state === 'ESTABLISHED') {
    // A retransmitted SYN-ACK after we are established: re-ACK.
    xmit(w, h, sk, segment(sk, TCP.ACK), 'duplicate SYN-ACK: ACK again');
    return;
  }
  const unaBefore = sk.sndUna;
  if (f & TCP.ACK) {
    sk.sndUna = l.ack;
    if (sk.state === 'FIN_WAIT1' && l.ack === sk.sndNxt) sk.state = 'FIN_WAIT2';
    if ((sk.state === 'LAST_ACK' || sk.state === 'CLOSING') && l.ack === sk.sndNxt) {
      h.sockets.unhash(sk);
      sk.state = 'CLOSED';
      sk.events.onClosed?.(sk);
      return;
    }
  }
  const fin = (f & TCP.FIN) !== 0;
  if (p.payload.length > 0 && l.seq === sk.rcvNxt) {
    sk.rcvNxt = (sk.rcvNxt + p.payload.length) >>> 0;
    sk.received += p.payload.length;
    // The kernel acknowledges data in softirq (quick-ACK mode at the start of a connection),
    // before the application reads it: the ACK leaves ahead of anything the application sends
    // in answer (the captures show ACK, then the response). With a FIN in the same segment the
    // one ACK for both is delayed (below). A socket in pingpong mode (TCP_QUICKACK off) delays
    // it too (__tcp_ack_snd_check): HAProxy's checks reset the connection before it goes.
    if (!sk.quickack) delayAck(w, h, sk);
    else if (!(fin && sk.state === 'ESTABLISHED')) xmit(w, h, sk, segment(sk, TCP.ACK), 'ACK');
    sk.events.onData?.(sk, p.payload.text ?? '', p.payload.length);
  }
  // tcp_data_snd_check: what Nagle held may go once this segment acknowledged more.
  if (sk.pendingSend !== undefined && sk.sndUna !== unaBefore) pushHeld(w, h, sk);
  if (fin) {
    sk.rcvNxt = (sk.rcvNxt + 1) >>> 0;
    if (sk.state === 'ESTABLISHED') {
      sk.state = 'CLOSE_WAIT';
      // tcp_fin: CLOSE_WAIT enters ping-pong mode, so the FIN's ACK is delayed; an application
      // that closes at once acknowledges it with its own FIN.
      delayAck(w, h, sk);
      sk.events.onPeerClosed?.(sk);
    } else if (sk.state === 'FIN_WAIT2' || sk.state === 'FIN_WAIT1') {
      sk.state = 'TIME_WAIT';
      xmit(w, h, sk, segment(sk, TCP.ACK), 'ACK of FIN (TIME_WAIT)');
      sk.events.onClosed?.(sk);
      // The application closed this socket before: what is left is a timewait sock that delivers
      // nothing more to it and, like inet_timewait_sock, keeps none of a full socket's state
      // alive (no cached routes, no expired timer, no parent) while it waits out its 60 s.
      sk.events = NO_EVENTS;
      sk.rxDst = undefined;
      sk.dstCache = undefined;
      sk.timer = undefined;
      sk.parent = undefined;
      timeWaitOf(w, h).add(sk);
    }
  }
}

const TIMEWAIT_US = 60_000_000; // TCP_TIMEWAIT_LEN

/**
 * The TIME_WAIT sockets of a host in the order they entered it. Each lasts the same 60 s, so they
 * end in that order: one scheduler entry, for the oldest, serves them all.
 */
class TimeWaitQueue implements Due {
  at = 0;
  order = 0;
  cancelled = false;
  private readonly socks: (Sock | undefined)[] = [];
  private readonly ends: number[] = [];
  private head = 0;
  private armed = false;
  constructor(private readonly w: World, private readonly h: Host) {}
  add(sk: Sock): void {
    this.socks.push(sk);
    this.ends.push(this.w.now + TIMEWAIT_US);
    if (!this.armed) this.arm();
  }
  private arm(): void {
    this.armed = true;
    this.w.sched.schedule((this.ends[this.head] as number) - this.w.now, this);
  }
  run(): void {
    this.armed = false;
    const now = this.w.now;
    while (this.head < this.socks.length && (this.ends[this.head] as number) <= now) {
      const sk = this.socks[this.head] as Sock;
      this.socks[this.head] = undefined;
      this.head++;
      this.h.sockets.unhash(sk);
      sk.state = 'CLOSED';
    }
    if (this.head > 1024 && this.head * 2 > this.socks.length) {
      this.socks.splice(0, this.head);
      this.ends.splice(0, this.head);
      this.head = 0;
    }
    if (this.head < this.socks.length) this.arm();
  }
}

const timeWaits = new WeakMap<Host, TimeWaitQueue>();
function timeWaitOf(w: World, h: Host): TimeWaitQueue {
  let q = timeWaits.get(h);
  if (!q) { q = new TimeWaitQueue(w, h); timeWaits.set(h, q); }
  return q;
}

/** tcp_send_delayed_ack: the ACK waits for a segment to carry it, at most the delayed-ACK timeout. */
function delayAck(w: World, h: Host, sk: Sock): void {
  armDelack(w, h, sk, DELACK_US);
}

function armDelack(w: World, h: Host, sk: Sock, us: number): void {
  if (sk.delack) return;
  sk.delack = arm(w, new TcpTimer(w, h, sk, DELACK_TIMER), us);
}

/** The delayed-ACK timer fired: nothing carried the ACK in time, so it goes alone. */
function delayedAck(w: World, h: Host, sk: Sock): void {
  sk.delack = undefined;
  if (sk.state !== 'CLOSED' && sk.state !== 'TIME_WAIT') xmit(w, h, sk, segment(sk, TCP.ACK), 'delayed ACK');
}

const SYN_TIMER = 0;
const SYNACK_TIMER = 1;
const DELACK_TIMER = 2;

/**
 * A socket's timer (SYN or SYN-ACK retransmission, delayed ACK) as its own scheduler entry: one
 * object per timer, no closure and no context.
 */
class TcpTimer implements Due {
  at = 0;
  order = 0;
  cancelled = false;
  constructor(private readonly w: World, private readonly h: Host, private readonly sk: Sock, private readonly kind: number) {}
  run(): void {
    if (this.kind === SYN_TIMER) synTimeout(this.w, this.h, this.sk);
    else if (this.kind === SYNACK_TIMER) synAckTimeout(this.w, this.h, this.sk);
    else delayedAck(this.w, this.h, this.sk);
  }
}

function arm(w: World, t: TcpTimer, delayUs: number): TcpTimer {
  w.sched.schedule(delayUs, t);
  return t;
}
