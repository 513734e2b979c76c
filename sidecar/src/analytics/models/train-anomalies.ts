import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';
import { ALERTS, raiseAlert } from '../../sync/heartbeats';
import { dayString } from '../calendar';
import { closedDays } from '../anomalies/closures';
import { alertTitle, detectAnomalies, explain, thresholdsFor, type Anomaly, type Severity } from '../anomalies/detect';
import { loadWatchedSeries, type AnomalySource } from '../anomalies/sources';
import { holidayCalendarFor } from '../forecast/closures';
import type { AnalyticsOptions } from './options';
import type { Snapshot } from './snapshot';

/**
 * One anomaly run over the recent days of every watched series. Findings are upserted per shop,
 * source, series and day (re-running a day updates it). Days the shop is known to be closed are left
 * out (anomalies/closures.ts). Each finding at or above the alert severity that was never alerted
 * raises an alert in the sidecar's alert table (GET /api/orders/alerts), marked alerted in the same
 * transaction; the table keeps one open alert per anomaly, so nothing raises the same day twice. The
 * alert sink, when given, hears of each newly opened alert after it was stored.
 */

/** Kind of the anomaly alerts in meschain_alerts. */
export const ANOMALY_ALERT = 'anomaly';

export interface AnomalyAlert {
  source: AnomalySource;
  seriesKey: string;
  day: string;
  severity: Severity;
  direction: 'spike' | 'drop';
  observed: number;
  expected: number;
  score: number;
  title: { en: string; tr: string };
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
  // The snapshot's longer store history is what judges closures (two past bayrams need a year or more).
  const shop = closedDays(snap.store.units, snap.startDay, snap.today - recent, holidayCalendarFor(ctx.timezone));
  const onDays = (flags: boolean[], startDay: number, n: number) => Array.from({ length: n }, (_, d) => flags[startDay + d - snap.startDay] === true);
  const found: Array<{ source: AnomalySource; key: string; a: Anomaly; text: { en: string; tr: string } }> = [];
  let examined = 0;
  for (const w of watched) {
    const closures = w.followsTrading ? { closed: onDays(shop.closed, w.startDay, w.values.length), unusual: onDays(shop.unusual, w.startDay, w.values.length) } : {};
    const list = detectAnomalies(w.values, { startDay: w.startDay, recentDays: recent, sensitivity: opts.anomalySensitivity, minScale: w.minScale, directions: w.directions, ...closures });
    examined += Math.min(recent, w.values.length);
    for (const a of list) found.push({ source: w.source, key: w.key, a, text: explain(w.source, w.key, a, w.unit) });
  }
  const scope = [ctx.prefix, ctx.storeId];
  const firstDay = dayString(snap.today - recent);
  await ctx.knex.transaction(async (trx) => {
    // Days re-examined and no longer anomalous (e.g. late orders arrived) lose their unalerted findings.
    await rawWrite(trx, `DELETE FROM meschain_ai_anomalies WHERE oc_prefix = ? AND store_id = ? AND day >= ? AND alerted_at IS NULL`, [...scope, firstDay]);
    for (const f of found) {
      await rawWrite(
        trx,
        `INSERT INTO meschain_ai_anomalies (oc_prefix, store_id, source, series_key, day, observed, expected, score, severity, direction, explanation, model_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE observed = VALUES(observed), expected = VALUES(expected), score = VALUES(score), severity = VALUES(severity),
           direction = VALUES(direction), explanation = VALUES(explanation), model_id = VALUES(model_id), detected_at = UTC_TIMESTAMP(3)`,
        [...scope, f.source, f.key, f.a.day, f.a.observed, f.a.expected, f.a.score, f.a.severity, f.a.direction, JSON.stringify(f.text), modelId],
      );
    }
  });
  // Alerts cover the days this run examines; those of days that have left them are closed.
  const alertsFrom = firstDay;
  const alerted = await raiseAlerts(ctx.knex, { prefix: ctx.prefix, storeId: ctx.storeId }, opts.alertMinSeverity, alertsFrom, alert);
  await resolveStaleAlerts(ctx.knex, ctx.storeId, alertsFrom);
  const closedExamined = shop.closed.slice(Math.max(0, snap.today - recent - snap.startDay)).filter(Boolean).length;
  return {
    found: found.length,
    alerted,
    params: {
      thresholds: thresholdsFor(opts.anomalySensitivity),
      sensitivity: opts.anomalySensitivity,
      alertMinSeverity: opts.alertMinSeverity,
      recentDays: recent,
      series: watched.length,
      daysExamined: examined,
      closedDaysSkipped: closedExamined,
      flagged: found.length,
    },
  };
}

