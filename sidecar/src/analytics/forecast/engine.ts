import { adidaForecast } from './adida';
import { fillClosed } from './closures';
import { arimaForecast } from './arima';
import { etsForecast } from './ets';
import { trendForecast } from './trend';
import { sbaForecast, tsbForecast, zeroShare } from './intermittent';
import { conformalIntervals, conformalQuantiles, type IntervalBand, type Scaling } from './intervals';
import { seasonalNaive, weekdayProfile } from './naive';
import type { MethodName, PointForecaster, SeriesContext } from './types';

/**
 * Forecast one daily series: choose the method by an inner rolling-origin backtest on the history
 * (never on anything after the forecast origin), refit the winner on all of it, and put prediction
 * intervals around it from that same backtest's errors (empirical quantiles, i.e. split-conformal
 * intervals), widened for horizons beyond the inner windows by the error growth the backtest showed.
 */

const BASE: Record<Exclude<MethodName, 'combo'>, PointForecaster> = {
  snaive: seasonalNaive,
  ets: etsForecast,
  arima: arimaForecast,
  tsb: tsbForecast,
  sba: sbaForecast,
  adida: adidaForecast,
  trend: trendForecast,
};

export interface ForecastOptions {
  /** Methods to choose from; default depends on how sparse the series is (see defaultCandidates). */
  candidates?: MethodName[];
  /** Inner backtest windows (default 8), one week apart, each `innerHorizon` days long. */
  innerOrigins?: number;
  innerStep?: number;
  /** Inner window length: min(h, this) (default 28). */
  maxInnerHorizon?: number;
  /** Windows whose errors (of the chosen method) shape the intervals (default 16; at least innerOrigins). */
  intervalWindows?: number;
  /** Shortest history an inner fit gets (default 56 days). */
  minTrain?: number;
  /** The level of the series, only to pick default candidates: ARIMA is fitted on aggregates. */
  aggregate?: boolean;
  /** Calibrate the interval levels on the history's own windows (default true; false: plain split-conformal). */
  calibrateIntervals?: boolean;
}

export type { IntervalBand } from './intervals';

export interface SeriesForecast {
  method: MethodName;
  mean: number[];
  intervals: IntervalBand[];
  /** Inner backtest mean squared error per candidate (what the choice was made on). */
  scores: Partial<Record<MethodName, number>>;
  innerWindows: number;
  /** Fits that failed and fell back (ARIMA divergence), with reasons. */
  fallbacks: string[];
}

export const INTERVAL_LEVELS = [0.8, 0.95] as const;

/**
 * Sparse series get the intermittent methods; ARIMA (~10 ms a fit) and the weekly trend line only
 * dense aggregates: a slope through a product's sparse weekly counts is mostly noise.
 */
export function defaultCandidates(y: readonly number[], aggregate: boolean): MethodName[] {
  if (!isDense(y, aggregate)) return ['snaive', 'ets', 'tsb', 'sba', 'adida', 'combo'];
  return ['snaive', 'ets', 'arima', 'tsb', 'adida', 'trend', 'combo'];
}

function isDense(y: readonly number[], aggregate: boolean): boolean {
  return aggregate && zeroShare(y.slice(-182)) <= 0.3;
}

type ComboMembers = readonly Exclude<MethodName, 'combo' | 'snaive' | 'sba'>[];
/** What `combo` averages: every dense method but the baseline on dense aggregates; ets, adida and tsb on sparse series. */
const DENSE_COMBO: ComboMembers = ['ets', 'arima', 'adida', 'trend'];
const SPARSE_COMBO: ComboMembers = ['ets', 'adida', 'tsb'];

function runMethods(methods: MethodName[], y: readonly number[], h: number, given: SeriesContext, fallbacks: string[], members: ComboMembers): Map<MethodName, number[]> {
  // Without a parent profile, a series spreads its rate by its own weekday pattern (from this history only).
  const ctx: SeriesContext = given.profile ? given : { ...given, profile: weekdayProfile(y, given.firstWeekday) };
  const out = new Map<MethodName, number[]>();
  const onFallback = (reason: string) => fallbacks.push(reason);
  for (const m of methods) {
    if (m === 'combo') continue;
    out.set(m, m === 'arima' ? arimaForecast(y, h, ctx, onFallback) : BASE[m](y, h, ctx));
  }
  if (methods.includes('combo')) {
    const parts = members.map((m) => out.get(m) ?? (m === 'arima' ? arimaForecast(y, h, ctx, onFallback) : BASE[m](y, h, ctx)));
    out.set('combo', Array.from({ length: h }, (_, k) => parts.reduce((s, f) => s + f[k]!, 0) / parts.length));
  }
  return out;
}

