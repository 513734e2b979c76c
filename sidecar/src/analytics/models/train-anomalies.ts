import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';
import { dayString } from '../calendar';
import { detectAnomalies, explain, thresholdsFor, type Anomaly, type Severity } from '../anomalies/detect';
import { loadWatchedSeries, type AnomalySource } from '../anomalies/sources';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';

/**
 * One anomaly run over the recent days of every watched series. Findings are upserted per shop,
 * source, series and day (re-running a day updates it); anomalies at or above the alert severity that
 * were never alerted are passed to the alert sink once.
 */

export interface AnomalyAlert {
  source: AnomalySource;
  seriesKey: string;
  day: string;
  severity: Severity;
  direction: 'spike' | 'drop';
  observed: number;
  expected: number;
  score: number;
  explanation: { en: string; tr: string };
}

export type AlertSink = (alert: AnomalyAlert) => Promise<void>;

const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3 };

export async function runAnomalies(
  snap: Snapshot,
  opts: AnalyticsOptions,
  modelId: number,
  alert: AlertSink | undefined,
): Promise<{ found: number; alerted: number; params: Record<string, unknown> }> {
  const { ctx } = snap;
  const recent = opts.anomalyRecentDays;
  // Baseline (6 weeks) and scale (8 weeks) history before the first examined day.
  const fromDay = snap.today - 1 - recent - 14 * 7 + 1;
  const window = { from: dayString(fromDay), to: dayString(snap.today - 1) };
  const watched = await loadWatchedSeries(ctx, window);
  const found: Array<{ source: AnomalySource; key: string; a: Anomaly; text: { en: string; tr: string } }> = [];
  let examined = 0;
  for (const w of watched) {
    const list = detectAnomalies(w.values, { startDay: w.startDay, recentDays: recent, sensitivity: opts.anomalySensitivity, minScale: w.minScale, directions: w.directions });
    examined += Math.min(recent, w.values.length);
    for (const a of list) found.push({ source: w.source, key: w.key, a, text: explain(w.source, w.key, a, w.unit) });
  }
  const scope = [ctx.prefix, ctx.storeId];
  const firstDay = dayString(snap.today - recent);
  // Days re-examined and no longer anomalous (e.g. late orders arrived) lose their unalerted findings.
  await rawWrite(ctx.knex, `DELETE FROM meschain_ai_anomalies WHERE oc_prefix = ? AND store_id = ? AND day >= ? AND alerted_at IS NULL`, [...scope, firstDay]);
  for (const f of found) {
    await rawWrite(
      ctx.knex,
      `INSERT INTO meschain_ai_anomalies (oc_prefix, store_id, source, series_key, day, observed, expected, score, severity, direction, explanation, model_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE observed = VALUES(observed), expected = VALUES(expected), score = VALUES(score), severity = VALUES(severity),
         direction = VALUES(direction), explanation = VALUES(explanation), model_id = VALUES(model_id), detected_at = UTC_TIMESTAMP(3)`,
      [...scope, f.source, f.key, f.a.day, f.a.observed, f.a.expected, f.a.score, f.a.severity, f.a.direction, JSON.stringify(f.text), modelId],
    );
  }
  const alerted = alert ? await raiseAlerts(ctx.knex, scope, opts.alertMinSeverity, alert) : 0;
  return { found: found.length, alerted, params: { thresholds: thresholdsFor(opts.anomalySensitivity), sensitivity: opts.anomalySensitivity, recentDays: recent, series: watched.length, daysExamined: examined, flagged: found.length } };
}

async function raiseAlerts(knex: Knex, scope: unknown[], minSeverity: Severity, sink: AlertSink): Promise<number> {
  const rows = await rawRows<{ id: number; source: AnomalySource; series_key: string; day: string; severity: Severity; direction: 'spike' | 'drop'; observed: number; expected: number; score: number; explanation: string | object }>(
    knex,
    `SELECT id, source, series_key, DATE_FORMAT(day, '%Y-%m-%d') AS day, severity, direction, observed, expected, score, explanation
       FROM meschain_ai_anomalies WHERE oc_prefix = ? AND store_id = ? AND alerted_at IS NULL ORDER BY day, id`,
    scope,
  );
  let n = 0;
  for (const r of rows) {
    if (RANK[r.severity] < RANK[minSeverity]) continue;
    const explanation = (typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation) as { en: string; tr: string };
    await sink({ source: r.source, seriesKey: r.series_key, day: r.day, severity: r.severity, direction: r.direction, observed: Number(r.observed), expected: Number(r.expected), score: Number(r.score), explanation });
    await rawWrite(knex, `UPDATE meschain_ai_anomalies SET alerted_at = UTC_TIMESTAMP(3) WHERE id = ?`, [r.id]);
    n++;
  }
  return n;
}
