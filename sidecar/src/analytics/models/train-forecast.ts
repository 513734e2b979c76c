import { dayString } from '../calendar';
import { backtest, type BacktestSeries, type MethodScore } from '../forecast/backtest';
import { closureFlags, holidayCalendarFor } from '../forecast/closures';
import { forecastSeries, type SeriesForecast } from '../forecast/engine';
import type { Snapshot } from './snapshot';
import type { AnalyticsOptions } from './options';
import type { PerformanceRow, PredictionRow } from './store';

/**
 * One forecasting run: a rolling-origin backtest of the per-series method choice against seasonal
 * naive at store, category and product level (origins 28 days apart, each refit on earlier days
 * only), then the forecasts themselves for every series from today on, stored with their intervals.
 */

export interface ForecastRunResult {
  performance: PerformanceRow[];
  predictions: PredictionRow[];
  params: Record<string, unknown>;
}

const HORIZONS = [7, 30, 90];
const round = (x: number) => Math.round(x * 1000) / 1000;

export interface ForecastPayload {
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  scores: Partial<Record<string, number>>;
}

export function toPayload(f: SeriesForecast): ForecastPayload {
  const b80 = f.intervals.find((b) => b.level === 0.8)!;
  const b95 = f.intervals.find((b) => b.level === 0.95)!;
  return {
    mean: f.mean.map(round),
    lower80: b80.lower.map(round),
    upper80: b80.upper.map(round),
    lower95: b95.lower.map(round),
    upper95: b95.upper.map(round),
    scores: Object.fromEntries(Object.entries(f.scores).map(([k, v]) => [k, round(v ?? 0)])),
  };
}

/** Origins 28 days apart that leave the longest horizon the history allows (≥ 7 days) after the last. */
export function backtestPlan(days: number, wanted: number): { origins: number[]; horizons: number[] } | null {
  const minTrain = 56;
  for (const lastH of [90, 30, 7]) {
    const count = Math.min(wanted, Math.floor((days - lastH - minTrain) / 28) + 1);
    if (count >= 1) {
      const last = days - lastH;
      const origins = Array.from({ length: count }, (_, i) => last - (count - 1 - i) * 28);
      return { origins, horizons: HORIZONS.filter((h) => h <= lastH) };
    }
  }
  return null;
}

function rows(level: string, measure: string, scores: MethodScore[]): PerformanceRow[] {
  const naive = new Map(scores.filter((s) => s.method === 'snaive').map((s) => [s.horizon, s]));
  return scores.map((s) => {
    const n = naive.get(s.horizon);
    return {
      level,
      measure,
      method: s.method,
      horizonDays: s.horizon,
      origins: s.origins,
      series: s.n,
      mase: s.mase,
      rmsse: s.rmsse,
      wape: s.wape,
      bias: s.bias,
      coverage80: s.coverage80,
      coverage95: s.coverage95,
      naiveMase: n?.mase ?? null,
      naiveRmsse: n?.rmsse ?? null,
      naiveWape: n?.wape ?? null,
    };
  });
}

export async function trainForecast(snap: Snapshot, opts: AnalyticsOptions, tick: () => Promise<void>): Promise<ForecastRunResult> {
  const performance: PerformanceRow[] = [];
  const plan = backtestPlan(snap.days, opts.backtestOrigins);
  // Holidays and shutdowns: read from the store series (before each origin), public holidays by the shop's zone.
  const holidays = holidayCalendarFor(snap.ctx.timezone);
  const closures = { store: snap.store.units, startDay: snap.startDay, ...(holidays ? { holidays } : {}) };
  const base = { firstWeekday: snap.firstWeekday, maxHistory: opts.historyDays, closures, tick };
  if (plan) {
    const spec = { ...base, origins: plan.origins, horizons: plan.horizons };
    const methods = ['auto', 'snaive'] as const;
    performance.push(...rows('store', 'units', await backtest([{ key: 'store', y: snap.store.units }], methods, { ...spec, aggregate: true })));
    performance.push(...rows('store', 'revenue', await backtest([{ key: 'store', y: snap.store.revenue }], methods, { ...spec, aggregate: true })));
    performance.push(...rows('store', 'orders', await backtest([{ key: 'store', y: snap.store.orders }], methods, { ...spec, aggregate: true })));
    const channels: BacktestSeries[] = [...snap.marketplaces.entries()].map(([key, y]) => ({ key, y }));
    if (channels.length) performance.push(...rows('marketplace', 'units', await backtest(channels, methods, { ...spec, aggregate: true })));
    const cats: BacktestSeries[] = [...snap.categories.entries()].map(([key, y]) => ({ key, y }));
    if (cats.length) performance.push(...rows('category', 'units', await backtest(cats, methods, { ...spec, aggregate: true, perOriginLimit: 50 })));
    const products: BacktestSeries[] = [...snap.products.entries()].map(([key, y]) => ({ key, y }));
    if (products.length) {
      performance.push(...rows('product', 'units', await backtest(products, methods, { ...spec, profileSource: snap.store.units, perOriginLimit: opts.backtestProducts })));
    }
  }

  const predictions: PredictionRow[] = [];
  const origin = dayString(snap.today);
  const h = opts.horizonDays;
  const methods = new Map<string, number>();
  const put = (level: string, key: string, measure: string, f: SeriesForecast) => {
    methods.set(f.method, (methods.get(f.method) ?? 0) + 1);
    predictions.push({ kind: 'forecast', level, seriesKey: key, measure, method: f.method, origin, horizonDays: h, total: f.mean.reduce((a, b) => a + b, 0), payload: toPayload(f) });
  };
  const closed = closureFlags(snap.store.units, snap.startDay, h, holidays);
  const own = { season: 7, firstWeekday: snap.firstWeekday, closed };
  put('store', 'store', 'units', forecastSeries(snap.store.units, h, own, { aggregate: true }));
  put('store', 'store', 'revenue', forecastSeries(snap.store.revenue, h, own, { aggregate: true }));
  put('store', 'store', 'orders', forecastSeries(snap.store.orders, h, own, { aggregate: true }));
  for (const [key, y] of snap.categories) {
    put('category', key, 'units', forecastSeries(y, h, own, { aggregate: true }));
    await tick();
  }
  for (const [key, y] of snap.marketplaces) put('marketplace', key, 'units', forecastSeries(y, h, own, { aggregate: true }));
  const sparse = { ...own, profile: snap.profile };
  for (const [key, y] of snap.products) {
    put('product', key, 'units', forecastSeries(y, h, sparse));
    await tick();
  }
  return {
    performance,
    predictions,
    params: { horizonDays: h, historyDays: snap.days, backtest: plan, products: snap.products.size, methodsChosen: Object.fromEntries(methods) },
  };
}
