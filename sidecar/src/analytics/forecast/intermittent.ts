import type { SeriesContext } from './types';

/**
 * Methods for intermittent demand (many zero days): Croston with the Syntetos–Boylan bias correction
 * (SBA) and Teunter–Syntetos–Babai (TSB), which also lets the demand probability decay, so a product
 * that stopped selling is forecast towards zero. Both give a flat daily rate; when a weekday profile
 * of the parent series is known (the store is closed on some days), the rate is spread over the week
 * by that profile so closed days get nothing.
 */

const ALPHAS = [0.05, 0.1, 0.2, 0.3];
/** A weekday with less than this share of the week's volume counts as closed. */
export const CLOSED_SHARE = 0.02;
const BETAS = [0.01, 0.03, 0.1, 0.2];

/** One-step squared error of a constant-rate forecaster, for choosing smoothing constants. */
function sbaRate(y: readonly number[], alpha: number): { rate: number; sse: number } {
  let z = 0;
  let p = 0;
  let q = 1;
  let seen = false;
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const f = seen ? (1 - alpha / 2) * (z / p) : 0;
    if (seen) sse += (y[t]! - f) ** 2;
    if (y[t]! > 0) {
      if (!seen) {
        z = y[t]!;
        p = q;
        seen = true;
      } else {
        z += alpha * (y[t]! - z);
        p += alpha * (q - p);
      }
      q = 1;
    } else q++;
  }
  return { rate: seen ? (1 - alpha / 2) * (z / p) : 0, sse };
}

function tsbRate(y: readonly number[], alpha: number, beta: number): { rate: number; sse: number } {
  const firstNonZero = y.findIndex((v) => v > 0);
  if (firstNonZero < 0) return { rate: 0, sse: 0 };
  let z = y[firstNonZero]!;
  // Start the probability at the overall share of selling days.
  let prob = y.filter((v) => v > 0).length / y.length;
  let sse = 0;
  for (let t = firstNonZero + 1; t < y.length; t++) {
    const f = prob * z;
    sse += (y[t]! - f) ** 2;
    if (y[t]! > 0) {
      prob += beta * (1 - prob);
      z += alpha * (y[t]! - z);
    } else prob += beta * (0 - prob);
  }
  return { rate: prob * z, sse };
}

function spread(rate: number, h: number, n: number, ctx: SeriesContext): number[] {
  const out = new Array<number>(h);
  for (let k = 0; k < h; k++) {
    const share = ctx.profile ? ctx.profile[(ctx.firstWeekday + n + k) % 7]! * 7 : 1;
    out[k] = Math.max(0, rate * share);
  }
  return out;
}

/** Daily values on the days the profile says are open (closed days carry no information on the rate). */
function openDays(y: readonly number[], ctx: SeriesContext): readonly number[] {
  const profile = ctx.profile;
  if (!profile) return y;
  const out: number[] = [];
  for (let t = 0; t < y.length; t++) if (profile[(ctx.firstWeekday + t) % 7]! > CLOSED_SHARE) out.push(y[t]!);
  return out;
}

function openShare(ctx: SeriesContext): number {
  if (!ctx.profile) return 1;
  let open = 0;
  for (let w = 0; w < 7; w++) if (ctx.profile[w]! > CLOSED_SHARE) open++;
  return open / 7;
}

export function sbaForecast(y: readonly number[], h: number, ctx: SeriesContext): number[] {
  const x = openDays(y, ctx);
  let best = { rate: 0, sse: Infinity };
  for (const a of ALPHAS) {
    const r = sbaRate(x, a);
    if (r.sse < best.sse) best = r;
  }
  return spread(best.rate * openShare(ctx), h, y.length, ctx);
}

export function tsbForecast(y: readonly number[], h: number, ctx: SeriesContext): number[] {
  const x = openDays(y, ctx);
  let best = { rate: 0, sse: Infinity };
  for (const a of ALPHAS) {
    for (const b of BETAS) {
      const r = tsbRate(x, a, b);
      if (r.sse < best.sse) best = r;
    }
  }
  return spread(best.rate * openShare(ctx), h, y.length, ctx);
}

/** Share of days with no sales: above ~0.3 a series counts as intermittent. */
export function zeroShare(y: readonly number[]): number {
  if (y.length === 0) return 1;
  let z = 0;
  for (const v of y) if (v <= 0) z++;
  return z / y.length;
}
