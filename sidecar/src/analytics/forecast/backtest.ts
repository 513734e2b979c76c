import { forecastSeries, type ForecastOptions, type SeriesForecast } from './engine';
import { closureFlags, type HolidayCalendar } from './closures';
import { coverage, mase, maseScale, rmsse, rmsseScale } from './metrics';
import { weekdayProfile } from './naive';
import type { MethodName } from './types';

/**
 * Rolling-origin evaluation (Tashman 2000): at each origin every series is refitted on the days before
 * it only, forecast once for the longest horizon, and scored on each horizon's first days. MASE and
 * RMSSE are scaled per series and origin by the in-sample seasonal-naive error, then averaged; WAPE,
 * bias and interval coverage are pooled over all forecast days.
 */

export type EvaluatedMethod = MethodName | 'auto';

export interface BacktestSeries {
  key: string;
  /** Daily values, oldest first; y[0] falls on `firstWeekday`. */
  y: readonly number[];
}

export interface BacktestSpec {
  /** Indices into y of the first forecast day of each origin. */
  origins: readonly number[];
  horizons: readonly number[];
  firstWeekday: number;
  season?: number;
  /** At most this many days of history before each origin (default 728). */
  maxHistory?: number;
  /** Weekday profile source (the store series): its shares before each origin feed sparse series. */
  profileSource?: readonly number[];
  /** Only series that sold something in the 91 days before an origin are scored there (default true). */
  requireRecentSales?: boolean;
  /** Score only the top N series by volume in the 91 days before each origin (chosen on that history only). */
  perOriginLimit?: number;
  aggregate?: boolean;
  /**
   * The store series whose closed days (holidays, shutdowns) apply to every series, with the day
   * index of its first value and the public holidays of the shop's country: read before each origin
   * only. The seasonal-naive baseline never gets them: it stays the textbook baseline.
   */
  closures?: { store: readonly number[]; startDay: number; holidays?: HolidayCalendar };
  /** Called between series so long runs can yield to the event loop. */
  tick?: () => Promise<void> | void;
}

export interface MethodScore {
  method: EvaluatedMethod;
  horizon: number;
  /** Series × origins scored. */
  n: number;
  origins: number;
  mase: number;
  rmsse: number;
  wape: number;
  bias: number;
  coverage80: number;
  coverage95: number;
}

interface Accumulator {
  mase: number[];
  rmsse: number[];
  absErr: number;
  sumErr: number;
  sumY: number;
  in80: number;
  in95: number;
  points: number;
  origins: Set<number>;
}

function forecastWith(method: EvaluatedMethod, train: readonly number[], h: number, ctx: Parameters<typeof forecastSeries>[2], aggregate: boolean): SeriesForecast {
  const options: ForecastOptions = { aggregate };
  if (method !== 'auto') options.candidates = [method];
  return forecastSeries(train, h, ctx, options);
}

export async function backtest(series: readonly BacktestSeries[], methods: readonly EvaluatedMethod[], spec: BacktestSpec): Promise<MethodScore[]> {
  const m = spec.season ?? 7;
  const maxH = Math.max(...spec.horizons);
  const maxHistory = spec.maxHistory ?? 728;
  const acc = new Map<string, Accumulator>();
  const slot = (method: EvaluatedMethod, h: number): Accumulator => {
    const key = `${method}|${h}`;
    let a = acc.get(key);
    if (!a) {
      a = { mase: [], rmsse: [], absErr: 0, sumErr: 0, sumY: 0, in80: 0, in95: 0, points: 0, origins: new Set() };
      acc.set(key, a);
    }
    return a;
  };

  for (const origin of spec.origins) {
    const start = Math.max(0, origin - maxHistory);
    const firstWeekday = (spec.firstWeekday + start) % 7;
    const profile = spec.profileSource ? weekdayProfile(spec.profileSource.slice(start, origin), firstWeekday) : undefined;
    const ctx = { season: m, firstWeekday, ...(profile ? { profile } : {}) };
    const c = spec.closures;
    const closed = c ? closureFlags(c.store.slice(start, origin), c.startDay + start, maxH, c.holidays) : undefined;
    for (const s of pick(series, origin, spec.perOriginLimit)) {
      if (origin + maxH > s.y.length) throw new RangeError(`series ${s.key}: origin ${origin} + ${maxH} days runs past its end (${s.y.length})`);
      const train = s.y.slice(start, origin);
      if (spec.requireRecentSales !== false && !train.slice(-91).some((v) => v > 0)) continue;
      const scaleA = maseScale(train, m);
      const scaleS = rmsseScale(train, m);
      if (!(scaleA > 0) || !(scaleS > 0)) continue;
      for (const method of methods) {
        // The baseline goes through the same path (inner backtest → empirical intervals), so its coverage compares.
        const f = forecastWith(method, train, maxH, closed && method !== 'snaive' ? { ...ctx, closed } : ctx, spec.aggregate ?? false);
        for (const h of spec.horizons) {
          const actual = s.y.slice(origin, origin + h);
          const mean = f.mean.slice(0, h);
          const a = slot(method, h);
          a.origins.add(origin);
          a.mase.push(mase(actual, mean, scaleA));
          a.rmsse.push(rmsse(actual, mean, scaleS));
          const b80 = f.intervals.find((b) => b.level === 0.8)!;
          const b95 = f.intervals.find((b) => b.level === 0.95)!;
          a.in80 += coverage(actual, b80.lower.slice(0, h), b80.upper.slice(0, h)) * h;
          a.in95 += coverage(actual, b95.lower.slice(0, h), b95.upper.slice(0, h)) * h;
          a.points += h;
          for (let k = 0; k < h; k++) {
            a.absErr += Math.abs(actual[k]! - mean[k]!);
            a.sumErr += mean[k]! - actual[k]!;
            a.sumY += actual[k]!;
          }
        }
      }
      await spec.tick?.();
    }
  }

  const out: MethodScore[] = [];
  for (const method of methods) {
    for (const h of spec.horizons) {
      const a = acc.get(`${method}|${h}`);
      if (!a || a.mase.length === 0) continue;
      out.push({
        method,
        horizon: h,
        n: a.mase.length,
        origins: a.origins.size,
        mase: avg(a.mase),
        rmsse: avg(a.rmsse),
        wape: a.sumY > 0 ? a.absErr / a.sumY : Number.NaN,
        bias: a.sumY > 0 ? a.sumErr / a.sumY : Number.NaN,
        coverage80: a.in80 / a.points,
        coverage95: a.in95 / a.points,
      });
    }
  }
  return out;
}

function pick(series: readonly BacktestSeries[], origin: number, limit: number | undefined): readonly BacktestSeries[] {
  if (limit === undefined || series.length <= limit) return series;
  const recent = (s: BacktestSeries) => {
    let sum = 0;
    for (let t = Math.max(0, origin - 91); t < origin; t++) sum += s.y[t]!;
    return sum;
  };
  return series
    .map((s) => ({ s, v: recent(s) }))
    .sort((a, b) => b.v - a.v || (a.s.key < b.s.key ? -1 : 1))
    .slice(0, limit)
    .map((x) => x.s);
}

function avg(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Origins `step` days apart, the last one leaving `lastHorizon` days of actuals before `length`. */
export function rollingOrigins(length: number, count: number, step: number, lastHorizon: number): number[] {
  const last = length - lastHorizon;
  const out: number[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(last - i * step);
  if (out[0]! < 1) throw new RangeError(`not enough history for ${count} origins ${step} days apart and a ${lastHorizon}-day horizon (${length} days)`);
  return out;
}
