// How `iptables-save` prints a rule kube-proxy wrote: the kernel keeps matches, not text, and the
// userland save functions print them back in a canonical form (iptables libxtables
// xtables_save_string; extensions libxt_comment, libxt_tcp/udp/sctp, libxt_conntrack, libxt_mark,
// libxt_addrtype, libxt_nfacct, libxt_statistic, libxt_recent, libxt_MARK, libxt_DNAT,
// libxt_MASQUERADE, libipt_REJECT): `-s -d -i -o -p` first (with `/32` on host addresses),
// then each `-m` module in the order given with its options in the module's own order, then
// `-j` and the target's options. Only the modules kube-proxy uses are known here; anything else
// is a programming error, not user input.

import { formatCidr, parseCidr } from '../../core/ip.js';
import { formatFixedHalfEven } from './go-format.js';

interface Opt {
  readonly name: string;
  readonly value?: string;
  readonly negated: boolean;
}

interface Match {
  readonly module: string;
  readonly opts: Opt[];
}

/** Options of each match module: name -> number of values (0 or 1). */
const MATCH_OPTIONS: Readonly<Record<string, Readonly<Record<string, 0 | 1>>>> = {
  comment: { '--comment': 1 },
  tcp: { '--dport': 1, '--sport': 1 },
  udp: { '--dport': 1, '--sport': 1 },
  sctp: { '--dport': 1, '--sport': 1 },
  conntrack: { '--ctstate': 1 },
  mark: { '--mark': 1 },
  addrtype: { '--src-type': 1, '--dst-type': 1 },
  nfacct: { '--nfacct-name': 1 },
  statistic: { '--mode': 1, '--probability': 1 },
  recent: { '--name': 1, '--rcheck': 0, '--set': 0, '--seconds': 1, '--reap': 0 },
};

const TARGET_OPTIONS: Readonly<Record<string, 0 | 1>> = { '--or-mark': 1, '--xor-mark': 1, '--to-destination': 1, '--random-fully': 0 };

