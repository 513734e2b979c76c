import { RandomForestRegression } from 'ml-random-forest';
import { featuresAt, trainingRows, type DemandInputs, MIN_HISTORY } from './features';

/** The recent level a ratio is taken against: the last 28 days' rate, not below half the 91-day one. */
export function baseRate(inputs: DemandInputs, t: number): number {
  let s28 = 0;
  let s91 = 0;
  for (let i = Math.max(0, t - 91); i < t; i++) {
    s91 += inputs.units[i]!;
    if (i >= t - 28) s28 += inputs.units[i]!;
  }
  return Math.max(s28 / Math.min(28, Math.max(1, t)), s91 / Math.min(91, Math.max(1, t)) / 2, 0.02);
}

const MAX_RATIO = 10;

/**
 * Demand by random forest regression (ml-random-forest), one forest per product group (a category)
 * and horizon. That package grows each tree in time quadratic in the rows (≈20 s for 2,000 rows × 50
 * trees here), so a group trains on a bounded, evenly thinned sample of its rows (default ≤ 600 rows,
 * 30 trees, depth ≤ 8): about a second per group and horizon on this machine. Each product's rows are
 * weekly origins over its history, so the sample keeps every product and the whole year.
 *
 * Trees cannot extrapolate: trained on absolute units they cap every prediction at volumes seen
 * before, which under-forecasts a growing product or a season's peak. So the forest learns the ratio
 * of the coming units to the product's recent level (base rate × h) and the prediction multiplies it
 * back; that also makes rows of big and small products comparable in one pooled forest.
 */

export interface ForestOptions {
  maxRows?: number;
  trees?: number;
  maxDepth?: number;
  /** Days between training origins (default 7). */
  step?: number;
  seed?: number;
}

export interface DemandModel {
  horizon: number;
  rows: number;
  predict(inputs: DemandInputs, t?: number): number;
  toJSON(): unknown;
}

function thin<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  const stride = items.length / max;
  for (let i = 0; i < max; i++) out.push(items[Math.floor(i * stride)]!);
  return out;
}

/** Trains on rows whose target windows end by `end` (an index into each product's units; default: all). */
export function trainDemandForest(products: readonly DemandInputs[], horizon: number, options: ForestOptions = {}, end?: number): DemandModel | null {
  const step = options.step ?? 7;
  const pairs: Array<{ x: number[]; y: number }> = [];
  for (const p of products) {
    const rows = trainingRows(p, horizon, step, end ?? p.units.length);
    for (let i = 0; i < rows.x.length; i++) {
      const ratio = rows.y[i]! / (baseRate(p, rows.t[i]!) * horizon);
      pairs.push({ x: rows.x[i]!, y: Math.min(MAX_RATIO, ratio) });
    }
  }
  if (pairs.length < 20) return null;
  const sample = thin(pairs, options.maxRows ?? 600);
  const forest = new RandomForestRegression({
    nEstimators: options.trees ?? 30,
    maxFeatures: 0.6,
    replacement: true,
    useSampleBagging: true,
    noOOB: true,
    seed: options.seed ?? 42,
    treeOptions: { maxDepth: options.maxDepth ?? 8, minNumSamples: 5 },
  });
  forest.train(
    sample.map((p) => p.x),
    sample.map((p) => p.y),
  );
  return {
    horizon,
    rows: sample.length,
    predict(inputs: DemandInputs, t = inputs.units.length): number {
      if (t < MIN_HISTORY) return (inputs.units.slice(0, t).reduce((a, b) => a + b, 0) / Math.max(1, t)) * horizon;
      const [ratio] = forest.predict([featuresAt(inputs, t, horizon)]);
      const v = (ratio ?? 0) * baseRate(inputs, t) * horizon;
      return Number.isFinite(v) ? Math.max(0, v) : 0;
    },
    toJSON: () => forest.toJSON(),
  };
}

/** The baseline the forest must beat: the last 28 days' daily rate times the horizon. */
export function naiveDemand(inputs: DemandInputs, horizon: number, t = inputs.units.length): number {
  let s = 0;
  for (let i = Math.max(0, t - 28); i < t; i++) s += inputs.units[i]!;
  return (s / Math.min(28, Math.max(1, t))) * horizon;
}
