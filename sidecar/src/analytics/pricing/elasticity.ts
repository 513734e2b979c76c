import { poissonRegression } from './glm';

/**
 * Price elasticity from the shop's own price changes: log E[units/day] = a + β·log(price) + weekday
 * effects + a slow trend, fitted as a Poisson GLM (glm.ts) over the days a product was on sale. β is
 * the elasticity (−1.5: a 10 % price rise costs about 15 % of units). Without real price variation
 * there is nothing to learn, so the estimate is refused rather than invented; a category can then be
 * estimated by pooling its products (each with its own level) for a shared β.
 */

export interface PriceSeries {
  key: string;
  units: readonly number[];
  price: readonly number[];
  /** Weekday (0 = Sunday) of index 0. */
  firstWeekday: number;
  /** Indices before this are ignored (e.g. before the product's first sale). */
  from?: number;
}

export type Confidence = 'low' | 'medium' | 'high';

export interface ElasticityEstimate {
  scope: 'product' | 'category';
  elasticity: number;
  se: number;
  ci95: [number, number];
  /** True when the 95 % interval excludes 0. */
  significant: boolean;
  confidence: Confidence;
  days: number;
  priceLevels: number;
  priceRange: [number, number];
  dispersion: number;
}

export class ElasticityUnavailable extends Error {
  override name = 'ElasticityUnavailable';
  constructor(
    readonly code: 'no_price_variation' | 'too_few_days' | 'no_sales' | 'singular',
    message: string,
  ) {
    super(message);
  }
}

export interface ElasticityOptions {
  /** Weekdays to leave out (shop closed), 0 = Sunday. */
  closedWeekdays?: readonly number[];
  /** A price level needs this many days to count (default 7). */
  minDaysPerLevel?: number;
  minDays?: number;
}

/** Price levels: prices within 1 % of each other are one level. */
function priceLevels(prices: readonly number[], minDays: number): number[] {
  const counts = new Map<number, number>();
  for (const p of prices) {
    const level = Math.round(Math.log(p) * 100);
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  return [...counts.entries()].filter(([, n]) => n >= minDays).map(([l]) => l);
}

function confidenceOf(beta: number, se: number): Confidence {
  const half = 1.96 * se;
  if (Math.abs(beta) <= half) return 'low';
  return half <= 0.3 ? 'high' : 'medium';
}

export function estimateElasticity(series: readonly PriceSeries[], options: ElasticityOptions = {}): ElasticityEstimate {
  const closed = new Set(options.closedWeekdays ?? []);
  const open = [0, 1, 2, 3, 4, 5, 6].filter((w) => !closed.has(w));
  const weekdayColumns = open.slice(1);
  const pooled = series.length > 1;
  const x: number[][] = [];
  const y: number[] = [];
  const allPrices: number[] = [];
  let levels = 0;
  const usable = series.filter((s) => s.units.some((u) => u > 0));
  if (usable.length === 0) throw new ElasticityUnavailable('no_sales', 'no sales in the window');
  const totalDays = usable.reduce((m, s) => Math.max(m, s.units.length), 0);
  usable.forEach((s, si) => {
    const prices: number[] = [];
    for (let t = s.from ?? 0; t < s.units.length; t++) {
      const wd = (s.firstWeekday + t) % 7;
      const p = s.price[t]!;
      if (closed.has(wd) || !(p > 0)) continue;
      const row = [1, Math.log(p)];
      for (const w of weekdayColumns) row.push(wd === w ? 1 : 0);
      row.push((t - totalDays / 2) / 365);
      if (pooled) for (let j = 1; j < usable.length; j++) row.push(si === j ? 1 : 0);
      x.push(row);
      y.push(s.units[t]!);
      prices.push(p);
    }
    levels = Math.max(levels, priceLevels(prices, options.minDaysPerLevel ?? 7).length);
    allPrices.push(...prices);
  });
  if (y.length < (options.minDays ?? 56)) throw new ElasticityUnavailable('too_few_days', `only ${y.length} days on sale (need ${options.minDays ?? 56})`);
  if (levels < 2) throw new ElasticityUnavailable('no_price_variation', 'the price never changed long enough to measure a reaction (needs two price levels of a week or more)');
  let fit;
  try {
    fit = poissonRegression(x, y);
  } catch (err) {
    throw new ElasticityUnavailable('singular', (err as Error).message);
  }
  const beta = fit.coefficients[1]!;
  const se = fit.se[1]!;
  return {
    scope: pooled ? 'category' : 'product',
    elasticity: beta,
    se,
    ci95: [beta - 1.96 * se, beta + 1.96 * se],
    significant: Math.abs(beta) > 1.96 * se,
    confidence: confidenceOf(beta, se),
    days: y.length,
    priceLevels: levels,
    priceRange: [Math.min(...allPrices), Math.max(...allPrices)],
    dispersion: fit.dispersion,
  };
}
