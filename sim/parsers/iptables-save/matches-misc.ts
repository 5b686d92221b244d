// Option syntax of the other modelled matches: comment (at most 255 characters), statistic
// (random `--probability` stored as round(p * 2^31); nth `--every n --packet p`, 0 <= p < n),
// socket, physdev, iprange, length, ttl, limit (rate `n/second|minute|hour|day`, burst), recent
// (parsed, not evaluated) and nfacct. iptables-extensions(8), libxt_*.c.

import type { CommentMatch, IprangeMatch, LengthMatch, LimitMatch, NfacctMatch, PhysdevMatch, RecentMatch, SocketMatch, StatisticMatch, TtlMatch } from '../../net/netfilter/rule-types.js';
import { arg, noInvert, one, type ExtDef } from './module-def.js';
import { parseIp, parseUint } from './values.js';

export const commentDef: ExtDef<CommentMatch> = {
  name: 'comment',
  options: [{ name: '--comment', args: 1 }],
  build(opts, ctx, col) {
    const o = one(opts, '--comment', ctx);
    if (!o) { ctx.error(col, '-m comment needs --comment', '--comment TEXT'); return undefined; }
    if (!noInvert(o, ctx)) return undefined;
    if (arg(o).text.length > 255) { ctx.error(arg(o).col, `comment too long (${arg(o).text.length} characters)`, 'at most 255 characters'); return undefined; }
    return { kind: 'comment', text: arg(o).text };
  },
};

export const statisticDef: ExtDef<StatisticMatch> = {
  name: 'statistic',
  options: [
    { name: '--mode', args: 1 },
    { name: '--probability', args: 1, invert: true },
    { name: '--every', args: 1, invert: true },
    { name: '--packet', args: 1 },
  ],
  build(opts, ctx, col) {
    const mode = one(opts, '--mode', ctx);
    const prob = one(opts, '--probability', ctx);
    const every = one(opts, '--every', ctx);
    const packet = one(opts, '--packet', ctx);
    if (!noInvert(mode, ctx) || !noInvert(packet, ctx)) return undefined;
    if (!mode) { ctx.error(col, '-m statistic needs --mode', '--mode random or --mode nth'); return undefined; }
    const invert = !!(prob?.invert || every?.invert);
    if (arg(mode).text === 'random') {
      if (!prob) { ctx.error(mode.col, '--probability must be specified when using random mode', '--probability P'); return undefined; }
      if (every || packet) { ctx.error((every ?? packet)?.col ?? col, '--every/--packet are for nth mode', '--probability only'); return undefined; }
      const p = Number(arg(prob).text);
      if (!/^[0-9.eE+-]+$/.test(arg(prob).text) || !Number.isFinite(p) || p < 0 || p > 1) {
        ctx.error(arg(prob).col, `bad probability "${arg(prob).text}"`, 'a number from 0 to 1');
        return undefined;
      }
      return { kind: 'statistic', mode: 'random', probability: Math.round(0x80000000 * p), invert };
    }
    if (arg(mode).text === 'nth') {
      if (!every || !packet) { ctx.error(mode.col, '--every and --packet must be specified when using nth mode', '--every N --packet P'); return undefined; }
      if (prob) { ctx.error(prob.col, '--probability is for random mode', '--every and --packet'); return undefined; }
      const n = parseUint(arg(every).text, 0xffffffff);
      if (n === undefined || n < 1) { ctx.error(arg(every).col, `bad --every "${arg(every).text}"`, 'a number >= 1'); return undefined; }
      const k = parseUint(arg(packet).text, 0xffffffff);
      if (k === undefined || k > n - 1) { ctx.error(arg(packet).col, `bad --packet "${arg(packet).text}"`, `0 <= p <= ${n - 1}`); return undefined; }
      return { kind: 'statistic', mode: 'nth', every: n, packet: k, invert };
    }
    ctx.error(arg(mode).col, `bad mode "${arg(mode).text}"`, 'random or nth');
    return undefined;
  },
};

export const socketDef: ExtDef<SocketMatch> = {
  name: 'socket',
  options: [{ name: '--transparent', args: 0 }, { name: '--nowildcard', args: 0 }, { name: '--restore-skmark', args: 0 }],
  build(opts, ctx) {
    for (const o of opts) if (!noInvert(o, ctx)) return undefined;
    return { kind: 'socket', transparent: !!one(opts, '--transparent', ctx), nowildcard: !!one(opts, '--nowildcard', ctx), restoreSkmark: !!one(opts, '--restore-skmark', ctx) };
  },
};

