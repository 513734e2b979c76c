import ARIMA from 'arima';
import type { SeriesContext } from './types';

/**
 * SARIMA through the `arima` package (ctsa compiled to WebAssembly). Known behaviour of 0.2.8 that this
 * wrapper works around: the default exact-likelihood fit lets forecasts explode (1e164) or turn NaN on
 * a sizeable share of real series, so it uses conditional sum of squares (method 1); any non-finite or
 * absurd forecast is treated as a failed fit and the caller falls back; values are clipped at 0.
 * AutoARIMA is not used: its seasonal search costs 2–3 s per series and it writes to stdout.
 */

export interface ArimaOrder {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  s: number;
}

/** Weekly-differenced SARIMA(1,0,1)(0,1,1)_7: the "airline-like" model for daily retail data. */
export const DEFAULT_ORDER: ArimaOrder = { p: 1, d: 0, q: 1, P: 0, D: 1, Q: 1, s: 7 };

export class ArimaFitError extends Error {
  override name = 'ArimaFitError';
}

export function arimaRaw(y: readonly number[], h: number, order: ArimaOrder = DEFAULT_ORDER): number[] {
  if (y.length < order.s * 4 + order.p + order.q + 2) throw new ArimaFitError(`series too short for SARIMA (${y.length} days)`);
  const model = new ARIMA({ ...order, method: 1, optimizer: 6, verbose: false });
  try {
    model.train(y as number[]);
    const [pred] = model.predict(h);
    let max = 0;
    for (const v of y) if (v > max) max = v;
    const limit = Math.max(10, max * 10);
    const out = new Array<number>(h);
    for (let k = 0; k < h; k++) {
      const v = pred[k];
      if (v === undefined || !Number.isFinite(v) || Math.abs(v) > limit) throw new ArimaFitError(`SARIMA forecast diverged (${String(v)})`);
      out[k] = Math.max(0, v);
    }
    return out;
  } finally {
    model.destroy();
  }
}

/** SARIMA forecast; on a failed or diverging fit, the seasonal naive (reported by `onFallback`). */
export function arimaForecast(y: readonly number[], h: number, ctx: SeriesContext, onFallback?: (reason: string) => void): number[] {
  try {
    return arimaRaw(y, h, { ...DEFAULT_ORDER, s: ctx.season });
  } catch (err) {
    onFallback?.((err as Error).message);
    const m = ctx.season;
    return Array.from({ length: h }, (_, k) => Math.max(0, y.length >= m ? y[y.length - m + (k % m)]! : (y[y.length - 1] ?? 0)));
  }
}
