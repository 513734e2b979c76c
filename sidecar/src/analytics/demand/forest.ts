import { RandomForestRegression } from 'ml-random-forest';
import { demandLevel, featuresAt, trainingRows, type DemandInputs, MIN_HISTORY } from './features';

/**
 * Demand by random forest regression (ml-random-forest): one forest per horizon, pooled over all
 * modelled products. Per-category forests were tried first: with the row budget split nine ways each
 * saw one or two rows per product and learnt its category's accidents (one category's forest
 * predicted up to 2.5× the naive rate for several of its products at one origin); one pooled forest
 * on scale-free features sees every product and generalises better.
 *
 * Trees cannot extrapolate: trained on absolute units they cap every prediction at volumes seen before.
 * So the forest learns the ratio of the coming units to the product's level (features.ts, robust to a
 * wholesale week) and the prediction multiplies it back. Two choices align the fit with what the
 * backtest scores, units summed over products (WAPE):
 * - rows are sampled with probability proportional to the level (systematic PPS sampling). A row's
 *   error in units is its ratio error times the level, so the squared-error fit on a level-proportional
 *   sample weighs rows as the unit error does; an even thinning let the many slow sellers, whose ratios
 *   swing the most, steer the splits. The best sellers get more rows, within the same budget.
 * - the ratio target is capped at 4: beyond that a window's units come from single trade orders that
 *   nothing known at the origin announces. Under absolute error the best forecast for such windows is
 *   still the usual level, and uncapped they pull the tree leaves' means up (the per-category forests
 *   over-forecast by 8 % at h = 7).
 *
 * That package grows each tree in time quadratic in the rows (measured here: 300 rows × 30 trees ≈
 * 1 s, 600 ≈ 4.5 s), so a forest trains on a bounded sample (options.forestRows) and is grown in chunks
 * of a few trees with a yield to the event loop between them (the chunks are sub-forests with their own
 * seeds; averaged, they are one forest).
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
}

const MAX_RATIO = 4;
const TREES_PER_CHUNK = 5;

interface Row {
  x: number[];
  y: number;
  level: number;
}

/** Systematic sampling with probability proportional to the level (a row may be drawn more than once). */
export function levelSample<T extends { level: number }>(rows: readonly T[], max: number): T[] {
  if (rows.length <= max) return [...rows];
  const total = rows.reduce((s, r) => s + r.level, 0);
  const stride = total / max;
  const out: T[] = [];
  let acc = 0;
  let next = stride / 2;
  for (const r of rows) {
    acc += r.level;
    while (acc > next && out.length < max) {
      out.push(r);
      next += stride;
    }
  }
  return out;
}

/** Trains on rows whose target windows end by `end` (an index into each product's units; default: all). */
export async function trainDemandForest(
  products: readonly DemandInputs[],
  horizon: number,
  options: ForestOptions = {},
  end?: number,
  tick: () => Promise<void> = async () => undefined,
): Promise<DemandModel | null> {
  const step = options.step ?? 7;
  const rows: Row[] = [];
  for (const p of products) {
    const r = trainingRows(p, horizon, step, end ?? p.units.length);
    for (let i = 0; i < r.x.length; i++) rows.push({ x: r.x[i]!, y: Math.min(MAX_RATIO, r.y[i]! / (r.level[i]! * horizon)), level: r.level[i]! });
  }
  if (rows.length < 20) return null;
  const sample = levelSample(rows, options.maxRows ?? 500);
  const x = sample.map((r) => r.x);
  const y = sample.map((r) => r.y);
  const trees = options.trees ?? 25;
  const chunks: Array<{ forest: RandomForestRegression; trees: number }> = [];
  for (let done = 0, i = 0; done < trees; i++) {
    const n = Math.min(TREES_PER_CHUNK, trees - done);
    const forest = new RandomForestRegression({
      nEstimators: n,
      maxFeatures: 0.6,
      replacement: true,
      useSampleBagging: true,
      noOOB: true,
      seed: (options.seed ?? 42) + 7919 * i,
      treeOptions: { maxDepth: options.maxDepth ?? 6, minNumSamples: 5 },
    });
    forest.train(x, y);
    chunks.push({ forest, trees: n });
    done += n;
    await tick();
  }
  return {
    horizon,
    rows: sample.length,
    predict(inputs: DemandInputs, t = inputs.units.length): number {
      if (t < MIN_HISTORY) return (inputs.units.slice(0, t).reduce((a, b) => a + b, 0) / Math.max(1, t)) * horizon;
      const level = demandLevel(inputs, t);
      const features = [featuresAt(inputs, t, horizon, level)];
      let ratio = 0;
      for (const c of chunks) ratio += (c.forest.predict(features)[0] ?? 0) * c.trees;
      const v = (ratio / trees) * level * horizon;
      return Number.isFinite(v) ? Math.max(0, v) : 0;
    },
  };
}

/** The baseline the forest must beat: the last 28 days' daily rate times the horizon. */
export function naiveDemand(inputs: DemandInputs, horizon: number, t = inputs.units.length): number {
  let s = 0;
  for (let i = Math.max(0, t - 28); i < t; i++) s += inputs.units[i]!;
  return (s / Math.min(28, Math.max(1, t))) * horizon;
}
