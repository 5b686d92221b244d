// Protocol names iptables prints and reads for `-p` (libxtables xtables_chain_protos; other
// numbers are printed as numbers, iptables-save does not look them up).

const NAMES: readonly (readonly [string, number])[] = [
  ['tcp', 6], ['sctp', 132], ['udp', 17], ['udplite', 136], ['icmp', 1], ['ipv6-icmp', 58], ['icmpv6', 58], ['esp', 50], ['ah', 51],
  ['mobility-header', 135], ['ipv6-mh', 135], ['mh', 135], ['dccp', 33], ['ipcomp', 108], ['all', 0],
];
/** A few /etc/protocols names iptables also accepts on input. */
const EXTRA: Readonly<Record<string, number>> = { gre: 47, ipencap: 4, ipip: 4, igmp: 2, ospf: 89, vrrp: 112, pim: 103, l2tp: 115, ipv6: 41 };

export function parseProtocol(text: string): number | undefined {
  const t = text.toLowerCase();
  const n = NAMES.find(([name]) => name === t);
  if (n) return n[1];
  if (EXTRA[t] !== undefined) return EXTRA[t];
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    return v <= 255 ? v : undefined;
  }
  return undefined;
}

export function protocolName(num: number): string {
  return NAMES.find(([, n]) => n === num)?.[0] ?? String(num);
}
