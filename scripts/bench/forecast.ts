/**
 * Forecast benchmark on real data. Needs only the local MariaDB; creates and drops its own databases.
 *   npx tsx scripts/bench/forecast.ts [--products N] [--skip-speed]
 *
 * 1. Accuracy: the public Online Retail dataset (shared/datasets/online-retail-uci) is loaded into an
 *    OpenCart database as that shop's order history (sidecar/src/analytics/data/uci-load.ts) and read
 *    back through the same SQL the sidecar uses. Rolling origin: six origins 28 days apart, the last
 *    leaving 90 days of actuals, at most 728 days of history, refit at each origin on earlier days
 *    only; horizons 7/30/90. Store level: daily units (and revenue, as extra figures). Product level:
 *    daily units of the top N products (default 1000) by sales in the 91 days before each origin.
 * 2. Speed: 1,000 product series of two years' daily data (the demo seeder's shop, 730 days), fit and
 *    forecast 90 days with the per-series method choice, one thread.
 *
 * 3. The other models on the same data, through the code the sidecar runs: demand forest (as served,
 *    blended with the naive rate) vs the naive rate over the nightly run's rolling origins and its
 *    training cost; bought-together hit rate on the last 28 days' baskets vs showing best sellers;
 *    how many products get an elasticity.
 *
 * Prints `figure <name> <value> <unit>` on stdout: for the chosen method (auto) `store_mase_h7`, …,
 * `coverage80_h30`; the baseline with prefix `naive_`; every other method with its name as prefix;
 * goal ratios as `*_ratio_vs_naive`. Progress goes to stderr.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createTestDatabase } from '../../sidecar/test/support/db';
import { createOpencartTables } from '../../sidecar/src/db/opencart/schema';
import { loadOcContext } from '../../sidecar/src/db/opencart';
import { loadUciIntoShop } from '../../sidecar/src/analytics/data/uci-load';
import { loadSeries } from '../../sidecar/src/analytics/data/sales-series';
import { backtest, rollingOrigins, type EvaluatedMethod, type MethodScore } from '../../sidecar/src/analytics/forecast/backtest';
import { forecastSeries } from '../../sidecar/src/analytics/forecast/engine';
import { weekdayProfile } from '../../sidecar/src/analytics/forecast/naive';
import { closureFlags, holidayCalendarFor } from '../../sidecar/src/analytics/forecast/closures';
import { dayIndex, dayString, weekday } from '../../sidecar/src/analytics/calendar';
import { seedDemo } from '../demo/seed';
import { analyticsOptionsSchema } from '../../sidecar/src/analytics/models/options';
import { loadSnapshot } from '../../sidecar/src/analytics/models/snapshot';
import { trainDemand, type DemandPayload } from '../../sidecar/src/analytics/models/train-demand';
import { trainPricing, type PricePayload } from '../../sidecar/src/analytics/models/train-pricing';
import { backtestCoPurchase, loadBaskets } from '../../sidecar/src/analytics/recommend/copurchase';
import { median } from '../../sidecar/src/analytics/forecast/metrics';

const DATASET = path.resolve(__dirname, '../../../shared/datasets/online-retail-uci/online_retail.csv.gz');
const HORIZONS = [7, 30, 90];
const METHODS: EvaluatedMethod[] = ['auto', 'snaive', 'ets', 'arima', 'tsb', 'sba', 'adida', 'trend', 'combo'];
const PRODUCT_METHODS: EvaluatedMethod[] = ['auto', 'snaive', 'ets', 'tsb', 'sba', 'adida', 'combo'];
/**
 * No candidates for products (see docs/analytics.md), scored all the same so that every method prints
 * side by side, on fewer products: ARIMA with its calibration windows costs about half a second a
 * product. Their ratios are to seasonal naive on those same products.
 */
