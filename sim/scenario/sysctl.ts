// Applies sysctl(8) settings by their real names to a namespace. Settings that change packet
// outcomes are modelled; any other net.* key is reported as unsupported, never dropped silently.

import { diag, type Diagnostic, type SourceLocation } from '../core/diagnostics.js';
import type { IfaceSysctl, NsSysctl, Iface } from '../model/netns.js';

const CONF_KEYS = ['rp_filter', 'src_valid_mark', 'accept_local', 'route_localnet', 'proxy_arp', 'forwarding'] as const;
type ConfKey = (typeof CONF_KEYS)[number];
const RANGES: Readonly<Record<ConfKey, readonly number[]>> = {
  rp_filter: [0, 1, 2], src_valid_mark: [0, 1], accept_local: [0, 1], route_localnet: [0, 1], proxy_arp: [0, 1], forwarding: [0, 1],
};

export function applySysctl(sys: NsSysctl, ifaces: ReadonlyMap<string, Iface>, key: string, value: string, loc: SourceLocation): Diagnostic[] {
  const bad = (expected: string): Diagnostic[] => [diag('error', loc, `bad value ${JSON.stringify(value)} for ${key}`, { expected })];
  const int = (): number | undefined => (/^-?\d+$/.test(value.trim()) ? Number(value.trim()) : undefined);
  const v = int();
  switch (key) {
    case 'net.ipv4.ip_forward':
    case 'net.ipv4.conf.all.forwarding':
      if (v !== 0 && v !== 1) return bad('0 or 1');
      sys.ip_forward = v;
      // Writing ip_forward sets forwarding on every device and the default (devinet_sysctl_forward).
      sys.all.forwarding = v;
      sys.default.forwarding = v;
      for (const i of ifaces.values()) i.sysctl.forwarding = v;
      return [];
    case 'net.ipv4.tcp_early_demux':
    case 'net.ipv4.ip_nonlocal_bind':
      if (v !== 0 && v !== 1) return bad('0 or 1');
      if (key.endsWith('early_demux')) sys.tcp_early_demux = v;
      else sys.ip_nonlocal_bind = v;
      return [];
    case 'net.ipv4.tcp_syn_retries':
    case 'net.ipv4.tcp_synack_retries':
      if (v === undefined || v < 1 || v > 127) return bad('an integer 1..127');
      if (key.endsWith('synack_retries')) sys.tcp_synack_retries = v;
      else sys.tcp_syn_retries = v;
      return [];
    case 'net.ipv4.tcp_syn_linear_timeouts':
      if (v === undefined || v < 0 || v > 127) return bad('an integer 0..127');
      sys.tcp_syn_linear_timeouts = v;
      return [];
    case 'net.bridge.bridge-nf-call-iptables':
      if (v !== 0 && v !== 1) return bad('0 or 1');
      sys.bridgeNfCallIptables = v;
      return [];
    case 'net.ipv4.ip_local_port_range': {
      const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(value);
      const lo = m ? Number(m[1]) : NaN;
      const hi = m ? Number(m[2]) : NaN;
      if (!m || lo < 1 || hi > 65535 || lo > hi) return bad('two port numbers "low high"');
      sys.ip_local_port_range = [lo, hi];
      return [];
    }
    default:
      break;
  }
  const conf = /^net\.ipv4\.conf\.([^.]+)\.([a-z_]+)$/.exec(key);
  if (conf) {
    const [, dev, name] = conf as unknown as [string, string, string];
    if (!(CONF_KEYS as readonly string[]).includes(name)) return [diag('unsupported', loc, `${key} is not modelled`, { expected: CONF_KEYS.map((k) => `net.ipv4.conf.<dev>.${k}`).join(', ') })];
    const ck = name as ConfKey;
    if (v === undefined || !RANGES[ck].includes(v)) return bad(RANGES[ck].join(', '));
    let target: IfaceSysctl | undefined;
    if (dev === 'all') target = sys.all;
    else if (dev === 'default') target = sys.default;
    else target = ifaces.get(dev)?.sysctl;
    if (!target) return [diag('error', loc, `${key}: no interface ${dev}`, { expected: ['all', 'default', ...ifaces.keys()].join(', ') })];
    (target as unknown as Record<ConfKey, number>)[ck] = v;
    return [];
  }
  return [diag('unsupported', loc, `sysctl ${key} is not modelled; it is ignored`, { expected: 'a modelled sysctl (docs/topology.md)' })];
}
