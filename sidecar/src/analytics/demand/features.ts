import { dayOfMonth, monthOf } from '../calendar';

/**
 * Feature rows for the demand forest. A row describes one product at one origin day t (everything it
 * uses is known at the end of day t − 1, apart from specials, which are scheduled in advance), and its
 * target is the units sold over the next `horizon` days from t, as a ratio to the product's level.
 */

export interface DemandInputs {
  /** Daily units, oldest first. */
  units: readonly number[];
  /** Offered price per day (data/price-history.ts). */
  price: readonly number[];
  /** 1 when a special ran that day (known ahead: specials have dates). */
  special: readonly number[];
  /** Daily units that came through marketplaces (imported orders); zeros when none. */
  marketplaceUnits?: readonly number[];
  /** Shop-local day index of units[0]. */
  startDay: number;
}

/**
 * Rates are given relative to the level so that one forest serves big and small products alike; the
 * level itself enters as its logarithm (small products revert to the mean more than big ones).
 */
export const FEATURE_NAMES = [
  'month',
  'day_of_month',
  'rate7_to_level',
  'rate28_to_level',
  'rate91_to_level',
  'week2_to_level',
  'log_level',
  'selling_days28',
  'days_since_sale',
  'max_day_share28',
  'price_ratio91',
  'special_now',
  'special_share_ahead',
  'marketplace_share28',
  'trend28_91',
] as const;

/** Rows need this much history before the origin. */
export const MIN_HISTORY = 28;

function sum(a: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i < to; i++) s += a[i]!;
  return s;
}

function medianOf(a: readonly number[], from: number, to: number): number {
  const xs = a.slice(Math.max(0, from), to).filter((v) => v > 0).sort((x, y) => x - y);
  if (xs.length === 0) return 0;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * The product's daily level at origin t, robust to one wholesale week: the last four weekly sums with
 * the largest replaced by the second largest, over 28 days. A single trade order can multiply a week's
 * units; the plain 28-day rate then sets the ratio target of the following weeks far below 1, and the
 * forest learns "after a spike, sales collapse" from what are in fact ordinary weeks. The level is kept
 * above a quarter of the 91-day rate (and 0.02 a day) so that intermittent products still have one.
 */
export function demandLevel(inp: DemandInputs, t: number): number {
  const weeks = [0, 1, 2, 3].map((i) => sum(inp.units, t - 7 * (i + 1), t - 7 * i)).sort((a, b) => a - b);
  const winsorised = (weeks[0]! + weeks[1]! + 2 * weeks[2]!) / 28;
  const span91 = Math.min(91, Math.max(1, t));
  return Math.max(winsorised, sum(inp.units, t - 91, t) / span91 / 4, 0.02);
}

/**
 * The inputs as a forecaster at origin t could have seen them. OpenCart records no creation date on
 * product_special, so a special that starts after t may have been entered after t: a backtest scoring
 * it as known would credit the model with foresight it did not have. Kept after t: only the run of
 * special days that was already going on the day before t (a running special was entered by then).
 * Live forecasts need none of this: every special scheduled today is known today.
 */
export function knownAt(inp: DemandInputs, t: number): DemandInputs {
  const special = inp.special.slice(0, Math.max(0, t));
  let running = t > 0 && (inp.special[t - 1] ?? 0) > 0;
  for (let d = Math.max(0, t); d < inp.special.length; d++) {
    running = running && (inp.special[d] ?? 0) > 0;
    special.push(running ? inp.special[d]! : 0);
  }
  return { ...inp, special };
}

/** Features at origin t (t may equal units.length: the day after the history, for prediction). */
export function featuresAt(inp: DemandInputs, t: number, horizon: number, level = demandLevel(inp, t)): number[] {
  const day = inp.startDay + t;
  const r7 = sum(inp.units, t - 7, t) / 7;
  const r28 = sum(inp.units, t - 28, t) / 28;
  const span91 = Math.min(91, t);
  const r91 = span91 > 0 ? sum(inp.units, t - span91, t) / span91 : 0;
  const week2 = sum(inp.units, t - 14, t - 7) / 7;
  let selling = 0;
  let maxDay = 0;
  for (let i = Math.max(0, t - 28); i < t; i++) {
    if (inp.units[i]! > 0) selling++;
    maxDay = Math.max(maxDay, inp.units[i]!);
  }
  let since = 0;
  while (since < 365 && t - 1 - since >= 0 && inp.units[t - 1 - since]! <= 0) since++;
  const lastPrice = inp.price[Math.min(t, inp.price.length) - 1] ?? 0;
  const med = medianOf(inp.price, t - 91, t);
  // Specials are scheduled: the share of the target window they cover is known at the origin.
  let ahead = 0;
  for (let k = 0; k < horizon; k++) ahead += inp.special[t + k] ?? inp.special[inp.special.length - 1] ?? 0;
  const mp = inp.marketplaceUnits ? sum(inp.marketplaceUnits, t - 28, t) : 0;
  const total28 = r28 * 28;
  return [
    monthOf(day),
    dayOfMonth(day),
    r7 / level,
    r28 / level,
    r91 / level,
    week2 / level,
    Math.log(level),
    selling / 28,
    since,
    total28 > 0 ? maxDay / total28 : 0,
    med > 0 ? lastPrice / med : 1,
    inp.special[t - 1] ?? 0,
    ahead / horizon,
    total28 > 0 ? mp / total28 : 0,
    r91 > 0 ? r28 / r91 : 1,
  ];
}

export interface TrainingRows {
  x: number[][];
  /** Units over the target window. */
  y: number[];
  /** The origin of each row. */
  t: number[];
  /** The product's level at each origin. */
  level: number[];
}

/** Training rows at every `step`-th origin whose target window ends by `end` (default: the history's end). */
export function trainingRows(inp: DemandInputs, horizon: number, step: number, end = inp.units.length): TrainingRows {
  const rows: TrainingRows = { x: [], y: [], t: [], level: [] };
  for (let t = MIN_HISTORY; t + horizon <= end; t += step) {
    const level = demandLevel(inp, t);
    rows.x.push(featuresAt(inp, t, horizon, level));
    rows.y.push(sum(inp.units, t, t + horizon));
    rows.t.push(t);
    rows.level.push(level);
  }
  return rows;
}
