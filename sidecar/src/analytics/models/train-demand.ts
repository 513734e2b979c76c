import { dayString } from '../calendar';
import { loadPriceHistory } from '../data/price-history';
import type { DemandInputs } from '../demand/features';
import { naiveDemand, trainDemandForest, type DemandModel } from '../demand/forest';
import { stockOutlook, type StockOutlook } from '../demand/reorder';
import { quantile } from '../forecast/metrics';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';
import type { PerformanceRow, PredictionRow } from './store';

/**
 * One demand run: a random forest per product group (the product's first category; small categories
 * pooled, at most MAX_GROUPS forests) and horizon (7 and 30 days), trained on weekly origins over the
 * history. Its backtest refits each forest on rows whose targets end before the last h days and scores
 * those days against the naive rate (last 28 days × h); the same backtest sizes the safety stock.
 */

export interface DemandPayload extends StockOutlook {
  units7: number;
  units30: number;
  stock: number;
  group: string;
  method: 'rf' | 'naive';
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
  const n = snap.days;
  const predicted = new Map<string, Record<number, { value: number; method: 'rf' | 'naive' }>>();
  const evalAcc = new Map<number, { abs: number; err: number; y: number; naiveAbs: number; rel: number[]; n: number }>(HORIZONS.map((h) => [h, { abs: 0, err: 0, y: 0, naiveAbs: 0, rel: [], n: 0 }]));
  let forests = 0;
  let rowsUsed = 0;
  const started = Date.now();

  for (const keys of groups.values()) {
    const members = keys.map((k) => inputs.get(k)!);
    for (const h of HORIZONS) {
      const model: DemandModel | null = trainDemandForest(members, h, forest);
      if (model) (forests++, (rowsUsed += model.rows));
      await tick();
      for (const k of keys) {
        const inp = inputs.get(k)!;
        const entry = predicted.get(k) ?? {};
        entry[h] = model ? { value: model.predict(inp), method: 'rf' } : { value: naiveDemand(inp, h), method: 'naive' };
        predicted.set(k, entry);
      }
      // Backtest: the same forest refit on rows whose targets end by n − h, scored on the last h days.
      const origin = n - h;
      if (origin < 56) continue;
      const past = trainDemandForest(members, h, forest, origin);
      if (past) forests++;
      await tick();
      const acc = evalAcc.get(h)!;
      for (const k of keys) {
        const inp = inputs.get(k)!;
        const pred = past ? past.predict(inp, origin) : naiveDemand(inp, h, origin);
        let actual = 0;
        for (let t = origin; t < n; t++) actual += inp.units[t]!;
        acc.abs += Math.abs(actual - pred);
        acc.err += pred - actual;
        acc.y += actual;
        acc.naiveAbs += Math.abs(actual - naiveDemand(inp, h, origin));
        if (pred > 0) acc.rel.push((actual - pred) / pred);
        acc.n++;
      }
    }
  }

  const performance: PerformanceRow[] = [];
  for (const h of HORIZONS) {
    const a = evalAcc.get(h)!;
    if (a.n === 0 || a.y <= 0) continue;
    performance.push({
      level: 'product',
      measure: 'units',
      method: 'rf',
      horizonDays: h,
      origins: 1,
      series: a.n,
      mase: null,
      rmsse: null,
      wape: a.abs / a.y,
      bias: a.err / a.y,
      coverage80: null,
      coverage95: null,
      naiveMase: null,
      naiveRmsse: null,
      naiveWape: a.naiveAbs / a.y,
    });
  }
  const rel7 = evalAcc.get(7)!.rel;
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
  return {
    performance,
    predictions,
    params: { groups: groups.size, forests, rowsPerForest: forest.maxRows, trees: forest.trees, rowsUsed, trainingMs: Date.now() - started, policy },
  };
}