const PRODUCT_SIDE_METHODS: EvaluatedMethod[] = ['snaive', 'arima', 'trend'];
const PRODUCT_SIDE_LIMIT = 100;

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const figure = (name: string, value: number, unit: string) => process.stdout.write(`figure ${name} ${Number.isFinite(value) ? Number(value.toFixed(4)) : 'NaN'} ${unit}\n`);
const prefixOf = (m: EvaluatedMethod) => (m === 'auto' ? '' : m === 'snaive' ? 'naive_' : `${m}_`);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function printLevel(scores: MethodScore[], level: string, extra: (s: MethodScore) => Array<[string, number, string]>, print = (_s: MethodScore) => true): void {
  const naive = new Map(scores.filter((s) => s.method === 'snaive').map((s) => [s.horizon, s]));
  for (const s of scores.filter(print)) {
    const p = `${prefixOf(s.method)}${level}`;
    figure(`${p}_mase_h${s.horizon}`, s.mase, 'ratio');
    figure(`${p}_rmsse_h${s.horizon}`, s.rmsse, 'ratio');
    figure(`${p}_wape_h${s.horizon}`, s.wape * 100, 'percent');
    figure(`${p}_bias_h${s.horizon}`, s.bias * 100, 'percent');
    for (const [name, value, unit] of extra(s)) figure(`${prefixOf(s.method)}${name}`, value, unit);
    const n = naive.get(s.horizon);
    if (n && s.method !== 'snaive') {
      figure(`${p}_mase_h${s.horizon}_ratio_vs_naive`, s.mase / n.mase, 'ratio');
      figure(`${p}_rmsse_h${s.horizon}_ratio_vs_naive`, s.rmsse / n.rmsse, 'ratio');
    }
  }
  const summary = scores.map((s) => `${s.method}/h${s.horizon}: mase ${s.mase.toFixed(3)} rmsse ${s.rmsse.toFixed(3)} cov ${(s.coverage80 * 100).toFixed(0)}/${(s.coverage95 * 100).toFixed(0)}`);
  progress(`${level}: ${summary.join('; ')}`);
}

