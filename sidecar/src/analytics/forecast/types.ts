/** What every point forecaster gets besides the history. */
export interface SeriesContext {
  /** Season length in days (7: the shopping week). */
  season: number;
  /** Weekday (0 = Sunday) of y[0], so weekday profiles line up with the history. */
  firstWeekday: number;
  /**
   * Weekday shares of volume (index = weekday, sum 1) from a parent series (the store), used by
   * methods that cannot learn a weekly pattern from a sparse series; closed days get share ≈ 0.
   */
  profile?: readonly number[];
  /**
   * Days the shop does not trade beyond its closed weekdays (holidays, shutdowns), index 0 = y[0],
   * running on through the horizon: fitted on as if open (filled from earlier weeks), forecast as 0.
   */
  closed?: readonly boolean[];
}

/** Fits on y (daily values, oldest first) and returns h point forecasts (finite, ≥ 0). */
export type PointForecaster = (y: readonly number[], h: number, ctx: SeriesContext) => number[];

/**
 * snaive: seasonal naive (the baseline); ets: exponential smoothing with weekly season; arima: SARIMA;
 * tsb / sba: intermittent-demand methods; adida: weekly aggregation + smoothing, spread by weekday;
 * trend: a robust (Theil–Sen) line through the last half year's weekly totals, spread by weekday;
 * combo: the mean of ets, adida and tsb (sparse) or ets, arima, adida and trend (dense aggregates):
 * combinations are hard to beat (M4).
 */
export const METHOD_NAMES = ['snaive', 'ets', 'arima', 'tsb', 'sba', 'adida', 'trend', 'combo'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
