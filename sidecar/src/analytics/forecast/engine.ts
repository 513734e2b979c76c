import { adidaForecast } from './adida';
import { arimaForecast } from './arima';
import { etsForecast } from './ets';
import { sbaForecast, tsbForecast, zeroShare } from './intermittent';
import { quantile } from './metrics';
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
};

export interface ForecastOptions {
  /** Methods to choose from; default depends on how sparse the series is (see defaultCandidates). */
  candidates?: MethodName[];
  /** Inner backtest windows (default 8), one week apart, each `innerHorizon` days long. */
  innerOrigins?: number;
  innerStep?: number;
  /** Inner window length: min(h, this) (default 28). */
  maxInnerHorizon?: number;
  /** Shortest history an inner fit gets (default 56 days). */
  minTrain?: number;
  /** The level of the series, only to pick default candidates: ARIMA is fitted on aggregates. */
  aggregate?: boolean;
}

export interface IntervalBand {
  level: number;
  lower: number[];
  upper: number[];
}

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

/** Sparse series get the intermittent methods; ARIMA only on dense aggregates (its cost is ~10 ms a fit). */
export function defaultCandidates(y: readonly number[], aggregate: boolean): MethodName[] {
  const recent = y.slice(-182);
  const sparse = zeroShare(recent) > 0.3;
  if (sparse || !aggregate) return ['snaive', 'ets', 'tsb', 'sba', 'adida', 'combo'];
  return ['snaive', 'ets', 'arima', 'tsb', 'adida', 'combo'];
}

function runMethods(methods: MethodName[], y: readonly number[], h: number, given: SeriesContext, fallbacks: string[]): Map<MethodName, number[]> {
  // Without a parent profile, a series spreads its rate by its own weekday pattern (from this history only).
  const ctx: SeriesContext = given.profile ? given : { ...given, profile: weekdayProfile(y, given.firstWeekday) };
  const out = new Map<MethodName, number[]>();
  const onFallback = (reason: string) => fallbacks.push(reason);
  for (const m of methods) {
    if (m === 'combo') continue;
    out.set(m, m === 'arima' ? arimaForecast(y, h, ctx, onFallback) : BASE[m](y, h, ctx));
  }
  if (methods.includes('combo')) {
    const parts = (['ets', 'adida', 'tsb', 'arima'] as const).map((m) => out.get(m) ?? (m === 'arima' ? undefined : BASE[m](y, h, ctx))).filter((f): f is number[] => !!f);
    out.set('combo', Array.from({ length: h }, (_, k) => parts.reduce((s, f) => s + f[k]!, 0) / parts.length));
  }
  return out;
}

export function forecastSeries(y: readonly number[], h: number, ctx: SeriesContext, options: ForecastOptions = {}): SeriesForecast {
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`horizon must be a whole number of days ≥ 1, got ${h}`);
  const candidates = options.candidates ?? defaultCandidates(y, options.aggregate ?? false);
  const innerH = Math.min(h, options.maxInnerHorizon ?? 28);
  const step = options.innerStep ?? 7;
  const minTrain = Math.max(ctx.season * 2, options.minTrain ?? 56);
  const maxWindows = options.innerOrigins ?? 8;
  const fallbacks: string[] = [];

  // errors[method][window*innerH + k]
  const errors = new Map<MethodName, number[]>(candidates.map((c) => [c, []]));
  let windows = 0;
  for (let j = 0; j < maxWindows; j++) {
    const origin = y.length - innerH - step * j;
    if (origin < minTrain) break;
    const train = y.slice(0, origin);
    const fcs = runMethods(candidates, train, innerH, ctx, fallbacks);
    for (const [m, fc] of fcs) {
      const e = errors.get(m)!;
      for (let k = 0; k < innerH; k++) e.push(y[origin + k]! - fc[k]!);
    }
    windows++;
  }

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

  const finalMethods: MethodName[] = method === 'combo' ? ['ets', 'adida', 'tsb', ...(candidates.includes('arima') ? (['arima'] as const) : []), 'combo'] : [method];
  const mean = runMethods(finalMethods, y, h, ctx, fallbacks).get(method)!;
  const residuals = windows > 0 ? errors.get(method)! : seasonalDifferences(y, ctx.season);
  const intervals = INTERVAL_LEVELS.map((level) => band(mean, residuals, windows > 0 ? innerH : 1, level));
  return { method, mean, intervals, scores, innerWindows: windows, fallbacks };
}

/** In-sample seasonal differences: a stand-in error sample when the history is too short to backtest. */
function seasonalDifferences(y: readonly number[], m: number): number[] {
  const out: number[] = [];
  for (let t = m; t < y.length; t++) out.push(y[t]! - y[t - m]!);
  return out.length ? out : [0];
}

/**
 * Interval = point + empirical error quantiles. Errors are pooled over the inner steps (there are too
 * few per step), their spread is referred to the middle step, and scaled to step k by (k / kRef)^b,
 * where b (0 … 0.5: flat up to random-walk growth) is read from how the errors grew inside the windows.
 */
function band(mean: readonly number[], errors: readonly number[], innerH: number, level: number): IntervalBand {
  const alpha = 1 - level;
  const n = errors.length;
  // Finite-sample (conformal) correction of the quantile levels.
  const lo = Math.max(0, Math.floor((alpha / 2) * (n + 1)) / n);
  const hi = Math.min(1, Math.ceil((1 - alpha / 2) * (n + 1)) / n);
  const qLo = quantile(errors, lo);
  const qHi = quantile(errors, hi);
  const b = growthExponent(errors, innerH);
  const kRef = (innerH + 1) / 2;
  const lower: number[] = [];
  const upper: number[] = [];
  for (let k = 0; k < mean.length; k++) {
    const g = innerH > 1 ? Math.pow((k + 1) / kRef, b) : 1;
    lower.push(Math.max(0, mean[k]! + qLo * g));
    upper.push(Math.max(0, mean[k]! + qHi * g));
  }
  return { level, lower, upper };
}

function growthExponent(errors: readonly number[], innerH: number): number {
  if (innerH < 8) return 0;
  const half = Math.floor(innerH / 2);
  let early = 0;
  let late = 0;
  let ne = 0;
  let nl = 0;
  for (let i = 0; i < errors.length; i++) {
    const k = i % innerH;
    if (k < half) (early += Math.abs(errors[i]!), ne++);
    else (late += Math.abs(errors[i]!), nl++);
  }
  if (early <= 0 || ne === 0 || nl === 0) return 0;
  const ratio = late / nl / (early / ne);
  const kEarly = (half + 1) / 2;
  const kLate = (half + 1 + innerH) / 2;
  const b = Math.log(Math.max(ratio, 1e-9)) / Math.log(kLate / kEarly);
  return Math.min(0.5, Math.max(0, b));
}
