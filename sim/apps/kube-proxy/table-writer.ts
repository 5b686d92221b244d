// The restore payload's line buffer and the small formatting helpers syncProxyRules uses
// (pkg/proxy/util LineBuffer; proxier.go computeProbability and the masquerade mark's "%#08x").

import { formatFixedHalfEven } from './go-format.js';
import type { WrittenRule } from './sync-rules.js';

export class TableWriter {
  readonly chains: string[] = [];
  readonly rules: WrittenRule[] = [];
  chain(name: string): void {
    this.chains.push(name);
  }
  rule(chain: string, ...args: (string | readonly string[])[]): void {
    this.rules.push({ chain, args: args.flat() });
  }
}

/** Go's fmt.Sprintf("%#08x", v): `0x` plus at least 8 hex digits. */
export function goMarkText(value: number): string {
  return '0x' + (value >>> 0).toString(16).padStart(8, '0');
}

export function quoted(text: string): string {
  return `"${text}"`;
}

/** Upstream computeProbability: fmt.Sprintf("%0.10f", 1.0/float64(n)). */
export function computeProbability(n: number): string {
  return formatFixedHalfEven(1 / n, 10);
}
