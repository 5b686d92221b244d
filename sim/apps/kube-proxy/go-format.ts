// Fixed-point formatting of a float64 with exact round-half-to-even, as Go's fmt "%.Nf" and
// glibc's printf "%.Nf" both do. JavaScript's toFixed rounds exact ties up instead
// (1/2048 = 0.00048828125 gives ...13 there, ...12 in Go), so kube-proxy's probability strings and
// iptables-save's `--probability` need this.

export function formatFixedHalfEven(x: number, decimals: number): string {
  if (!Number.isFinite(x) || x < 0) throw new Error(`formatFixedHalfEven: unsupported value ${x}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const expBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = expBits - 1075;
  }
  // x * 10^decimals = mantissa * 2^exp * 10^decimals, rounded to an integer, ties to even.
  let num = mantissa * 10n ** BigInt(decimals);
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  let q = num / den;
  const twiceR = (num - q * den) * 2n;
  if (twiceR > den || (twiceR === den && q % 2n === 1n)) q += 1n;
  const digits = q.toString().padStart(decimals + 1, '0');
  if (decimals === 0) return digits;
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
