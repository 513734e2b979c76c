import { dayString } from '../calendar';
import { median } from '../forecast/metrics';

/**
 * Anomalies in a daily series by robust residual scores on a seasonal baseline. The expected value of
 * a day is the median of the same weekday over the previous `weeks` weeks (robust to last week's own
 * oddities); the score is (observed − expected) / scale, where the scale is 1.4826 × the median
 * absolute residual of the preceding weeks (MAD, a standard-deviation estimate untouched by outliers),
 * floored at √expected because sales and orders are counts, and at `minScale`. Everything a day's
 * score uses lies before that day. Days the shop is known to be closed are not scored, and they and
 * other closures stay out of every baseline and scale: a zero on a bayram is neither news nor the norm.
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
  /** Days the shop is known to be closed (indexed as `values`): neither scored nor used for any baseline or scale. */
  closed?: readonly boolean[];
  /**
   * Days kept out of baselines and scales but still scored: closures nothing explains (a shop that
   * sold nothing on an ordinary Tuesday may have been down, which is news, but not the norm).
   */
  unusual?: readonly boolean[];
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

/** Same-weekday values before day t, skipping excluded days (looking back at most twice `weeks` weeks for them). */
function baseline(values: readonly number[], t: number, weeks: number, excluded: (s: number) => boolean): number | null {
  const same: number[] = [];
  for (let k = 1; k <= 2 * weeks && same.length < weeks && t - 7 * k >= 0; k++) if (!excluded(t - 7 * k)) same.push(values[t - 7 * k]!);
  return same.length >= Math.min(3, weeks) ? median(same) : null;
}

export function scoreDays(values: readonly number[], opts: DetectOptions): ScoredDay[] {
  const weeks = opts.weeks ?? 6;
  const scaleWeeks = opts.scaleWeeks ?? 8;
  const minScale = opts.minScale ?? 1;
  const first = opts.recentDays !== undefined ? Math.max(0, values.length - opts.recentDays) : 0;
  const closed = (s: number) => opts.closed?.[s] === true;
  const excluded = (s: number) => closed(s) || opts.unusual?.[s] === true;
  const out: ScoredDay[] = [];
  for (let t = first; t < values.length; t++) {
    if (closed(t)) continue;
    const expected = baseline(values, t, weeks, excluded);
    if (expected === null) continue;
    const residuals: number[] = [];
    for (let s = Math.max(0, t - scaleWeeks * 7); s < t; s++) {
      if (excluded(s)) continue;
      const e = baseline(values, s, weeks, excluded);
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

/** Per source: the name that starts a sentence, and (Turkish) the locative an alert title needs. */
const SOURCE_TEXT: Record<string, { en: string; tr: string; trIn: string }> = {
  sales: { en: 'Sales', tr: 'Satışlar', trIn: 'satışlarda' },
  orders: { en: 'Orders', tr: 'Sipariş sayısı', trIn: 'sipariş sayısında' },
  sync_errors: { en: 'Sync error rate', tr: 'Senkronizasyon hata oranı', trIn: 'senkronizasyon hata oranında' },
  stock_moves: { en: 'Stock movements', tr: 'Stok hareketleri', trIn: 'stok hareketlerinde' },
};
const SEVERITY_TR: Record<Severity, string> = { low: 'düşük', medium: 'orta', high: 'yüksek' };
const DIRECTION_TR = { spike: 'ani artış', drop: 'ani düşüş' } as const;

/** A unit after a number: the same in both languages (a currency code) or one per language. */
export type Unit = string | { en: string; tr: string };

// Turkish writes 1.234,5 where English writes 1,234.5: en-GB digits in a Turkish sentence would misread.
const fmtEn = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-GB') : x.toFixed(1));
const fmtTr = (x: number) => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString('tr-TR') : x.toFixed(1).replace('.', ','));

/** One sentence per language: what was seen, what was expected, how unusual. */
export function explain(source: string, key: string, a: Anomaly, unit: Unit = ''): { en: string; tr: string } {
  const what = SOURCE_TEXT[source] ?? { en: source, tr: source };
  const u = typeof unit === 'string' ? { en: unit, tr: unit } : unit;
  const ratio = a.expected > 0 ? a.observed / a.expected : null;
  const scope = key && key !== 'store' ? ` (${key})` : '';
  const times = ratio !== null ? ` (${ratio.toFixed(1)}× the expected)` : '';
  const kat = ratio !== null ? ` (beklenenin ${fmtTr(ratio)} katı)` : '';
  // Turkish puts the percent sign first: %12,5.
  const tr = (x: number) => (u.tr === '%' ? `%${fmtTr(x)}` : `${fmtTr(x)}${u.tr}`);
  return {
    en: `${what.en}${scope} on ${a.day}: ${fmtEn(a.observed)}${u.en}${times}, expected ${fmtEn(a.expected)}${u.en}, usual range ${fmtEn(a.usual[0])}–${fmtEn(a.usual[1])}; robust score ${a.score.toFixed(1)}, ${a.severity} ${a.direction}.`,
    tr: `${what.tr}${scope}, ${a.day}: ${tr(a.observed)}${kat}, beklenen ${tr(a.expected)}, olağan aralık ${fmtTr(a.usual[0])}–${fmtTr(a.usual[1])}; sağlam skor ${fmtTr(a.score)}, önem: ${SEVERITY_TR[a.severity]} (${DIRECTION_TR[a.direction]}).`,
  };
}

/** The headline of an anomaly alert, in both languages, with no English word in the Turkish one. */
export function alertTitle(source: string, severity: Severity, direction: 'spike' | 'drop'): { en: string; tr: string } {
  const what = SOURCE_TEXT[source];
  return {
    en: `Analytics: ${severity} ${direction} in ${(what?.en ?? source).toLowerCase()}`,
    tr: `Analiz: ${what?.trIn ?? source} ${SEVERITY_TR[severity]} düzeyde anomali (${DIRECTION_TR[direction]})`,
  };
}
