// HAProxy running on a host of the simulated world: it listens on the frontends' binds, accepts
// the client's connection, picks a server with the backend's balancer, opens its own connection
// to it (from the `source` address, or with `usesrc` from the client's address through an
// IP_TRANSPARENT socket), and relays bytes both ways. A failed connect is retried as
// src/backend.c does it (nextAttempt: retries, redispatch, turn-around), health checks run from
// the `source` address (never the `usesrc` one). The trace links the two connections.

import { ANY_IPV4, formatIPv4, parseIPv4, type IPv4 } from '../../core/ip.js';
import type { Chooser } from '../../core/choice.js';
import type { Host } from '../../net/stack/host.js';
import type { World } from '../../net/stack/world.js';
import type { Endpoint, Sock, SocketError, SocketEvents } from '../../net/sockets/socket.js';
import type { Firable, Timer } from '../../core/scheduler.js';
import { tcpAbort, tcpClose, tcpConnect, tcpListen, tcpSend } from '../../net/stack/tcp.js';
import type { BackendModel, FrontendModel, HaproxyModel, ServerModel } from './model.js';
import { createBalancer, type Balancer } from './balancer.js';
import type { ServerStatus } from './lb-common.js';
import { INITIAL_ATTEMPT_STATE, nextAttempt, type AttemptState } from './connect-attempts.js';
import { selectBackend } from './acl-eval.js';
import { proxyV1Header } from './proxy-protocol.js';
import { applyCheckResult, checkConnectTimeout, checkNeedsBody, checkSource, checkTarget, evaluateHttpCheck, firstCheckDelay, httpCheckRequest, initialHealth, nextCheckDelay, readCheckResponse, type HealthState } from './health.js';
import type { SourceLocation } from '../../core/diagnostics.js';
import { TupleMap } from '../../net/tuple-map.js';
import { DEFAULT_HTTPCHK } from '../../parsers/haproxy-cfg/index.js';

/** How late HAProxy notices an expired timer (its ms tick). */
const TIMER_LATENESS_MS = 1;

export interface HaproxyChoice {
  readonly at: number;
  readonly frontend: string;
  readonly backend: string;
  readonly server: string;
  readonly client: string; // "ip:port"
  readonly from: string; // the address the server connection leaves from
}

export interface HaproxyRuntime {
  /** The latest server decision for the client connection from ip:port. */
  choiceFor(ip: IPv4, port: number): HaproxyChoice | undefined;
  readonly errors: string[];
  /** Some server is health-checked: the balancer's view depends on checks having run. */
  readonly hasChecks: boolean;
  /** Time for every check to have decided a server's state (fall + 1 intervals of the slowest). */
  readonly settleMs: number;
  status(backend: string, server: string): ServerStatus | undefined;
}

export interface HaproxyStartOptions {
  /** Treat the round-robin position as unknown: advance every balancer by a uniformly chosen number of picks. */
  readonly unknownStart?: Chooser;
}

export function startHaproxy(w: World, h: Host, model: HaproxyModel, o: HaproxyStartOptions = {}): HaproxyRuntime {
  const balancers = new Map<string, Balancer>();
  const checks = model.backends.flatMap((b) => b.servers.flatMap((s) => (s.check ? [s.check] : [])));
  // The latest choice per client address and port, keyed by the numbers (no key text per connection).
  const byClient = new TupleMap<HaproxyChoice>();
  const rt: HaproxyRuntime = {
    choiceFor: (ip, port) => byClient.get(0, ip, port, 0, 0),
    errors: [],
    hasChecks: checks.length > 0,
    settleMs: Math.max(0, ...checks.map((c) => Math.max(c.inter, c.fastinter ?? 0, c.downinter ?? 0) * (c.fall + 1))),
    status: (b, s) => balancers.get(b)?.status(s),
  };
  for (const be of model.backends) {
    const b = createBalancer(be);
    balancers.set(be.name, b);
    const n = b.usableServers().length;
    if (o.unknownStart && n > 1 && (be.balance === 'roundrobin' || be.balance === 'static-rr')) {
      const k = o.unknownStart.choose(`haproxy backend ${be.name}: round-robin position before the first request`, Array.from({ length: n }, (_, i) => ({ p: 1 / n, value: i, label: `${i} picks already made` })));
      w.noteChoice();
      for (let i = 0; i < k; i++) { const s = b.pick(); if (s) b.release(s.name); }
    }
    startChecks(w, h, be, b);
  }
  const hap = new Haproxy(w, h, model, balancers, rt, byClient);
  for (const fe of model.frontends) listenFrontend(hap, fe);
  return rt;
}

