import assert from 'node:assert/strict';
import { startSidecar, type Sidecar } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/util/logger';
import { createOpencartTables } from '../../src/db/opencart/schema';
import { loadOcContext } from '../../src/db/opencart';
import { analyticsOptionsFrom, createAnalyticsModule } from '../../src/modules/analytics';
import { ANOMALY_ALERT } from '../../src/analytics/models/train-anomalies';
import { listAlerts } from '../../src/sync/heartbeats';
import { dailyHistory, shopWith, type ShopFixture } from './fixtures';
import type { ModuleContext, SidecarModule } from '../../src/modules';
import type { AnalyticsService } from '../../src/analytics';
import { seedDemo } from '../../../scripts/demo/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { migrateLatest } from '../../../migrations';
import { until } from '../support/wait';

// Small, fast training settings: the point here is the wiring, not the models' quality.
const FAST = { schedule: null, trainOnStart: false, maxProducts: 25, backtestProducts: 15, backtestOrigins: 2, forestRows: 80, forestTrees: 8, keepVersions: 1 };


interface Json {
  [k: string]: any;
}

describe('analytics module: /api/analytics over a demo shop', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let sidecar: Sidecar;
  let seen: unknown;
  let api: (path: string, init?: RequestInit) => Promise<{ status: number; body: Json }>;
  let topProduct: number;

  const probe: SidecarModule = {
    name: 'probe',
    async start(ctx) {
      seen = ctx.services.get('analytics');
      return {};
    },
  };

  before(async () => {
    db = await createTestDatabase({ prefix: 'dm_', opencart: false, migrate: false });
    await createOpencartTables(db.knex, db.prefix);
    await seedDemo(db.knex, db.prefix, { products: 30, customers: 40, orders: 2500, days: 240, seed: 7 });
    const config = loadConfig({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'e'.repeat(64), MESCHAIN_HTTP_PORT: '0', MESCHAIN_OC_PREFIX: 'dm_', MESCHAIN_CAPTURE_POLL_MS: '200' });
    sidecar = await startSidecar(config, { logger: createLogger('silent'), modules: [createAnalyticsModule(FAST), probe] });
    api = async (path, init) => {
      const res = await fetch(`${sidecar.url}/api/analytics${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const [[row]] = (await db.knex.raw(
      `SELECT op.product_id, SUM(op.quantity) AS n FROM dm_order_product op JOIN dm_order o ON o.order_id = op.order_id WHERE o.order_status_id IN (1,2,3,5,12) GROUP BY op.product_id ORDER BY n DESC LIMIT 1`,
    )) as unknown as [[{ product_id: number }]];
    topProduct = row.product_id;
  });
  after(async () => {
    await sidecar?.close();
    await db?.drop();
  });

  it('answers 503 in both languages before any model is trained', async () => {
    const r = await api('/forecast?horizon=30');
    assert.equal(r.status, 503);
    assert.equal(r.body.error.code, 'model_not_ready');
    assert.match(r.body.error.messages.tr, /henüz eğitilmedi/);
  });

  it('retrains on demand, one run at a time, and publishes the service to later modules', async () => {
    assert.ok(seen && typeof (seen as AnalyticsService).forecast === 'function', 'ctx.services has analytics');
    const first = await api('/retrain', { method: 'POST' });
    assert.equal(first.status, 202);
    const second = await api('/retrain', { method: 'POST' });
    assert.equal(second.status, 409);
    const done = await until('training to finish', async () => {
      const s = await api('/retrain');
      return s.body.data.running ? null : s.body.data;
    });
    assert.equal(done.lastReport.status, 'done');
    assert.deepEqual(
      done.lastReport.models.map((m: Json) => [m.name, m.status]),
      [
        ['forecast', 'ready'],
        ['demand', 'ready'],
        ['pricing', 'ready'],
        ['anomalies', 'ready'],
        ['recommendations', 'ready'],
      ],
    );
  });

  it('forecasts with intervals, the model version and its measured backtest', async () => {
    const r = await api('/forecast?level=store&horizon=30');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.points.length, 30);
    for (const p of r.body.data.points) assert.ok(p.lower95 <= p.lower80 && p.lower80 <= p.mean + 1e-9 && p.mean <= p.upper80 + 1e-9 && p.upper80 <= p.upper95, JSON.stringify(p));
    assert.equal(r.body.model.name, 'forecast');
    assert.equal(r.body.model.version, 1);
    const acc = r.body.accuracy;
    assert.equal(acc.level, 'store');
    assert.equal(acc.horizonDays, 30);
    assert.ok(acc.origins >= 1);
    assert.ok(Math.abs(acc.accuracy - (1 - acc.wape)) < 1e-9, 'accuracy is 1 − WAPE of the backtest');
    assert.ok(acc.naive.mase > 0, 'the baseline is reported next to it');
    assert.match(acc.statement.en, /Backtest/);
    assert.match(acc.statement.tr, /Geriye dönük test/);
    assert.match(acc.statement.tr, /mağaza düzeyi/);
    assert.doesNotMatch(acc.statement.tr, /store|n\/a/);

    const p = await api(`/forecast/product/${topProduct}?horizon=7`);
    assert.equal(p.status, 200);
    assert.equal(p.body.data.points.length, 7);
    assert.equal(p.body.accuracy.level, 'product');
    assert.match(p.body.accuracy.statement.tr, /ürün düzeyi/);
    const rev = await api('/forecast/store?measure=revenue&horizon=90');
    assert.equal(rev.status, 200);
    assert.equal(rev.body.data.measure, 'revenue');
  });

  it('rejects bad parameters with a clear 400', async () => {
    for (const [path, code] of [
      ['/forecast?horizon=0', 'bad_horizon'],
      ['/forecast?horizon=91', 'bad_horizon'],
      ['/forecast?horizon=seven', 'bad_request'],
      ['/forecast?level=planet&horizon=7', 'bad_request'],
      ['/forecast/product/999999?horizon=7', 'unknown_product'],
      ['/forecast/product?horizon=7', 'missing_id'],
      ['/demand/999999', 'unknown_product'],
      ['/demand/abc', 'bad_request'],
      ['/pricing/999999', 'unknown_product'],
    ] as const) {
      const r = await api(path);
      assert.equal(r.status, 400, path);
      assert.equal(r.body.error.code, code, path);
      assert.ok(r.body.error.messages.en && r.body.error.messages.tr, path);
    }
  });

  it('predicts demand with days of cover and a reorder suggestion', async () => {
    const r = await api(`/demand/${topProduct}`);
    assert.equal(r.status, 200);
    const d = r.body.data;
    assert.ok(d.units30 >= d.units7 && d.units7 >= 0);
    assert.equal(typeof d.stock, 'number');
    assert.ok(d.daysOfCover === null || d.daysOfCover >= 0);
    assert.equal(typeof d.reorder.needed, 'boolean');
    assert.equal(r.body.model.name, 'demand');
    assert.ok(Array.isArray(r.body.accuracy) && r.body.accuracy.every((a: Json) => a.method === 'rf_blend' && a.naive.wape !== undefined));
  });

  it('suggests prices within the owner’s rules, with the elasticity behind them', async () => {
    const set = await api(`/pricing/${topProduct}/rules`, { method: 'PUT', body: JSON.stringify({ cost: 1, minPrice: 2, maxPrice: 100000, minMargin: 0.2 }) });
    assert.equal(set.status, 200);
    assert.equal(set.body.data.cost, 1);
    const bad = await api(`/pricing/${topProduct}/rules`, { method: 'PUT', body: JSON.stringify({ cost: -5 }) });
    assert.equal(bad.status, 400);
    const r = await api(`/pricing/${topProduct}/suggest`, { method: 'POST', body: JSON.stringify({ competitors: [{ marketplace: 'trendyol', price: 99999 }] }) });
    assert.equal(r.status, 200);
    assert.ok(['raise', 'lower', 'keep', 'unavailable'].includes(r.body.data.suggestion.action));
    assert.ok(r.body.data.suggestion.suggested.price >= 1, 'never below cost');
    assert.ok(r.body.data.suggestion.reason.tr.length > 0);
    assert.equal(r.body.model.name, 'pricing');
    const g = await api(`/pricing/${topProduct}`);
    assert.equal(g.status, 200);
  });

  it('lists anomalies, recommendations, seller actions and listing insights with their model', async () => {
    const an = await api('/anomalies?days=28');
    assert.equal(an.status, 200);
    assert.ok(Array.isArray(an.body.data.anomalies));
    assert.equal(an.body.model.name, 'anomalies');
    assert.ok(an.body.data.detector.thresholds.high > an.body.data.detector.thresholds.low);
    const rec = await api(`/recommendations/together/${topProduct}?limit=3`);
    assert.equal(rec.status, 200);
    assert.ok(rec.body.data.items.length > 0 && rec.body.data.items.length <= 3);
    assert.ok(rec.body.data.items.every((i: Json) => i.productId !== topProduct && i.reason.en && i.reason.tr));
    assert.ok(rec.body.data.backtest && typeof rec.body.data.backtest.trials === 'number');
    const actions = await api('/recommendations/actions');
    assert.equal(actions.status, 200);
    assert.equal(actions.body.data.currency, 'TRY');
    const listings = await api('/insights/listings');
    assert.equal(listings.status, 200);
    assert.deepEqual(listings.body.data.listings, []);
    assert.equal(listings.body.model.name, 'listing-rules');
    const fb = await api('/insights/feedback', { method: 'POST', body: JSON.stringify({ texts: [{ kind: 'review', marketplace: 'trendyol', text: 'Ürün harika, kargo hızlı' }] }) });
    assert.equal(fb.status, 200);
    assert.equal(fb.body.data.positive, 1);
    const badFb = await api('/insights/feedback', { method: 'POST', body: JSON.stringify({ texts: [{ kind: 'rumour', text: 'x' }] }) });
    assert.equal(badFb.status, 400);
  });

  it('keeps models as data: versions, backtests against the baseline, predictions; prunes old versions', async () => {
    const models = await api('/models');
    const forecast = models.body.data.find((m: Json) => m.name === 'forecast');
    assert.equal(forecast.status, 'ready');
    const methods = new Set(forecast.performance.map((p: Json) => p.method));
    assert.ok(methods.has('auto') && methods.has('snaive'));
    const [[preds]] = (await db.knex.raw(`SELECT COUNT(*) AS n FROM meschain_ai_predictions WHERE kind = 'forecast'`)) as unknown as [[{ n: number }]];
    assert.ok(Number(preds.n) > 25);
    assert.equal((await api('/retrain', { method: 'POST' })).status, 202);
    await until('retraining', async () => ((await api('/retrain')).body.data.running ? null : true));
    const [[versions]] = (await db.knex.raw(`SELECT COUNT(*) AS n, MAX(version) AS v FROM meschain_ai_models WHERE name = 'forecast'`)) as unknown as [[{ n: number; v: number }]];
    assert.equal(Number(versions.v), 2);
    assert.equal(Number(versions.n), 1, 'keepVersions: 1 pruned version 1 with its rows');
    const [[orphans]] = (await db.knex.raw(`SELECT COUNT(*) AS n FROM meschain_ai_predictions p LEFT JOIN meschain_ai_models m ON m.id = p.model_id WHERE m.id IS NULL`)) as unknown as [[{ n: number }]];
    assert.equal(Number(orphans.n), 0);
    const r = await api('/forecast?horizon=7');
    assert.equal(r.body.model.version, 2);
    const health = (await (await fetch(`${sidecar.url}/health`)).json()) as Json;
    assert.equal(health.modules.analytics.ok, true);
  });
});

describe('analytics module: retraining on a schedule', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ prefix: 'sch_', opencart: false, migrate: false });
    await createOpencartTables(db.knex, db.prefix);
    await seedDemo(db.knex, db.prefix, { products: 12, customers: 20, orders: 600, days: 120, seed: 3 });
    await migrateLatest(db.knex, { ocPrefix: db.prefix });
  });
  after(async () => db?.drop());

  it('runs the training when node-cron fires (every second here)', async () => {
    const opencart = await loadOcContext(db.knex, { prefix: db.prefix });
    const ctx = { knex: db.knex, opencart, logger: createLogger('silent'), services: new Map() } as unknown as ModuleContext;
    const instance = await createAnalyticsModule({ ...FAST, schedule: '* * * * * *' }).start(ctx);
    try {
      const row = await until('a scheduled model', async () => {
        const [[r]] = (await db.knex.raw(`SELECT \`trigger\`, status FROM meschain_ai_models WHERE name = 'recommendations' AND status = 'ready' LIMIT 1`)) as unknown as [[{ trigger: string; status: string } | undefined]];
        return r;
      });
      assert.equal(row.trigger, 'schedule');
    } finally {
      await instance.stop?.();
    }
  });
});

