// One rule as iptables-save prints it (iptables.c print_rule4 and the extensions' save
// functions): `-A CHAIN`, then `-s -d -i -o -p -f` in that order, each with its `!` first, then
// every match as `-m name` with its options in the module's own print order, then the target.
// Values are printed in the kernel's stored form: `/32` on addresses, `--set-xmark v/m` for every
// MARK, ICMP types as numbers, probabilities with 11 decimals.

import { formatIPv4 } from '../../core/ip.js';
import { assertNever } from '../../core/assert.js';
import { formatLimitRate } from '../../net/netfilter/matches/misc.js';
import { formatProbability } from '../../net/netfilter/matches/socket-statistic.js';
import type { AddrMask, InvRange, MatchSpec, NatRangeSpec, RuleSpec, TargetSpec } from '../../net/netfilter/rule-types.js';
import { portText } from './matches-ports.js';
import { protocolName } from './protocols.js';
import { saveString } from './tokens.js';
import { hex, maskLength } from './values.js';

const TCP_FLAG_ORDER: readonly (readonly [string, number])[] = [['FIN', 1], ['SYN', 2], ['RST', 4], ['PSH', 8], ['ACK', 16], ['URG', 32]];

function tcpFlags(v: number): string {
  const names = TCP_FLAG_ORDER.filter(([, b]) => (v & b) !== 0).map(([n]) => n);
  return names.length ? names.join(',') : 'NONE';
}
const inv = (b: boolean): string => (b ? ' !' : '');
const range = (o: InvRange | undefined, name: string): string => (o ? `${inv(o.invert)} ${name} ${portText(o)}` : '');

function maskText(mask: number): string {
  const len = maskLength(mask);
  return len === undefined ? formatIPv4(mask) : String(len);
}
/** Conntrack addresses print without `/32` (xtables_ipmask_to_numeric). */
function ctAddr(a: AddrMask | undefined, name: string): string {
  if (!a) return '';
  const len = maskLength(a.mask);
  const m = len === 32 ? '' : `/${len === undefined ? formatIPv4(a.mask) : len}`;
  return `${inv(a.invert)} ${name} ${formatIPv4(a.addr)}${m}`;
}

