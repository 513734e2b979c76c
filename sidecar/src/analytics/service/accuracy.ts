import type { ModelRow, PerformanceRow } from '../models/store';

/**
 * What every answer carries: which model version produced it and how that model did in its own
 * rolling-origin backtest. "Accuracy" is 1 − WAPE of that backtest at a stated level and horizon,
 * next to the seasonal-naive baseline on the same days: a measured figure, never a promise.
 */

export interface ModelInfo {
  name: string;
  version: number;
  trainedAt: string | null;
  dataFrom: string | null;
  dataTo: string | null;
}

export interface AccuracyInfo {
  level: string;
  measure: string;
  method: string;
  horizonDays: number;
  origins: number;
  series: number;
  /** 1 − WAPE (share of volume forecast right), null when not measurable. */
  accuracy: number | null;
  wape: number | null;
  mase: number | null;
  rmsse: number | null;
  bias: number | null;
  coverage80: number | null;
  coverage95: number | null;
  naive: { wape: number | null; mase: number | null; rmsse: number | null };
  maseVsNaive: number | null;
  statement: { en: string; tr: string };
}

export function modelInfo(m: ModelRow): ModelInfo {
  return { name: m.name, version: m.version, trainedAt: m.trainedAt, dataFrom: m.dataFrom, dataTo: m.dataTo };
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
/** Turkish puts the sign first and writes a decimal comma: %85,3. */
const pctTr = (x: number | null) => (x === null ? 'ölçülemedi' : `%${(x * 100).toFixed(1).replace('.', ',')}`);

/** Levels of the backtest rows in Turkish (an unknown level stays as stored). */
const LEVEL_TR: Record<string, string> = { store: 'mağaza', product: 'ürün', category: 'kategori', marketplace: 'pazaryeri' };

/** The backtest row for a level/measure/method closest to the wanted horizon (the next longer one first). */
export function pickPerformance(rows: readonly PerformanceRow[], level: string, measure: string, method: string, horizon: number): PerformanceRow | undefined {
  const candidates = rows.filter((r) => r.level === level && r.measure === measure && r.method === method);
  const longer = candidates.filter((r) => r.horizonDays >= horizon).sort((a, b) => a.horizonDays - b.horizonDays);
  return longer[0] ?? candidates.sort((a, b) => b.horizonDays - a.horizonDays)[0];
}

export function accuracyOf(p: PerformanceRow): AccuracyInfo {
  const accuracy = p.wape === null ? null : Math.max(0, 1 - p.wape);
  const ratio = p.mase !== null && p.naiveMase ? p.mase / p.naiveMase : null;
  const vs = ratio === null ? '' : `; error ${ratio < 1 ? `${((1 - ratio) * 100).toFixed(0)}% below` : `${((ratio - 1) * 100).toFixed(0)}% above`} seasonal naive (MASE ${p.mase!.toFixed(2)} vs ${p.naiveMase!.toFixed(2)})`;
  const vsTr =
    ratio === null ? '' : `; hata mevsimsel naif yönteme göre %${Math.abs((1 - ratio) * 100).toFixed(0)} ${ratio < 1 ? 'daha düşük' : 'daha yüksek'} (MASE ${p.mase!.toFixed(2).replace('.', ',')} / ${p.naiveMase!.toFixed(2).replace('.', ',')})`;
  const cov = p.coverage80 !== null ? `; 80% intervals held ${pct(p.coverage80)} of actual days` : '';
  const covTr = p.coverage80 !== null ? `; %80 aralıklar gerçekleşen günlerin ${pctTr(p.coverage80)} kadarını kapsadı` : '';
  return {
    level: p.level,
    measure: p.measure,
    method: p.method,
    horizonDays: p.horizonDays,
    origins: p.origins,
    series: p.series,
    accuracy,
    wape: p.wape,
    mase: p.mase,
    rmsse: p.rmsse,
    bias: p.bias,
    coverage80: p.coverage80,
    coverage95: p.coverage95,
    naive: { wape: p.naiveWape, mase: p.naiveMase, rmsse: p.naiveRmsse },
    maseVsNaive: ratio,
    statement: {
      en: `Backtest (${p.origins} rolling origins, ${p.series} series, ${p.level} level, ${p.horizonDays}-day horizon): accuracy ${pct(accuracy)} (1 − WAPE)${vs}${cov}.`,
      tr: `Geriye dönük test (${p.origins} başlangıç noktası, ${p.series} seri, ${LEVEL_TR[p.level] ?? p.level} düzeyi, ${p.horizonDays} günlük ufuk): doğruluk ${pctTr(accuracy)} (1 − WAPE)${vsTr}${covTr}.`,
    },
  };
}
