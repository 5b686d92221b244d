// The first divergent hop's logic on synthetic inputs (no root): kernel observations as the
// captures give them and simulator trace events as the engine records them, built from one
// description of a request (ICTSC step 0 shaped: host01 -> HAProxy on lb -> worker01's NodePort ->
// VXLAN -> the pod on worker02), then changed on one side to make them part.
import { describe, expect, it } from 'vitest';
import type { PacketSummary, TraceEvent } from '../../sim/index.js';
import { firstDivergence, roleOf, tupleOf } from '../../lab/hop-divergence.js';
import { kernelJourneys, podRenamer, simJourneys, type HopPacket, type KernelObservation } from '../../lab/hop-journeys.js';
import { compareWithPaths, type SimPath } from '../../lab/hop-report.js';
import { haproxyCheckPorts, parseIpLinkJson, synSentTuples } from '../../lab/hop-capture.js';

type HopSpec = readonly [host: string, iface: string, dir: 'in' | 'out', packet: HopPacket, vxlan?: boolean];
interface Sim { readonly drop?: { host: string; reason: string; raw: string; file: string; line: number }; readonly deliver?: { host: string; socket: string } }
interface Pkt { readonly name: string; readonly t: number; readonly emitter: string; readonly hops: readonly HopSpec[]; readonly sim?: Sim }

const tcp = (src: string, sport: number, dst: string, dport: number, flags: string, payload?: string): HopPacket => ({
  src, dst, proto: 'tcp', sport, dport, flags, payloadLength: payload === undefined ? 0 : payload.length + 60, ...(payload !== undefined ? { firstLine: payload } : {}),
});

const C = '192.168.0.10';
const VIP = '192.168.0.1';
const LB_IN = '172.16.0.254';
const W1 = '172.16.0.11';
const TUN1 = '172.20.5.0';
const POD = '172.20.6.1';
const CALI = 'cali0dc103ed4c7';
const PODNAME = 'my-deployment-6b77c5ed3d-0';

/** One request through the scenario; times in µs. The client's port is ephemeral, lb's is too, MASQUERADE --random-fully chose 26491. */
function story(): Pkt[] {
  const toPod = (t: number, name: string, flags: string, payload?: string): Pkt => ({ name, t, emitter: 'lb', hops: [
    ['lb', 'eth1', 'out', tcp(LB_IN, 40000, W1, 30080, flags, payload)],
    ['worker01', 'eth0', 'in', tcp(LB_IN, 40000, W1, 30080, flags, payload)],
    ['worker01', 'eth0', 'out', tcp(TUN1, 26491, POD, 80, flags, payload), true],
    ['worker02', 'eth0', 'in', tcp(TUN1, 26491, POD, 80, flags, payload), true],
    ['worker02', CALI, 'out', tcp(TUN1, 26491, POD, 80, flags, payload)],
    [PODNAME, 'eth0', 'in', tcp(TUN1, 26491, POD, 80, flags, payload)],
  ], sim: { deliver: { host: PODNAME, socket: 'nginx tcp *:80' } } });
  const fromPod = (t: number, name: string, flags: string, payload?: string): Pkt => ({ name, t, emitter: PODNAME, hops: [
    [PODNAME, 'eth0', 'out', tcp(POD, 80, TUN1, 26491, flags, payload)],
    ['worker02', CALI, 'in', tcp(POD, 80, TUN1, 26491, flags, payload)],
    ['worker02', 'eth0', 'out', tcp(POD, 80, TUN1, 26491, flags, payload), true],
    ['worker01', 'eth0', 'in', tcp(POD, 80, TUN1, 26491, flags, payload), true],
    ['worker01', 'eth0', 'out', tcp(W1, 30080, LB_IN, 40000, flags, payload)],
    ['lb', 'eth1', 'in', tcp(W1, 30080, LB_IN, 40000, flags, payload)],
  ], sim: { deliver: { host: 'lb', socket: 'haproxy tcp 172.16.0.254:40000 -> 172.16.0.11:30080' } } });
  const c2lb = (t: number, name: string, flags: string, payload?: string): Pkt => ({ name, t, emitter: 'host01', hops: [['host01', 'eth0', 'out', tcp(C, 50470, VIP, 30080, flags, payload)], ['lb', 'eth0', 'in', tcp(C, 50470, VIP, 30080, flags, payload)]], sim: { deliver: { host: 'lb', socket: 'haproxy' } } });
  const lb2c = (t: number, name: string, flags: string, payload?: string): Pkt => ({ name, t, emitter: 'lb', hops: [['lb', 'eth0', 'out', tcp(VIP, 30080, C, 50470, flags, payload)], ['host01', 'eth0', 'in', tcp(VIP, 30080, C, 50470, flags, payload)]], sim: { deliver: { host: 'host01', socket: 'curl' } } });
  return [
    c2lb(0, 'syn', 'SYN'),
    lb2c(50, 'synack', 'SYN,ACK'),
    c2lb(100, 'get', 'PSH,ACK', 'GET / HTTP/1.1'),
    toPod(200, 'bsyn', 'SYN'),
    fromPod(400, 'bsynack', 'SYN,ACK'),
    toPod(600, 'bget', 'PSH,ACK', 'GET / HTTP/1.1'),
    fromPod(800, 'bresp', 'PSH,ACK', 'HTTP/1.1 200 OK'),
    lb2c(1000, 'resp', 'PSH,ACK', 'HTTP/1.1 200 OK'),
    c2lb(1200, 'fin', 'FIN,ACK'),
    lb2c(1300, 'lbfin', 'FIN,ACK'),
  ];
}

