// Option syntax of the modelled targets (iptables-extensions(8) TARGET EXTENSIONS): REJECT (every
// --reject-with name and alias), LOG, MARK (all five forms reduced to --set-xmark value/mask as
// libxt_MARK.c does), CONNMARK (set forms, --save-mark / --restore-mark with --mask, --nfmask,
// --ctmask), DNAT/SNAT/MASQUERADE/REDIRECT (libxt_NAT.c ranges), TPROXY, NOTRACK and CT.

import type { RejectWith } from '../../net/netfilter/api.js';
import { LOG_FLAGS, type LogFlag, type NatRangeSpec, type TargetSpec } from '../../net/netfilter/rule-types.js';
import { arg, one, type BuildCtx, type ExtDef, type OptDef, type ParsedOpt } from './module-def.js';
import { parseIp, parseMarkMask, parsePortRange, parseUint } from './values.js';

type T<K extends TargetSpec['kind']> = Extract<TargetSpec, { kind: K }>;

function noOpts(name: 'ACCEPT' | 'DROP' | 'RETURN'): ExtDef<TargetSpec> {
  return { name, options: [], build: () => ({ kind: name }) };
}

export const REJECT_NAMES: Readonly<Record<string, RejectWith>> = {
  'icmp-net-unreachable': 'icmp-net-unreachable', 'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable', 'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable', 'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable', 'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited', 'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited', 'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited', 'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};

const rejectDef: ExtDef<T<'REJECT'>> = {
  name: 'REJECT',
  options: [{ name: '--reject-with', args: 1 }],
  build(opts, ctx) {
    const o = one(opts, '--reject-with', ctx);
    if (!o) return { kind: 'REJECT', with: 'icmp-port-unreachable' };
    const w = REJECT_NAMES[arg(o).text];
    if (!w) { ctx.error(arg(o).col, `unknown --reject-with "${arg(o).text}"`, Object.keys(REJECT_NAMES).join(', ')); return undefined; }
    return { kind: 'REJECT', with: w };
  },
};

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];

const logDef: ExtDef<T<'LOG'>> = {
  name: 'LOG',
  options: [{ name: '--log-prefix', args: 1 }, { name: '--log-level', args: 1 }, ...LOG_FLAGS.map((name): OptDef => ({ name, args: 0 }))],
  build(opts, ctx) {
    const p = one(opts, '--log-prefix', ctx);
    if (p && arg(p).text.length > 29) { ctx.error(arg(p).col, `log prefix too long (${arg(p).text.length} characters)`, 'at most 29 characters'); return undefined; }
    const l = one(opts, '--log-level', ctx);
    let level = 4;
    if (l) {
      const t = arg(l).text.toLowerCase();
      const v = LOG_LEVELS.indexOf(t === 'warn' ? 'warning' : t === 'panic' ? 'emerg' : t === 'err' ? 'error' : t);
      const n = v >= 0 ? v : parseUint(t, 7);
      if (n === undefined) { ctx.error(arg(l).col, `bad log level "${arg(l).text}"`, '0-7 or emerg, alert, crit, error, warning, notice, info, debug'); return undefined; }
      level = n;
    }
    const flags = LOG_FLAGS.filter((f) => opts.some((o) => o.name === f)) as LogFlag[];
    return { kind: 'LOG', prefix: p ? arg(p).text : '', level, flags };
  },
};