export const physdevDef: ExtDef<PhysdevMatch> = {
  name: 'physdev',
  options: [
    { name: '--physdev-in', args: 1, invert: true },
    { name: '--physdev-out', args: 1, invert: true },
    { name: '--physdev-is-in', args: 0, invert: true },
    { name: '--physdev-is-out', args: 0, invert: true },
    { name: '--physdev-is-bridged', args: 0, invert: true },
  ],
  build(opts, ctx, col) {
    if (!opts.length) { ctx.error(col, '-m physdev needs an option', '--physdev-in, --physdev-out, --physdev-is-in, --physdev-is-out or --physdev-is-bridged'); return undefined; }
    const out: { -readonly [K in keyof PhysdevMatch]: PhysdevMatch[K] } = { kind: 'physdev' };
    const pin = one(opts, '--physdev-in', ctx);
    const pout = one(opts, '--physdev-out', ctx);
    if (pin) out.physdevIn = { name: arg(pin).text, invert: pin.invert };
    if (pout) out.physdevOut = { name: arg(pout).text, invert: pout.invert };
    const isIn = one(opts, '--physdev-is-in', ctx);
    const isOut = one(opts, '--physdev-is-out', ctx);
    const br = one(opts, '--physdev-is-bridged', ctx);
    if (isIn) out.isIn = { invert: isIn.invert };
    if (isOut) out.isOut = { invert: isOut.invert };
    if (br) out.isBridged = { invert: br.invert };
    for (const o of [pin, pout]) {
      if (o && (arg(o).text.length === 0 || arg(o).text.length > 15)) { ctx.error(arg(o).col, `bad interface name "${arg(o).text}"`, 'an interface name of 1-15 characters'); return undefined; }
    }
    return out;
  },
};

export const iprangeDef: ExtDef<IprangeMatch> = {
  name: 'iprange',
  options: [{ name: '--src-range', args: 1, invert: true }, { name: '--dst-range', args: 1, invert: true }],
  build(opts, ctx, col) {
    const out: { -readonly [K in keyof IprangeMatch]: IprangeMatch[K] } = { kind: 'iprange' };
    for (const key of ['src', 'dst'] as const) {
      const o = one(opts, `--${key}-range`, ctx);
      if (!o) continue;
      const [a, b, extra] = arg(o).text.split('-');
      const min = a === undefined ? undefined : parseIp(a);
      const max = b === undefined ? min : parseIp(b);
      if (min === undefined || max === undefined || extra !== undefined || max >>> 0 < min >>> 0) {
        ctx.error(arg(o).col, `bad address range "${arg(o).text}"`, 'FROM-TO with FROM <= TO (IPv4 addresses)');
        return undefined;
      }
      out[key] = { min, max, invert: o.invert };
    }
    if (!out.src && !out.dst) { ctx.error(col, '-m iprange needs --src-range or --dst-range', '--src-range FROM-TO or --dst-range FROM-TO'); return undefined; }
    return out;
  },
};

export const lengthDef: ExtDef<LengthMatch> = {
  name: 'length',
  options: [{ name: '--length', args: 1, invert: true }],
  build(opts, ctx, col) {
    const o = one(opts, '--length', ctx);
    if (!o) { ctx.error(col, '-m length needs --length', '--length N or N:M'); return undefined; }
    const text = arg(o).text;
    const i = text.indexOf(':');
    const a = i < 0 ? text : text.slice(0, i);
    const b = i < 0 ? text : text.slice(i + 1);
    const min = a === '' ? 0 : parseUint(a, 65535);
    const max = b === '' ? 65535 : parseUint(b, 65535);
    if (min === undefined || max === undefined || min > max) { ctx.error(arg(o).col, `bad length "${text}"`, 'N or N:M with 0 <= N <= M <= 65535'); return undefined; }
    return { kind: 'length', min, max, invert: o.invert };
  },
};

export const ttlDef: ExtDef<TtlMatch> = {
  name: 'ttl',
  options: [{ name: '--ttl-eq', args: 1, invert: true }, { name: '--ttl-lt', args: 1 }, { name: '--ttl-gt', args: 1 }],
  build(opts, ctx, col) {
    if (opts.length !== 1) { ctx.error(opts[1]?.col ?? col, '-m ttl takes exactly one of --ttl-eq, --ttl-lt, --ttl-gt', 'one of --ttl-eq, --ttl-lt, --ttl-gt'); return undefined; }
    const o = opts[0];
    if (!o || !noInvert(o.name === '--ttl-eq' ? undefined : o, ctx)) return undefined;
    const v = parseUint(arg(o).text, 255);
    if (v === undefined) { ctx.error(arg(o).col, `bad TTL "${arg(o).text}"`, 'a number 0-255'); return undefined; }
    const op = o.name === '--ttl-eq' ? (o.invert ? 'ne' : 'eq') : o.name === '--ttl-lt' ? 'lt' : 'gt';
    return { kind: 'ttl', op, value: v };
  },
};

const UNITS: readonly (readonly [string, number])[] = [['second', 1], ['minute', 60], ['hour', 3600], ['day', 86400]];

