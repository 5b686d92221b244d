// The lab's pcap reader and decoder (lab/pcap.ts): synthetic captures from the committed
// generator (pcap-write.ts) in both byte orders and both time stamp precisions, and a real capture
// from pcaps/ (tcpdump -i any -y LINUX_SLL2 on worker02, VXLAN between the nodes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeLink, LINKTYPE, PcapFormatError, readPcap, tcpFlagNames } from '../../lab/pcap.js';
import { kernelJourneys, kernelObservations } from '../../lab/hop-journeys.js';
import { arp, ethernet, icmp, ipv4, PACKET_TYPE, pcapFile, sll2, TCP_FLAGS, tcp, udp, vxlan, type GenRecord } from './pcap-write.js';

const MSS_SACK = [2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 3, 3, 10]; // mss 1460, sackOK, nop, wscale 10
const T = 1_700_000_000_123_456_789n;

function records(): GenRecord[] {
  const syn = ipv4({ src: '192.168.0.10', dst: '192.168.0.1', proto: 6, id: 4321 }, tcp({ sport: 50470, dport: 30080, seq: 100, flags: TCP_FLAGS.SYN, options: MSS_SACK }));
  const get = ipv4({ src: '192.168.0.10', dst: '192.168.0.1', proto: 6, id: 4322 }, tcp({ sport: 50470, dport: 30080, seq: 101, ack: 7, flags: TCP_FLAGS.PSH | TCP_FLAGS.ACK }, 'GET /?hoplab-try=x HTTP/1.1\r\nHost: 192.168.0.1:30080\r\n\r\n'));
  const inner = ethernet('66:00:00:00:00:02', '66:00:00:00:00:01', 0x0800, ipv4({ src: '172.20.6.1', dst: '192.168.0.10', proto: 6, id: 0 }, tcp({ sport: 80, dport: 50470, seq: 9, ack: 101, flags: TCP_FLAGS.SYN | TCP_FLAGS.ACK })));
  const outer = ipv4({ src: '172.16.0.12', dst: '172.16.0.11', proto: 17, id: 77 }, udp(40001, 4789, vxlan(4096, inner)));
  const unreachable = ipv4({ src: '172.16.0.254', dst: '192.168.0.10', proto: 1 }, icmp(3, 3, ipv4({ src: '192.168.0.10', dst: '172.16.0.254', proto: 17 }, udp(5353, 53, [])).slice(0, 28)));
  const truncated = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 6 }, tcp({ sport: 1, dport: 2, flags: TCP_FLAGS.SYN })).slice(0, 30);
  return [
    { tsNs: T, data: sll2(0x0800, 2, PACKET_TYPE.outgoing, syn) },
    { tsNs: T + 1_500n, data: sll2(0x0800, 2, PACKET_TYPE.outgoing, get) },
    { tsNs: T + 2_000n, data: sll2(0x0800, 3, PACKET_TYPE.host, outer) },
    { tsNs: T + 3_000n, data: sll2(0x0800, 2, PACKET_TYPE.host, unreachable) },
    { tsNs: T + 4_000n, data: sll2(0x0806, 2, PACKET_TYPE.broadcast, arp('192.168.0.10', '192.168.0.1')) },
    { tsNs: T + 5_000n, data: sll2(0x0800, 2, PACKET_TYPE.host, truncated), originalLength: 60 },
  ];
}

