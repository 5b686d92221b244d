// Option syntax of the port and ICMP matches: libxt_tcp.c, libxt_udp.c, libxt_multiport.c (v1,
// with ranges, at most 15 ports where a range counts twice), libipt_icmp.c (type names and
// numbers, `type/code`, `any`). iptables-extensions(8).

import type { IcmpMatch, InvRange, MultiportMatch, PortRange, TcpMatch, UdpMatch } from '../../net/netfilter/rule-types.js';
import { arg, one, type BuildCtx, type ExtDef, type ParsedOpt } from './module-def.js';
import { parsePortRange, parseUint } from './values.js';

function portOpt(o: ParsedOpt | undefined, ctx: BuildCtx): InvRange | undefined | false {
  if (!o) return undefined;
  const r = parsePortRange(arg(o).text);
  if (!r) {
    ctx.error(arg(o).col, `bad port or port range "${arg(o).text}" for ${o.name}`, 'a port 0-65535 or a range a:b with a <= b');
    return false;
  }
  return { ...r, invert: o.invert };
}

export const TCP_FLAGS: readonly (readonly [string, number])[] = [['FIN', 0x01], ['SYN', 0x02], ['RST', 0x04], ['PSH', 0x08], ['ACK', 0x10], ['URG', 0x20], ['ALL', 0x3f], ['NONE', 0]];

function parseFlags(text: string): number | undefined {
  let v = 0;
  for (const part of text.split(',')) {
    const f = TCP_FLAGS.find(([n]) => n === part.toUpperCase());
    if (!f) return undefined;
    v |= f[1];
  }
  return v;
}

export const tcpDef: ExtDef<TcpMatch> = {
  name: 'tcp',
  options: [
    { name: '--sport', aliases: ['--source-port'], args: 1, invert: true },
    { name: '--dport', aliases: ['--destination-port'], args: 1, invert: true },
    { name: '--syn', args: 0, invert: true },
    { name: '--tcp-flags', args: 2, invert: true },
    { name: '--tcp-option', args: 1, invert: true },
  ],
  build(opts, ctx) {
    const sport = portOpt(one(opts, '--sport', ctx), ctx);
    const dport = portOpt(one(opts, '--dport', ctx), ctx);
    if (sport === false || dport === false) return undefined;
    const out: { -readonly [K in keyof TcpMatch]: TcpMatch[K] } = { kind: 'tcp' };
    // A full, non-inverted range is no test at all (iptables-save omits it).
    if (sport && !(sport.min === 0 && sport.max === 65535 && !sport.invert)) out.sport = sport;
    if (dport && !(dport.min === 0 && dport.max === 65535 && !dport.invert)) out.dport = dport;
    const syn = one(opts, '--syn', ctx);
    const flags = one(opts, '--tcp-flags', ctx);
    if (syn && flags) {
      ctx.error(flags.col, '--syn and --tcp-flags together', 'only one of --syn, --tcp-flags');
      return undefined;
    }
    if (syn) out.flags = { mask: 0x17, comp: 0x02, invert: syn.invert };
    if (flags) {
      const mask = parseFlags(arg(flags, 0).text);
      const comp = parseFlags(arg(flags, 1).text);
      if (mask === undefined) { ctx.error(arg(flags, 0).col, `unknown TCP flag in "${arg(flags, 0).text}"`, 'comma-separated FIN,SYN,RST,PSH,ACK,URG,ALL,NONE'); return undefined; }
      if (comp === undefined) { ctx.error(arg(flags, 1).col, `unknown TCP flag in "${arg(flags, 1).text}"`, 'comma-separated FIN,SYN,RST,PSH,ACK,URG,ALL,NONE'); return undefined; }
      out.flags = { mask, comp, invert: flags.invert };
    }
    const opt = one(opts, '--tcp-option', ctx);
    if (opt) {
      const n = parseUint(arg(opt).text, 255);
      if (n === undefined) { ctx.error(arg(opt).col, `bad TCP option number "${arg(opt).text}"`, 'a number 0-255'); return undefined; }
      out.option = { num: n, invert: opt.invert };
      ctx.unsupported(opt.col, '--tcp-option: TCP options are not modelled; the rule will not match');
    }
    return out;
  },
};

export const udpDef: ExtDef<UdpMatch> = {
  name: 'udp',
  options: [
    { name: '--sport', aliases: ['--source-port'], args: 1, invert: true },
    { name: '--dport', aliases: ['--destination-port'], args: 1, invert: true },
  ],
  build(opts, ctx) {
    const sport = portOpt(one(opts, '--sport', ctx), ctx);
    const dport = portOpt(one(opts, '--dport', ctx), ctx);
    if (sport === false || dport === false) return undefined;
    const out: { -readonly [K in keyof UdpMatch]: UdpMatch[K] } = { kind: 'udp' };
    if (sport && !(sport.min === 0 && sport.max === 65535 && !sport.invert)) out.sport = sport;
    if (dport && !(dport.min === 0 && dport.max === 65535 && !dport.invert)) out.dport = dport;
    return out;
  },
};