export const limitDef: ExtDef<LimitMatch> = {
  name: 'limit',
  options: [{ name: '--limit', args: 1 }, { name: '--limit-burst', args: 1 }],
  build(opts, ctx) {
    const l = one(opts, '--limit', ctx);
    const b = one(opts, '--limit-burst', ctx);
    let avg = Math.floor((10000 * 3600) / 3); // default 3/hour
    if (l) {
      const m = /^(\d+)(?:\/([A-Za-z]+))?$/.exec(arg(l).text);
      const unit = m?.[2] === undefined ? 1 : UNITS.find(([name]) => name.startsWith((m[2] as string).toLowerCase()))?.[1];
      const rate = m ? Number(m[1]) : 0;
      if (!m || unit === undefined || rate === 0) { ctx.error(arg(l).col, `bad rate "${arg(l).text}"`, 'N/second, N/minute, N/hour or N/day (also s, min, h, d)'); return undefined; }
      avg = Math.floor((10000 * unit) / rate);
      if (avg === 0) { ctx.error(arg(l).col, `rate too fast "${arg(l).text}"`, 'at most 10000/second'); return undefined; }
    }
    let burst = 5;
    if (b) {
      const v = parseUint(arg(b).text, 10000);
      if (v === undefined) { ctx.error(arg(b).col, `bad burst "${arg(b).text}"`, 'a number 0-10000'); return undefined; }
      burst = v;
    }
    return { kind: 'limit', avg, burst };
  },
};

export const recentDef: ExtDef<RecentMatch> = {
  name: 'recent',
  options: [
    { name: '--set', args: 0, invert: true }, { name: '--rcheck', args: 0, invert: true }, { name: '--update', args: 0, invert: true },
    { name: '--remove', args: 0, invert: true }, { name: '--seconds', args: 1 }, { name: '--reap', args: 0 }, { name: '--hitcount', args: 1 },
    { name: '--rttl', args: 0 }, { name: '--name', args: 1 }, { name: '--mask', args: 1 }, { name: '--rsource', args: 0 }, { name: '--rdest', args: 0 },
  ],
  build(opts, ctx, col) {
    const actions = opts.filter((o) => ['--set', '--rcheck', '--update', '--remove'].includes(o.name));
    if (actions.length !== 1) { ctx.error(actions[1]?.col ?? col, '-m recent needs exactly one of --set, --rcheck, --update, --remove', 'one of --set, --rcheck, --update, --remove'); return undefined; }
    const a = actions[0] as (typeof actions)[number];
    const num = (name: string, max: number): number | undefined | false => {
      const o = one(opts, name, ctx);
      if (!o) return undefined;
      const v = parseUint(arg(o).text, max);
      if (v === undefined) { ctx.error(arg(o).col, `bad ${name} "${arg(o).text}"`, `a number 0-${max}`); return false; }
      return v;
    };
    const seconds = num('--seconds', 0xffffffff);
    const hitcount = num('--hitcount', 65535);
    if (seconds === false || hitcount === false) return undefined;
    const maskOpt = one(opts, '--mask', ctx);
    const mask = maskOpt ? parseIp(arg(maskOpt).text) : (0xffffffff as ReturnType<typeof parseIp>);
    if (mask === undefined) { ctx.error(maskOpt ? arg(maskOpt).col : col, 'bad --mask', 'an IPv4 netmask'); return undefined; }
    const rttl = !!one(opts, '--rttl', ctx);
    if (rttl && a.name === '--set') { ctx.error(a.col, '--rttl cannot be used with --set', '--rcheck or --update'); return undefined; }
    const name = one(opts, '--name', ctx);
    ctx.unsupported(col, '-m recent: recent lists are not modelled; the rule will not match');
    return {
      kind: 'recent', invert: a.invert, action: a.name.slice(2) as RecentMatch['action'], seconds: seconds ?? 0,
      reap: !!one(opts, '--reap', ctx), hitcount: hitcount ?? 0, rttl, name: name ? arg(name).text : 'DEFAULT',
      mask, side: one(opts, '--rdest', ctx) ? 'rdest' : 'rsource',
    };
  },
};

export const nfacctDef: ExtDef<NfacctMatch> = {
  name: 'nfacct',
  options: [{ name: '--nfacct-name', args: 1 }],
  build(opts, ctx, col) {
    const o = one(opts, '--nfacct-name', ctx);
    if (!o) { ctx.error(col, '-m nfacct needs --nfacct-name', '--nfacct-name NAME'); return undefined; }
    if (arg(o).text.length === 0 || arg(o).text.length > 31) { ctx.error(arg(o).col, 'bad nfacct name', 'a name of 1-31 characters'); return undefined; }
    return { kind: 'nfacct', name: arg(o).text };
  },
};
