import assert from 'node:assert/strict';
import { dayIndex, dayString, weekday } from '../../src/analytics/calendar';
import { closedDays } from '../../src/analytics/anomalies/closures';
import { detectAnomalies, explain, scoreDays, thresholdsFor } from '../../src/analytics/anomalies/detect';
import { loadWatchedSeries } from '../../src/analytics/anomalies/sources';
import { turkeyHolidays } from '../../src/analytics/forecast/closures';
import { listAlerts } from '../../src/sync/heartbeats';
import { dailyHistory, poisson, rng, shopWith, type ShopFixture } from './fixtures';
import type { SalesHistory } from '../../src/analytics/data/history';
import { analyticsOptionsSchema } from '../../src/analytics/models/options';
import { loadSnapshot } from '../../src/analytics/models/snapshot';
import { runAnomalies, ANOMALY_ALERT, type AnomalyAlert } from '../../src/analytics/models/train-anomalies';
import { rawRows, rawWrite } from '../../src/db/raw';

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

const shop5Planted = () => shop(5, true);

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
    // A rate reads "75.0%" in English and "%75,0" in Turkish (the sign first, a decimal comma).
    const text = explain(watched.source, watched.key, found[0]!, watched.unit);
    assert.match(text.en, /: 75\.0%/);
    assert.match(text.tr, /: %75,0/);
    assert.doesNotMatch(text.tr, /\d%/);
  });

  it('watches stock movements from the inventory ledger and explains a planted one, expected against observed', async () => {
    const knex = clean.db.knex;
    // Daily sale moves by weekday with residuals cycling +3, −3, 0 by week (so each baseline is exactly
    // the weekday's volume), a restock every Monday, and on Wednesday 2026-05-06 a stray 250-unit adjustment.
    const week = [30, 50, 45, 40, 48, 55, 70];
    const start = dayIndex('2026-01-04');
    const rows: Array<Record<string, unknown>> = [];
    for (let d = 0; d < 126; d++) {
      const day = dayString(start + d);
      const wd = weekday(start + d);
      const sold = week[wd]! + [3, -3, 0][Math.floor(d / 7) % 3]!;
      rows.push({ product_id: 1, delta: -sold, reason: 'order', created_at: `${day} 10:00:00` });
      if (wd === 1) rows.push({ product_id: 1, delta: 100, reason: 'restock', created_at: `${day} 08:00:00` });
    }
    rows.push({ product_id: 2, delta: -250, reason: 'adjust', created_at: '2026-05-06 16:00:00' });
    await knex.batchInsert('meschain_inventory_ledger', rows, 500);
    const stock = (await loadWatchedSeries(clean.ctx, window)).find((w) => w.source === 'stock_moves');
    assert.ok(stock, 'stock movements are watched');
    const found = detectAnomalies(stock.values, { startDay: stock.startDay, recentDays: 28, minScale: stock.minScale, directions: stock.directions });
    assert.deepEqual(found.map((a) => [a.day, a.severity, a.direction]), [['2026-05-06', 'high', 'spike']]);
    const a = found[0]!;
    assert.equal(a.expected, 40, 'the Wednesdays before it');
    assert.equal(a.observed, 40 + 250, 'a week whose residual is 0, plus the adjustment');
    const text = explain(stock.source, stock.key, a, stock.unit);
    assert.match(text.en, /^Stock movements on 2026-05-06: 290 units \(7\.3× the expected\), expected 40\.0 units, /);
    assert.match(text.tr, /^Stok hareketleri, 2026-05-06: 290 adet \(beklenenin 7,3 katı\), beklenen 40,0 adet, /);
    assert.doesNotMatch(text.tr, /units|spike|high/);
  });
});

/** Units a day of a Turkish shop closed on every public holiday; `overrides` puts a day's own value. */
function turkishShop(seed: number, first: string, days: number, week: readonly number[], overrides: Record<string, number> = {}): number[] {
  const r = rng(seed);
  const start = dayIndex(first);
  const holidays = new Set<number>();
  for (let year = 2024; year <= 2026; year++) for (const h of turkeyHolidays(year)) holidays.add(h.day);
  return Array.from({ length: days }, (_, t) => {
    const day = dayString(start + t);
    if (overrides[day] !== undefined) return overrides[day]!;
    return holidays.has(start + t) ? 0 : poisson(r, week[weekday(start + t)]!);
  });
}

