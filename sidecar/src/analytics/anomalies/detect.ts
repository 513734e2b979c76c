import { dayString } from '../calendar';
import { median } from '../forecast/metrics';

/**
 * Anomalies in a daily series by robust residual scores on a seasonal baseline. The expected value of
 * a day is the median of the same weekday over the previous `weeks` weeks (robust to last week's own
 * oddities); the score is (observed − expected) / scale, where the scale is 1.4826 × the median
 * absolute residual of the preceding weeks (MAD, a standard-deviation estimate untouched by outliers),
 * floored at √expected because sales and orders are counts, and at `minScale`. Everything a day's
 * score uses lies before that day.
 */

export type Severity = 'low' | 'medium' | 'high';
export type Sensitivity = 'low' | 'normal' | 'high';

export interface AnomalyThresholds {
  low: number;
  medium: number;
  high: number;
}

/** |score| thresholds at normal sensitivity; high sensitivity uses ×0.75, low ×1.5. */
export const THRESHOLDS: AnomalyThresholds = { low: 4, medium: 6, high: 9 };

export function thresholdsFor(sensitivity: Sensitivity): AnomalyThresholds {
  const f = sensitivity === 'high' ? 0.75 : sensitivity === 'low' ? 1.5 : 1;
  return { low: THRESHOLDS.low * f, medium: THRESHOLDS.medium * f, high: THRESHOLDS.high * f };
}

export interface DetectOptions {
  /** Shop-local day index of values[0]. */
  startDay: number;
  /** Examine only the last `recentDays` days (default: every day with enough history). */
  recentDays?: number;
  sensitivity?: Sensitivity;
  /** Weeks of same-weekday history for the baseline (default 6) and for the scale (default 8). */
  weeks?: number;
  scaleWeeks?: number;
  minScale?: number;
  /** Only these directions count (drops in error rates are good news). */
  directions?: ReadonlyArray<'spike' | 'drop'>;
}

export interface ScoredDay {
  day: string;
  observed: number;
  expected: number;
  /** The usual range: expected ± 2 scales (not below 0). */
  usual: [number, number];
  score: number;
}

export interface Anomaly extends ScoredDay {
  severity: Severity;
  direction: 'spike' | 'drop';
}

function baseline(values: readonly number[], t: number, weeks: number): number | null {
  const same: number[] = [];
  for (let k = 1; k <= weeks; k++) if (t - 7 * k >= 0) same.push(values[t - 7 * k]!);
  return same.length >= Math.min(3, weeks) ? median(same) : null;
}

export function scoreDays(values: readonly number[], opts: DetectOptions): ScoredDay[] {
  const weeks = opts.weeks ?? 6;
  const scaleWeeks = opts.scaleWeeks ?? 8;
  const minScale = opts.minScale ?? 1;
  const first = opts.recentDays !== undefined ? Math.max(0, values.length - opts.recentDays) : 0;
  const out: ScoredDay[] = [];
  for (let t = first; t < values.length; t++) {
    const expected = baseline(values, t, weeks);
    if (expected === null) continue;
    const residuals: number[] = [];
    for (let s = Math.max(0, t - scaleWeeks * 7); s < t; s++) {
      const e = baseline(values, s, weeks);
      if (e !== null) residuals.push(values[s]! - e);
    }
    if (residuals.length < 14) continue;
    const m = median(residuals);
    const mad = median(residuals.map((r) => Math.abs(r - m)));
    const scale = Math.max(1.4826 * mad, Math.sqrt(Math.max(0, expected)), minScale);
    const observed = values[t]!;
    out.push({ day: dayString(opts.startDay + t), observed, expected, usual: [Math.max(0, expected - 2 * scale), expected + 2 * scale], score: (observed - expected) / scale });
  }
  return out;
}

export function severityOf(score: number, th: AnomalyThresholds): Severity | null {
  const a = Math.abs(score);
  if (a >= th.high) return 'high';
  if (a >= th.medium) return 'medium';
  if (a >= th.low) return 'low';
  return null;
}

export function detectAnomalies(values: readonly number[], opts: DetectOptions): Anomaly[] {
  const th = thresholdsFor(opts.sensitivity ?? 'normal');
  const allowed = new Set(opts.directions ?? ['spike', 'drop']);
  const out: Anomaly[] = [];
  for (const d of scoreDays(values, opts)) {
    const severity = severityOf(d.score, th);
    const direction = d.score > 0 ? 'spike' : 'drop';
    if (severity && allowed.has(direction)) out.push({ ...d, severity, direction });
  }
  return out;
}

const SOURCE_TEXT: Record<string, { en: string; tr: string }> = {
  sales: { en: 'Sales', tr: 'Satışlar' },
  orders: { en: 'Orders', tr: 'Sipariş sayısı' },
  sync_errors: { en: 'Sync error rate', tr: 'Senkronizasyon hata oranı' },
  stock_moves: { en: 'Stock movements', tr: 'Stok hareketleri' },
};
const SEVERITY_TR: Record<Severity, string> = { low: 'düşük', medium: 'orta', high: 'yüksek' };

/** One sentence per language: what was seen, what was expected, how unusual. */
export function explain(source: string, key: string, a: Anomaly, unit = ''): { en: string; tr: string } {
  const what = SOURCE_TEXT[source] ?? { en: source, tr: source };
  const fmt = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-GB') : x.toFixed(1));
  const ratio = a.expected > 0 ? a.observed / a.expected : null;
  const scope = key && key !== 'store' ? ` (${key})` : '';
  const times = ratio !== null ? ` (${ratio.toFixed(1)}× the expected)` : '';
  const kat = ratio !== null ? ` (beklenenin ${ratio.toFixed(1)} katı)` : '';
  return {
    en: `${what.en}${scope} on ${a.day}: ${fmt(a.observed)}${unit}${times}, expected ${fmt(a.expected)}${unit}, usual range ${fmt(a.usual[0])}–${fmt(a.usual[1])}; robust score ${a.score.toFixed(1)}, ${a.severity} ${a.direction}.`,
    tr: `${what.tr}${scope}, ${a.day}: ${fmt(a.observed)}${unit}${kat}, beklenen ${fmt(a.expected)}${unit}, olağan aralık ${fmt(a.usual[0])}–${fmt(a.usual[1])}; sağlam skor ${a.score.toFixed(1)}, önem: ${SEVERITY_TR[a.severity]} (${a.direction === 'spike' ? 'ani artış' : 'ani düşüş'}).`,
  };
}
