/**
 * DECIMAL(15,4) amounts as exact fixed-point numbers (bigint of 1/10000 units). OpenCart's own PHP uses
 * floats and lets MySQL round to 4 places when storing; computing exactly and rounding half away from
 * zero at the 4th place gives the stored value without float noise.
 */

const SCALE = 4;
const FACTOR = 10n ** BigInt(SCALE);

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses '12', '12.5', '-0.0001', a finite number, or a bigint of units. More than 4 decimals round half up. */
export function toUnits(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new MoneyFormatError(`not a decimal amount: ${JSON.stringify(value)}`);
  const [, sign, int, frac = ''] = m;
  const digits = BigInt((int ?? '0') + frac.padEnd(SCALE, '0').slice(0, SCALE));
  const rest = frac.slice(SCALE);
  const roundUp = rest.length > 0 && Number(rest[0]) >= 5;
  const units = digits + (roundUp ? 1n : 0n);
  return sign ? -units : units;
}

function numberText(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyFormatError(`not a finite amount: ${n}`);
  // toFixed(10) avoids exponent notation and keeps enough digits to round at the 4th place.
  return n.toFixed(10);
}

/** '123.4500' — the text MySQL returns for DECIMAL(15,4). */
export function fromUnits(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / FACTOR;
  const frac = (abs % FACTOR).toString().padStart(SCALE, '0');
  return `${neg ? '-' : ''}${int}.${frac}`;
}

export function normalizeAmount(value: string | number | bigint): string {
  return fromUnits(toUnits(value));
}

/** value × rate / 100, rounded half away from zero to 4 places (a percentage tax on a price). */
export function percentOf(value: bigint, rate: bigint): bigint {
  return roundDiv(percentOfFine(value, rate), FINE_PER_UNIT);
}

/**
 * Finer units (1e-10) for sums of percentages that must be rounded once at the end, as PHP's float
 * arithmetic effectively does: value (1e-4) × rate (1e-4) is 1e-8, and /100 for percent is exactly 1e-10.
 */
export const FINE_PER_UNIT = 1_000_000n;

export function percentOfFine(value: bigint, rate: bigint): bigint {
  return value * rate;
}

/** n / d rounded half away from zero. */
export function roundDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const abs = r < 0n ? -r : r;
  if (abs * 2n >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

export function compareUnits(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
