import assert from 'node:assert/strict';
import { dayIndex } from '../../src/analytics/calendar';
import { detectAnomalies, explain, scoreDays, thresholdsFor } from '../../src/analytics/anomalies/detect';
import { loadWatchedSeries } from '../../src/analytics/anomalies/sources';
import { dailyHistory, shopWith, type ShopFixture } from './fixtures';
import type { SalesHistory } from '../../src/analytics/data/history';
import { analyticsOptionsSchema } from '../../src/analytics/models/options';
import { loadSnapshot } from '../../src/analytics/models/snapshot';
import { runAnomalies, type AnomalyAlert } from '../../src/analytics/models/train-anomalies';
import { rawRows } from '../../src/db/raw';

const START = dayIndex('2026-01-04'); // a Sunday

/**
 * Weekly pattern plus residuals cycling +10, −10, 0 by week: any six weeks of one weekday have median 0
 * (the baseline is exact), and the residuals' MAD is exactly 10, so the scale is 14.826.
 */
function controlled(days: number): number[] {
  const week = [300, 200, 200, 220, 240, 260, 400];
  return Array.from({ length: days }, (_, t) => week[t % 7]! + [10, -10, 0][Math.floor(t / 7) % 3]!);
}

describe('analytics: anomaly scores', () => {
  it('grades planted deviations by robust score: low, medium, high', () => {
    const y = controlled(140);
    // The baseline of day t is the median of the same weekday over 6 weeks: exactly the weekly value.
    // Days 120, 127, 134 share a weekday, so each later baseline sees the earlier plants (median 5).
    y[120] = y[120]! + 70; // 70 / 14.826 = 4.7 → low
    y[127] = y[127]! + 105; // (10 + 105 − 5) / 14.826 = 7.4 → medium
    y[134] = y[134]! - 160; // (−10 − 160 − 5) / 14.826 = −11.8 → high (a drop)
    const found = detectAnomalies(y, { startDay: START, recentDays: 28 });
    const byIndex = new Map(found.map((a) => [dayIndex(a.day) - START, a]));
    assert.equal(byIndex.get(120)?.severity, 'low');
    assert.equal(byIndex.get(127)?.severity, 'medium');
    assert.equal(byIndex.get(134)?.severity, 'high');
    assert.equal(byIndex.get(134)?.direction, 'drop');
    assert.equal(found.length, 3, 'nothing else is flagged');
    const text = explain('sales', 'store', byIndex.get(134)!, ' TRY');
    assert.equal(byIndex.get(127)!.score.toFixed(2), (110 / 14.826).toFixed(2));
    assert.match(text.en, /expected 20[0-9] TRY/);
    assert.match(text.tr, /önem: yüksek/);
  });

  it('sensitivity moves the thresholds and directions can be restricted', () => {
    assert.deepEqual(thresholdsFor('high'), { low: 3, medium: 4.5, high: 6.75 });
    const y = controlled(140);
    y[127] = y[127]! + 105;
    assert.equal(detectAnomalies(y, { startDay: START, recentDays: 28, sensitivity: 'low' }).find((a) => dayIndex(a.day) - START === 127)?.severity, 'low');
    assert.equal(detectAnomalies(y, { startDay: START, recentDays: 28, directions: ['drop'] }).length, 0);
  });

  it('uses only earlier days for a day’s baseline and scale', () => {
    const y = controlled(140);
    const before = scoreDays(y, { startDay: START, recentDays: 28 }).find((d) => d.day === scoreDays(y, { startDay: START }).at(-2)!.day)!;
    y[139] = 99_999; // a change on the last day must not move the day before
    const after = scoreDays(y, { startDay: START, recentDays: 28 }).find((d) => d.day === before.day)!;
    assert.deepEqual(after, before);
  });
});

// Orders of a small shop: weekly seasonal Poisson demand, one order per unit.
function shop(seed: number, spike: boolean): SalesHistory {
  const week = [14, 8, 8, 9, 10, 11, 18];
  const h = dailyHistory({ seed, firstDay: '2026-01-04', days: 126, products: [{ key: 'A', price: 50, rate: (_d, wd) => week[wd]! }] });
  if (spike) {
    // A planted burst on 2026-04-30 (day 116): 60 extra orders, about ten standard deviations.
    for (let i = 0; i < 60; i++) h.orders.push({ placedAt: `2026-04-30 15:${String(i).padStart(2, '0')}:00`, state: 'complete', lines: [{ productKey: 'A', quantity: 1, price: 50 }] });
  }
  return h;
}

