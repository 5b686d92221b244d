// Option syntax of the marking and connection-tracking matches: libxt_mark.c, libxt_connmark.c
// (`value[/mask]`), libxt_conntrack.c (`--ctstate` lists with the virtual SNAT/DNAT, `--ctproto`,
// `--ctorigsrc`…, port ranges of revision 3, `--ctstatus`, `--ctexpire`, `--ctdir`) and the
// `-m state` alias. iptables-extensions(8).

import { ADDR_TYPES, CT_STATES, CT_STATUSES, type AddrMask, type AddrtypeMatch, type ConntrackMatch, type CtStateName, type CtStatusName, type InvRange, type MarkMatch, type StateMatch } from '../../net/netfilter/rule-types.js';
import type { AddrType } from '../../net/netfilter/api.js';
import { arg, noInvert, one, type BuildCtx, type ExtDef, type ParsedOpt } from './module-def.js';
import { parseProtocol } from './protocols.js';
import { parseAddrMask, parseMarkMask, parsePortRange, parseUint } from './values.js';

function markDef(kind: 'mark' | 'connmark'): ExtDef<MarkMatch> {
  return {
    name: kind,
    options: [{ name: '--mark', args: 1, invert: true }],
    build(opts, ctx, col) {
      const o = one(opts, '--mark', ctx);
      if (!o) { ctx.error(col, `-m ${kind} needs --mark`, '--mark value[/mask]'); return undefined; }
      const v = parseMarkMask(arg(o).text);
      if (!v) { ctx.error(arg(o).col, `bad mark "${arg(o).text}"`, 'value[/mask], 32-bit numbers (decimal or 0x hex)'); return undefined; }
      return { kind, value: v.value, mask: v.mask, invert: o.invert };
    },
  };
}
export const markMatchDef = markDef('mark');
export const connmarkMatchDef = markDef('connmark');

function parseList<T extends string>(o: ParsedOpt, names: readonly T[], ctx: BuildCtx, what: string): T[] | undefined {
  const out: T[] = [];
  for (const part of arg(o).text.split(',')) {
    const n = names.find((x) => x === part.toUpperCase());
    if (!n) { ctx.error(arg(o).col, `unknown ${what} "${part}"`, `comma-separated ${names.join(', ')}`); return undefined; }
    if (!out.includes(n)) out.push(n);
  }
  // Stored as a bit mask: the order is the module's own.
  return names.filter((n) => out.includes(n));
}

const STATE_NAMES: readonly CtStateName[] = CT_STATES.filter((s) => s !== 'SNAT' && s !== 'DNAT');

function addrOpt(o: ParsedOpt | undefined, ctx: BuildCtx): AddrMask | undefined | false {
  if (!o) return undefined;
  const a = parseAddrMask(arg(o).text);
  if (!a) { ctx.error(arg(o).col, `bad address "${arg(o).text}" for ${o.name}`, 'an IPv4 address or CIDR'); return false; }
  return { ...a, invert: o.invert };
}
function rangeOpt(o: ParsedOpt | undefined, ctx: BuildCtx, max: number, what: string): InvRange | undefined | false {
  if (!o) return undefined;
  const text = arg(o).text;
  const i = text.indexOf(':');
  const a = i < 0 ? text : text.slice(0, i);
  const b = i < 0 ? text : text.slice(i + 1);
  const min = a === '' ? 0 : parseUint(a, max);
  const hi = b === '' ? max : parseUint(b, max);
  const r = max === 65535 ? parsePortRange(text) : min !== undefined && hi !== undefined && min <= hi ? { min, max: hi } : undefined;
  if (!r) { ctx.error(arg(o).col, `bad ${what} "${text}" for ${o.name}`, `a ${what} or a range a:b with a <= b (max ${max})`); return false; }
  return { ...r, invert: o.invert };
}

