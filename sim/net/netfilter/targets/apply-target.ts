// What a target does when its rule matched. Non-terminating targets change the env and go on
// (MARK xt_mark.c `(mark & ~mask) ^ value`; CONNMARK xt_connmark.c set/save/restore with nfmask
// and ctmask; LOG; NOTRACK / CT --notrack). Terminating ones end the table with a verdict; NAT
// targets and TPROXY return the binding for the walker to apply. Jumps are handled by the walker.

import { assertNever } from '../../../core/assert.js';
import type { NfEnv, NfVerdict } from '../api.js';
import type { TargetSpec } from '../rule-types.js';
import { hex } from '../matches/context.js';

export type TargetOutcome =
  | { readonly kind: 'continue'; readonly effect?: string; readonly log?: string }
  | { readonly kind: 'verdict'; readonly verdict: NfVerdict; readonly effect?: string }
  | { readonly kind: 'return' }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'unsupported'; readonly what: string };

const CONTINUE: TargetOutcome = Object.freeze({ kind: 'continue' });
const RETURN: TargetOutcome = Object.freeze({ kind: 'return' });
const VERDICT_ACCEPT: TargetOutcome = Object.freeze({ kind: 'verdict', verdict: Object.freeze({ kind: 'ACCEPT' }) });
const VERDICT_DROP: TargetOutcome = Object.freeze({ kind: 'verdict', verdict: Object.freeze({ kind: 'DROP' }) });
const jumps = new WeakMap<TargetSpec, TargetOutcome>();

/**
 * Applies `t` to the env. With `explain` false the outcome carries no effect text (nothing is
 * recorded), and outcomes without state are shared constants.
 */
export function applyTarget(t: TargetSpec | undefined, env: NfEnv, explain = true): TargetOutcome {
  if (t === undefined) return explain ? { kind: 'continue', effect: 'no target: counted only' } : CONTINUE;
  switch (t.kind) {
    case 'ACCEPT':
      return VERDICT_ACCEPT;
    case 'DROP':
      return VERDICT_DROP;
    case 'RETURN':
      return RETURN;
    case 'jump': {
      let j = jumps.get(t);
      if (!j) { j = Object.freeze({ kind: 'jump', chain: t.chain, goto: t.goto }); jumps.set(t, j); }
      return j;
    }
    case 'REJECT':
      return { kind: 'verdict', verdict: { kind: 'REJECT', with: t.with } };
    case 'LOG':
      return { kind: 'continue', effect: `log${t.prefix ? ` prefix "${t.prefix}"` : ''} level ${t.level}`, log: t.prefix };
    case 'MARK': {
      const before = env.mark >>> 0;
      env.mark = (((before & ~t.mask) ^ t.value) >>> 0);
      if (!explain) return CONTINUE;
      return { kind: 'continue', effect: `mark ${hex(before)} -> ${hex(env.mark)}` };
    }
    case 'CONNMARK': {
      const ct = env.ct;
      if (!ct || ct.state === 'UNTRACKED' || ct.state === 'INVALID') return { kind: 'continue', effect: 'CONNMARK: no conntrack entry, nothing changed' };
      const ctBefore = ct.mark >>> 0;
      if (t.mode === 'set') {
        ct.mark = ((ctBefore & ~t.mask) ^ t.value) >>> 0;
        if (!explain) return CONTINUE;
        return { kind: 'continue', effect: `ctmark ${hex(ctBefore)} -> ${hex(ct.mark)}` };
      }
      if (t.mode === 'save') {
        ct.mark = ((ctBefore & ~t.ctmask) ^ (env.mark & t.nfmask)) >>> 0;
        if (!explain) return CONTINUE;
        return { kind: 'continue', effect: `save-mark: ctmark ${hex(ctBefore)} -> ${hex(ct.mark)}` };
      }
      const before = env.mark >>> 0;
      env.mark = ((before & ~t.nfmask) ^ (ctBefore & t.ctmask)) >>> 0;
      if (!explain) return CONTINUE;
      return { kind: 'continue', effect: `restore-mark: mark ${hex(before)} -> ${hex(env.mark)}` };
    }
    case 'DNAT':
      return { kind: 'verdict', verdict: { kind: 'DNAT', range: t.range, random: t.random, persistent: t.persistent } };
    case 'SNAT':
      return { kind: 'verdict', verdict: { kind: 'SNAT', range: t.range, random: t.random, randomFully: t.randomFully, persistent: t.persistent } };
    case 'MASQUERADE': {
      const v: { -readonly [K in keyof Extract<NfVerdict, { kind: 'MASQUERADE' }>]: Extract<NfVerdict, { kind: 'MASQUERADE' }>[K] } = { kind: 'MASQUERADE', random: t.random, randomFully: t.randomFully };
      if (t.minPort !== undefined) v.minPort = t.minPort;
      if (t.maxPort !== undefined) v.maxPort = t.maxPort;
      return { kind: 'verdict', verdict: v };
    }
    case 'REDIRECT': {
      const v: { -readonly [K in keyof Extract<NfVerdict, { kind: 'REDIRECT' }>]: Extract<NfVerdict, { kind: 'REDIRECT' }>[K] } = { kind: 'REDIRECT', random: t.random };
      if (t.minPort !== undefined) v.minPort = t.minPort;
      if (t.maxPort !== undefined) v.maxPort = t.maxPort;
      return { kind: 'verdict', verdict: v };
    }
    case 'TPROXY': {
      const v: { -readonly [K in keyof Extract<NfVerdict, { kind: 'TPROXY' }>]: Extract<NfVerdict, { kind: 'TPROXY' }>[K] } = { kind: 'TPROXY', onPort: t.onPort };
      // --on-ip 0.0.0.0 means "the address of the incoming interface" (nf_tproxy_laddr4): left to the walker.
      if (t.onIp !== 0) v.onIp = t.onIp;
      if (t.markMask !== 0 || t.markValue !== 0) v.mark = { value: t.markValue, mask: t.markMask };
      return { kind: 'verdict', verdict: v };
    }
    case 'NOTRACK':
      env.notrack = true;
      return { kind: 'continue', effect: 'notrack: conntrack will not track this packet' };
    case 'CT':
      if (t.args.length > 0) return { kind: 'unsupported', what: `-j CT ${t.args.join(' ')}: only --notrack is modelled` };
      if (t.notrack) env.notrack = true;
      return { kind: 'continue', effect: t.notrack ? 'CT --notrack: conntrack will not track this packet' : 'CT: no effect' };
    case 'unknown':
      return { kind: 'unsupported', what: `-j ${t.name}: target not modelled` };
    default:
      return assertNever(t, 'target');
  }
}
