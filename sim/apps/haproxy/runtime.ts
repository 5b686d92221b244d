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
import type { Sock } from '../../net/sockets/socket.js';
import { tcpAbort, tcpClose, tcpConnect, tcpListen, tcpSend } from '../../net/stack/tcp.js';
import type { BackendModel, FrontendModel, HaproxyModel, ServerModel } from './model.js';
import { createBalancer, type Balancer } from './balancer.js';
import type { ServerStatus } from './lb-common.js';
import { INITIAL_ATTEMPT_STATE, nextAttempt, type AttemptState } from './connect-attempts.js';
import { selectBackend } from './acl-eval.js';
import { proxyV1Header } from './proxy-protocol.js';
import { applyCheckResult, checkConnectTimeout, checkSource, checkTarget, firstCheckDelay, initialHealth, nextCheckDelay, type HealthState } from './health.js';
import type { SourceLocation } from '../../core/diagnostics.js';

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
  /** Every server decision, in order. */
  readonly choices: HaproxyChoice[];
  /** The latest decision for each client connection ("ip:port"). */
  readonly byClient: Map<string, HaproxyChoice>;
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
  const states = new Map<string, Map<string, ServerStatus>>();
  const checks = model.backends.flatMap((b) => b.servers.flatMap((s) => (s.check ? [s.check] : [])));
  const rt: HaproxyRuntime = {
    choices: [],
    byClient: new Map(),
    errors: [],
    hasChecks: checks.length > 0,
    settleMs: Math.max(0, ...checks.map((c) => Math.max(c.inter, c.fastinter ?? 0, c.downinter ?? 0) * (c.fall + 1))),
    status: (b, s) => balancers.get(b)?.status(s),
  };
  // What HAProxy would log; the message is only worked out when the trace is recorded.
  const note = (action: string, message: string | (() => string), loc?: SourceLocation, flow?: string): void => {
    if (w.rec.enabled) w.emit({ kind: 'app', t: w.now, host: h.host, app: 'haproxy', action, message: typeof message === 'string' ? message : message(), ...(loc ? { loc } : {}), ...(flow ? { flow } : {}) });
  };
  for (const be of model.backends) {
    const b = createBalancer(be);
    balancers.set(be.name, b);
    states.set(be.name, new Map());
    const n = b.usableServers().length;
    if (o.unknownStart && n > 1 && (be.balance === 'roundrobin' || be.balance === 'static-rr')) {
      const k = o.unknownStart.choose(`haproxy backend ${be.name}: round-robin position before the first request`, Array.from({ length: n }, (_, i) => ({ p: 1 / n, value: i, label: `${i} picks already made` })));
      w.noteChoice();
      for (let i = 0; i < k; i++) { const s = b.pick(); if (s) b.release(s.name); }
    }
    startChecks(w, h, be, b, note);
  }
  for (const fe of model.frontends) listenFrontend(w, h, fe, model, balancers, rt, note);
  return rt;
}

const serverAddresses = new Map<string, IPv4 | undefined>();
/** A server line's address as an IPv4 value (parsed once per address text). */
function serverAddress(addr: string): IPv4 | undefined {
  if (!serverAddresses.has(addr)) serverAddresses.set(addr, parseIPv4(addr));
  return serverAddresses.get(addr);
}

type Note = (action: string, message: string | (() => string), loc?: SourceLocation, flow?: string) => void;

function listenFrontend(w: World, h: Host, fe: FrontendModel, model: HaproxyModel, balancers: Map<string, Balancer>, rt: HaproxyRuntime, note: Note): void {
  for (const bind of fe.binds) {
    for (const a of bind.addresses) {
      if (a.family === 'unix' || a.family === 'ipv6') { note('unsupported', () => `bind ${a.text}: only IPv4 binds are simulated`, bind.directive.loc); continue; }
      const ip = a.host !== undefined && a.host !== '' && a.host !== '*' ? parseIPv4(a.host) : ANY_IPV4;
      if (ip === undefined) { note('unsupported', () => `bind ${a.text}: address not simulated`, bind.directive.loc); continue; }
      for (let port = a.portLow; port <= a.portHigh; port++) {
        const ls = tcpListen(h, 'haproxy', { ip, port }, { onAccept: (_l, client) => accept(w, h, fe, model, balancers, rt, client, note) }, { transparent: bind.transparent });
        if (typeof ls === 'string') { rt.errors.push(`${fe.name}: cannot bind ${a.text}: ${ls}`); note('bind-error', () => `[ALERT] Starting frontend ${fe.name}: cannot bind socket (${ls}) for [${a.text}]`, bind.directive.loc); }
      }
    }
  }
}

