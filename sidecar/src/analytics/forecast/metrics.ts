/**
 * Standard forecast accuracy measures (Hyndman & Koehler 2006; M5 competition guide). Scales come from
 * the training data only: the in-sample error of the seasonal naive forecast (lag = season).
 */

/** Mean |y_t − y_{t−m}| over the training data (MASE denominator); NaN when it cannot be formed. */
export function maseScale(train: readonly number[], m: number): number {
  let s = 0;
  let n = 0;
  for (let t = m; t < train.length; t++) {
    s += Math.abs(train[t]! - train[t - m]!);
    n++;
  }
  return n > 0 ? s / n : Number.NaN;
}

/** Mean (y_t − y_{t−m})² over the training data (RMSSE denominator). */
export function rmsseScale(train: readonly number[], m: number): number {
  let s = 0;
  let n = 0;
  for (let t = m; t < train.length; t++) {
    const d = train[t]! - train[t - m]!;
    s += d * d;
    n++;
  }
  return n > 0 ? s / n : Number.NaN;
}

export function mae(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i]! - forecast[i]!);
  return s / actual.length;
}

export function mse(actual: readonly number[], forecast: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += (actual[i]! - forecast[i]!) ** 2;
  return s / actual.length;
}

export function mase(actual: readonly number[], forecast: readonly number[], scale: number): number {
  return mae(actual, forecast) / scale;
}

export function rmsse(actual: readonly number[], forecast: readonly number[], scale: number): number {
  return Math.sqrt(mse(actual, forecast) / scale);
}

/** Σ|e| / Σ|y|: weighted absolute percentage error; 1 − WAPE is the "accuracy" the UI shows. */
export function wape(actual: readonly number[], forecast: readonly number[]): number {
  let e = 0;
  let y = 0;
  for (let i = 0; i < actual.length; i++) {
    e += Math.abs(actual[i]! - forecast[i]!);
    y += Math.abs(actual[i]!);
  }
  return y > 0 ? e / y : Number.NaN;
}

/** Σ(f − y) / Σy: positive = over-forecast. */
export function bias(actual: readonly number[], forecast: readonly number[]): number {
  let e = 0;
  let y = 0;
  for (let i = 0; i < actual.length; i++) {
    e += forecast[i]! - actual[i]!;
    y += actual[i]!;
  }
  return y !== 0 ? e / y : Number.NaN;
}

/** Share of actuals inside [lower, upper]. */
export function coverage(actual: readonly number[], lower: readonly number[], upper: readonly number[]): number {
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i]! >= lower[i]! && actual[i]! <= upper[i]!) inside++;
  return actual.length > 0 ? inside / actual.length : Number.NaN;
}

/** Linear-interpolated quantile (type 7) of an unsorted sample; NaN when empty. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length > 0 ? s / values.length : Number.NaN;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