export const multiportDef: ExtDef<MultiportMatch> = {
  name: 'multiport',
  options: [
    { name: '--sports', aliases: ['--source-ports'], args: 1, invert: true },
    { name: '--dports', aliases: ['--destination-ports'], args: 1, invert: true },
    { name: '--ports', args: 1, invert: true },
  ],
  build(opts, ctx, col) {
    const given = opts.filter((o) => ['--sports', '--dports', '--ports'].includes(o.name));
    if (given.length !== 1) {
      ctx.error(given[1]?.col ?? col, given.length ? 'multiport takes exactly one of --sports, --dports, --ports' : '-m multiport needs --sports, --dports or --ports', 'exactly one of --sports, --dports, --ports');
      return undefined;
    }
    const o = given[0] as ParsedOpt;
    const ports: PortRange[] = [];
    let slots = 0;
    for (const part of arg(o).text.split(',')) {
      const r = parsePortRange(part, ':', false);
      if (!r) { ctx.error(arg(o).col, `bad port "${part}" in ${o.name}`, 'comma-separated ports or ranges a:b'); return undefined; }
      ports.push(r);
      slots += r.min === r.max ? 1 : 2;
    }
    if (slots > 15) { ctx.error(arg(o).col, `too many ports in ${o.name} (${slots} slots)`, 'at most 15 ports, a range counting as 2'); return undefined; }
    return { kind: 'multiport', dir: o.name.slice(2) as MultiportMatch['dir'], ports, invert: o.invert };
  },
};

/** ICMP type names (libipt_icmp.c icmp_codes): name -> [type, code min, code max]. */
export const ICMP_TYPES: Readonly<Record<string, readonly [number, number, number]>> = {
  any: [0xff, 0, 0xff],
  'echo-reply': [0, 0, 0xff], pong: [0, 0, 0xff],
  'destination-unreachable': [3, 0, 0xff],
  'network-unreachable': [3, 0, 0], 'host-unreachable': [3, 1, 1], 'protocol-unreachable': [3, 2, 2], 'port-unreachable': [3, 3, 3],
  'fragmentation-needed': [3, 4, 4], 'source-route-failed': [3, 5, 5], 'network-unknown': [3, 6, 6], 'host-unknown': [3, 7, 7],
  'network-prohibited': [3, 9, 9], 'host-prohibited': [3, 10, 10], 'TOS-network-unreachable': [3, 11, 11], 'TOS-host-unreachable': [3, 12, 12],
  'communication-prohibited': [3, 13, 13], 'host-precedence-violation': [3, 14, 14], 'precedence-cutoff': [3, 15, 15],
  'source-quench': [4, 0, 0xff],
  redirect: [5, 0, 0xff], 'network-redirect': [5, 0, 0], 'host-redirect': [5, 1, 1], 'TOS-network-redirect': [5, 2, 2], 'TOS-host-redirect': [5, 3, 3],
  'echo-request': [8, 0, 0xff], ping: [8, 0, 0xff],
  'router-advertisement': [9, 0, 0xff], 'router-solicitation': [10, 0, 0xff],
  'time-exceeded': [11, 0, 0xff], 'ttl-exceeded': [11, 0, 0xff], 'ttl-zero-during-transit': [11, 0, 0], 'ttl-zero-during-reassembly': [11, 1, 1],
  'parameter-problem': [12, 0, 0xff], 'ip-header-bad': [12, 0, 0], 'required-option-missing': [12, 1, 1],
  'timestamp-request': [13, 0, 0xff], 'timestamp-reply': [14, 0, 0xff],
  'address-mask-request': [17, 0, 0xff], 'address-mask-reply': [18, 0, 0xff],
};

export const icmpDef: ExtDef<IcmpMatch> = {
  name: 'icmp',
  options: [{ name: '--icmp-type', args: 1, invert: true }],
  build(opts, ctx, col) {
    const o = one(opts, '--icmp-type', ctx);
    if (!o) { ctx.error(col, '-m icmp needs --icmp-type', '--icmp-type TYPE[/CODE] or a type name'); return undefined; }
    const text = arg(o).text;
    const named = ICMP_TYPES[text];
    if (named) return { kind: 'icmp', type: named[0], codeMin: named[1], codeMax: named[2], invert: o.invert };
    const [t, c, extra] = text.split('/');
    const type = t === undefined ? undefined : parseUint(t, 255);
    let codeMin = 0;
    let codeMax = 0xff;
    if (c !== undefined) {
      const range = parsePortRange(c, ':');
      if (!range || range.max > 255) { ctx.error(arg(o).col, `bad ICMP code in "${text}"`, 'a code 0-255 or a range'); return undefined; }
      codeMin = range.min;
      codeMax = c.includes(':') ? range.max : range.min;
    }
    if (type === undefined || extra !== undefined) {
      ctx.error(arg(o).col, `unknown ICMP type "${text}"`, 'an ICMP type name (echo-request, port-unreachable, ...), TYPE or TYPE/CODE, or any');
      return undefined;
    }
    return { kind: 'icmp', type, codeMin, codeMax, invert: o.invert };
  },
};

export function portText(r: PortRange): string {
  return r.min === r.max ? `${r.min}` : `${r.min}:${r.max}`;
}