function accept(w: World, h: Host, fe: FrontendModel, model: HaproxyModel, balancers: Map<string, Balancer>, rt: HaproxyRuntime, client: Sock, note: Note): void {
  const remote = client.remote as { ip: IPv4; port: number };
  const remoteText = formatIPv4(remote.ip);
  const clientText = `${remoteText}:${remote.port}`;
  const flow = `haproxy#${client.id}`;
  const sel = selectBackend(fe, { srcIp: remoteText, srcPort: remote.port, dstIp: formatIPv4(client.local.ip), dstPort: client.local.port });
  const beName = 'backend' in sel ? sel.backend : undefined;
  const be = beName !== undefined ? model.backends.find((b) => b.name === beName) : undefined;
  const bal = be ? balancers.get(be.name) : undefined;
  if (!be || !bal) {
    note('no-backend', () => `${fe.name}: ${'unsupported' in sel ? sel.unsupported : sel.why}; closing ${clientText}`, fe.section.header.loc, flow);
    tcpClose(w, h, client);
    return;
  }
  const pending: { text: string; bytes: number }[] = [];
  let server: Sock | undefined;
  let serverOpen = false;
  let clientOpen = true;
  let state: AttemptState = INITIAL_ATTEMPT_STATE;
  let connectTimer: { cancelled: boolean } | undefined;
  client.events = {
    onData: (_s, text, bytes) => {
      if (server && serverOpen) tcpSend(w, h, server, text, bytes);
      else pending.push({ text, bytes });
    },
    onPeerClosed: (s) => {
      clientOpen = false;
      if (server && serverOpen) tcpClose(w, h, server);
      else { if (connectTimer) connectTimer.cancelled = true; if (server) tcpClose(w, h, server); tcpClose(w, h, s); }
    },
    onError: () => { clientOpen = false; if (server) tcpAbort(w, h, server, 'client aborted'); },
  };
  note('accept', () => `${fe.name} accepted ${clientText} -> ${formatIPv4(client.local.ip)}:${client.local.port}`, undefined, flow);

  const attempt = (avoid?: string, same?: ServerModel): void => {
    if (!clientOpen) return;
    const srv = same ?? bal.pick(undefined, { srcIp: remoteText, ...(avoid !== undefined ? { avoid } : {}) });
    if (!srv) {
      note('no-server', () => `backend ${be.name} has no server available; closing ${clientText}`, be.section.header.loc, flow);
      tcpClose(w, h, client);
      return;
    }
    const ip = serverAddress(srv.addr);
    if (ip === undefined) { note('unsupported', () => `server ${srv.name} ${srv.addr}: only IPv4 server addresses are simulated`, srv.directive.loc, flow); tcpClose(w, h, client); return; }
    // A server without a port gets the port the client connected to; `+N`/`-N` offsets it.
    const port = srv.port === undefined ? client.local.port : srv.port.offset ? client.local.port + srv.port.value : srv.port.value;
    const src = srv.source;
    let bind: { ip: IPv4; port: number } | undefined;
    let transparent = false;
    if (src?.usesrc?.kind === 'clientip') { bind = { ip: remote.ip, port: 0 }; transparent = true; }
    else if (src?.usesrc?.kind === 'client') { bind = { ip: remote.ip, port: remote.port }; transparent = true; }
    else if (src?.usesrc?.kind === 'addr') { const a = parseIPv4(src.usesrc.addr); if (a !== undefined) { bind = { ip: a, port: src.usesrc.port ?? 0 }; transparent = true; } }
    else if (src?.usesrc?.kind === 'hdr_ip') { note('unsupported', 'usesrc hdr_ip() is not simulated; connecting from the source address', src.directive.loc, flow); }
    if (!bind && src && src.addr !== '0.0.0.0') { const a = parseIPv4(src.addr); if (a !== undefined) bind = { ip: a, port: src.portLow ?? 0 }; }
    const choice = { at: w.now, frontend: fe.name, backend: be.name, server: srv.name, client: clientText, from: bind ? formatIPv4(bind.ip) : 'kernel-chosen' };
    rt.choices.push(choice);
    rt.byClient.set(clientText, choice);
    note('connect', () => `${be.name}/${srv.name}: connecting to ${srv.addr}:${port}${bind ? ` from ${formatIPv4(bind.ip)}${transparent ? ' (usesrc: IP_TRANSPARENT)' : ''}` : ''} for ${clientText}`, (src ?? srv).directive.loc, flow);
    const fail = (kind: 'timeout' | 'error', why: string): void => {
      if (connectTimer) connectTimer.cancelled = true;
      bal.release(srv.name);
      const d = nextAttempt(be, state, { kind, at: w.now / 1000, server: srv.name, serverRunning: bal.status(srv.name) !== 'down', activeServers: bal.usableServers().length });
      state = d.state;
      if (d.kind === 'give-up') {
        note('give-up', () => `${be.name}/${srv.name}: ${why}; ${d.why} — termination ${d.termination}, closing the client connection`, be.section.header.loc, flow);
        if (clientOpen) tcpClose(w, h, client);
        return;
      }
      note('retry', () => `${be.name}/${srv.name}: ${why}; ${d.why}`, be.redispatch.directive?.loc ?? be.section.header.loc, flow);
      w.sched.after(d.delayMs * 1000, () => attempt(d.target.kind === 'redispatch' ? d.target.avoid : undefined, d.target.kind === 'same' ? srv : undefined));
    };
    const sk = tcpConnect(w, h, 'haproxy', { ip, port }, {
      onConnected: (s) => {
        if (connectTimer) connectTimer.cancelled = true;
        serverOpen = true;
        note('connected', () => `${be.name}/${srv.name}: connected ${s.describe()}`, undefined, flow);
        if (srv.sendProxy !== 'none') {
          const hdr = proxyV1Header({ srcAddr: formatIPv4(remote.ip), srcPort: remote.port, dstAddr: formatIPv4(client.local.ip), dstPort: client.local.port });
          tcpSend(w, h, s, hdr, srv.sendProxy === 'v2' ? 28 : hdr.length);
        }
        for (const d of pending.splice(0)) tcpSend(w, h, s, d.text, d.bytes);
        if (!clientOpen) tcpClose(w, h, s);
      },
      onData: (_s, text, bytes) => { if (clientOpen) tcpSend(w, h, client, text, bytes); },
      onPeerClosed: (s) => { serverOpen = false; bal.release(srv.name); tcpClose(w, h, s); if (clientOpen) tcpClose(w, h, client); },
      onError: (_s, err, why) => {
        if (!serverOpen) { fail(err === 'ETIMEDOUT' ? 'timeout' : 'error', `${err} (${why})`); return; }
        serverOpen = false;
        bal.release(srv.name);
        if (clientOpen) tcpAbort(w, h, client, 'server connection reset');
      },
    }, bind ? { bind, transparent } : { transparent });
    if (typeof sk === 'string') { fail('error', `connect(): ${sk}`); return; }
    server = sk;
    const tc = be.timeouts.connect;
    if (tc !== undefined) {
      // HAProxy's clock and timers are in whole milliseconds: an expiry is seen on the first
      // poller wakeup at or after it, in practice the next millisecond (the lab shows four 500 ms
      // attempts outlasting curl -m 2's 2001 ms).
      connectTimer = w.sched.after((tc + TIMER_LATENESS_MS) * 1000, () => {
        if (serverOpen || !server || server !== sk) return;
        tcpClose(w, h, sk); // the SYN_SENT socket goes away: late SYN-ACKs find no socket
        fail('timeout', `timeout connect ${tc}ms expired`);
      });
    }
  };
  attempt();
}

