import { describe, expect, it } from 'vitest';
import { ct, matches } from './helpers.js';

describe('IPv4 header part', () => {
  it('-s/-d with CIDR, dotted masks and !', () => {
    expect(matches('-s 10.0.0.0/8', { packet: { src: '10.1.2.3' } })).toBe(true);
    expect(matches('-s 10.0.0.0/8', { packet: { src: '11.1.2.3' } })).toBe(false);
    expect(matches('! -s 10.0.0.0/8', { packet: { src: '11.1.2.3' } })).toBe(true);
    expect(matches('-d 192.168.1.7/32', { packet: { dst: '192.168.1.7' } })).toBe(true);
    expect(matches('-d 192.168.1.7', { packet: { dst: '192.168.1.8' } })).toBe(false);
    expect(matches('-s 10.0.12.0/255.0.255.0', { packet: { src: '10.9.12.5' } })).toBe(true);
    expect(matches('-s 10.0.12.0/255.0.255.0', { packet: { src: '10.9.13.5' } })).toBe(false);
  });
  it('-i/-o with + wildcard and !', () => {
    expect(matches('-i eth0', { inIface: 'eth0' })).toBe(true);
    expect(matches('-i eth0', { inIface: 'eth1' })).toBe(false);
    expect(matches('-i eth+', { inIface: 'eth1' })).toBe(true);
    expect(matches('-i veth+', { inIface: 'eth1' })).toBe(false);
    expect(matches('! -i lo', { inIface: 'lo' })).toBe(false);
    expect(matches('! -i lo', { inIface: 'eth0' })).toBe(true);
  });
  it('-p by name and number, ! -p, and -f', () => {
    expect(matches('-p tcp')).toBe(true);
    expect(matches('-p 17', { packet: { proto: 17 } })).toBe(true);
    expect(matches('-p udp')).toBe(false);
    expect(matches('! -p udp')).toBe(true);
    expect(matches('-p all', { packet: { proto: 47 } })).toBe(true);
    expect(matches('-f', { packet: { fragment: true } })).toBe(true);
    expect(matches('-f')).toBe(false);
    expect(matches('! -f', { packet: { fragment: true } })).toBe(false);
  });
});

describe('tcp, udp, multiport, icmp', () => {
  it('ports, ranges, open ends, !', () => {
    expect(matches('-p tcp --dport 80')).toBe(true);
    expect(matches('-p tcp -m tcp --dport 81')).toBe(false);
    expect(matches('-p tcp -m tcp --dport 1:100')).toBe(true);
    expect(matches('-p tcp -m tcp --sport 1024:', { packet: { sport: 1024 } })).toBe(true);
    expect(matches('-p tcp -m tcp --sport :1023', { packet: { sport: 1024 } })).toBe(false);
    expect(matches('-p tcp -m tcp ! --dport 22')).toBe(true);
    expect(matches('-p udp --dport 53', { packet: { proto: 17, dport: 53 } })).toBe(true);
    expect(matches('-p udp -m udp --sport 53', { packet: { proto: 17, sport: 5353 } })).toBe(false);
    expect(matches('-p tcp --dport 80', { packet: { fragment: true } })).toBe(false);
  });
  it('--tcp-flags and --syn', () => {
    expect(matches('-p tcp --syn', { packet: { tcpFlags: 0x02 } })).toBe(true);
    expect(matches('-p tcp --syn', { packet: { tcpFlags: 0x12 } })).toBe(false);
    expect(matches('-p tcp ! --syn', { packet: { tcpFlags: 0x10 } })).toBe(true);
    expect(matches('-p tcp --tcp-flags SYN,RST RST', { packet: { tcpFlags: 0x14 } })).toBe(true);
    expect(matches('-p tcp --tcp-flags ALL NONE', { packet: { tcpFlags: 0 } })).toBe(true);
    expect(matches('-p tcp --tcp-flags ALL NONE', { packet: { tcpFlags: 1 } })).toBe(false);
  });
  it('--tcp-option is reported unsupported and does not match', () => {
    expect(matches('-p tcp --tcp-option 2')).toBe(false);
  });
  it('multiport --dports/--sports/--ports with ranges and !', () => {
    expect(matches('-p tcp -m multiport --dports 22,80,8000:8080')).toBe(true);
    expect(matches('-p tcp -m multiport --dports 22,8000:8080', { packet: { dport: 8050 } })).toBe(true);
    expect(matches('-p tcp -m multiport --dports 22,443')).toBe(false);
    expect(matches('-p tcp -m multiport ! --dports 22,443')).toBe(true);
    expect(matches('-p tcp -m multiport --sports 40000')).toBe(true);
    expect(matches('-p tcp -m multiport --ports 40000')).toBe(true);
    expect(matches('-p tcp -m multiport --ports 1,2')).toBe(false);
  });
  it('icmp types by name, number, type/code and any', () => {
    const echo = { packet: { proto: 1, icmpType: 8, icmpCode: 0 } };
    const portUnreach = { packet: { proto: 1, icmpType: 3, icmpCode: 3 } };
    expect(matches('-p icmp --icmp-type echo-request', echo)).toBe(true);
    expect(matches('-p icmp -m icmp --icmp-type 8', echo)).toBe(true);
    expect(matches('-p icmp -m icmp --icmp-type 0', echo)).toBe(false);
    expect(matches('-p icmp -m icmp --icmp-type any', portUnreach)).toBe(true);
    expect(matches('-p icmp -m icmp --icmp-type port-unreachable', portUnreach)).toBe(true);
    expect(matches('-p icmp -m icmp --icmp-type 3/1', portUnreach)).toBe(false);
    expect(matches('-p icmp -m icmp --icmp-type destination-unreachable', portUnreach)).toBe(true);
    expect(matches('-p icmp -m icmp ! --icmp-type echo-request', portUnreach)).toBe(true);
  });
});