describe('pcap reader', () => {
  for (const littleEndian of [true, false]) {
    for (const nanoseconds of [true, false]) {
      it(`reads a LINUX_SLL2 capture (${littleEndian ? 'little' : 'big'}-endian, ${nanoseconds ? 'ns' : 'µs'} time stamps)`, () => {
        const f = readPcap(pcapFile(records(), { linkType: LINKTYPE.LINUX_SLL2, littleEndian, nanoseconds }));
        expect(f).toMatchObject({ linkType: 276, littleEndian, nanoseconds, snaplen: 262144 });
        expect(f.records).toHaveLength(6);
        expect(f.records[0]?.tsNs).toBe(nanoseconds ? T : T - 789n);
        expect(f.records[5]).toMatchObject({ originalLength: 60 });
        const d = f.records.map((r) => decodeLink(f.linkType, r.data));

        expect(d[0]?.link).toMatchObject({ type: 'sll2', ifindex: 2, packetType: 'outgoing', ethertype: 0x0800, srcMac: '02:00:00:00:00:01' });
        expect(d[0]?.ipv4).toMatchObject({ src: '192.168.0.10', dst: '192.168.0.1', id: 4321, ttl: 64, proto: 6, laterFragment: false });
        expect(d[0]?.ipv4?.tcp).toMatchObject({ sport: 50470, dport: 30080, seq: 100, ack: 0, payloadLength: 0 });
        expect(tcpFlagNames(d[0]?.ipv4?.tcp?.flags ?? 0)).toBe('SYN');

        expect(d[1]?.ipv4?.tcp).toMatchObject({ payloadLength: 56, firstLine: 'GET /?hoplab-try=x HTTP/1.1' });
        expect(tcpFlagNames(d[1]?.ipv4?.tcp?.flags ?? 0)).toBe('PSH,ACK');

        const vx = d[2]?.ipv4?.udp?.vxlan;
        expect(d[2]?.ipv4?.udp).toMatchObject({ sport: 40001, dport: 4789 });
        expect(vx?.vni).toBe(4096);
        expect(vx?.inner.link).toMatchObject({ type: 'ethernet', srcMac: '66:00:00:00:00:01', dstMac: '66:00:00:00:00:02' });
        expect(vx?.inner.ipv4).toMatchObject({ src: '172.20.6.1', dst: '192.168.0.10', id: 0 });
        expect(tcpFlagNames(vx?.inner.ipv4?.tcp?.flags ?? 0)).toBe('SYN,ACK');

        expect(d[3]?.ipv4?.icmp).toEqual({ type: 3, code: 3, quoted: { src: '192.168.0.10', dst: '172.16.0.254', proto: 17, sport: 5353, dport: 53 } });
        expect(d[4]).toMatchObject({ link: { packetType: 'broadcast' }, note: 'ethertype ARP' });
        expect(d[4]?.ipv4).toBeUndefined();
        expect(d[5]).toMatchObject({ note: 'truncated TCP header', ipv4: { src: '10.0.0.1' } });
      });
    }
  }

  it('reads Ethernet frames, past an 802.1Q tag', () => {
    const frame = ethernet('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 6 }, tcp({ sport: 33000, dport: 80, flags: TCP_FLAGS.RST })), 7);
    const f = readPcap(pcapFile([{ tsNs: T, data: frame }], { linkType: LINKTYPE.ETHERNET, littleEndian: true, nanoseconds: false }));
    const d = decodeLink(f.linkType, f.records[0]?.data ?? new Uint8Array());
    expect(d.link).toMatchObject({ type: 'ethernet', ethertype: 0x0800, dstMac: '02:00:00:00:00:02' });
    expect(d.link.ifindex).toBeUndefined();
    expect(tcpFlagNames(d.ipv4?.tcp?.flags ?? 0)).toBe('RST');
  });

  it('reports a file cut inside a record, and refuses what is not classic pcap', () => {
    const whole = pcapFile(records(), { linkType: LINKTYPE.LINUX_SLL2, littleEndian: true, nanoseconds: true });
    const cut = readPcap(whole.subarray(0, whole.length - 10));
    expect(cut.records).toHaveLength(5);
    expect(cut.truncatedTail).toMatch(/claims \d+ bytes/);
    expect(() => readPcap(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...Array<number>(28).fill(0)]), 'x.pcapng')).toThrow(/x\.pcapng: this is pcapng/);
    expect(() => readPcap(Uint8Array.from(Array<number>(24).fill(1)), 'y')).toThrow(PcapFormatError);
    expect(() => readPcap(new Uint8Array(4), 'z')).toThrow(/too short/);
    expect(decodeLink(105, new Uint8Array(10)).note).toMatch(/link type 105 is not decoded/);
  });
});

describe('a real capture: worker02 at step 0 (pcaps/)', () => {
  const file = new URL('../../pcaps/ictsc2020-nodeport-source-ip-step0-worker02-any.pcap', import.meta.url).pathname;
  // The note beside it: 1=lo, 2=eth0, 3=vxlan.calico, 4=cali20171b6ab89.
  const ifaces = new Map([[1, { name: 'lo', kind: 'loopback' }], [2, { name: 'eth0', kind: 'veth' }], [3, { name: 'vxlan.calico', kind: 'vxlan' }], [4, { name: 'cali20171b6ab89', kind: 'veth' }]]);

  it('decodes VXLAN from worker01 on eth0 and the same packet on vxlan.calico', () => {
    const f = readPcap(readFileSync(file), file);
    expect(f.linkType).toBe(LINKTYPE.LINUX_SLL2);
    const d = f.records.map((r) => decodeLink(f.linkType, r.data));
    const outer = d.filter((x) => x.link.ifindex === 2 && x.ipv4?.udp?.vxlan);
    expect(outer.length).toBeGreaterThan(0);
    for (const o of outer) {
      expect(o.ipv4).toMatchObject({ src: '172.16.0.11', dst: '172.16.0.12' });
      expect(o.ipv4?.udp?.vxlan?.vni).toBe(4096);
      expect(o.ipv4?.udp?.vxlan?.inner.ipv4).toMatchObject({ src: '172.20.5.0', dst: '172.20.6.1' });
      const id = o.ipv4?.udp?.vxlan?.inner.ipv4?.id;
      expect(d.some((x) => x.link.ifindex === 3 && x.ipv4?.id === id && x.ipv4?.dst === '172.20.6.1')).toBe(true);
    }
  });

  it('turns it into observations: the inner packet on eth0, nothing from the VXLAN device, lo or ARP', () => {
    const r = kernelObservations('worker02', readPcap(readFileSync(file)), ifaces);
    expect(r.observations.length).toBeGreaterThan(0);
    expect(r.observations.every((o) => o.host === 'worker02' && o.iface !== 'vxlan.calico' && o.iface !== 'lo')).toBe(true);
    const syn = r.observations.find((o) => o.vxlan === true);
    expect(syn).toMatchObject({ iface: 'eth0', dir: 'in', packet: { src: '172.20.5.0', dst: '172.20.6.1', proto: 'tcp', dport: 80, flags: 'SYN' } });
    expect(r.skipped.get('on a VXLAN device (seen on the underlay instead)')).toBeGreaterThan(0);
    expect(r.skipped.get('ethertype ARP')).toBeGreaterThan(0);
    const journeys = kernelJourneys(r.observations);
    expect(journeys.length).toBeGreaterThan(0);
    expect(journeys.every((j, i) => i === 0 || j.t >= (journeys[i - 1]?.t ?? 0))).toBe(true);
  });
});