function kernelOf(ps: readonly Pkt[]): KernelObservation[] {
  return ps.flatMap((p) => p.hops.map(([host, iface, dir, packet, vxlan], i) => ({ host, iface, dir, t: 1_000_000 + p.t + i * 3, packet, fingerprint: p.name, ...(vxlan ? { vxlan } : {}) })));
}

function summary(id: number, p: HopPacket): PacketSummary {
  return { id, src: p.src, dst: p.dst, proto: p.proto, ...(p.sport !== undefined ? { sport: p.sport, dport: p.dport } : {}), ...(p.flags !== undefined ? { flags: p.flags } : {}), length: 40 + p.payloadLength, ...(p.firstLine !== undefined ? { payload: p.firstLine } : {}) } as PacketSummary;
}

function simOf(ps: readonly Pkt[]): TraceEvent[] {
  const out: Record<string, unknown>[] = [];
  ps.forEach((p, id) => {
    const first = p.hops[0];
    if (first) out.push({ kind: 'emit', t: p.t, host: p.emitter, by: 'test', packet: summary(id, first[3]), why: 'test' });
    for (let i = 0; i + 1 < p.hops.length; i += 2) {
      const [fh, fi, , pk, vx] = p.hops[i] as HopSpec;
      const [th, ti] = p.hops[i + 1] as HopSpec;
      const inner = summary(id, pk);
      const packet = vx ? ({ id, src: '172.16.0.11', dst: '172.16.0.12', proto: 'udp', sport: 49152, dport: 4789, length: 90, inner } as PacketSummary) : inner;
      out.push({ kind: 'link', t: p.t + i * 10, from: { host: fh, iface: fi }, to: { host: th, iface: ti }, packet, latencyUs: 10, ...(vx ? { encap: 'vxlan' as const } : {}) });
    }
    const last = p.hops[p.hops.length - 1]?.[3] ?? first?.[3];
    const t = p.t + p.hops.length * 10;
    if (p.sim?.drop && last) {
      const d = p.sim.drop;
      out.push({ kind: 'end', t, host: d.host, packet: summary(id, last), disposition: 'DROPPED', reason: d.reason, rule: { table: 'filter', chain: 'FORWARD', index: 3, raw: d.raw, loc: { file: d.file, line: d.line, column: 1 } }, loc: { file: d.file, line: d.line, column: 1 } });
    } else if (p.sim?.deliver && last) {
      out.push({ kind: 'deliver', t, host: p.sim.deliver.host, packet: summary(id, last), socket: p.sim.deliver.socket, app: 'test' });
    }
  });
  return out.map((e, seq) => ({ ...e, seq }) as TraceEvent);
}

const OPTS = { client: 'host01' } as const;
const diverge = (k: readonly Pkt[], s: readonly Pkt[], o: Parameters<typeof firstDivergence>[2] = OPTS) => firstDivergence(kernelJourneys(kernelOf(k)), simJourneys(simOf(s)), o);

