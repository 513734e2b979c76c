import { knownAt, type DemandInputs } from './features';
import { naiveDemand, trainDemandForest, type DemandModel, type ForestOptions } from './forest';

/**
 * Fit and rolling-origin backtest of the demand model for one horizon h.
 *
 * Origins are h days apart or a fortnight, whichever is longer (so no two target windows of one horizon
 * overlap), the newest leaving exactly h days of actuals. At each origin the forest is refit
 * on rows whose target windows end by that origin and predicts every product's next h days.
 *
 * The served forecast is a blend w · forest + (1 − w) · naive rate, w ∈ {0, ¼, ½, ¾, 1}. The weight
 * used at an origin is the one with the least absolute error, summed over products, at all older
 * origins; their target windows end by this origin, so nothing after it chooses anything. Each origin's
 * forecast sees only the specials a forecaster could have known then (`knownAt`). The oldest
 * origin only serves that choice (it is not in the reported scores); the live forecast takes the
 * weight chosen on every origin. The grid is coarse on purpose: a few origins cannot tune a fine
 * weight, and ¼ steps already keep a forest that loses to the naive rate from being served as is.
 * Without evidence (no older origin, or no forest could be fitted at any) the weight is 0: a forest
 * nobody has scored is not served.
 */

export const WEIGHTS = [0, 0.25, 0.5, 0.75, 1] as const;

export interface DemandFitOptions {
  horizon: number;
  /** Origins scored in the backtest (one more, older, only chooses the first weight). */
  origins: number;
  forest: ForestOptions;
}

interface Pair {
  actual: number;
  forest: number;
  naive: number;
  /** A forest made `forest` (else it is the naive rate standing in): only these pairs are evidence. */
  fitted: boolean;
}

export interface OriginScore {
  origin: number;
  weight: number;
  /** Σ|actual − blend|, Σ(blend − actual), Σ actual, Σ|actual − naive| over products. */
  abs: number;
  err: number;
  actual: number;
  naiveAbs: number;
  /** (actual − blend) / blend per product with a positive blend: sizes safety stock. */
  rel: number[];
  series: number;
}

export interface DemandFit {
  horizon: number;
  /** The forest on every row (null: too little history; the naive rate is served). */
  model: DemandModel | null;
  /** Weight of the forest in the served blend. */
  weight: number;
  scores: OriginScore[];
  /** Origins looked at, oldest first (the first only chooses a weight when there are two or more). */
  origins: number[];
  forests: number;
  rows: number;
}

/** A backtest origin needs this many days before it (4 weeks of features and some training rows). */
export const MIN_ORIGIN = 56;

/** Backtest origins, oldest first: the newest leaves h days, the others max(h, 14) days apart. */
export function demandOrigins(days: number, horizon: number, scored: number): number[] {
  const spacing = Math.max(horizon, 14);
  const out: number[] = [];
  for (let k = scored; k >= 0; k--) {
    const o = days - horizon - k * spacing;
    if (o >= MIN_ORIGIN) out.push(o);
  }
  return out;
}

/**
 * The weight with the least pooled absolute error over pairs a forest made; ties go to the larger
 * weight (the forest). No such pair: 0, the naive rate.
 */
export function chooseWeight(pairs: readonly Pair[]): number {
  const evidence = pairs.filter((p) => p.fitted);
  if (evidence.length === 0) return 0;
  let best = 1;
  let bestAbs = Infinity;
  for (const w of [...WEIGHTS].reverse()) {
    let abs = 0;
    for (const p of evidence) abs += Math.abs(p.actual - (w * p.forest + (1 - w) * p.naive));
    if (bestAbs === Infinity || abs < bestAbs - 1e-9 * Math.max(1, bestAbs)) {
      best = w;
      bestAbs = abs;
    }
  }
  return best;
}

export function methodOf(weight: number, model: DemandModel | null): 'rf' | 'naive' | 'blend' {
  if (!model || weight === 0) return 'naive';
  return weight === 1 ? 'rf' : 'blend';
}

function unitsIn(units: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += units[i] ?? 0;
  return s;
}

export async function fitDemand(products: readonly DemandInputs[], opts: DemandFitOptions, tick: () => Promise<void> = async () => undefined): Promise<DemandFit> {
  const h = opts.horizon;
  const days = Math.max(0, ...products.map((p) => p.units.length));
  const origins = demandOrigins(days, h, opts.origins);
  const past: Pair[] = [];
  const scores: OriginScore[] = [];
  let forests = 0;
  let rows = 0;
  for (const [i, origin] of origins.entries()) {
    const model = await trainDemandForest(products, h, opts.forest, origin, tick);
    if (model) {
      forests++;
      rows += model.rows;
    }
    const pairs: Pair[] = products.map((p) => {
      const naive = naiveDemand(p, h, origin);
      return { actual: unitsIn(p.units, origin, origin + h), naive, forest: model ? model.predict(knownAt(p, origin), origin) : naive, fitted: model !== null };
    });
    // With a single origin there is nothing older to choose on: it is scored at weight 0 (the naive rate).
    if (i > 0 || origins.length === 1) {
      const weight = chooseWeight(past);
      const s: OriginScore = { origin, weight, abs: 0, err: 0, actual: 0, naiveAbs: 0, rel: [], series: pairs.length };
      for (const p of pairs) {
        const pred = weight * p.forest + (1 - weight) * p.naive;
        s.abs += Math.abs(p.actual - pred);
        s.err += pred - p.actual;
        s.actual += p.actual;
        s.naiveAbs += Math.abs(p.actual - p.naive);
        if (pred > 0) s.rel.push((p.actual - pred) / pred);
      }
      scores.push(s);
    }
    past.push(...pairs);
    await tick();
  }
  const model = await trainDemandForest(products, h, opts.forest, undefined, tick);
  if (model) {
    forests++;
    rows += model.rows;
  }
  return { horizon: h, model, weight: chooseWeight(past), scores, origins, forests, rows };
}

/** The served forecast of the next h days from the end of the history. */
export function predictDemand(fit: DemandFit, inputs: DemandInputs): { value: number; method: 'rf' | 'naive' | 'blend' } {
  const naive = naiveDemand(inputs, fit.horizon);
  const method = methodOf(fit.weight, fit.model);
  if (method === 'naive') return { value: naive, method };
  return { value: fit.weight * fit.model!.predict(inputs) + (1 - fit.weight) * naive, method };
}