async function accuracy(productLimit: number): Promise<void> {
  const db = await createTestDatabase({ prefix: 'uci_' });
  try {
    let t = performance.now();
    const loaded = await loadUciIntoShop(db.knex, db.prefix, DATASET);
    progress(`loaded ${loaded.written.rows.order} orders, ${loaded.written.rows.order_product} lines, ${loaded.written.rows.product} products in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ctx = loaded.ctx;
    // The last invoice day is cut short (the export ended at 12:50): the series end the day before.
    const to = dayString(dayIndex(loaded.lastInvoiceAt) - 1);
    const from = '2010-12-01';
    t = performance.now();
    const [storeUnits, storeRevenue, products] = await Promise.all([
      loadSeries(ctx, { level: 'store', measure: 'units', from, to }),
      loadSeries(ctx, { level: 'store', measure: 'revenue', from, to }),
      loadSeries(ctx, { level: 'product', measure: 'units', from, to }),
    ]);
    progress(`series read through SQL in ${((performance.now() - t) / 1000).toFixed(1)} s: ${products.series.size} products, ${storeUnits.series.get('store')!.length} days`);
    const y = storeUnits.series.get('store')!;
    const origins = rollingOrigins(y.length, 6, 28, 90);
    progress(`origins (first forecast day): ${origins.map((o) => dayString(dayIndex(from) + o)).join(', ')}`);
    // Closures (bank holidays, the Christmas break) as the sidecar reads them: from the store series before each origin.
    const holidays = holidayCalendarFor(ctx.timezone);
    const closures = { store: y, startDay: dayIndex(from), ...(holidays ? { holidays } : {}) };
    progress(`holiday calendar for ${ctx.timezone}: ${holidays ? 'yes (forecast/holidays.ts)' : 'none'}`);
    const spec = { origins, horizons: HORIZONS, firstWeekday: weekday(dayIndex(from)), maxHistory: 728, aggregate: true, closures };
    figure('backtest_origins', origins.length, 'count');

    t = performance.now();
    const store = await backtest([{ key: 'store', y }], METHODS, spec);
    const storeExtra = (s: MethodScore): Array<[string, number, string]> => [
      [`coverage80_h${s.horizon}`, s.coverage80 * 100, 'percent'],
      [`coverage95_h${s.horizon}`, s.coverage95 * 100, 'percent'],
    ];
    printLevel(store, 'store', storeExtra);
    const revenue = await backtest([{ key: 'store', y: storeRevenue.series.get('store')! }], METHODS, spec);
    printLevel(revenue, 'store_revenue', (s) => [
      [`store_revenue_coverage80_h${s.horizon}`, s.coverage80 * 100, 'percent'],
      [`store_revenue_coverage95_h${s.horizon}`, s.coverage95 * 100, 'percent'],
    ]);
    progress(`store level done in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    t = performance.now();
    const productSeries = [...products.series.entries()].map(([key, values]) => ({ key, y: values }));
    const product = await backtest(productSeries, PRODUCT_METHODS, { ...spec, aggregate: false, profileSource: y, perOriginLimit: productLimit });
    printLevel(product, 'product', (s) => [
      [`product_coverage80_h${s.horizon}`, s.coverage80 * 100, 'percent'],
      [`product_coverage95_h${s.horizon}`, s.coverage95 * 100, 'percent'],
    ]);
    figure('product_series_scored', product.find((s) => s.method === 'auto' && s.horizon === 30)?.n ?? 0, 'count');
    const sideLimit = Math.min(productLimit, PRODUCT_SIDE_LIMIT);
    const side = await backtest(productSeries, PRODUCT_SIDE_METHODS, { ...spec, aggregate: false, profileSource: y, perOriginLimit: sideLimit });
    // Seasonal naive's own figures come from the full run above; here it is only the ratios' reference.
    printLevel(side, 'product', (s) => [
      [`product_coverage80_h${s.horizon}`, s.coverage80 * 100, 'percent'],
      [`product_coverage95_h${s.horizon}`, s.coverage95 * 100, 'percent'],
    ], (s) => s.method !== 'snaive');
    figure('arima_trend_product_series_scored', side.find((s) => s.method === 'arima' && s.horizon === 30)?.n ?? 0, 'count');
    progress(`product level done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await otherModels(db.knex, db.prefix, loaded.lastInvoiceAt);
  } finally {
    await db.drop();
  }
}

async function otherModels(knex: Parameters<typeof loadOcContext>[0], prefix: string, lastInvoiceAt: string): Promise<void> {
  // The shop's "now" is the moment the export ended (UK time; GMT in December).
  const now = new Date(`${lastInvoiceAt.replace(' ', 'T')}Z`);
  const ctx = await loadOcContext(knex, { prefix, now: () => now });
  const options = analyticsOptionsSchema.parse({ maxProducts: 300 });
  const snap = await loadSnapshot(ctx, options);
  const noYield = async () => undefined;
  let t = performance.now();
  const demand = await trainDemand(snap, options, noYield);
  const seconds = (performance.now() - t) / 1000;
  for (const p of demand.performance) {
    figure(`demand_h${p.horizonDays}_wape`, (p.wape ?? Number.NaN) * 100, 'percent');
    figure(`naive_demand_h${p.horizonDays}_wape`, (p.naiveWape ?? Number.NaN) * 100, 'percent');
    figure(`demand_h${p.horizonDays}_bias`, (p.bias ?? Number.NaN) * 100, 'percent');
    figure(`demand_h${p.horizonDays}_origins`, p.origins, 'count');
  }
  const blend = demand.params.backtest as Record<string, { weight: number }>;
  for (const [h, b] of Object.entries(blend)) figure(`demand_h${h}_forest_weight`, b.weight, 'ratio');
  figure('demand_products', demand.predictions.length, 'count');
  figure('demand_forests', Number(demand.params.forests), 'count');
  figure('demand_rows_per_forest', Number(demand.params.rowsPerForest), 'rows');
  figure('demand_training_seconds', seconds, 's');
  progress(`demand: ${JSON.stringify(demand.params)}`);

  const demandMap = new Map(demand.predictions.map((p) => [p.seriesKey, p.payload as DemandPayload]));
  t = performance.now();
  const pricing = await trainPricing(snap, options, demandMap, undefined, noYield);
  const own = pricing.predictions.map((p) => p.payload as PricePayload).filter((p) => p.elasticity?.scope === 'product');
  figure('pricing_products', pricing.predictions.length, 'count');
  figure('pricing_products_with_own_elasticity', own.length, 'count');
  figure('pricing_significant_share', own.length ? own.filter((p) => p.elasticity!.significant).length / own.length : Number.NaN, 'ratio');
  figure('pricing_median_elasticity', own.length ? median(own.map((p) => p.elasticity!.elasticity)) : Number.NaN, 'elasticity');
  figure('pricing_seconds', (performance.now() - t) / 1000, 's');

  const today = dayIndex(lastInvoiceAt);
  const baskets = await loadBaskets(ctx, { from: dayString(today - 365), toExclusive: dayString(today) });
  const bt = backtestCoPurchase(baskets, dayString(today - 28));
  figure('copurchase_hit_rate_at5', bt.hitRate, 'ratio');
  figure('popularity_hit_rate_at5', bt.popularityHitRate, 'ratio');
  figure('copurchase_trials', bt.trials, 'count');
}

async function speed(): Promise<void> {
  const db = await createTestDatabase({ prefix: 'demo_', opencart: false, migrate: false });
  try {
    await createOpencartTables(db.knex, db.prefix);
    let t = performance.now();
    const now = new Date('2026-11-20T12:00:00Z');
    await seedDemo(db.knex, db.prefix, { products: 1100, customers: 2000, orders: 160_000, days: 731, now });
    progress(`demo shop seeded (1,100 products, two years) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ctx = await loadOcContext(db.knex, { prefix: db.prefix, now: () => now });
    const to = '2026-11-19';
    const from = dayString(dayIndex(to) - 729);
    t = performance.now();
    const [store, products] = await Promise.all([
      loadSeries(ctx, { level: 'store', measure: 'units', from, to }),
      loadSeries(ctx, { level: 'product', measure: 'units', from, to }),
    ]);
    const top = [...products.series.entries()]
      .map(([key, v]) => ({ key, v, total: v.reduce((a, b) => a + b, 0) }))
      .sort((a, b) => b.total - a.total)
      .slice(0, 1000);
    figure('speed_series_read_seconds', (performance.now() - t) / 1000, 's');
    if (top.length < 1000) throw new Error(`only ${top.length} products sold anything`);
    const firstWeekday = weekday(dayIndex(from));
    const storeUnits = store.series.get('store')!;
    t = performance.now();
    // As the nightly run does it: profile and closures from the store series, then every product.
    const profile = weekdayProfile(storeUnits, firstWeekday);
    const holidays = holidayCalendarFor(ctx.timezone);
    const closed = closureFlags(storeUnits, dayIndex(from), 90, holidays);
    progress(`closed days ahead (calendar for ${ctx.timezone}: ${holidays ? 'yes' : 'none'}): ${closed.slice(storeUnits.length).filter(Boolean).length} of 90`);
    const methods = new Map<string, number>();
    for (const s of top) {
      const f = forecastSeries(s.v, 90, { season: 7, firstWeekday, profile, closed });
      methods.set(f.method, (methods.get(f.method) ?? 0) + 1);
    }
    const seconds = (performance.now() - t) / 1000;
    progress(`chosen methods: ${[...methods.entries()].map(([m, n]) => `${m} ${n}`).join(', ')}`);
    figure('fit_1000_series_seconds', seconds, 's');
    figure('fit_series_days', 730, 'days');
  } finally {
    await db.drop();
  }
}

async function main(): Promise<void> {
  const productLimit = Number(arg('--products') ?? 1000);
  await accuracy(productLimit);
  if (!process.argv.includes('--skip-speed')) await speed();
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