export const conntrackDef: ExtDef<ConntrackMatch> = {
  name: 'conntrack',
  options: ['--ctstate', '--ctproto', '--ctorigsrc', '--ctorigdst', '--ctreplsrc', '--ctrepldst', '--ctorigsrcport', '--ctorigdstport', '--ctreplsrcport', '--ctrepldstport', '--ctstatus', '--ctexpire']
    .map((name) => ({ name, args: 1 as const, invert: true }))
    .concat([{ name: '--ctdir', args: 1 as const, invert: false }]),
  build(opts, ctx, col) {
    if (!opts.length) { ctx.error(col, '-m conntrack needs at least one option', '--ctstate, --ctproto, --ctorigsrc, ... or --ctdir'); return undefined; }
    const out: { -readonly [K in keyof ConntrackMatch]: ConntrackMatch[K] } = { kind: 'conntrack' };
    let ok = true;
    const st = one(opts, '--ctstate', ctx);
    if (st) {
      const states = parseList(st, CT_STATES, ctx, 'conntrack state');
      if (states) out.state = { states, invert: st.invert }; else ok = false;
    }
    const pr = one(opts, '--ctproto', ctx);
    if (pr) {
      const n = parseProtocol(arg(pr).text);
      if (n === undefined || n === 0) { ctx.error(arg(pr).col, `bad protocol "${arg(pr).text}" for --ctproto`, 'a protocol name or number other than 0/all'); ok = false; }
      else out.proto = { num: n, invert: pr.invert };
    }
    for (const k of ['origsrc', 'origdst', 'replsrc', 'repldst'] as const) {
      const a = addrOpt(one(opts, `--ct${k}`, ctx), ctx);
      if (a === false) ok = false; else if (a) out[k] = a;
    }
    for (const k of ['origsrcport', 'origdstport', 'replsrcport', 'repldstport'] as const) {
      const r = rangeOpt(one(opts, `--ct${k}`, ctx), ctx, 65535, 'port');
      if (r === false) ok = false; else if (r) out[k] = r;
    }
    const status = one(opts, '--ctstatus', ctx);
    if (status) {
      const s = arg(status).text.toUpperCase() === 'NONE' ? [] : parseList<CtStatusName>(status, CT_STATUSES, ctx, 'conntrack status');
      if (s) out.status = { statuses: s, invert: status.invert }; else ok = false;
    }
    const ex = rangeOpt(one(opts, '--ctexpire', ctx), ctx, 0xffffffff, 'time in seconds');
    if (ex === false) ok = false; else if (ex) out.expire = ex;
    const dir = one(opts, '--ctdir', ctx);
    if (dir) {
      const d = arg(dir).text.toUpperCase();
      if (d !== 'ORIGINAL' && d !== 'REPLY') { ctx.error(arg(dir).col, `bad direction "${arg(dir).text}" for --ctdir`, 'ORIGINAL or REPLY'); ok = false; }
      else out.dir = d;
    }
    return ok ? out : undefined;
  },
};

export const stateDef: ExtDef<StateMatch> = {
  name: 'state',
  options: [{ name: '--state', args: 1, invert: true }],
  build(opts, ctx, col) {
    const o = one(opts, '--state', ctx);
    if (!o) { ctx.error(col, '-m state needs --state', '--state INVALID,NEW,RELATED,ESTABLISHED,UNTRACKED'); return undefined; }
    const states = parseList(o, STATE_NAMES, ctx, 'state');
    return states ? { kind: 'state', states, invert: o.invert } : undefined;
  },
};

export const addrtypeDef: ExtDef<AddrtypeMatch> = {
  name: 'addrtype',
  options: [
    { name: '--src-type', args: 1, invert: true },
    { name: '--dst-type', args: 1, invert: true },
    { name: '--limit-iface-in', args: 0 },
    { name: '--limit-iface-out', args: 0 },
  ],
  build(opts, ctx, col) {
    const out: { -readonly [K in keyof AddrtypeMatch]: AddrtypeMatch[K] } = { kind: 'addrtype', limitIfaceIn: false, limitIfaceOut: false };
    const src = one(opts, '--src-type', ctx);
    const dst = one(opts, '--dst-type', ctx);
    if (!src && !dst) { ctx.error(col, '-m addrtype needs --src-type or --dst-type', '--src-type TYPES and/or --dst-type TYPES'); return undefined; }
    for (const [o, key] of [[src, 'src'], [dst, 'dst']] as const) {
      if (!o) continue;
      const types = parseList<AddrType>(o, ADDR_TYPES, ctx, 'address type');
      if (!types) return undefined;
      out[key] = { types, invert: o.invert };
    }
    const lin = one(opts, '--limit-iface-in', ctx);
    const lout = one(opts, '--limit-iface-out', ctx);
    if (lin && lout) { ctx.error(lout.col, '--limit-iface-in and --limit-iface-out together', 'only one of them'); return undefined; }
    if (!noInvert(lin, ctx) || !noInvert(lout, ctx)) return undefined;
    out.limitIfaceIn = !!lin;
    out.limitIfaceOut = !!lout;
    return out;
  },
};
