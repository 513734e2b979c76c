import { fromUnits, roundDiv, toUnits } from '../../db/opencart/money';

/**
 * Exact decimal arithmetic for prices (bigint of 1/10000 units, like OpenCart's DECIMAL(15,4)): no float
 * ever touches an amount. Marketplace prices end in cents, so results are rounded to 0.01 at the end.
 */

export { toUnits, fromUnits };

const CENT = 100n; // 0.01 in 1/10000 units
const PERCENT_SCALE = 1_000_000n; // 100% in 1/10000-percent units

/** value × (1 + percent/100); percent is a decimal string or number (e.g. '12.5', -10). */
export function addPercent(value: bigint, percent: string | number): bigint {
  return roundDiv(value * (PERCENT_SCALE + toUnits(percent)), PERCENT_SCALE);
}

/** value × percent/100. */
export function percentOf(value: bigint, percent: string | number): bigint {
  return roundDiv(value * toUnits(percent), PERCENT_SCALE);
}

/**
 * A currency rate as OpenCart stores it (oc_currency.value, a DOUBLE with 8 decimals) in 1e-8 units.
 * Read as a number from the driver, it is printed with 8 decimals, which is exactly what the column holds.
 */
export function rateUnits(rate: string | number): bigint {
  const text = typeof rate === 'number' ? rate.toFixed(8) : rate.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new RangeError(`not a currency rate: ${JSON.stringify(rate)}`);
  const frac = (m[2] ?? '').padEnd(8, '0').slice(0, 8);
  return BigInt(m[1]! + frac);
}

/** amount × to / from, for rates relative to the same default currency (OpenCart: default = 1). */
export function convert(amount: bigint, fromRate: bigint, toRate: bigint): bigint {
  if (fromRate <= 0n || toRate <= 0n) throw new RangeError('currency rates must be positive');
  if (fromRate === toRate) return amount;
  return roundDiv(amount * toRate, fromRate);
}

export type RoundDirection = 'up' | 'down' | 'nearest';

/** Rounds to whole cents. */
export function toCents(value: bigint, direction: RoundDirection = 'nearest'): bigint {
  return snap(value, CENT, 0n, direction);
}

/**
 * The price on the grid { k·step + ending : k ≥ 0 } nearest to value in the given direction, e.g. step 1
 * ending 0.90 → 18.90, 19.90; step 10 ending 9.90 → 19.90, 29.90; step 0.05 ending 0 → 5-cent steps.
 * A value below the first grid point goes up to it (a price never rounds to below the grid's start).
 */
export function snap(value: bigint, step: bigint, ending: bigint, direction: RoundDirection): bigint {
  if (step <= 0n) throw new RangeError('rounding step must be positive');
  if (ending < 0n || ending >= step) throw new RangeError('rounding ending must be at least 0 and below the step');
  const shifted = value - ending;
  if (shifted <= 0n) return ending;
  const below = (shifted / step) * step + ending;
  if (below === value) return value;
  const above = below + step;
  if (direction === 'down') return below;
  if (direction === 'up') return above;
  return value - below < above - value ? below : above;
}

export function maxUnits(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function minUnits(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** '12.3400' → '12.34' style text with exactly 2 decimals (marketplace prices). */
export function centsText(value: bigint): string {
  const text = fromUnits(value);
  return text.slice(0, text.length - 2);
}