function markForms(opts: readonly ParsedOpt[], ctx: BuildCtx, col: number, what: string): { value: number; mask: number } | undefined {
  const forms = opts.filter((o) => ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'].includes(o.name));
  if (forms.length !== 1) { ctx.error(forms[1]?.col ?? col, `${what} needs exactly one of --set-xmark, --set-mark, --and-mark, --or-mark, --xor-mark`, 'one mark operation'); return undefined; }
  const o = forms[0] as ParsedOpt;
  const plain = o.name === '--set-xmark' || o.name === '--set-mark';
  const v = parseMarkMask(arg(o).text);
  if (!v || (!plain && arg(o).text.includes('/'))) { ctx.error(arg(o).col, `bad mark "${arg(o).text}" for ${o.name}`, plain ? 'value[/mask]' : 'a 32-bit value'); return undefined; }
  switch (o.name) {
    case '--set-xmark': return v;
    case '--set-mark': return { value: v.value, mask: (v.value | v.mask) >>> 0 };
    case '--and-mark': return { value: 0, mask: ~v.value >>> 0 };
    case '--or-mark': return { value: v.value, mask: v.value };
    default: return { value: v.value, mask: 0 };
  }
}

const MARK_OPTS: readonly OptDef[] = ['--set-xmark', '--set-mark', '--and-mark', '--or-mark', '--xor-mark'].map((name) => ({ name, args: 1 as const }));

const markDef: ExtDef<T<'MARK'>> = {
  name: 'MARK',
  options: MARK_OPTS,
  build(opts, ctx, col) {
    const v = markForms(opts, ctx, col, 'MARK');
    return v ? { kind: 'MARK', ...v } : undefined;
  },
};

const connmarkDef: ExtDef<T<'CONNMARK'>> = {
  name: 'CONNMARK',
  options: [...MARK_OPTS, { name: '--save-mark', args: 0 }, { name: '--restore-mark', args: 0 }, { name: '--mask', args: 1 }, { name: '--nfmask', args: 1 }, { name: '--ctmask', args: 1 }],
  build(opts, ctx, col) {
    const save = one(opts, '--save-mark', ctx);
    const restore = one(opts, '--restore-mark', ctx);
    if (!save && !restore) {
      const v = markForms(opts, ctx, col, 'CONNMARK');
      return v ? { kind: 'CONNMARK', mode: 'set', ...v } : undefined;
    }
    if (save && restore) { ctx.error(restore.col, '--save-mark and --restore-mark together', 'one of them'); return undefined; }
    const m = (name: string): number | undefined | false => {
      const o = one(opts, name, ctx);
      if (!o) return undefined;
      const v = parseUint(arg(o).text, 0xffffffff);
      if (v === undefined) { ctx.error(arg(o).col, `bad ${name} "${arg(o).text}"`, 'a 32-bit mask'); return false; }
      return v;
    };
    const mask = m('--mask');
    const nf = m('--nfmask');
    const ct = m('--ctmask');
    if (mask === false || nf === false || ct === false) return undefined;
    return { kind: 'CONNMARK', mode: save ? 'save' : 'restore', nfmask: nf ?? mask ?? 0xffffffff, ctmask: ct ?? mask ?? 0xffffffff };
  },
};

/** `[ip[-ip]][:port[-port]]` (libxt_NAT.c parse_to); `/base` port offsets are not modelled. */
function natRange(o: ParsedOpt, ctx: BuildCtx): NatRangeSpec | undefined {
  const text = arg(o).text;
  const col = arg(o).col;
  const bad = (why: string): undefined => { ctx.error(col, `bad range "${text}" for ${o.name}: ${why}`, 'ADDR[-ADDR][:PORT[-PORT]]'); return undefined; };
  const colon = text.indexOf(':');
  const ipPart = colon < 0 ? text : text.slice(0, colon);
  const portPart = colon < 0 ? undefined : text.slice(colon + 1);
  const out: { -readonly [K in keyof NatRangeSpec]: NatRangeSpec[K] } = {};
  if (ipPart !== '') {
    const [a, b, extra] = ipPart.split('-');
    const min = a === undefined ? undefined : parseIp(a);
    const max = b === undefined ? min : parseIp(b);
    if (min === undefined || max === undefined || extra !== undefined) return bad('not an IPv4 address or range');
    if (max >>> 0 < min >>> 0) return bad('range ends before it starts');
    out.minIp = min;
    out.maxIp = max;
  }
  if (portPart !== undefined) {
    if (portPart.includes('/')) { ctx.unsupported(col, `${o.name} with a /base port offset is not modelled`); return bad('port offsets (/base) are not modelled'); }
    const r = parsePortRange(portPart, '-', false);
    if (!r) return bad('bad port or port range');
    out.minPort = r.min;
    out.maxPort = r.max;
  }
  return out;
}

function dnatLike(name: 'DNAT' | 'SNAT', opt: string): ExtDef<T<'DNAT'> | T<'SNAT'>> {
  const extra: OptDef[] = name === 'SNAT' ? [{ name: '--random-fully', args: 0 }] : [];
  return {
    name,
    options: [{ name: opt, args: 1 }, { name: '--random', args: 0 }, { name: '--persistent', args: 0 }, ...extra],
    build(opts, ctx, col) {
      const o = one(opts, opt, ctx);
      if (!o) { ctx.error(col, `You must specify ${opt}`, `${opt} ADDR[-ADDR][:PORT[-PORT]]`); return undefined; }
      const range = natRange(o, ctx);
      if (!range) return undefined;
      const random = !!one(opts, '--random', ctx);
      const persistent = !!one(opts, '--persistent', ctx);
      if (name === 'DNAT') return { kind: 'DNAT', range, random, persistent };
      return { kind: 'SNAT', range, random, randomFully: !!one(opts, '--random-fully', ctx), persistent };
    },
  };
}

function toPorts(opts: readonly ParsedOpt[], ctx: BuildCtx): { minPort?: number; maxPort?: number } | undefined {
  const o = one(opts, '--to-ports', ctx);
  if (!o) return {};
  const r = parsePortRange(arg(o).text, '-', false);
  if (!r || arg(o).text.includes('/')) { ctx.error(arg(o).col, `bad port range "${arg(o).text}" for --to-ports`, 'PORT or PORT-PORT'); return undefined; }
  return { minPort: r.min, maxPort: r.max };
}

const masqDef: ExtDef<T<'MASQUERADE'>> = {
  name: 'MASQUERADE',
  options: [{ name: '--to-ports', args: 1 }, { name: '--random', args: 0 }, { name: '--random-fully', args: 0 }],
  build(opts, ctx) {
    const p = toPorts(opts, ctx);
    if (!p) return undefined;
    return { kind: 'MASQUERADE', ...p, random: !!one(opts, '--random', ctx), randomFully: !!one(opts, '--random-fully', ctx) };
  },
};

const redirectDef: ExtDef<T<'REDIRECT'>> = {
  name: 'REDIRECT',
  options: [{ name: '--to-ports', args: 1 }, { name: '--random', args: 0 }],
  build(opts, ctx) {
    const p = toPorts(opts, ctx);
    if (!p) return undefined;
    return { kind: 'REDIRECT', ...p, random: !!one(opts, '--random', ctx) };
  },
};

const tproxyDef: ExtDef<T<'TPROXY'>> = {
  name: 'TPROXY',
  options: [{ name: '--on-port', args: 1 }, { name: '--on-ip', args: 1 }, { name: '--tproxy-mark', args: 1 }],
  build(opts, ctx, col) {
    const p = one(opts, '--on-port', ctx);
    if (!p) { ctx.error(col, 'TPROXY needs --on-port', '--on-port PORT'); return undefined; }
    const port = parsePortRange(arg(p).text, '-', false);
    if (!port || port.min !== port.max) { ctx.error(arg(p).col, `bad port "${arg(p).text}" for --on-port`, 'a port 0-65535'); return undefined; }
    const ipOpt = one(opts, '--on-ip', ctx);
    const ip = ipOpt ? parseIp(arg(ipOpt).text) : (0 as ReturnType<typeof parseIp>);
    if (ip === undefined) { ctx.error(ipOpt ? arg(ipOpt).col : col, 'bad address for --on-ip', 'an IPv4 address'); return undefined; }
    const mOpt = one(opts, '--tproxy-mark', ctx);
    const mark = mOpt ? parseMarkMask(arg(mOpt).text) : { value: 0, mask: 0 };
    if (!mark) { ctx.error(mOpt ? arg(mOpt).col : col, 'bad --tproxy-mark', 'value[/mask]'); return undefined; }
    return { kind: 'TPROXY', onPort: port.min, onIp: ip, markValue: mark.value, markMask: mark.mask };
  },
};

const notrackDef: ExtDef<T<'NOTRACK'>> = { name: 'NOTRACK', options: [], build: () => ({ kind: 'NOTRACK' }) };

const CT_OTHER = ['--helper', '--ctevents', '--expevents', '--zone', '--zone-orig', '--zone-reply', '--timeout'];
const ctDef: ExtDef<T<'CT'>> = {
  name: 'CT',
  options: [{ name: '--notrack', args: 0 }, ...CT_OTHER.map((name): OptDef => ({ name, args: 1 }))],
  build(opts, ctx) {
    const args: string[] = [];
    for (const o of opts) {
      if (o.name === '--notrack') continue;
      args.push(o.name, ...o.args.map((a) => a.text));
      ctx.unsupported(o.col, `CT ${o.name} is not modelled; the rule will not match`);
    }
    return { kind: 'CT', notrack: opts.some((o) => o.name === '--notrack'), args };
  },
};

export const TARGET_DEFS: Readonly<Record<string, ExtDef<TargetSpec>>> = {
  ACCEPT: noOpts('ACCEPT'), DROP: noOpts('DROP'), RETURN: noOpts('RETURN'),
  REJECT: rejectDef, LOG: logDef, MARK: markDef, CONNMARK: connmarkDef,
  DNAT: dnatLike('DNAT', '--to-destination'), SNAT: dnatLike('SNAT', '--to-source'),
  MASQUERADE: masqDef, REDIRECT: redirectDef, TPROXY: tproxyDef, NOTRACK: notrackDef, CT: ctDef,
};

/** Real iptables targets this model does not evaluate (reported as unsupported, not as unknown chains). */
export const KNOWN_UNMODELLED_TARGETS = [
  'QUEUE', 'NFQUEUE', 'NFLOG', 'ULOG', 'TCPMSS', 'TOS', 'DSCP', 'ECN', 'TTL', 'CLASSIFY', 'SET', 'AUDIT', 'NETMAP', 'TEE',
  'TRACE', 'CHECKSUM', 'HMARK', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'SYNPROXY', 'CLUSTERIP', 'RATEEST', 'TCPOPTSTRIP', 'SNPT', 'DNPT', 'HL',
];