const WINDOW_HOLIDAYS = ['2026-05-19', '2026-05-27', '2026-05-28', '2026-05-29', '2026-05-30'];

describe('analytics: anomalies and the shop’s closed days', function () {
  this.timeout(120_000);

  it('does not score or learn from days the shop is known to close; a drop on an ordinary day is still flagged', () => {
    // Closed on every bayram and national day since December 2024. In the 28 days examined: 19 May, the
    // Kurban Bayramı (27–30 May, one day of it with a few online orders), a drop to 15 % on Wednesday
    // 13 May and nothing at all on Wednesday 20 May, which no holiday explains.
    const first = dayIndex('2024-12-01');
    const today = dayIndex('2026-06-05');
    const week = [60, 90, 85, 80, 85, 95, 120];
    const plain = turkishShop(3, '2024-12-01', today - first, week, { '2026-05-28': 12 });
    const y = plain.slice();
    y[dayIndex('2026-05-13') - first] = Math.round(y[dayIndex('2026-05-13') - first]! * 0.15);
    y[dayIndex('2026-05-20') - first] = 0;
    const days = closedDays(y, first, today - 28, turkeyHolidays);
    const inWindow = (flags: boolean[]) => flags.flatMap((f, t) => (f && first + t >= today - 28 ? [dayString(first + t)] : []));
    assert.deepEqual(inWindow(days.closed), WINDOW_HOLIDAYS, 'the bayram day with a few orders too: the shop’s bayrams were closed');
    assert.deepEqual(inWindow(days.unusual), ['2026-05-20']);
    const found = detectAnomalies(y, { startDay: first, recentDays: 28, closed: days.closed, unusual: days.unusual });
    assert.deepEqual(found.map((a) => [a.day, a.direction]), [['2026-05-13', 'drop'], ['2026-05-20', 'drop']]);
    // Without the closures every holiday would be a drop.
    const blind = detectAnomalies(y, { startDay: first, recentDays: 28 }).map((a) => a.day);
    for (const d of WINDOW_HOLIDAYS) assert.ok(blind.includes(d), d);
  });

  it('a Turkish shop closed on its holidays gets no anomaly on them from an anomaly run, and its planted drop does', async () => {
    const today = '2026-06-05';
    const first = '2026-01-20';
    const holidays = new Set(turkeyHolidays(2026).map((h) => dayString(h.day)));
    const week = [40, 60, 55, 55, 60, 65, 80];
    // One order per unit; nothing on the holidays, a tenth of the usual on Wednesday 13 May.
    const rate = (d: number, wd: number) => {
      const day = dayString(dayIndex(first) + d);
      return holidays.has(day) ? 0 : day === '2026-05-13' ? week[wd]! / 10 : week[wd]!;
    };
    const history = dailyHistory({ seed: 8, firstDay: first, days: dayIndex(today) - dayIndex(first), products: [{ key: 'A', price: 20, rate }] });
    const shop = await shopWith(history, { prefix: 'ant_', today, timezone: 'Europe/Istanbul' });
    try {
      const options = analyticsOptionsSchema.parse({ anomalyRecentDays: 28 });
      const snap = await loadSnapshot(shop.ctx, options);
      const run = await runAnomalies(snap, options, 1, undefined);
      const rows = await rawRows<{ source: string; day: string; direction: string }>(
        shop.db.knex,
        `SELECT source, DATE_FORMAT(day, '%Y-%m-%d') AS day, direction FROM meschain_ai_anomalies WHERE oc_prefix = 'ant_' ORDER BY source, day`,
      );
      assert.deepEqual(rows.filter((r) => WINDOW_HOLIDAYS.includes(r.day)), [], 'no anomaly on a holiday the shop closed');
      assert.deepEqual(rows.map((r) => [r.source, r.day, r.direction]), [['orders', '2026-05-13', 'drop'], ['sales', '2026-05-13', 'drop']]);
      assert.equal(run.params.closedDaysSkipped, WINDOW_HOLIDAYS.length);
    } finally {
      await shop.db.drop();
    }
  });
});