/**
 * What HAProxy would log. The trace wants it only when recorded: callers test `w.rec.enabled`
 * first, so a quiet run never formats a message.
 */
function note(w: World, h: Host, action: string, message: string, loc?: SourceLocation, flow?: string): void {
  if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'haproxy', action, message, ...(loc ? { loc } : {}), ...(flow ? { flow } : {}) });
}

const serverAddresses = new Map<string, IPv4 | undefined>();
/** A server line's address as an IPv4 value (parsed once per address text). */
function serverAddress(addr: string): IPv4 | undefined {
  if (!serverAddresses.has(addr)) serverAddresses.set(addr, parseIPv4(addr));
  return serverAddresses.get(addr);
}

/** The ACL context of a choice that evaluates no ACL. */
const NO_CONNECTION = { srcIp: '0.0.0.0', srcPort: 0, dstIp: '0.0.0.0', dstPort: 0 };

/** One HAProxy process: what all its connections share. */
class Haproxy {
  /** Backends by name; the first of a name wins, as a lookup by name in the configuration does. */
  readonly backends = new Map<string, BackendModel>();
  /**
   * The backend choice of each frontend without use_backend rules: default_backend (or none)
   * whatever the connection, so it is made once.
   */
  readonly fixedBackends = new Map<FrontendModel, ReturnType<typeof selectBackend>>();
  constructor(
    readonly w: World, readonly h: Host, model: HaproxyModel, readonly balancers: Map<string, Balancer>, readonly rt: HaproxyRuntime,
    readonly byClient: TupleMap<HaproxyChoice>,
  ) {
    for (const be of model.backends) if (!this.backends.has(be.name)) this.backends.set(be.name, be);
    for (const fe of model.frontends) if (fe.useBackends.length === 0) this.fixedBackends.set(fe, selectBackend(fe, NO_CONNECTION));
  }
}

function listenFrontend(hap: Haproxy, fe: FrontendModel): void {
  const { w, h, rt } = hap;
  const events = { onAccept: (_l: Sock, client: Sock) => accept(hap, fe, client) };
  for (const bind of fe.binds) {
    for (const a of bind.addresses) {
      if (a.family === 'unix' || a.family === 'ipv6') { if (w.rec.enabled) note(w, h, 'unsupported', `bind ${a.text}: only IPv4 binds are simulated`, bind.directive.loc); continue; }
      const ip = a.host !== undefined && a.host !== '' && a.host !== '*' ? parseIPv4(a.host) : ANY_IPV4;
      if (ip === undefined) { if (w.rec.enabled) note(w, h, 'unsupported', `bind ${a.text}: address not simulated`, bind.directive.loc); continue; }
      for (let port = a.portLow; port <= a.portHigh; port++) {
        // HAProxy sets TCP_NODELAY on every connection it accepts and opens.
        const ls = tcpListen(h, 'haproxy', { ip, port }, events, { transparent: bind.transparent, nodelay: true });
        if (typeof ls === 'string') { rt.errors.push(`${fe.name}: cannot bind ${a.text}: ${ls}`); if (w.rec.enabled) note(w, h, 'bind-error', `[ALERT] Starting frontend ${fe.name}: cannot bind socket (${ls}) for [${a.text}]`, bind.directive.loc); }
      }
    }
  }
}