/** The story with one packet replaced (or removed, or more added after it). */
function edit(ps: readonly Pkt[], name: string, f: (p: Pkt) => Pkt | Pkt[] | undefined): Pkt[] {
  return ps.flatMap((p) => (p.name === name ? f(p) ?? [] : [p]));
}

describe('first divergent hop', () => {
  it('finds none when both sides show the same hops', () => {
    expect(diverge(story(), story())).toBeUndefined();
  });

  it('roles and the unordered address pair of a connection', () => {
    expect(roleOf(tcp(C, 1, VIP, 2, 'SYN'))).toBe('SYN');
    expect(roleOf(tcp(C, 1, VIP, 2, 'SYN,ACK'))).toBe('SYN-ACK');
    expect(roleOf(tcp(C, 1, VIP, 2, 'RST,ACK'))).toBe('RST');
    expect(roleOf(tcp(C, 1, VIP, 2, 'FIN,PSH,ACK', 'x'))).toBe('FIN');
    expect(roleOf(tcp(C, 1, VIP, 2, 'PSH,ACK', 'x'))).toBe('data');
    expect(roleOf(tcp(C, 1, VIP, 2, 'ACK'))).toBe('ACK');
    expect(tupleOf(tcp(C, 1, VIP, 2, 'SYN'))).toBe(tupleOf(tcp(VIP, 2, C, 1, 'SYN,ACK')));
  });

  it("leaves out pure ACKs, the kernel's extra data segments, connections open before, health checks and what follows the client's FIN", () => {
    const k = [
      ...story(),
      { name: 'ack', t: 60, emitter: 'host01', hops: [['host01', 'eth0', 'out', tcp(C, 50470, VIP, 30080, 'ACK')], ['lb', 'eth0', 'in', tcp(C, 50470, VIP, 30080, 'ACK')]] as HopSpec[] },
      { ...(story().find((p) => p.name === 'bresp') as Pkt), name: 'bresp-body', t: 810 },
      { name: 'old', t: 300, emitter: 'lb', hops: [['lb', 'eth1', 'out', tcp(LB_IN, 39000, '172.16.0.12', 30080, 'SYN')], ['worker02', 'eth0', 'in', tcp(LB_IN, 39000, '172.16.0.12', 30080, 'SYN')]] as HopSpec[] },
      { name: 'check', t: 500, emitter: 'lb', hops: [['lb', 'eth1', 'out', tcp(LB_IN, 41000, W1, 32000, 'SYN')], ['worker01', 'eth0', 'in', tcp(LB_IN, 41000, W1, 32000, 'SYN')]] as HopSpec[] },
      { name: 'late', t: 1500, emitter: 'lb', hops: [['lb', 'eth1', 'out', tcp(LB_IN, 40000, W1, 30080, 'RST')], ['worker01', 'eth0', 'in', tcp(LB_IN, 40000, W1, 30080, 'RST')]] as HopSpec[] },
    ];
    const o = { client: 'host01', openBefore: [tupleOf(tcp(LB_IN, 39000, '172.16.0.12', 30080, 'SYN'))], checkPorts: [32000] };
    expect(diverge(k, story(), o)).toBeUndefined();
    // Without knowing the old connection, its SYN is a packet only the kernel sent.
    const d = diverge(k, story(), { ...o, openBefore: [] });
    // (it follows the client's request reaching lb, so that is where the two part)
    expect(d).toMatchObject({ kind: 'answer', host: 'lb', packet: 'data (HTTP GET) 192.168.0.10:* → 192.168.0.1:30080' });
    expect(d?.kernel).toBe('reached lb on eth0 and was not seen again (not forwarded); then lb sent SYN 172.16.0.254:* → 172.16.0.12:30080 on eth1 toward worker02');
    expect(d?.simulator).toBe('delivered on lb to haproxy (test); lb sent no SYN 172.16.0.254:* → 172.16.0.12:30080');
  });

  it('the simulator drops the SYN-ACK where the kernel forwards it: its rule and file:line', () => {
    const drop = { host: 'worker01', reason: 'filter FORWARD: DROP', raw: '-A FORWARD -d 172.16.0.254 -j DROP', file: 'worker01/rules.v4', line: 12 };
    const sim = edit(story(), 'bsynack', (p) => ({ ...p, hops: p.hops.slice(0, 4), sim: { drop } }))
      .filter((p) => !['bget', 'bresp', 'resp'].includes(p.name));
    const d = diverge(story(), sim);
    expect(d).toMatchObject({ kind: 'stopped', host: 'worker01', packet: 'SYN-ACK 172.20.6.1:80 → 172.20.5.0:*' });
    expect(d?.kernel).toBe('sent by worker01 on eth0 toward lb as SYN-ACK 172.16.0.11:30080 → 172.16.0.254:*');
    expect(d?.simulator).toBe('dropped on worker01: filter FORWARD: DROP (rule -A FORWARD -d 172.16.0.254 -j DROP at worker01/rules.v4:12)');
    expect(d?.simulatorFate).toMatchObject({ kind: 'dropped', rule: { file: 'worker01/rules.v4', line: 12, chain: 'FORWARD' } });
    expect(d?.text).toBe(`SYN-ACK 172.20.6.1:80 → 172.20.5.0:* at worker01 — kernel: ${d?.kernel}; simulator: ${d?.simulator}`);
    expect(d?.kernelHops).toContain('out worker02/eth0 (VXLAN): SYN-ACK 172.20.6.1:80 → 172.20.5.0:*');
    expect(d?.simulatorHops[d.simulatorHops.length - 1]).toMatch(/^dropped on worker01/);
  });

  it('a hop that differs: lb sends the backend SYN out another interface', () => {
    const sim = edit(story(), 'bsyn', (p) => ({ ...p, hops: [['lb', 'eth0', 'out', tcp(LB_IN, 40000, W1, 30080, 'SYN')], ['host02', 'eth0', 'in', tcp(LB_IN, 40000, W1, 30080, 'SYN')]], sim: {} }));
    const d = diverge(story(), sim);
    expect(d).toMatchObject({ kind: 'hop', host: 'lb', packet: 'SYN 172.16.0.254:* → 172.16.0.11:30080' });
    expect(d?.kernel).toBe('sent by lb on eth1 toward worker01');
    expect(d?.simulator).toBe('sent by lb on eth0 toward host02');
  });

  it('the same packet reaches lb on both sides, and only one side answers it', () => {
    // The kernel's lb never takes the backend's SYN-ACK; the simulator's hands it to HAProxy, which sends the request on.
    const kernel = story().filter((p) => !['bget', 'bresp', 'resp'].includes(p.name));
    const d = diverge(kernel, story());
    expect(d).toMatchObject({ kind: 'answer', host: 'lb', packet: `SYN-ACK 172.16.0.11:30080 → 172.16.0.254:* (sent by ${PODNAME} as SYN-ACK 172.20.6.1:80 → 172.20.5.0:*)` });
    expect(d?.kernel).toBe('reached lb on eth1 and was not seen again (not forwarded); lb sent no data (HTTP GET) 172.16.0.254:* → 172.16.0.11:30080');
    expect(d?.simulator).toBe('delivered on lb to haproxy tcp 172.16.0.254:40000 -> 172.16.0.11:30080 (test); then lb sent data (HTTP GET) 172.16.0.254:* → 172.16.0.11:30080 on eth1 toward worker01');
    expect(d?.simulatorFate).toMatchObject({ kind: 'delivered', host: 'lb' });
  });

  it('a packet only one side sends, with nothing just before it: a retransmission', () => {
    const kernel = [...story(), { ...(story()[0] as Pkt), name: 'syn2', t: 900_000 }];
    const sim = story().map((p) => (p.name === 'fin' || p.name === 'lbfin' ? { ...p, t: p.t + 1_000_000 } : p));
    const k = kernel.map((p) => (p.name === 'fin' || p.name === 'lbfin' ? { ...p, t: p.t + 1_000_000 } : p));
    const d = diverge(k, sim);
    expect(d).toMatchObject({ kind: 'extra', host: 'host01', packet: 'SYN 192.168.0.10:* → 192.168.0.1:30080 (again, #2)', simulator: 'no such packet' });
  });

  it('a retransmission only one side sent ranks after a later difference in the path', () => {
    const retrans: Pkt = { ...(story().find((p) => p.name === 'bsyn') as Pkt), name: 'bsyn2', t: 150 };
    const sim = edit(story(), 'resp', (p) => ({ ...p, hops: [['lb', 'eth1', 'out', tcp(VIP, 30080, C, 50470, 'PSH,ACK', 'HTTP/1.1 200 OK')], ['worker01', 'eth0', 'in', tcp(VIP, 30080, C, 50470, 'PSH,ACK', 'HTTP/1.1 200 OK')]] }));
    expect(diverge([...story(), retrans], sim)).toMatchObject({ kind: 'hop', host: 'lb', packet: 'data (HTTP 200) 192.168.0.1:30080 → 192.168.0.10:*' });
    expect(diverge([...story(), retrans], story())).toMatchObject({ packet: 'data (HTTP GET) 192.168.0.10:* → 192.168.0.1:30080', kernel: expect.stringMatching(/then lb sent SYN 172\.16\.0\.254:\* → 172\.16\.0\.11:30080 \(again, #2\)/) });
  });

  it("the window closes at the client's FIN or RST to the target, not at a RST it sends elsewhere", () => {
    const rst: Pkt = { name: 'rst', t: 500, emitter: 'host01', hops: [['host01', 'eth0', 'out', tcp(C, 50470, '172.16.0.12', 30080, 'RST')], ['lb', 'eth0', 'in', tcp(C, 50470, '172.16.0.12', 30080, 'RST')]], sim: {} };
    const k = [...story(), rst];
    const sim = edit([...story(), rst], 'resp', (p) => ({ ...p, hops: [['lb', 'eth1', 'out', tcp(VIP, 30080, C, 50470, 'PSH,ACK', 'HTTP/1.1 200 OK')], ['worker01', 'eth0', 'in', tcp(VIP, 30080, C, 50470, 'PSH,ACK', 'HTTP/1.1 200 OK')]] }));
    expect(diverge(k, sim, { client: 'host01' })).toBeUndefined();
    expect(diverge(k, sim, { client: 'host01', target: '192.168.0.1:30080' })).toMatchObject({ kind: 'hop', packet: 'data (HTTP 200) 192.168.0.1:30080 → 192.168.0.10:*' });
  });

  it("packets sent in the last 20 ms before the client gives up after a long try are left out (timers race curl's timeout)", () => {
    const late = (p: Pkt): Pkt => (p.name === 'fin' || p.name === 'lbfin' ? { ...p, t: p.t + 2_000_000 } : p);
    const retry: Pkt = { ...(story().find((p) => p.name === 'bsyn') as Pkt), name: 'bsyn2', t: 1_995_000 };
    expect(diverge([...story().map(late), retry], story().map(late))).toBeUndefined();
    expect(diverge([...story().map(late), { ...retry, t: 1_900_000 }], story().map(late))).toMatchObject({ kind: 'extra', packet: 'SYN 172.16.0.254:* → 172.16.0.11:30080 (again, #2)' });
  });

  it('groups the kernel sightings of one transmission across NAT, and splits a retransmission with the same fingerprint', () => {
    const obs = kernelOf(story().filter((p) => p.name === 'bsynack'));
    const again = obs.map((o) => ({ ...o, t: o.t + 1_000_000 }));
    const j = kernelJourneys([...again, ...obs]);
    expect(j).toHaveLength(2);
    expect(j[0]?.hops.map((h) => `${h.dir} ${h.host}/${h.iface}`)).toEqual([`out ${PODNAME}/eth0`, `in worker02/${CALI}`, 'out worker02/eth0', 'in worker01/eth0', 'out worker01/eth0', 'in lb/eth1']);
    expect(j[0]).toMatchObject({ emitter: PODNAME, first: { src: POD, sport: 80 } });
    expect(j[0]?.hops[5]?.packet).toMatchObject({ src: W1, sport: 30080 });
  });

  it("reads the simulator's pods under the lab's names (matched by address)", () => {
    const simPod = 'my-deployment-5c749967c6-mzlst';
    const simVeth = 'cali55cbe308fa2';
    const renamed = (p: Pkt): Pkt => ({ ...p, emitter: p.emitter === PODNAME ? simPod : p.emitter, hops: p.hops.map(([h, i, d, pk, vx]) => [h === PODNAME ? simPod : h, i === CALI ? simVeth : i, d, pk, vx] as HopSpec) });
    const events = simOf(story().map(renamed));
    const rename = podRenamer([{ name: simPod, ip: POD, node: 'worker02', hostVeth: simVeth }], [{ name: PODNAME, ip: POD, node: 'worker02', hostVeth: CALI }]);
    expect(firstDivergence(kernelJourneys(kernelOf(story())), simJourneys(events, rename), OPTS)).toBeUndefined();
    expect(firstDivergence(kernelJourneys(kernelOf(story())), simJourneys(events), OPTS)).toMatchObject({ kind: 'hop' });
  });

  it('compares the capture with every simulator path and keeps the closest', () => {
    const capture = { from: 'host01', journeys: kernelJourneys(kernelOf(story())), openBefore: [], checkPorts: [], pods: [], result: { tries: [{ outcome: 'ok' as const, elapsedMs: 3, loggedClientIp: TUN1 }] } };
    const path = (p: number, choice: string, ps: Pkt[]): SimPath => ({ p, choices: [`round robin: ${choice}`], events: simOf(ps), pods: [], outcome: 'ok' });
    const early = path(0.5, 'k8s2', edit(story(), 'bsyn', (p) => ({ ...p, hops: p.hops.slice(0, 2), sim: { drop: { host: 'worker01', reason: 'filter INPUT: DROP', raw: '-A X -j DROP', file: 'f', line: 1 } } })));
    const late = path(0.25, 'k8s1 late', edit(story(), 'resp', () => undefined));
    const same = path(0.25, 'k8s1', story());
    const r = compareWithPaths(capture, [early, late, same]);
    expect(r).toMatchObject({ status: 'same-path', pathsExplored: 3, simulatorPath: { choices: ['round robin: k8s1'] }, kernelTry: { outcome: 'ok' } });
    expect(r.text).toMatch(/^no divergent hop: one more try \(kernel: ok, nginx logged 172\.20\.5\.0\) followed the simulator's path where round robin: k8s1/);
    const r2 = compareWithPaths(capture, [early, late]);
    expect(r2).toMatchObject({ status: 'diverged', simulatorPath: { choices: ['round robin: k8s1 late'] } });
    expect(r2.text).toMatch(/^first divergent hop: data \(HTTP 200\) 172\.16\.0\.11:30080 → 172\.16\.0\.254:\* .* at lb — /);
    expect(compareWithPaths({ ...capture, dropped: { worker02: 2 } }, [early]).text).toMatch(/\(tcpdump dropped packets in worker02 \(2\)\)$/);
    expect(compareWithPaths(capture, []).status).toBe('failed');
  });
});

describe("what the capture reads from the lab's namespaces", () => {
  it('interface indexes and kinds from ip -j -d link', () => {
    const m = parseIpLinkJson(JSON.stringify([
      { ifindex: 1, ifname: 'lo', link_type: 'loopback' },
      { ifindex: 2, ifname: 'eth0', link_type: 'ether', linkinfo: { info_kind: 'veth' } },
      { ifindex: 3, ifname: 'vxlan.calico', link_type: 'ether', linkinfo: { info_kind: 'vxlan', info_data: { id: 4096 } } },
    ]));
    expect([...m]).toEqual([[1, { name: 'lo', kind: 'loopback' }], [2, { name: 'eth0', kind: 'veth' }], [3, { name: 'vxlan.calico', kind: 'vxlan' }]]);
  });

  it('connections still opening, from /proc/net/tcp', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000:7580 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0',
      '   1: 0A00A8C0:8E46 0B0010AC:7580 02 00000001:00000000 01:00000064 00000002     0        0 2 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(synSentTuples(text)).toEqual([tupleOf(tcp('192.168.0.10', 36422, '172.16.0.11', 30080, 'SYN'))]);
  });

  it("HAProxy's check ports", () => {
    expect(haproxyCheckPorts('backend b\n  server k8s1 172.16.0.11:30080 check port 32000 inter 2s\n  server k8s2 172.16.0.12:30080 check port 32000\n  # server x 1.1.1.1 port 1\n  default-server port 9000\n  server y 1.1.1.1:80 check\n')).toEqual([9000, 32000]);
  });
});