describe('analytics: anomaly alerts in the sidecar’s alert table', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(shop5Planted(), { prefix: 'ana_', today: '2026-05-10' });
  });
  after(async () => shop?.db.drop());

  const findings = () =>
    rawRows<{ source: string; alerted: number }>(shop.db.knex, `SELECT source, alerted_at IS NOT NULL AS alerted FROM meschain_ai_anomalies WHERE oc_prefix = 'ana_' ORDER BY source`);

  it('marks a finding alerted only once its alert is stored', async () => {
    const options = analyticsOptionsSchema.parse({ anomalyRecentDays: 28 });
    const snap = await loadSnapshot(shop.ctx, options);
    const heard: AnomalyAlert[] = [];
    await shop.db.knex.raw('RENAME TABLE meschain_alerts TO meschain_alerts_away');
    try {
      await assert.rejects(runAnomalies(snap, options, 1, async (a) => void heard.push(a)));
    } finally {
      await shop.db.knex.raw('RENAME TABLE meschain_alerts_away TO meschain_alerts');
    }
    assert.deepEqual((await findings()).map((r) => [r.source, Number(r.alerted)]), [['orders', 0], ['sales', 0]]);
    assert.equal(heard.length, 0);
  });

  it('raises a planted high anomaly as one alert per series, in English and Turkish, and never twice', async () => {
    const options = analyticsOptionsSchema.parse({ anomalyRecentDays: 28 });
    const snap = await loadSnapshot(shop.ctx, options);
    const heard: AnomalyAlert[] = [];
    const first = await runAnomalies(snap, options, 2, async (a) => void heard.push(a));
    assert.equal(first.alerted, 2);
    const alerts = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT });
    assert.deepEqual(alerts.map((a) => [a.subject, a.state]).sort(), [['2026-04-30:orders:store', 'open'], ['2026-04-30:sales:store', 'open']]);
    const sales = alerts.find((a) => a.subject.includes('sales'))!;
    assert.match(sales.message, /^Analytics: high spike in sales\. Sales on 2026-04-30: .* \/ Analiz: satışlarda yüksek düzeyde anomali \(ani artış\)\. Satışlar, 2026-04-30: /);
    assert.doesNotMatch(sales.message.split(' / ')[1]!, /\b(high|spike|sales|medium)\b/);
    assert.deepEqual(heard.map((a) => a.title.tr).sort(), ['Analiz: sipariş sayısında yüksek düzeyde anomali (ani artış)', 'Analiz: satışlarda yüksek düzeyde anomali (ani artış)'].sort());
    assert.deepEqual((await findings()).map((r) => Number(r.alerted)), [1, 1]);

    // A retrain, and one that lost track of what it alerted: the table still holds one alert per anomaly.
    await runAnomalies(snap, options, 3, async (a) => void heard.push(a));
    await rawWrite(shop.db.knex, `UPDATE meschain_ai_anomalies SET alerted_at = NULL WHERE oc_prefix = 'ana_'`);
    await runAnomalies(snap, options, 4, async (a) => void heard.push(a));
    const again = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT });
    assert.deepEqual(again.map((a) => a.id).sort(), alerts.map((a) => a.id).sort());
    assert.equal(heard.length, 2, 'the sink hears of each alert once');
    assert.deepEqual((await findings()).map((r) => Number(r.alerted)), [1, 1]);
  });

  it('closes the alerts of days that have left the examined window, and only this store’s', async () => {
    // Another store's alert about the same old day, which this store's run must leave alone.
    await rawWrite(shop.db.knex, `INSERT INTO meschain_alerts (kind, marketplace_id, subject, message, state) VALUES (?, 0, ?, 'other store', 'open')`, [ANOMALY_ALERT, '2026-04-30:store 3:sales:store']);
    const stillRecent = analyticsOptionsSchema.parse({ anomalyRecentDays: 28 });
    await runAnomalies(await loadSnapshot(shop.ctx, stillRecent), stillRecent, 5, undefined);
    assert.equal((await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT, state: 'open' })).length, 3, 'its day is still examined: open');
    // A run that examines only the last five days: 30 April has left them.
    const lastDays = analyticsOptionsSchema.parse({ anomalyRecentDays: 5 });
    await runAnomalies(await loadSnapshot(shop.ctx, lastDays), lastDays, 6, undefined);
    const open = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT, state: 'open' });
    assert.deepEqual(open.map((a) => a.subject), ['2026-04-30:store 3:sales:store']);
    const closed = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT, state: 'resolved' });
    assert.deepEqual(closed.map((a) => a.subject).sort(), ['2026-04-30:orders:store', '2026-04-30:sales:store']);
  });
});