/** xtables_save_string: bare when only `_-0-9a-zA-Z`, else double-quoted with `"`, `\` and `'` escaped. */
export function xtablesSaveString(value: string): string {
  if (/^[_\-0-9a-zA-Z]+$/.test(value)) return ` ${value}`;
  return ` "${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

function unquote(v: string): string {
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}

const savedAddresses = new Map<string, string>();

function saveAddress(text: string): string {
  let out = savedAddresses.get(text);
  if (out === undefined) {
    const c = parseCidr(text);
    if (!c) throw new Error(`iptables-save format: not an IPv4 address or CIDR: ${text}`);
    out = formatCidr(c);
    // Bounded: a cache, not a store.
    if (savedAddresses.size > 10000) savedAddresses.clear();
    savedAddresses.set(text, out);
  }
  return out;
}

const CTSTATE_ORDER = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function saveMatch(m: Match): string {
  const get = (name: string): Opt | undefined => m.opts.find((o) => o.name === name);
  const neg = (o: Opt): string => (o.negated ? ' !' : '');
  let out = ` -m ${m.module}`;
  switch (m.module) {
    case 'comment': {
      const o = get('--comment');
      if (o?.value !== undefined) out += ` --comment${xtablesSaveString(unquote(o.value))}`;
      break;
    }
    case 'tcp':
    case 'udp':
    case 'sctp':
      for (const name of ['--sport', '--dport']) {
        const o = get(name);
        if (o) out += `${neg(o)} ${name} ${o.value}`;
      }
      break;
    case 'conntrack': {
      const o = get('--ctstate');
      if (o?.value !== undefined) {
        const states = o.value.split(',');
        out += `${neg(o)} --ctstate ${CTSTATE_ORDER.filter((s) => states.includes(s)).join(',')}`;
      }
      break;
    }
    case 'mark': {
      const o = get('--mark');
      if (o?.value !== undefined) {
        const [v, mask] = o.value.split('/');
        const maskN = mask === undefined ? 0xffffffff : Number(mask);
        out += `${neg(o)} --mark ${hex(Number(v))}${maskN === 0xffffffff ? '' : `/${hex(maskN)}`}`;
      }
      break;
    }
    case 'addrtype':
      for (const name of ['--src-type', '--dst-type']) {
        const o = get(name);
        if (o) out += `${neg(o)} ${name} ${o.value}`;
      }
      break;
    case 'nfacct': {
      const o = get('--nfacct-name');
      // libxt_nfacct prints " --nfacct-name " and then xtables_save_string adds its own space.
      if (o?.value !== undefined) out += ` --nfacct-name ${xtablesSaveString(o.value)}`;
      break;
    }
    case 'statistic': {
      const p = Number(get('--probability')?.value ?? '0');
      // The kernel keeps lround(2^31 * p); iptables prints it back with "%.11f".
      const stored = Math.round(0x80000000 * p);
      out += ` --mode ${get('--mode')?.value ?? 'random'} --probability ${formatFixedHalfEven(stored / 0x80000000, 11)}`;
      break;
    }
    case 'recent': {
      if (get('--set')) out += ' --set';
      if (get('--rcheck')) out += ' --rcheck';
      const seconds = get('--seconds');
      if (seconds) out += ` --seconds ${seconds.value}`;
      if (get('--reap')) out += ' --reap';
      const name = get('--name');
      out += ` --name ${name?.value ?? 'DEFAULT'} --mask 255.255.255.255 --rsource`;
      break;
    }
    default:
      throw new Error(`iptables-save format: unknown match module ${m.module}`);
  }
  return out;
}

function saveTarget(target: string, opts: readonly Opt[]): string {
  const get = (name: string): Opt | undefined => opts.find((o) => o.name === name);
  let out = ` -j ${target}`;
  switch (target) {
    case 'MARK': {
      const or = get('--or-mark');
      const xor = get('--xor-mark');
      if (or?.value !== undefined) out += ` --set-xmark ${hex(Number(or.value))}/${hex(Number(or.value))}`;
      else if (xor?.value !== undefined) out += ` --set-xmark ${hex(Number(xor.value))}/0x0`;
      break;
    }
    case 'DNAT':
      out += ` --to-destination ${get('--to-destination')?.value ?? ''}`;
      break;
    case 'MASQUERADE':
      if (get('--random-fully')) out += ' --random-fully';
      break;
    case 'REJECT':
      out += ' --reject-with icmp-port-unreachable';
      break;
    default:
      break;
  }
  return out;
}

/** The text iptables-save prints after `-A <chain>` for a rule given as kube-proxy's argument list. */
export function iptablesSaveRuleText(args: readonly string[]): string {
  const generic: Record<string, Opt | undefined> = {};
  const matches: Match[] = [];
  let target: string | undefined;
  const targetOpts: Opt[] = [];
  let negate = false;
  for (let i = 0; i < args.length; i++) {
    const tok = args[i] as string;
    if (tok === '!') {
      negate = true;
      continue;
    }
    const next = (): string => {
      const v = args[++i];
      if (v === undefined) throw new Error(`iptables-save format: ${tok} needs a value`);
      return v;
    };
    if (tok === '-s' || tok === '-d' || tok === '-i' || tok === '-o' || tok === '-p') {
      generic[tok] = { name: tok, value: next(), negated: negate };
    } else if (tok === '-m') {
      matches.push({ module: next(), opts: [] });
    } else if (tok === '-j') {
      target = next();
    } else if (target !== undefined && tok in TARGET_OPTIONS) {
      targetOpts.push(TARGET_OPTIONS[tok] === 1 ? { name: tok, value: next(), negated: negate } : { name: tok, negated: negate });
    } else {
      // An option belongs to the latest loaded module that knows it (as iptables' parser does).
      let owner: Match | undefined;
      for (let k = matches.length - 1; k >= 0 && owner === undefined; k--) {
        const m = matches[k] as Match;
        if (MATCH_OPTIONS[m.module]?.[tok] !== undefined) owner = m;
      }
      if (!owner) throw new Error(`iptables-save format: option ${tok} belongs to no loaded match`);
      const arity = MATCH_OPTIONS[owner.module]?.[tok];
      owner.opts.push(arity === 1 ? { name: tok, value: next(), negated: negate } : { name: tok, negated: negate });
    }
    negate = false;
  }
  let out = '';
  for (const flag of ['-s', '-d', '-i', '-o', '-p'] as const) {
    const o = generic[flag];
    if (!o || o.value === undefined) continue;
    const value = flag === '-s' || flag === '-d' ? saveAddress(o.value) : o.value;
    out += `${o.negated ? ' !' : ''} ${flag} ${value}`;
  }
  for (const m of matches) out += saveMatch(m);
  if (target !== undefined) out += saveTarget(target, targetOpts);
  return out;
}