/** Health checks (src/check.c): a TCP connect (or HTTP request) every `inter`, rise/fall counting. */
function startChecks(w: World, h: Host, be: BackendModel, bal: Balancer, note: Note): void {
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
      if (ip === undefined || port === undefined) { note('unsupported', () => `check of ${be.name}/${srv.name}: needs an IPv4 address and a port`, srv.directive.loc); return; }
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
          note('health', () => `Server ${be.name}/${srv.name} is ${hs.up ? 'UP' : 'DOWN'}, reason: ${why}`, srv.directive.loc);
        }
        w.sched.after(nextCheckDelay(c, hs) * 1000, run);
      };
      const sk = tcpConnect(w, h, 'haproxy-check', { ip, port }, {
        onConnected: (s) => {
          if (c.kind === 'tcp') { tcpClose(w, h, s); finish(true, 'Layer4 check passed'); return; }
          const req = `${c.http?.send.method ?? 'OPTIONS'} ${c.http?.send.uri ?? '/'} HTTP/1.0\r\n\r\n`;
          tcpSend(w, h, s, req, req.length);
        },
        onData: (s, text) => {
          const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
          const status = m ? Number(m[1]) : 0;
          tcpClose(w, h, s);
          finish(status >= 200 && status < 400, `Layer7 check ${status >= 200 && status < 400 ? 'passed' : 'wrong status'}, code: ${status}`);
        },
        onError: (_s, err) => finish(false, `Layer4 ${err === 'ECONNREFUSED' ? 'connection problem, info: "Connection refused"' : 'timeout'}`),
      }, bindIp !== undefined ? { bind: { ip: bindIp, port: 0 } } : {});
      if (typeof sk === 'string') { finish(false, `connect(): ${sk}`); return; }
      w.sched.after(checkConnectTimeout(c) * 1000, () => { if (!done) { tcpClose(w, h, sk); finish(false, 'Layer4 timeout'); } });
    };
    w.sched.after(firstCheckDelay(pos, checked.length, mininter) * 1000, run);
  });
}