function accept(hap: Haproxy, fe: FrontendModel, client: Sock): void {
  const { w, h } = hap;
  const remote = client.remote as Endpoint;
  const remoteText = formatIPv4(remote.ip);
  const clientText = `${remoteText}:${remote.port}`;
  const sel = hap.fixedBackends.get(fe) ?? selectBackend(fe, { srcIp: remoteText, srcPort: remote.port, dstIp: formatIPv4(client.local.ip), dstPort: client.local.port });
  const beName = 'backend' in sel ? sel.backend : undefined;
  const be = beName !== undefined ? hap.backends.get(beName) : undefined;
  const bal = be ? hap.balancers.get(be.name) : undefined;
  if (!be || !bal) {
    if (w.rec.enabled) note(w, h, 'no-backend', `${fe.name}: ${'unsupported' in sel ? sel.unsupported : sel.why}; closing ${clientText}`, fe.section.header.loc, flowOf(client));
    tcpClose(w, h, client);
    return;
  }
  const s = new Session(hap, fe, be, bal, client, remote, remoteText, clientText);
  client.events = s;
  if (w.rec.enabled) note(w, h, 'accept', `${fe.name} accepted ${clientText} -> ${formatIPv4(client.local.ip)}:${client.local.port}`, undefined, flowOf(client));
  s.attempt();
}

/** The trace's name for the pair of connections of one client connection. */
function flowOf(client: Sock): string {
  return `haproxy#${client.id}`;
}

/**
 * One client connection and its connection to a server (a stream in HAProxy's terms). Its methods
 * are the client socket's events; a class rather than closures so that every connection has the
 * same shape and nothing is allocated per callback.
 */
class Session implements SocketEvents {
  /** Bytes from the client waiting for the server connection. */
  pending: { text: string; bytes: number }[] = [];
  server: Sock | undefined = undefined;
  serverOpen = false;
  /** The client has not closed its side (no FIN or error from it yet). */
  clientOpen = true;
  /** HAProxy closed (or reset) the client connection: never twice. */
  clientClosed = false;
  state: AttemptState = INITIAL_ATTEMPT_STATE;
  connectTimer: Timer | undefined = undefined;

  constructor(
    readonly hap: Haproxy, readonly fe: FrontendModel, readonly be: BackendModel, readonly bal: Balancer,
    readonly client: Sock, readonly remote: Endpoint, readonly remoteText: string, readonly clientText: string,
  ) {}

  onData(_s: Sock, text: string, bytes: number): void {
    if (this.server && this.serverOpen) tcpSend(this.hap.w, this.hap.h, this.server, text, bytes);
    else this.pending.push({ text, bytes });
  }

  onPeerClosed(): void {
    const { w, h } = this.hap;
    this.clientOpen = false;
    if (this.server && this.serverOpen) tcpClose(w, h, this.server);
    else { if (this.connectTimer) this.connectTimer.cancelled = true; if (this.server) tcpClose(w, h, this.server); this.closeClient(); }
  }

  onError(): void {
    this.clientOpen = false;
    this.clientClosed = true;
    if (this.server) tcpAbort(this.hap.w, this.hap.h, this.server, 'client aborted');
  }

  /**
   * Shuts the client connection (FIN). In tcp mode HAProxy does it when the server side ends,
   * whether or not the client has already sent its own FIN (the captures show HAProxy's FIN to
   * the client right after the server's).
   */
  closeClient(): void {
    if (this.clientClosed) return;
    this.clientClosed = true;
    tcpClose(this.hap.w, this.hap.h, this.client);
  }