describe('analytics module: the owner’s settings from the configuration', function () {
  this.timeout(120_000);
  const base = { MESCHAIN_DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop', MESCHAIN_SECRET_KEY: 'e'.repeat(64) };

  it('refuses a bad setting with one line naming its variable', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ MESCHAIN_ANOMALY_SENSITIVITY: 'extreme' }, /^invalid configuration: MESCHAIN_ANOMALY_SENSITIVITY \(analytics\.anomalySensitivity\) must be low, normal or high$/],
      [{ MESCHAIN_ANOMALY_ALERT_SEVERITY: 'critical' }, /^invalid configuration: MESCHAIN_ANOMALY_ALERT_SEVERITY \(analytics\.alertMinSeverity\) must be low, medium or high$/],
      [{ MESCHAIN_REORDER_LEAD_TIME_DAYS: 'a week' }, /^invalid configuration: MESCHAIN_REORDER_LEAD_TIME_DAYS \(analytics\.leadTimeDays\) must be a whole number of days 0-180$/],
      [{ MESCHAIN_REORDER_REVIEW_DAYS: '0' }, /^invalid configuration: MESCHAIN_REORDER_REVIEW_DAYS \(analytics\.reviewDays\) must be a whole number of days 1-180$/],
      [{ MESCHAIN_ANALYTICS_SCHEDULE: 'every night' }, /^invalid configuration: MESCHAIN_ANALYTICS_SCHEDULE \(analytics\.schedule\) must be a cron expression/],
    ];
    for (const [env, pattern] of cases) {
      assert.throws(() => loadConfig({ ...base, ...env }), (err: unknown) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.match(err.message, pattern);
        return true;
      });
    }
  });

  it('turns the configured values into the module’s options; the code’s own choices win', () => {
    const config = loadConfig({
      ...base,
      MESCHAIN_ANOMALY_SENSITIVITY: 'low',
      MESCHAIN_ANOMALY_ALERT_SEVERITY: 'high',
      MESCHAIN_REORDER_LEAD_TIME_DAYS: '21',
      MESCHAIN_REORDER_REVIEW_DAYS: '30',
      MESCHAIN_ANALYTICS_SCHEDULE: 'off',
    });
    const o = analyticsOptionsFrom(config);
    assert.deepEqual([o.anomalySensitivity, o.alertMinSeverity, o.leadTimeDays, o.reviewDays, o.schedule], ['low', 'high', 21, 30, null]);
    assert.equal(analyticsOptionsFrom(loadConfig({ ...base, MESCHAIN_ANALYTICS_SCHEDULE: '0 4 * * *' })).schedule, '0 4 * * *');
    assert.equal(analyticsOptionsFrom(config, { leadTimeDays: 3 }).leadTimeDays, 3);
    const defaults = analyticsOptionsFrom(loadConfig(base));
    assert.deepEqual([defaults.anomalySensitivity, defaults.alertMinSeverity, defaults.leadTimeDays, defaults.schedule], ['normal', 'medium', 7, '30 3 * * *']);
  });

  describe('over a shop with a moderate burst of orders', () => {
    let shop: ShopFixture;
    before(async () => {
      // Weekly Poisson orders; 12 extra on Wednesday 29 April: a robust score of about 3.8 in orders and
      // sales, under the default "low" threshold of 4, over the 3 of sensitivity high.
      const week = [14, 8, 8, 9, 10, 11, 18];
      const h = dailyHistory({ seed: 5, firstDay: '2026-01-04', days: 126, products: [{ key: 'A', price: 50, rate: (_d, wd) => week[wd]! }] });
      for (let i = 0; i < 12; i++) h.orders.push({ placedAt: `2026-04-29 16:${String(i).padStart(2, '0')}:00`, state: 'complete', lines: [{ productKey: 'A', quantity: 1, price: 50 }] });
      shop = await shopWith(h, { prefix: 'cfg_', today: '2026-05-10' });
    });
    after(async () => shop?.db.drop());

    /** One training run by the module as configured by these variables; the anomalies it found on the burst's day. */
    async function train(env: Record<string, string>): Promise<Array<{ source: string; severity: string; alerted: number }>> {
      const config = loadConfig({ ...base, MESCHAIN_DATABASE_URL: shop.db.url, MESCHAIN_OC_PREFIX: 'cfg_', ...env });
      const ctx = { config, knex: shop.db.knex, opencart: shop.ctx, logger: createLogger('silent'), services: new Map() } as unknown as ModuleContext;
      const instance = await createAnalyticsModule(FAST).start(ctx);
      try {
        const report = await (instance.provides!.analytics as AnalyticsService).startRetrain('demand').done;
        assert.equal(report.models.find((m) => m.name === 'anomalies')?.status, 'ready', JSON.stringify(report));
      } finally {
        await instance.stop?.();
      }
      const [rows] = (await shop.db.knex.raw(
        `SELECT source, severity, alerted_at IS NOT NULL AS alerted FROM meschain_ai_anomalies WHERE oc_prefix = 'cfg_' AND day = '2026-04-29' ORDER BY source`,
      )) as unknown as [Array<{ source: string; severity: string; alerted: number }>];
      return rows;
    }

    it('a configured higher sensitivity flags what the default does not, and the configured alert severity raises it, once', async () => {
      assert.deepEqual(await train({}), [], 'the default sensitivity lets the burst pass');
      assert.deepEqual(await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT }), []);

      const env = { MESCHAIN_ANOMALY_SENSITIVITY: 'high', MESCHAIN_ANOMALY_ALERT_SEVERITY: 'low' };
      const flagged = await train(env);
      assert.deepEqual(flagged.map((r) => [r.source, r.severity, Number(r.alerted)]), [['orders', 'low', 1], ['sales', 'low', 1]]);
      const alerts = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT });
      assert.deepEqual(alerts.map((a) => a.subject).sort(), ['2026-04-29:orders:store', '2026-04-29:sales:store']);
      assert.ok(alerts.every((a) => a.state === 'open' && / \/ Analiz: .* düşük düzeyde anomali \(ani artış\)/.test(a.message)), JSON.stringify(alerts));

      await train(env);
      const again = await listAlerts(shop.db.knex, { kind: ANOMALY_ALERT });
      assert.deepEqual(again.map((a) => a.id).sort(), alerts.map((a) => a.id).sort(), 'a retrain raises nothing twice');
    });
  });
});
