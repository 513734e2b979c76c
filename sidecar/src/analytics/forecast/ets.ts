import type { SeriesContext } from './types';

/**
 * Exponential smoothing with a weekly season, ETS(A,N,A) or ETS(A,Ad,A) in the error-correction form
 * of Hyndman et al., "Forecasting with Exponential Smoothing" (2008), ch. 2. Parameters are picked from
 * a small grid by AICc on one-step errors: a full optimiser buys little on daily retail data and a grid
 * keeps fitting at about a millisecond per two years of days.
 */

export interface EtsParams {
  alpha: number;
  gamma: number;
  /** 0 when the model has no trend. */
  beta: number;
  /** Damping; 1 without trend. */
  phi: number;
}

export interface EtsFit {
  params: EtsParams;
  level: number;
  trend: number;
  /** Seasonal states in season order: season[j] belongs to index n + j (mod m) of the forecast. */
  season: number[];
  sse: number;
  aicc: number;
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5];
const GAMMAS = [0.01, 0.05, 0.15, 0.3];
const TRENDS: Array<{ beta: number; phi: number }> = [
  { beta: 0, phi: 1 },
  { beta: 0.02, phi: 0.9 },
  { beta: 0.02, phi: 0.98 },
];

interface Run {
  sse: number;
  level: number;
  trend: number;
  season: number[];
}

function run(y: readonly number[], m: number, p: EtsParams, init: { level: number; season: number[] }, burn: number): Run {
  let level = init.level;
  let trend = 0;
  const season = init.season.slice();
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const j = t % m;
    const damped = p.phi * trend;
    const e = y[t]! - (level + damped + season[j]!);
    if (t >= burn) sse += e * e;
    level = level + damped + p.alpha * e;
    trend = damped + p.alpha * p.beta * e;
    season[j] = season[j]! + p.gamma * e;
  }
  // Rotate so season[0] is the position right after the last observation.
  const start = y.length % m;
  const rotated = season.slice(start).concat(season.slice(0, start));
  return { sse, level, trend, season: rotated };
}

function initialStates(y: readonly number[], m: number): { level: number; season: number[] } {
  // Two cycles where there are: mean level and the average deviation per season position.
  const cycles = Math.max(1, Math.min(4, Math.floor(y.length / m)));
  const len = Math.min(y.length, cycles * m);
  let level = 0;
  for (let t = 0; t < len; t++) level += y[t]!;
  level /= Math.max(1, len);
  const season = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = 0; t < len; t++) {
    season[t % m]! += y[t]! - level;
    counts[t % m]!++;
  }
  return { level, season: season.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : 0)) };
}

export function fitEts(y: readonly number[], ctx: Pick<SeriesContext, 'season'>): EtsFit {
  const m = ctx.season;
  const init = initialStates(y, m);
  const burn = Math.min(m * 2, Math.floor(y.length / 4));
  const n = Math.max(1, y.length - burn);
  let best: EtsFit | undefined;
  for (const trend of TRENDS) {
    for (const alpha of ALPHAS) {
      for (const gamma of GAMMAS) {
        if (gamma > 1 - alpha) continue;
        const params: EtsParams = { alpha, gamma, beta: trend.beta, phi: trend.phi };
        const r = run(y, m, params, init, burn);
        const k = 2 + m + (trend.beta > 0 ? 2 : 0);
        const sse = Math.max(r.sse, 1e-9);
        const aicc = n * Math.log(sse / n) + 2 * k + (n - k - 1 > 0 ? (2 * k * (k + 1)) / (n - k - 1) : 1e9);
        if (!best || aicc < best.aicc) best = { params, level: r.level, trend: r.trend, season: r.season, sse: r.sse, aicc };
      }
    }
  }
  return best!;
}

export function etsPredict(fit: EtsFit, h: number): number[] {
  const { phi } = fit.params;
  const m = fit.season.length;
  const out = new Array<number>(h);
  let damp = 0;
  let pow = 1;
  for (let k = 0; k < h; k++) {
    pow *= phi;
    damp += pow;
    const v = fit.level + damp * fit.trend + fit.season[k % m]!;
    out[k] = Number.isFinite(v) ? Math.max(0, v) : 0;
  }
  return out;
}

export function etsForecast(y: readonly number[], h: number, ctx: SeriesContext): number[] {
  if (y.length < ctx.season * 2) return new Array<number>(h).fill(y.length ? Math.max(0, y.reduce((a, b) => a + b, 0) / y.length) : 0);
  return etsPredict(fitEts(y, ctx), h);
}