  /** Connects to a server: the balancer's pick (not `avoid`), or `same` on a retry to the same one. */
  attempt(avoid?: string, same?: ServerModel): void {
    const { w, h } = this.hap;
    const { be, bal, client, remote, clientText } = this;
    if (!this.clientOpen) return;
    const srv = same ?? bal.pick(undefined, avoid !== undefined ? { srcIp: this.remoteText, avoid } : { srcIp: this.remoteText });
    if (!srv) {
      if (w.rec.enabled) note(w, h, 'no-server', `backend ${be.name} has no server available; closing ${clientText}`, be.section.header.loc, flowOf(client));
      this.closeClient();
      return;
    }
    const ip = serverAddress(srv.addr);
    if (ip === undefined) { if (w.rec.enabled) note(w, h, 'unsupported', `server ${srv.name} ${srv.addr}: only IPv4 server addresses are simulated`, srv.directive.loc, flowOf(client)); this.closeClient(); return; }
    // A server without a port gets the port the client connected to; `+N`/`-N` offsets it.
    const port = srv.port === undefined ? client.local.port : srv.port.offset ? client.local.port + srv.port.value : srv.port.value;
    const src = srv.source;
    let bind: { ip: IPv4; port: number } | undefined;
    let transparent = false;
    if (src?.usesrc?.kind === 'clientip') { bind = { ip: remote.ip, port: 0 }; transparent = true; }
    else if (src?.usesrc?.kind === 'client') { bind = { ip: remote.ip, port: remote.port }; transparent = true; }
    else if (src?.usesrc?.kind === 'addr') { const a = parseIPv4(src.usesrc.addr); if (a !== undefined) { bind = { ip: a, port: src.usesrc.port ?? 0 }; transparent = true; } }
    else if (src?.usesrc?.kind === 'hdr_ip') { note(w, h, 'unsupported', 'usesrc hdr_ip() is not simulated; connecting from the source address', src.directive.loc, flowOf(client)); }
    if (!bind && src && src.addr !== '0.0.0.0') { const a = parseIPv4(src.addr); if (a !== undefined) bind = { ip: a, port: src.portLow ?? 0 }; }
    const choice = { at: w.now, frontend: this.fe.name, backend: be.name, server: srv.name, client: clientText, from: bind ? (bind.ip === remote.ip ? this.remoteText : formatIPv4(bind.ip)) : 'kernel-chosen' };
    this.hap.byClient.set(0, remote.ip, remote.port, 0, 0, choice);
    if (w.rec.enabled) note(w, h, 'connect', `${be.name}/${srv.name}: connecting to ${srv.addr}:${port}${bind ? ` from ${formatIPv4(bind.ip)}${transparent ? ' (usesrc: IP_TRANSPARENT)' : ''}` : ''} for ${clientText}`, (src ?? srv).directive.loc, flowOf(client));
    const side = new ServerSide(this, srv);
    const sk = tcpConnect(w, h, 'haproxy', { ip, port }, side, bind ? { bind, transparent, nodelay: true } : { transparent, nodelay: true });
    if (typeof sk === 'string') { this.fail(srv, 'error', `connect(): ${sk}`); return; }
    this.server = sk;
    side.sk = sk;
    // HAProxy's clock and timers are in whole milliseconds: an expiry is seen on the first poller
    // wakeup at or after it, in practice the next millisecond (the lab shows four 500 ms attempts
    // outlasting curl -m 2's 2001 ms).
    const tc = be.timeouts.connect;
    if (tc !== undefined) this.connectTimer = w.sched.afterFire((tc + TIMER_LATENESS_MS) * 1000, side);
  }

  /** The connection to `srv` failed: retry, redispatch or give up (src/backend.c). */
  fail(srv: ServerModel, kind: 'timeout' | 'error', why: string): void {
    const { w, h } = this.hap;
    const { be, bal } = this;
    if (this.connectTimer) this.connectTimer.cancelled = true;
    bal.release(srv.name);
    const d = nextAttempt(be, this.state, { kind, at: w.now / 1000, server: srv.name, serverRunning: bal.status(srv.name) !== 'down', activeServers: bal.usableServers().length });
    this.state = d.state;
    if (d.kind === 'give-up') {
      if (w.rec.enabled) note(w, h, 'give-up', `${be.name}/${srv.name}: ${why}; ${d.why} — termination ${d.termination}, closing the client connection`, be.section.header.loc, flowOf(this.client));
      this.closeClient();
      return;
    }
    if (w.rec.enabled) note(w, h, 'retry', `${be.name}/${srv.name}: ${why}; ${d.why}`, be.redispatch.directive?.loc ?? be.section.header.loc, flowOf(this.client));
    w.sched.after(d.delayMs * 1000, () => this.attempt(d.target.kind === 'redispatch' ? d.target.avoid : undefined, d.target.kind === 'same' ? srv : undefined));
  }
}