/** What an anomaly alert is about: one series on one day (and the store, where it is not the default one). */
export function anomalySubject(storeId: number, source: string, seriesKey: string, day: string): string {
  return `${day}:${storeId ? `store ${storeId}:` : ''}${source}:${seriesKey}`.slice(0, 64);
}

/**
 * Closes this store's open anomaly alerts about days before `from` (the subject starts with the day):
 * an anomaly alert is news while its day is among the recent days the detector examines (28 by
 * default); nothing else closes it, and without this the open alerts (and /health's count) would only
 * grow.
 */
async function resolveStaleAlerts(knex: Knex, storeId: number, from: string): Promise<number> {
  const store = storeId ? `AND subject LIKE ?` : `AND subject NOT LIKE ?`;
  const res = await rawWrite(
    knex,
    `UPDATE ${ALERTS} SET state = 'resolved', resolved_at = UTC_TIMESTAMP(3)
      WHERE state = 'open' AND kind = ? AND marketplace_id = 0 AND LEFT(subject, 10) < ? ${store}`,
    [ANOMALY_ALERT, from, storeId ? `__________:store ${storeId}:%` : '__________:store %'],
  );
  return res.affectedRows;
}

async function raiseAlerts(knex: Knex, scope: { prefix: string; storeId: number }, minSeverity: Severity, from: string, sink: AlertSink | undefined): Promise<number> {
  const rows = await rawRows<{ id: number; source: AnomalySource; series_key: string; day: string; severity: Severity; direction: 'spike' | 'drop'; observed: number; expected: number; score: number; explanation: string | object }>(
    knex,
    `SELECT id, source, series_key, DATE_FORMAT(day, '%Y-%m-%d') AS day, severity, direction, observed, expected, score, explanation
       FROM meschain_ai_anomalies WHERE oc_prefix = ? AND store_id = ? AND alerted_at IS NULL AND day >= ? ORDER BY day, id`,
    [scope.prefix, scope.storeId, from],
  );
  let n = 0;
  for (const r of rows) {
    if (RANK[r.severity] < RANK[minSeverity]) continue;
    const explanation = (typeof r.explanation === 'string' ? JSON.parse(r.explanation) : r.explanation) as { en: string; tr: string };
    const title = alertTitle(r.source, r.severity, r.direction);
    const message = `${title.en}. ${explanation.en} / ${title.tr}. ${explanation.tr}`;
    // Stored and marked together: a finding is alerted exactly when its alert is in the table.
    const opened = await knex.transaction(async (trx) => {
      const fresh = await raiseAlert(trx, ANOMALY_ALERT, 0, anomalySubject(scope.storeId, r.source, r.series_key, r.day), message);
      await rawWrite(trx, `UPDATE meschain_ai_anomalies SET alerted_at = UTC_TIMESTAMP(3) WHERE id = ?`, [r.id]);
      return fresh;
    });
    n++;
    if (opened && sink) {
      await sink({ source: r.source, seriesKey: r.series_key, day: r.day, severity: r.severity, direction: r.direction, observed: Number(r.observed), expected: Number(r.expected), score: Number(r.score), title, explanation });
    }
  }
  return n;
}