describe('mark, connmark, conntrack, state', () => {
  it('mark value/mask and !', () => {
    expect(matches('-m mark --mark 0x4000/0x4000', { mark: 0x4001 })).toBe(true);
    expect(matches('-m mark --mark 0x4000/0x4000', { mark: 0x1 })).toBe(false);
    expect(matches('-m mark ! --mark 0x4000/0x4000', { mark: 0x1 })).toBe(true);
    expect(matches('-m mark --mark 1', { mark: 1 })).toBe(true);
    expect(matches('-m mark --mark 1', { mark: 3 })).toBe(false);
  });
  it('connmark reads the connection mark; no entry never matches', () => {
    expect(matches('-m connmark --mark 0x7', { ct: ct({ mark: 7 }) })).toBe(true);
    expect(matches('-m connmark --mark 0x7')).toBe(false);
    expect(matches('-m connmark ! --mark 0x7', { ct: ct({ mark: 6 }) })).toBe(true);
  });
  it('--ctstate with real and virtual states, UNTRACKED and INVALID', () => {
    expect(matches('-m conntrack --ctstate NEW', { ct: ct() })).toBe(true);
    expect(matches('-m conntrack --ctstate RELATED,ESTABLISHED', { ct: ct() })).toBe(false);
    expect(matches('-m conntrack --ctstate RELATED,ESTABLISHED', { ct: ct({ state: 'ESTABLISHED' }) })).toBe(true);
    expect(matches('-m conntrack --ctstate DNAT', { ct: ct({ statusBits: { dstNat: true } }) })).toBe(true);
    expect(matches('-m conntrack --ctstate SNAT', { ct: ct({ statusBits: { dstNat: true } }) })).toBe(false);
    expect(matches('-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT', { ct: ct({ statusBits: { dstNat: true } }) })).toBe(false);
    expect(matches('-m conntrack --ctstate UNTRACKED', { notrack: true })).toBe(true);
    expect(matches('-m conntrack --ctstate INVALID')).toBe(true);
    expect(matches('-m conntrack --ctstate INVALID', { ct: ct() })).toBe(false);
  });
  it('without an entry only --ctstate can match', () => {
    expect(matches('-m conntrack --ctproto tcp')).toBe(false);
    expect(matches('-m conntrack --ctproto tcp', { ct: ct() })).toBe(true);
    expect(matches('-m conntrack --ctproto udp', { ct: ct() })).toBe(false);
  });
  it('tuple addresses, ports, status, direction, expiry', () => {
    const c = ct({ direction: 'REPLY', statusBits: { seenReply: true, assured: true }, expiresIn: 300 });
    expect(matches('-m conntrack --ctorigsrc 10.0.0.0/24', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctorigdst 10.0.0.3', { ct: c })).toBe(false);
    expect(matches('-m conntrack ! --ctreplsrc 10.0.0.2', { ct: c })).toBe(false);
    expect(matches('-m conntrack --ctrepldst 10.0.0.1', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctorigdstport 80', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctorigsrcport 1:1024', { ct: c })).toBe(false);
    expect(matches('-m conntrack --ctreplsrcport 80 --ctrepldstport 40000', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctstatus ASSURED', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctstatus EXPECTED,CONFIRMED', { ct: c })).toBe(false);
    expect(matches('-m conntrack --ctdir REPLY', { ct: c })).toBe(true);
    expect(matches('-m conntrack --ctdir ORIGINAL', { ct: c })).toBe(false);
    expect(matches('-m conntrack --ctexpire 100:400', { ct: c })).toBe(true);
    expect(matches('-m conntrack ! --ctexpire 100:400', { ct: c })).toBe(false);
  });
  it('-m state', () => {
    expect(matches('-m state --state ESTABLISHED', { ct: ct({ state: 'ESTABLISHED' }) })).toBe(true);
    expect(matches('-m state ! --state NEW', { ct: ct() })).toBe(false);
    expect(matches('-m state --state UNTRACKED', { notrack: true })).toBe(true);
  });
});

describe('addrtype, iprange, length, ttl, physdev', () => {
  it('addrtype src/dst lists and !', () => {
    expect(matches('-m addrtype --dst-type LOCAL', { packet: { dst: '10.0.0.2' } })).toBe(true);
    expect(matches('-m addrtype --dst-type LOCAL', { packet: { dst: '10.0.0.9' } })).toBe(false);
    expect(matches('-m addrtype --dst-type LOCAL,MULTICAST', { packet: { dst: '224.0.0.5' } })).toBe(true);
    expect(matches('-m addrtype ! --src-type LOCAL', { packet: { src: '10.0.0.2' } })).toBe(false);
  });
  it('iprange, length, ttl', () => {
    expect(matches('-m iprange --src-range 10.0.0.0-10.0.0.5')).toBe(true);
    expect(matches('-m iprange ! --dst-range 10.0.0.0-10.0.0.5')).toBe(false);
    expect(matches('-m iprange --dst-range 10.0.0.3-10.0.0.5')).toBe(false);
    expect(matches('-m length --length 40:100')).toBe(true);
    expect(matches('-m length ! --length 40:100')).toBe(false);
    expect(matches('-m length --length 1500', { packet: { length: 1500 } })).toBe(true);
    expect(matches('-m ttl --ttl-eq 64')).toBe(true);
    expect(matches('-m ttl ! --ttl-eq 64')).toBe(false);
    expect(matches('-m ttl --ttl-lt 10')).toBe(false);
    expect(matches('-m ttl --ttl-gt 10')).toBe(true);
  });
  it('physdev: bridge ports, bridged flag, and no bridge info', () => {
    expect(matches('-m physdev --physdev-in veth1', { physIn: 'veth1', bridged: true })).toBe(true);
    expect(matches('-m physdev --physdev-in veth+', { physIn: 'eth1', bridged: true })).toBe(false);
    expect(matches('-m physdev --physdev-is-bridged', { physIn: 'veth1', physOut: 'veth2', bridged: true })).toBe(true);
    expect(matches('-m physdev --physdev-is-in', { physIn: 'veth1', bridged: true })).toBe(true);
    expect(matches('-m physdev --physdev-is-out', { physIn: 'veth1', bridged: true })).toBe(false);
    expect(matches('-m physdev --physdev-out veth2', { physIn: 'veth1', physOut: 'veth2', bridged: true })).toBe(true);
    // Not bridged: only inverted options match.
    expect(matches('-m physdev --physdev-is-bridged')).toBe(false);
    expect(matches('-m physdev ! --physdev-is-bridged')).toBe(true);
  });
});

describe('comment, limit, nfacct, recent, unknown modules', () => {
  it('comment and nfacct always match; limit is assumed under its rate', () => {
    expect(matches('-m comment --comment "a b"')).toBe(true);
    expect(matches('-m nfacct --nfacct-name pkts')).toBe(true);
    expect(matches('-m limit --limit 5/min --limit-burst 7')).toBe(true);
  });
  it('recent and unknown modules never match', () => {
    expect(matches('-m recent --rcheck --seconds 10 --name X')).toBe(false);
    expect(matches('-m owner --uid-owner 0')).toBe(false);
  });
});
