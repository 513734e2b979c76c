/**
 * Prediction intervals from the chosen method's errors in the inner backtest windows (split-conformal:
 * empirical quantiles of scores computed on forecasts the model made before the days it was scored on).
 * Everything here is read from the history before the forecast origin.
 */

export interface IntervalBand {
  level: number;
  lower: number[];
  upper: number[];
}

/**
 * How errors are made comparable before their quantiles are taken. `relative`: dense aggregates,
 * whose spread grows with the level: errors over the day's forecast. `sqrt-level`: counts, whose
 * spread grows like the square root of their rate: errors over the root of the window's mean
 * forecast. `none`: absolute errors.
 */
export type Scaling = 'none' | 'relative' | 'sqrt-level';

export interface InnerErrors {
  /** Actual − forecast, window after window (newest window first), `innerH` days each. */
  errors: readonly number[];
  /** The forecasts those errors belong to, same order. */
  forecasts: readonly number[];
  innerH: number;
  /** Days between window origins; window w starts at historyLength − innerH − step·w. */
  step: number;
  historyLength: number;
}

export interface IntervalContext {
  /** Weekday (0 = Sunday) of the history's first day. */
  firstWeekday: number;
  /** Known closed days over history and horizon: their forecast is 0, so their errors say nothing about open days. */
  closed?: readonly boolean[];
  scaling: Scaling;
  /** Check the levels on the history's own windows (default true; false gives the plain split-conformal band). */
  calibrate?: boolean;
}

/** Rates below this (units a day) are scaled as this one: a nearly dead product still sells a unit now and then. */
const SQRT_FLOOR = 0.05;
/** A weekday needs this many scored days before it gets its own spread (else it shares the pooled one). */
const MIN_WEEKDAY_DAYS = 8;

/** Bands at each level around `mean` (the forecast from the day after the history). */
export function conformalIntervals(mean: readonly number[], inner: InnerErrors, ctx: IntervalContext, levels: readonly number[]): IntervalBand[] {
  const { innerH, historyLength: n } = inner;
  const dayOf = (i: number) => n - innerH - inner.step * Math.floor(i / innerH) + (i % innerH);
  const weekdayOf = (t: number) => (ctx.firstWeekday + t) % 7;
  const scores = scoresOf(inner, ctx, dayOf);
  const spread = weekdaySpread(scores, (i) => weekdayOf(dayOf(i)));
  const normalised = scores.map((s, i) => s / spread[weekdayOf(dayOf(i))]!);
  const b = growthExponent(normalised, innerH);
  const kRef = (innerH + 1) / 2;
  const levelUnit = ctx.scaling === 'sqrt-level' ? Math.sqrt(Math.max(windowMean(mean, 0, Math.min(innerH, mean.length)), SQRT_FLOOR)) : 1;
  const finite = normalised.filter((e) => Number.isFinite(e));
  const growth = (k: number) => (innerH > 1 ? Math.pow((k + 1) / kRef, b) : 1);
  return levels.map((level) => {
    const used = ctx.calibrate === false ? level : calibratedLevel(normalised, inner, growth, level);
    const [qLo, qHi] = conformalQuantiles(finite, 1 - used);
    const lower: number[] = [];
    const upper: number[] = [];
    for (let k = 0; k < mean.length; k++) {
      const unit = (ctx.scaling === 'relative' ? mean[k]! : levelUnit) * spread[weekdayOf(n + k)]! * growth(k);
      lower.push(Math.max(0, mean[k]! + qLo * unit));
      upper.push(Math.max(0, mean[k]! + qHi * unit));
    }
    return { level, lower, upper };
  });
}

/**
 * Lower and upper ends of a two-sided band at miscoverage alpha (alpha/2 in each tail), with the
 * finite-sample conformal correction: the ⌈(n+1)(1 − alpha/2)⌉-th smallest of n scores and the
 * ⌊(n+1)·alpha/2⌋-th (clamped to the sample: with too few scores the band is the sample's range).
 */
export function conformalQuantiles(scores: readonly number[], alpha: number, sorted = false): [number, number] {
  if (scores.length === 0) return [0, 0];
  const n = scores.length;
  const s = sorted ? scores : [...scores].sort((a, b) => a - b);
  const hi = Math.min(n, Math.ceil((1 - alpha / 2) * (n + 1)));
  const lo = Math.max(1, Math.floor((alpha / 2) * (n + 1)));
  return [s[lo - 1]!, s[hi - 1]!];
}

/** Errors over their unit (see Scaling); NaN on closed days and where no unit can be formed. */
function scoresOf(inner: InnerErrors, ctx: IntervalContext, dayOf: (i: number) => number): number[] {
  const { errors, forecasts, innerH } = inner;
  return errors.map((e, i) => {
    if (ctx.closed?.[dayOf(i)]) return Number.NaN;
    if (ctx.scaling === 'relative') return forecasts[i]! > 0 ? e / forecasts[i]! : Number.NaN;
    if (ctx.scaling === 'sqrt-level') {
      const w = Math.floor(i / innerH) * innerH;
      return e / Math.sqrt(Math.max(windowMean(forecasts, w, innerH), SQRT_FLOOR));
    }
    return e;
  });
}

