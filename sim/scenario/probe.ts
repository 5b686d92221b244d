// One connection attempt from a host, as `hoplab trace` sends it: a TCP connect (closed again
// once it succeeds), a UDP datagram, or an ICMP echo; then the world runs until it is quiet or
// the wait is over.

import { fibQuery } from '../net/routing/fib-lookup.js';
import { formatIPv4, parseIPv4, type IPv4 } from '../core/ip.js';
import { IPPROTO, ipv4Packet, payloadOf, udpHeader, type Ipv4Packet } from '../net/packet.js';
import { ipLocalOut } from '../net/stack/ip.js';
import { tcpClose, tcpConnect } from '../net/stack/tcp.js';
import type { World } from '../net/stack/world.js';
import type { Host } from '../net/stack/host.js';

export type ProbeProto = 'tcp' | 'udp' | 'icmp';

export interface ProbeResult {
  readonly outcome: 'connected' | 'refused' | 'timeout' | 'unreachable' | 'reply' | 'no-reply' | 'error';
  readonly detail: string;
  readonly elapsedMs: number;
}

export function parseTarget(to: string): { ip: IPv4; port: number } | string {
  const m = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(to);
  const ip = m ? parseIPv4(m[1] as string) : undefined;
  if (!m || ip === undefined) return `bad destination "${to}"; expected ip:port, e.g. 192.168.0.1:30080`;
  const port = m[2] === undefined ? 0 : Number(m[2]);
  if (port > 65535) return `bad port in "${to}"`;
  return { ip, port };
}

export function probe(w: World, from: Host, to: { ip: IPv4; port: number }, proto: ProbeProto, waitUs: number): ProbeResult {
  const t0 = w.now;
  let result: ProbeResult | undefined;
  const ms = (): number => Math.round((w.now - t0) / 1000);
  const settle = (r: Omit<ProbeResult, 'elapsedMs'>): void => { result ??= { ...r, elapsedMs: ms() }; };
  if (proto === 'tcp') {
    const sk = tcpConnect(w, from, 'hoplab-probe', to, {
      onConnected: (s) => { settle({ outcome: 'connected', detail: `connected ${s.describe()}` }); tcpClose(w, from, s); },
      onError: (_s, err, why) => settle({ outcome: err === 'ECONNREFUSED' ? 'refused' : err === 'ETIMEDOUT' ? 'timeout' : 'unreachable', detail: `${err}: ${why}` }),
    });
    if (typeof sk === 'string') return { outcome: 'error', detail: `connect(): ${sk}`, elapsedMs: 0 };
    w.sched.run(t0 + waitUs);
    return result ?? { outcome: 'timeout', detail: `no answer within ${waitUs / 1000} ms (${sk.describe()})`, elapsedMs: ms() };
  }
  const r = from.routing.lookup(fibQuery({ dst: to.ip, iif: 'lo', mark: 0 }));
  if (!r.ok) return { outcome: 'unreachable', detail: `no route to ${formatIPv4(to.ip)}: ${r.reason}`, elapsedMs: 0 };
  const src = r.type === 'local' ? to.ip : from.routing.sourceFor(to.ip, r);
  if (src === undefined) return { outcome: 'error', detail: 'no source address', elapsedMs: 0 };
  const pkt: Ipv4Packet = proto === 'udp'
    ? ipv4Packet(src, to.ip, IPPROTO.UDP, 64, from.ipId++, 0, udpHeader(40000 + w.rng.int(0, 9999), to.port), payloadOf(12, 'hoplab probe'))
    : ipv4Packet(src, to.ip, IPPROTO.ICMP, 64, from.ipId++, 0, { kind: 'icmp', type: 8, code: 0, id: w.rng.int(1, 65535), seq: 1 }, payloadOf(56));
  ipLocalOut(w, from, pkt, { by: 'hoplab-probe', why: proto === 'udp' ? 'one UDP datagram' : 'ICMP echo request' });
  w.sched.run(t0 + waitUs);
  return { outcome: 'no-reply', detail: 'see the trace for what happened to it', elapsedMs: ms() };
}
