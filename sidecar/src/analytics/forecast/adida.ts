import { weekdayProfile } from './naive';
import type { SeriesContext } from './types';

/**
 * ADIDA (Nikolopoulos et al. 2011): aggregate the days into whole weeks counted back from the end,
 * forecast the weekly totals with simple exponential smoothing (less noise than any single day), then
 * disaggregate each week over its days by the weekday profile: the series' own when it sells most days,
 * else the parent's (store) profile.
 */

const ALPHAS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6];

export function sesForecastLevel(x: readonly number[]): number {
  if (x.length === 0) return 0;
  let best = { sse: Infinity, level: x[0]! };
  for (const a of ALPHAS) {
    let level = x[0]!;
    let sse = 0;
    for (let t = 1; t < x.length; t++) {
      const e = x[t]! - level;
      sse += e * e;
      level += a * e;
    }
    if (sse < best.sse) best = { sse, level };
  }
  return best.level;
}

/** Whole weeks counted back from the last day (a leading partial week is left out). */
export function weeklyTotals(y: readonly number[], m: number): number[] {
  const weeks = Math.floor(y.length / m);
  const start = y.length - weeks * m;
  const totals: number[] = [];
  for (let w = 0; w < weeks; w++) {
    let s = 0;
    for (let d = 0; d < m; d++) s += y[start + w * m + d]!;
    totals.push(s);
  }
  return totals;
}

/**
 * Day k's share of its week's total `weekly(k)`: the series' own weekday profile when it sells on
 * most days, else the parent's (store) profile.
 */
export function spreadProfile(y: readonly number[], h: number, ctx: SeriesContext, weekly: (k: number) => number): number[] {
  const m = ctx.season;
  let nonZero = 0;
  const recent = y.slice(-16 * m);
  for (const v of recent) if (v > 0) nonZero++;
  const own = nonZero >= recent.length * 0.5;
  const profile = own || !ctx.profile ? weekdayProfile(y, ctx.firstWeekday, 16) : ctx.profile;
  const out = new Array<number>(h);
  for (let k = 0; k < h; k++) out[k] = Math.max(0, weekly(k) * profile[(ctx.firstWeekday + y.length + k) % 7]!);
  return out;
}

export function adidaForecast(y: readonly number[], h: number, ctx: SeriesContext): number[] {
  const totals = weeklyTotals(y, ctx.season);
  if (totals.length < 2) return new Array<number>(h).fill(y.length ? y.reduce((a, b) => a + b, 0) / y.length : 0);
  const weekly = sesForecastLevel(totals);
  return spreadProfile(y, h, ctx, () => weekly);
}
