// resource.Quantity as the scheduler reads it (k8s.io/apimachinery pkg/api/resource): decimal SI
// suffixes (n u m k M G T P E), binary suffixes (Ki Mi Gi Ti Pi Ei) and decimal exponents (1e3).
// CPU is compared in millicores (Quantity.MilliValue), memory and pod counts in units
// (Quantity.Value); both round up, as Quantity does.
import type { Quantity } from './types.js';

const DECIMAL: Readonly<Record<string, number>> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The quantity's value, or undefined when it is not a valid Quantity. */
export function parseQuantity(q: Quantity): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const m = QUANTITY_RE.exec(q.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2] !== undefined) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  const mult = BINARY[suffix] ?? DECIMAL[suffix];
  return mult === undefined ? undefined : base * mult;
}

// Float noise (0.1 * 1000 = 100.00000000000001) must not round up to the next unit.
function ceilClean(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : Math.ceil(x);
}

export function milliValue(q: Quantity): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : ceilClean(v * 1000);
}

export function unitValue(q: Quantity): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : ceilClean(v);
}