/**
 * The server side of a session, for one connection attempt: that socket's events, and the
 * `timeout connect` timer of the attempt (fire).
 */
class ServerSide implements SocketEvents, Firable {
  sk: Sock | undefined = undefined;
  constructor(readonly s: Session, readonly srv: ServerModel) {}

  onConnected(sk: Sock): void {
    const s = this.s;
    const { w, h } = s.hap;
    const srv = this.srv;
    if (s.connectTimer) s.connectTimer.cancelled = true;
    s.serverOpen = true;
    if (w.rec.enabled) note(w, h, 'connected', `${s.be.name}/${srv.name}: connected ${sk.describe()}`, undefined, flowOf(s.client));
    if (srv.sendProxy !== 'none') {
      const hdr = proxyV1Header({ srcAddr: formatIPv4(s.remote.ip), srcPort: s.remote.port, dstAddr: formatIPv4(s.client.local.ip), dstPort: s.client.local.port });
      tcpSend(w, h, sk, hdr, srv.sendProxy === 'v2' ? 28 : hdr.length);
    }
    const pending = s.pending;
    s.pending = [];
    for (const d of pending) tcpSend(w, h, sk, d.text, d.bytes);
    if (!s.clientOpen) tcpClose(w, h, sk);
  }

  onData(_sk: Sock, text: string, bytes: number): void {
    const s = this.s;
    if (s.clientOpen) tcpSend(s.hap.w, s.hap.h, s.client, text, bytes);
  }

  onPeerClosed(sk: Sock): void {
    const s = this.s;
    const { w, h } = s.hap;
    s.serverOpen = false;
    s.bal.release(this.srv.name);
    tcpClose(w, h, sk);
    s.closeClient();
  }

  /** The server's FIN after HAProxy's own (the client closed first): the stream ends on both sides. */
  onClosed(): void {
    const s = this.s;
    if (s.serverOpen) {
      s.serverOpen = false;
      s.bal.release(this.srv.name);
    }
    s.closeClient();
  }

  onError(_sk: Sock, err: SocketError, why: string): void {
    const s = this.s;
    if (!s.serverOpen) { s.fail(this.srv, err === 'ETIMEDOUT' ? 'timeout' : 'error', `${err} (${why})`); return; }
    s.serverOpen = false;
    s.bal.release(this.srv.name);
    if (!s.clientClosed) { s.clientClosed = true; tcpAbort(s.hap.w, s.hap.h, s.client, 'server connection reset'); }
  }

  /** `timeout connect` expired. */
  fire(): void {
    const s = this.s;
    const sk = this.sk as Sock;
    if (s.serverOpen || !s.server || s.server !== sk) return;
    tcpClose(s.hap.w, s.hap.h, sk); // the SYN_SENT socket goes away: late SYN-ACKs find no socket
    s.fail(this.srv, 'timeout', `timeout connect ${s.be.timeouts.connect}ms expired`);
  }
}

