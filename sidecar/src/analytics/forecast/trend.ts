import { weeklyTotals, spreadProfile } from './adida';
import type { SeriesContext } from './types';

/**
 * Weekly totals with a robust straight line: the Theil–Sen slope (median of all pairwise slopes) and
 * median intercept of the last half year's weekly totals, extended week by week and spread over the
 * days by the weekday profile. Exponential smoothing with a trend learns the slope from noisy days
 * and single wholesale orders; a median of pairwise slopes over whole weeks shrugs off a few
 * outlying weeks (a giant order, a holiday week filled in from earlier weeks), so a steady climb
 * such as a shop's growth ahead of its season is followed instead of lagged.
 */

/** Weeks the line is fitted on: half a year, long enough for the median slope to ignore a few odd weeks. */
export const TREND_WEEKS = 26;
/** Fewer whole weeks than this: no slope is estimated (the line is flat at the weekly median). */
const MIN_WEEKS = 8;

export interface Line {
  /** Value at the first point. */
  intercept: number;
  slope: number;
}

/** Theil–Sen line through (i, x[i]): median pairwise slope, then the median of x[i] − slope·i. */
export function theilSen(x: readonly number[]): Line {
  if (x.length === 0) return { intercept: 0, slope: 0 };
  const slopes: number[] = [];
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) slopes.push((x[j]! - x[i]!) / (j - i));
  const slope = slopes.length ? medianOf(slopes) : 0;
  return { intercept: medianOf(x.map((v, i) => v - slope * i)), slope };
}

function medianOf(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

export function trendForecast(y: readonly number[], h: number, ctx: SeriesContext): number[] {
  const totals = weeklyTotals(y, ctx.season).slice(-TREND_WEEKS);
  if (totals.length < 2) return new Array<number>(h).fill(y.length ? Math.max(0, y.reduce((a, b) => a + b, 0) / y.length) : 0);
  const line = totals.length >= MIN_WEEKS ? theilSen(totals) : { intercept: medianOf(totals.slice()), slope: 0 };
  const lastWeek = line.intercept + line.slope * (totals.length - 1);
  // The last whole week is centred half a week (plus half a day) before the first forecast day.
  const weekly = (k: number) => Math.max(0, lastWeek + (line.slope * (k + (ctx.season + 1) / 2)) / ctx.season);
  return spreadProfile(y, h, ctx, weekly);
}