export function forecastSeries(y: readonly number[], h: number, ctx: SeriesContext, options: ForecastOptions = {}): SeriesForecast {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a whole number of days ≥ 1, got ${h}`);
  const candidates = options.candidates ?? defaultCandidates(y, options.aggregate ?? false);
  const members = isDense(y, options.aggregate ?? false) ? DENSE_COMBO : SPARSE_COMBO;
  const innerH = Math.min(h, options.maxInnerHorizon ?? 28);
  const step = options.innerStep ?? 7;
  const minTrain = Math.max(ctx.season * 2, options.minTrain ?? 56);
  const maxWindows = options.innerOrigins ?? 8;
  const fallbacks: string[] = [];

  // errors[method][window*innerH + k]; the chosen method's forecasts are kept for relative errors.
  const errors = new Map<MethodName, number[]>(candidates.map((c) => [c, []]));
  const forecasts = new Map<MethodName, number[]>(candidates.map((c) => [c, []]));
  let windows = 0;
  // Closed days are fitted on as if open (filled from earlier weeks) and forecast as nothing.
  const closed = ctx.closed;
  const fitY = closed ? fillClosed(y, closed) : y;
  const shut = (fc: number[], from: number) => (closed ? fc.map((v, k) => (closed[from + k] ? 0 : v)) : fc);
  const innerWindow = (j: number, methods: MethodName[]): boolean => {
    const origin = y.length - innerH - step * j;
    if (origin < minTrain) return false;
    const fcs = runMethods(methods, fitY.slice(0, origin), innerH, ctx, fallbacks, members);
    for (const [m, fc] of fcs) {
      if (!methods.includes(m)) continue;
      const f = shut(fc, origin);
      const e = errors.get(m)!;
      const kept = forecasts.get(m)!;
      for (let k = 0; k < innerH; k++) (e.push(y[origin + k]! - f[k]!), kept.push(f[k]!));
    }
    return true;
  };
  while (windows < maxWindows && innerWindow(windows, candidates)) windows++;

  const scores: Partial<Record<MethodName, number>> = {};
  let method: MethodName = y.length >= ctx.season * 2 ? 'ets' : 'snaive';
  if (windows > 0) {
    let best = Infinity;
    for (const c of candidates) {
      const e = errors.get(c)!;
      const score = e.reduce((s, v) => s + v * v, 0) / e.length;
      scores[c] = score;
      // Candidates are listed simplest first, so ties keep the simpler method.
      if (score < best - 1e-12) {
        best = score;
        method = c;
      }
    }
  }
  // More windows for the winner alone: a larger, less recent-only error sample for the intervals.
  let intervalWindows = windows;
  if (windows === maxWindows) while (intervalWindows < (options.intervalWindows ?? 16) && innerWindow(intervalWindows, [method])) intervalWindows++;

  const mean = shut(runMethods([method], fitY, h, ctx, fallbacks, members).get(method)!, y.length);
  const scaling: Scaling = isDense(y, options.aggregate ?? false) ? 'relative' : 'sqrt-level';
  const bands =
    intervalWindows > 0
      ? conformalIntervals(mean, { errors: errors.get(method)!, forecasts: forecasts.get(method)!, innerH, step, historyLength: y.length }, { firstWeekday: ctx.firstWeekday, scaling, calibrate: options.calibrateIntervals ?? true, ...(closed ? { closed } : {}) }, INTERVAL_LEVELS)
      : INTERVAL_LEVELS.map((level) => flatBand(mean, seasonalDifferences(fitY, ctx.season), level));
  const intervals = bands.map((b) => ({ level: b.level, lower: shut(b.lower, y.length), upper: shut(b.upper, y.length) }));
  return { method, mean, intervals, scores, innerWindows: windows, fallbacks };
}

/** In-sample seasonal differences: a stand-in error sample when the history is too short to backtest. */
function seasonalDifferences(y: readonly number[], m: number): number[] {
  const out: number[] = [];
  for (let t = m; t < y.length; t++) out.push(y[t]! - y[t - m]!);
  return out.length ? out : [0];
}

/** A band of constant width from an absolute error sample (too little history for inner windows). */
function flatBand(mean: readonly number[], sample: readonly number[], level: number): IntervalBand {
  const [qLo, qHi] = conformalQuantiles(sample, 1 - level);
  return { level, lower: mean.map((m) => Math.max(0, m + qLo)), upper: mean.map((m) => Math.max(0, m + qHi)) };
}
