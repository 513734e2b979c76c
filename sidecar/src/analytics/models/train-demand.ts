import { dayString } from '../calendar';
import { loadPriceHistory } from '../data/price-history';
import type { DemandInputs } from '../demand/features';
import { fitDemand, predictDemand, type DemandFit } from '../demand/backtest';
import { stockOutlook, type StockOutlook } from '../demand/reorder';
import { quantile } from '../forecast/metrics';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';
import type { PerformanceRow, PredictionRow } from './store';

/**
 * One demand run: per horizon (7 and 30 days) one random forest pooled over the modelled products,
 * served as a blend with the naive rate (last 28 days × h) whose weight is chosen on past origins
 * (demand/backtest.ts). The rolling-origin backtest (`backtestOrigins` origins, plus one that only
 * chooses the first weight) refits the forest at each origin on rows whose targets end before it and
 * also sizes the safety stock. Cost: (backtestOrigins + 2) forests per horizon.
 * The product's group (its first category; small ones pooled) is reported with each outlook.
 */

export interface DemandPayload extends StockOutlook {
  units7: number;
  units30: number;
  stock: number;
  group: string;
  /** 'blend': w · forest + (1 − w) · naive rate, w chosen on the backtest's origins. */
  method: 'rf' | 'naive' | 'blend';
}

export interface DemandRunResult {
  performance: PerformanceRow[];
  predictions: PredictionRow[];
  params: Record<string, unknown>;
}

const MAX_GROUPS = 8;
const MIN_GROUP = 3;
const HORIZONS = [7, 30] as const;

function groupProducts(snap: Snapshot): Map<string, string[]> {
  const byCategory = new Map<string, string[]>();
  for (const key of snap.products.keys()) {
    const cat = snap.facts.get(Number(key))?.categoryIds[0];
    const g = cat !== undefined ? `category:${cat}` : 'other';
    byCategory.set(g, [...(byCategory.get(g) ?? []), key]);
  }
  const sorted = [...byCategory.entries()].sort((a, b) => b[1].length - a[1].length);
  const groups = new Map<string, string[]>();
  for (const [g, keys] of sorted) {
    if (g !== 'other' && keys.length >= MIN_GROUP && groups.size < MAX_GROUPS) groups.set(g, keys);
    else groups.set('other', [...(groups.get('other') ?? []), ...keys]);
  }
  return groups;
}

export async function trainDemand(snap: Snapshot, opts: AnalyticsOptions, tick: () => Promise<void>): Promise<DemandRunResult> {
  const ids = [...snap.products.keys()].map(Number);
  // Prices a month past today: specials already scheduled are known features of the coming days.
  const prices = await loadPriceHistory(snap.ctx, ids, { from: snap.from, to: dayString(snap.today + 30) });
  const inputs = new Map<string, DemandInputs>();
  for (const [key, units] of snap.products) {
    const p = prices.get(Number(key));
    inputs.set(key, {
      units,
      price: p?.price ?? new Array<number>(units.length + 30).fill(0),
      special: p?.special ?? new Array<number>(units.length + 30).fill(0),
      marketplaceUnits: snap.marketplaceProductUnits.get(key),
      startDay: snap.startDay,
    });
  }
  const forest = { maxRows: opts.forestRows, trees: opts.forestTrees, maxDepth: 6, step: 7 };
  const groups = groupProducts(snap);
  const keys = [...inputs.keys()];
  const members = keys.map((k) => inputs.get(k)!);
  const started = Date.now();
  const fits = new Map<number, DemandFit>();
  for (const h of HORIZONS) fits.set(h, await fitDemand(members, { horizon: h, origins: opts.backtestOrigins, forest }, tick));

  const predicted = new Map<string, Record<number, ReturnType<typeof predictDemand>>>();
  for (const k of keys) predicted.set(k, Object.fromEntries(HORIZONS.map((h) => [h, predictDemand(fits.get(h)!, inputs.get(k)!)])));

  const performance: PerformanceRow[] = [];
  for (const h of HORIZONS) {
    const scores = fits.get(h)!.scores.filter((s) => s.actual > 0);
    const y = scores.reduce((a, s) => a + s.actual, 0);
    if (scores.length === 0) continue;
    performance.push({
      level: 'product',
      measure: 'units',
      // The demand model as served (the forest blended with the naive rate by its weight): the row the API reports.
      method: 'rf_blend',
      horizonDays: h,
      origins: scores.length,
      series: scores.reduce((a, s) => a + s.series, 0),
      mase: null,
      rmsse: null,
      wape: scores.reduce((a, s) => a + s.abs, 0) / y,
      bias: scores.reduce((a, s) => a + s.err, 0) / y,
      coverage80: null,
      coverage95: null,
      naiveMase: null,
      naiveRmsse: null,
      naiveWape: scores.reduce((a, s) => a + s.naiveAbs, 0) / y,
    });
  }
  const rel7 = fits.get(7)!.scores.flatMap((s) => s.rel);
  const safetyFactor = rel7.length >= 5 ? Math.min(2, Math.max(0, quantile(rel7, 0.9))) : 0.3;
  const policy = { leadTimeDays: opts.leadTimeDays, reviewDays: opts.reviewDays, safetyFactor };

  const predictions: PredictionRow[] = [];
  const groupOf = new Map<string, string>();
  for (const [g, keys] of groups) for (const k of keys) groupOf.set(k, g);
  for (const [key, p] of predicted) {
    const units7 = p[7]?.value ?? 0;
    const units30 = Math.max(p[30]?.value ?? 0, units7);
    const stock = snap.facts.get(Number(key))?.quantity ?? 0;
    const payload: DemandPayload = { units7, units30, stock, group: groupOf.get(key) ?? 'other', method: p[30]?.method ?? 'naive', ...stockOutlook({ stock, units7, units30, today: snap.today }, policy) };
    predictions.push({ kind: 'demand', level: 'product', seriesKey: key, measure: 'units', method: payload.method, origin: dayString(snap.today), horizonDays: 30, total: units30, payload });
  }
  const backtest = Object.fromEntries(
    HORIZONS.map((h) => {
      const f = fits.get(h)!;
      return [h, { weight: f.weight, origins: f.origins.map((o) => dayString(snap.startDay + o)), weights: f.scores.map((s) => s.weight) }];
    }),
  );
  return {
    performance,
    predictions,
    params: {
      groups: groups.size,
      forests: HORIZONS.reduce((a, h) => a + fits.get(h)!.forests, 0),
      rowsPerForest: forest.maxRows,
      trees: forest.trees,
      rowsUsed: HORIZONS.reduce((a, h) => a + fits.get(h)!.rows, 0),
      trainingMs: Date.now() - started,
      backtest,
      policy,
    },
  };
}