/** Health checks (src/check.c): a TCP connect (or HTTP request) every `inter`, rise/fall counting. */
function startChecks(w: World, h: Host, be: BackendModel, bal: Balancer): void {
  const checked = be.servers.filter((s) => s.check);
  const mininter = Math.min(...checked.map((s) => s.check?.inter ?? 2000));
  checked.forEach((srv, pos) => {
    const c = srv.check;
    if (!c) return;
    let hs: HealthState = initialHealth(c, srv);
    const run = (): void => {
      const target = checkTarget(srv);
      const ip = parseIPv4(target.addr);
      const port = target.port;
      if (ip === undefined || port === undefined) { if (w.rec.enabled) note(w, h, 'unsupported', `check of ${be.name}/${srv.name}: needs an IPv4 address and a port`, srv.directive.loc); return; }
      const src = checkSource(srv);
      const bindIp = src.addr !== undefined ? parseIPv4(src.addr) : undefined;
      let done = false;
      const finish = (ok: boolean, why: string): void => {
        if (done) return;
        done = true;
        const step = applyCheckResult(c, hs, ok);
        hs = step.state;
        if (step.transition) {
          bal.setStatus(srv.name, hs.up ? 'up' : 'down');
          if (w.rec.enabled) note(w, h, 'health', `Server ${be.name}/${srv.name} is ${hs.up ? 'UP' : 'DOWN'}, reason: ${why}`, srv.directive.loc);
        }
        w.sched.after(nextCheckDelay(c, hs) * 1000, run);
      };
      // A check connects with TCP_QUICKACK off (tcpcheck.c: CONNECT_HAS_DATA or
      // CONNECT_DELACK_ALWAYS), so the handshake's last ACK rides on the request or never goes.
      // It ends with an abortive close (RST) unless the server has closed first, when it closes
      // as usual (FIN): the lab's captures show SYN, SYN-ACK, RST for a TCP check; SYN, SYN-ACK,
      // request, ACK, response, RST for an HTTP one; and FIN for FIN when the server's FIN came
      // in before HAProxy read the response.
      let connected = false;
      let got = '';
      const verdict = (s: Sock, ended: boolean): void => {
        const r = readCheckResponse(got, ended);
        if (!r || (!r.complete && checkNeedsBody(c))) return;
        const v = evaluateHttpCheck(c, r);
        if (w.rec.enabled) note(w, h, 'health-check', `${be.name}/${srv.name}: ${v.reason}`, srv.directive.loc);
        if (ended) tcpClose(w, h, s);
        else tcpAbort(w, h, s, w.rec.enabled ? 'health check done: abortive close (RST)' : '');
        finish(v.passed, v.haproxy);
      };
      const sk = tcpConnect(w, h, 'haproxy-check', { ip, port }, {
        onConnected: (s) => {
          connected = true;
          if (c.kind === 'tcp') { tcpAbort(w, h, s, w.rec.enabled ? 'TCP check connected: abortive close (RST)' : ''); finish(true, 'Layer4 check passed'); return; }
          const req = httpCheckRequest(c.http?.send ?? DEFAULT_HTTPCHK);
          tcpSend(w, h, s, req, req.length);
          // After the connect, `timeout check` (when set) bounds the reading of the response.
          if (c.timeoutCheck !== undefined) w.sched.after(c.timeoutCheck * 1000, () => { if (!done) { tcpAbort(w, h, s, w.rec.enabled ? 'timeout check: abortive close (RST)' : ''); finish(false, 'Layer7 timeout'); } });
        },
        onData: (s, text) => {
          if (done) return;
          got += text;
          verdict(s, false);
        },
        onPeerClosed: (s) => {
          if (done) return;
          verdict(s, true); // the end of the connection ends the body
          if (!done) { tcpClose(w, h, s); finish(false, 'Layer7 invalid response'); }
        },
        // chk_report_conn_err: an error before the connection is up is a Layer4 problem; after,
        // a socket error with the errno's text.
        onError: (_s, err) => finish(false, connected ? 'Socket error, info: "Connection reset by peer"' : `Layer4 ${err === 'ECONNREFUSED' ? 'connection problem, info: "Connection refused"' : 'timeout'}`),
      }, bindIp !== undefined ? { bind: { ip: bindIp, port: 0 }, nodelay: true, quickack: false } : { nodelay: true, quickack: false });
      if (typeof sk === 'string') { finish(false, `connect(): ${sk}`); return; }
      w.sched.after(checkConnectTimeout(c) * 1000, () => {
        if (done || (connected && c.timeoutCheck !== undefined)) return;
        tcpAbort(w, h, sk, w.rec.enabled ? 'check timed out: abortive close' : '');
        finish(false, connected ? 'Layer7 timeout' : 'Layer4 timeout');
      });
    };
    w.sched.after(firstCheckDelay(pos, checked.length, mininter) * 1000, run);
  });
}