/**
 * Spread of each weekday's scores against all of them (mean absolute score, 1 = the pooled spread):
 * a quieter day of the week (a Sunday with half the orders) is relatively noisier, so one pooled band
 * would be too narrow there and too wide on the busy days (normalised conformal scores, Papadopoulos
 * et al. 2008). Weekdays with too few scored days keep 1.
 */
function weekdaySpread(scores: readonly number[], weekdayAt: (i: number) => number): number[] {
  const sum = new Array<number>(7).fill(0);
  const count = new Array<number>(7).fill(0);
  let all = 0;
  let nAll = 0;
  scores.forEach((s, i) => {
    if (!Number.isFinite(s)) return;
    const w = weekdayAt(i);
    sum[w]! += Math.abs(s);
    count[w]!++;
    all += Math.abs(s);
    nAll++;
  });
  const pooled = nAll > 0 ? all / nAll : 0;
  return sum.map((s, w) => (pooled > 0 && count[w]! >= MIN_WEEKDAY_DAYS && s > 0 ? s / count[w]! / pooled : 1));
}

function windowMean(x: readonly number[], from: number, n: number): number {
  let s = 0;
  for (let k = from; k < from + n; k++) s += x[k]!;
  return s / n;
}

/**
 * How errors grow with the step inside the windows: the band is referred to the middle step and
 * scaled to step k by (k / kRef)^b, b between 0 (flat) and 0.5 (random-walk growth), read from the
 * mean absolute score of the windows' second half against their first half.
 */
export function growthExponent(scores: readonly number[], innerH: number): number {
  if (innerH < 8) return 0;
  const half = Math.floor(innerH / 2);
  let early = 0;
  let late = 0;
  let ne = 0;
  let nl = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i]!)) continue;
    const k = i % innerH;
    if (k < half) (early += Math.abs(scores[i]!), ne++);
    else (late += Math.abs(scores[i]!), nl++);
  }
  if (early <= 0 || ne === 0 || nl === 0) return 0;
  const ratio = late / nl / (early / ne);
  const kEarly = (half + 1) / 2;
  const kLate = (half + 1 + innerH) / 2;
  const b = Math.log(Math.max(ratio, 1e-9)) / Math.log(kLate / kEarly);
  return Math.min(0.5, Math.max(0, b));
}

/** Older windows a check needs before its coverage counts. */
const MIN_CALIBRATION_WINDOWS = 4;
const MAX_LEVEL = 0.995;
const LEVEL_STEP = 0.005;

/**
 * The nominal level that, inside the history, made bands from older windows cover the newer windows
 * at the wanted rate: each window is checked against the quantiles of the windows that ended before
 * it started (what a forecast made at its origin would have had), and the level is raised (or
 * lowered) until the checked windows' coverage meets `target`. Drift that the history already showed
 * (errors growing as the level moves) widens the band; a history too short to check keeps `target`.
 */
export function calibratedLevel(scores: readonly number[], inner: InnerErrors, growth: (k: number) => number, target: number): number {
  const { innerH, step } = inner;
  const windows = Math.floor(scores.length / innerH);
  const gap = Math.ceil(innerH / step);
  const checks: Array<{ sorted: number[]; window: number }> = [];
  for (let j = 0; j + gap + MIN_CALIBRATION_WINDOWS <= windows; j++) {
    const calibration: number[] = [];
    for (let w = j + gap; w < windows; w++) for (let k = 0; k < innerH; k++) {
      const s = scores[w * innerH + k]!;
      if (Number.isFinite(s)) calibration.push(s);
    }
    if (calibration.length > 0) checks.push({ sorted: calibration.sort((a, b) => a - b), window: j });
  }
  if (checks.length === 0) return target;
  const coverageAt = (level: number) => {
    let inside = 0;
    let n = 0;
    for (const c of checks) {
      const [lo, hi] = conformalQuantiles(c.sorted, 1 - level, true);
      for (let k = 0; k < innerH; k++) {
        const s = scores[c.window * innerH + k]!;
        if (!Number.isFinite(s)) continue;
        const g = growth(k);
        if (s >= lo * g && s <= hi * g) inside++;
        n++;
      }
    }
    return n > 0 ? inside / n : target;
  };
  // Smallest level on a fine grid whose checked coverage reaches the target.
  for (let level = 0.5; level <= MAX_LEVEL + 1e-9; level += LEVEL_STEP) if (coverageAt(level) >= target) return level;
  return MAX_LEVEL;
}
