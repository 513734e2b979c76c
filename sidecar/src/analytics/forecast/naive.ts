import type { SeriesContext } from './types';

/** Seasonal naive: every day repeats the same weekday of the last observed week (the baseline). */
export function seasonalNaive(y: readonly number[], h: number, ctx: Pick<SeriesContext, 'season'>): number[] {
  const m = ctx.season;
  const n = y.length;
  if (n === 0) return new Array<number>(h).fill(0);
  const out = new Array<number>(h);
  for (let k = 0; k < h; k++) {
    // y[n - m + (k mod m)] is the same season position in the last full cycle.
    const idx = n < m ? n - 1 : n - m + (k % m);
    out[k] = Math.max(0, y[idx]!);
  }
  return out;
}

/** Weekday shares of total volume over the last `weeks` whole weeks (sum 1; uniform when empty). */
export function weekdayProfile(y: readonly number[], firstWeekday: number, weeks = 16): number[] {
  const sums = new Array<number>(7).fill(0);
  const start = Math.max(0, y.length - weeks * 7);
  for (let t = start; t < y.length; t++) sums[(firstWeekday + t) % 7]! += Math.max(0, y[t]!);
  const total = sums.reduce((a, b) => a + b, 0);
  return total > 0 ? sums.map((s) => s / total) : new Array<number>(7).fill(1 / 7);
}