describe('analytics: anomalies in a shop’s own orders', () => {
  let clean: ShopFixture;
  let planted: ShopFixture;
  before(async () => {
    clean = await shopWith(shop(5, false), { prefix: 'anc_', today: '2026-05-10' });
    planted = await shopWith(shop(5, true), { prefix: 'anp_', today: '2026-05-10' });
  });
  after(async () => {
    await clean?.db.drop();
    await planted?.db.drop();
  });

  const window = { from: '2026-01-04', to: '2026-05-09' };

  it('flags nothing on clean seasonal data', async () => {
    const watched = await loadWatchedSeries(clean.ctx, window);
    assert.deepEqual(watched.map((w) => w.source).sort(), ['orders', 'sales']);
    for (const w of watched) assert.deepEqual(detectAnomalies(w.values, { startDay: w.startDay, recentDays: 56, minScale: w.minScale }), [], w.source);
  });

  it('flags the planted burst as high, in orders and sales, explained', async () => {
    const watched = await loadWatchedSeries(planted.ctx, window);
    for (const w of watched) {
      const found = detectAnomalies(w.values, { startDay: w.startDay, recentDays: 56, minScale: w.minScale });
      assert.equal(found.length, 1, `${w.source}: ${JSON.stringify(found)}`);
      assert.equal(found[0]!.day, '2026-04-30');
      assert.equal(found[0]!.severity, 'high');
      assert.equal(found[0]!.direction, 'spike');
    }
  });

  it('stores each finding with its explanation and raises an alert once', async () => {
    const options = analyticsOptionsSchema.parse({ anomalyRecentDays: 28 });
    const snap = await loadSnapshot(planted.ctx, options);
    const alerts: AnomalyAlert[] = [];
    const first = await runAnomalies(snap, options, 1, async (a) => void alerts.push(a));
    assert.equal(first.found, 2, 'sales and orders');
    assert.deepEqual(alerts.map((a) => [a.source, a.day, a.severity]).sort(), [['orders', '2026-04-30', 'high'], ['sales', '2026-04-30', 'high']]);
    assert.match(alerts[0]!.explanation.en, /2026-04-30/);
    const rows = await rawRows<{ alerted: number }>(planted.db.knex, `SELECT alerted_at IS NOT NULL AS alerted FROM meschain_ai_anomalies WHERE oc_prefix = 'anp_'`);
    assert.deepEqual(rows.map((r) => Number(r.alerted)), [1, 1]);
    await runAnomalies(snap, options, 2, async (a) => void alerts.push(a));
    assert.equal(alerts.length, 2, 'no second alert for the same finding');
  });

  it('watches sync error rates per marketplace from the sidecar log (UTC hours → shop days)', async () => {
    const knex = clean.db.knex;
    const [mp] = await knex('meschain_marketplaces').insert({ code: 'n11', name: 'N11', store_id: 0, enabled: 1, base_url: 'http://x', settings: '{}', flows: '{}' });
    const rows: Array<Record<string, unknown>> = [];
    for (let d = 0; d < 60; d++) {
      const day = new Date(Date.UTC(2026, 2, 10 + d)).toISOString().slice(0, 10);
      for (let i = 0; i < 40; i++) rows.push({ marketplace_id: mp, method: 'GET', path: '/x', status: i < 2 || (day === '2026-05-05' && i < 30) ? 500 : 200, duration_ms: 5, created_at: `${day} 10:00:00` });
    }
    await knex.batchInsert('meschain_sync_logs', rows, 500);
    const watched = (await loadWatchedSeries(clean.ctx, window)).find((w) => w.source === 'sync_errors')!;
    assert.equal(watched.key, 'n11');
    const found = detectAnomalies(watched.values, { startDay: watched.startDay, recentDays: 28, minScale: watched.minScale, directions: watched.directions });
    assert.deepEqual(found.map((a) => [a.day, a.severity]), [['2026-05-05', 'high']]);
  });
});