/** A word for unknown modules and targets: bare when it needs no quoting for iptables-restore. */
function word(w: string): string {
  return /^[^\s"]+$/.test(w) ? w : `"${w.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

export function saveMatch(m: MatchSpec): string {
  switch (m.kind) {
    case 'tcp': {
      let s = ' -m tcp' + range(m.sport, '--sport') + range(m.dport, '--dport');
      if (m.option) s += `${inv(m.option.invert)} --tcp-option ${m.option.num}`;
      if (m.flags) s += `${inv(m.flags.invert)} --tcp-flags ${tcpFlags(m.flags.mask)} ${tcpFlags(m.flags.comp)}`;
      return s;
    }
    case 'udp':
      return ' -m udp' + range(m.sport, '--sport') + range(m.dport, '--dport');
    case 'icmp': {
      const any = m.type === 0xff && m.codeMin === 0 && m.codeMax === 0xff;
      const code = m.codeMin !== 0 || m.codeMax !== 0xff ? `/${m.codeMin}` : '';
      return ` -m icmp${inv(m.invert)} --icmp-type ${any ? 'any' : `${m.type}${code}`}`;
    }
    case 'multiport':
      return ` -m multiport${inv(m.invert)} --${m.dir} ${m.ports.map(portText).join(',')}`;
    case 'comment':
      return ` -m comment --comment ${saveString(m.text)}`;
    case 'mark':
    case 'connmark':
      return ` -m ${m.kind}${inv(m.invert)} --mark ${hex(m.value)}${m.mask === 0xffffffff ? '' : `/${hex(m.mask)}`}`;
    case 'conntrack': {
      let s = ' -m conntrack';
      if (m.state) s += `${inv(m.state.invert)} --ctstate ${m.state.states.join(',')}`;
      if (m.proto) s += `${inv(m.proto.invert)} --ctproto ${m.proto.num}`;
      s += ctAddr(m.origsrc, '--ctorigsrc') + ctAddr(m.origdst, '--ctorigdst') + ctAddr(m.replsrc, '--ctreplsrc') + ctAddr(m.repldst, '--ctrepldst');
      s += range(m.origsrcport, '--ctorigsrcport') + range(m.origdstport, '--ctorigdstport') + range(m.replsrcport, '--ctreplsrcport') + range(m.repldstport, '--ctrepldstport');
      if (m.status) s += `${inv(m.status.invert)} --ctstatus ${m.status.statuses.length ? m.status.statuses.join(',') : 'NONE'}`;
      s += range(m.expire, '--ctexpire');
      if (m.dir) s += ` --ctdir ${m.dir}`;
      return s;
    }
    case 'state':
      return ` -m state${inv(m.invert)} --state ${m.states.join(',')}`;
    case 'addrtype': {
      let s = ' -m addrtype';
      if (m.src) s += `${inv(m.src.invert)} --src-type ${m.src.types.join(',')}`;
      if (m.dst) s += `${inv(m.dst.invert)} --dst-type ${m.dst.types.join(',')}`;
      if (m.limitIfaceIn) s += ' --limit-iface-in';
      if (m.limitIfaceOut) s += ' --limit-iface-out';
      return s;
    }
    case 'statistic':
      return m.mode === 'random'
        ? ` -m statistic --mode random${inv(m.invert)} --probability ${formatProbability(m.probability)}`
        : ` -m statistic --mode nth${inv(m.invert)} --every ${m.every} --packet ${m.packet}`;
    case 'socket':
      return ` -m socket${m.transparent ? ' --transparent' : ''}${m.nowildcard ? ' --nowildcard' : ''}${m.restoreSkmark ? ' --restore-skmark' : ''}`;
    case 'physdev': {
      let s = ' -m physdev';
      if (m.isIn) s += `${inv(m.isIn.invert)} --physdev-is-in`;
      if (m.physdevIn) s += `${inv(m.physdevIn.invert)} --physdev-in ${m.physdevIn.name}`;
      if (m.isOut) s += `${inv(m.isOut.invert)} --physdev-is-out`;
      if (m.physdevOut) s += `${inv(m.physdevOut.invert)} --physdev-out ${m.physdevOut.name}`;
      if (m.isBridged) s += `${inv(m.isBridged.invert)} --physdev-is-bridged`;
      return s;
    }
    case 'iprange': {
      let s = ' -m iprange';
      if (m.src) s += `${inv(m.src.invert)} --src-range ${formatIPv4(m.src.min)}-${formatIPv4(m.src.max)}`;
      if (m.dst) s += `${inv(m.dst.invert)} --dst-range ${formatIPv4(m.dst.min)}-${formatIPv4(m.dst.max)}`;
      return s;
    }
    case 'length':
      return ` -m length${inv(m.invert)} --length ${m.min === m.max ? m.min : `${m.min}:${m.max}`}`;
    case 'ttl':
      return ` -m ttl${m.op === 'ne' ? ' ! --ttl-eq' : ` --ttl-${m.op}`} ${m.value}`;
    case 'limit':
      return ` -m limit --limit ${formatLimitRate(m.avg)}${m.burst !== 5 ? ` --limit-burst ${m.burst}` : ''}`;
    case 'recent': {
      let s = ` -m recent${inv(m.invert)} --${m.action}`;
      if (m.seconds) s += ` --seconds ${m.seconds}`;
      if (m.reap) s += ' --reap';
      if (m.hitcount) s += ` --hitcount ${m.hitcount}`;
      if (m.rttl) s += ' --rttl';
      return `${s} --name ${m.name} --mask ${formatIPv4(m.mask)} --${m.side}`;
    }
    case 'nfacct':
      // libxt_nfacct prints the option with a trailing blank before xtables_save_string adds its own.
      return ` -m nfacct --nfacct-name  ${saveString(m.name)}`;
    case 'unknown':
      return ` -m ${m.module}${m.args.map((a) => ` ${word(a)}`).join('')}`;
    default:
      return assertNever(m, 'match');
  }
}

function natRange(r: NatRangeSpec): string {
  let s = '';
  if (r.minIp !== undefined) s += formatIPv4(r.minIp) + (r.maxIp !== undefined && r.maxIp !== r.minIp ? `-${formatIPv4(r.maxIp)}` : '');
  if (r.minPort !== undefined) s += `:${r.minPort}${r.maxPort !== undefined && r.maxPort !== r.minPort ? `-${r.maxPort}` : ''}`;
  return s;
}
function ports(min: number | undefined, max: number | undefined): string {
  return min === undefined ? '' : ` --to-ports ${min}${max !== undefined && max !== min ? `-${max}` : ''}`;
}

export function saveTarget(t: TargetSpec): string {
  switch (t.kind) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return ` -j ${t.kind}`;
    case 'jump':
      return ` -${t.goto ? 'g' : 'j'} ${t.chain}`;
    case 'REJECT':
      return ` -j REJECT --reject-with ${t.with}`;
    case 'LOG':
      return ` -j LOG${t.prefix ? ` --log-prefix ${saveString(t.prefix)}` : ''}${t.level !== 4 ? ` --log-level ${t.level}` : ''}${t.flags.map((f) => ` ${f}`).join('')}`;
    case 'MARK':
      return ` -j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case 'CONNMARK':
      return t.mode === 'set'
        ? ` -j CONNMARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`
        : ` -j CONNMARK --${t.mode}-mark --nfmask ${hex(t.nfmask)} --ctmask ${hex(t.ctmask)}`;
    case 'DNAT':
      return ` -j DNAT --to-destination ${natRange(t.range)}${t.random ? ' --random' : ''}${t.persistent ? ' --persistent' : ''}`;
    case 'SNAT':
      return ` -j SNAT --to-source ${natRange(t.range)}${t.random ? ' --random' : ''}${t.randomFully ? ' --random-fully' : ''}${t.persistent ? ' --persistent' : ''}`;
    case 'MASQUERADE':
      return ` -j MASQUERADE${ports(t.minPort, t.maxPort)}${t.random ? ' --random' : ''}${t.randomFully ? ' --random-fully' : ''}`;
    case 'REDIRECT':
      return ` -j REDIRECT${ports(t.minPort, t.maxPort)}${t.random ? ' --random' : ''}`;
    case 'TPROXY':
      return ` -j TPROXY --on-port ${t.onPort} --on-ip ${formatIPv4(t.onIp)} --tproxy-mark ${hex(t.markValue)}/${hex(t.markMask)}`;
    case 'NOTRACK':
      return ' -j NOTRACK';
    case 'CT':
      return ` -j CT${t.notrack ? ' --notrack' : ''}${t.args.map((a) => ` ${word(a)}`).join('')}`;
    case 'unknown':
      return ` -j ${t.name}${t.args.map((a) => ` ${word(a)}`).join('')}`;
    default:
      return assertNever(t, 'target');
  }
}

/** The rule part after `-A CHAIN`. */
export function saveRuleSpec(spec: RuleSpec): string {
  let s = '';
  for (const [a, letter] of [[spec.src, 's'], [spec.dst, 'd']] as const) {
    if (a && (a.mask !== 0 || a.addr !== 0 || a.invert)) s += `${inv(a.invert)} -${letter} ${formatIPv4(a.addr)}/${maskText(a.mask)}`;
  }
  for (const [i, letter] of [[spec.inIface, 'i'], [spec.outIface, 'o']] as const) {
    if (i && i.name && (i.name !== '+' || i.invert)) s += `${inv(i.invert)} -${letter} ${i.name}`;
  }
  if (spec.proto && spec.proto.num > 0) s += `${inv(spec.proto.invert)} -p ${protocolName(spec.proto.num)}`;
  if (spec.fragment) s += `${inv(spec.fragment.invert)} -f`;
  for (const m of spec.matches) s += saveMatch(m);
  if (spec.target) s += saveTarget(spec.target);
  return s;
}
