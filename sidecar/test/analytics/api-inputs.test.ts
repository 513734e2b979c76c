import assert from 'node:assert/strict';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/util/logger';
import { createOpencartTables } from '../../src/db/opencart/schema';
import { createAnalyticsModule } from '../../src/modules/analytics';
import { seedDemo } from '../../../scripts/demo/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { until } from '../support/wait';

// Few modelled products, so that most of the catalogue has no stored bought-together list.
const FAST = { schedule: null, trainOnStart: false, maxProducts: 8, backtestProducts: 8, backtestOrigins: 2, forestRows: 60, forestTrees: 6, keepVersions: 1 };

interface Json {
  [k: string]: any;
}

describe('analytics API: unknown names are a 400, products without a list get the popularity fallback', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  let sidecar: Sidecar;
  let api: (path: string) => Promise<{ status: number; body: Json }>;

  before(async () => {
    db = await createTestDatabase({ prefix: 'ai_', opencart: false, migrate: false });
    await createOpencartTables(db.knex, db.prefix);
    await seedDemo(db.knex, db.prefix, { products: 30, customers: 40, orders: 2000, days: 200, seed: 11 });
    const config = loadConfig({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'f'.repeat(64), MESCHAIN_HTTP_PORT: '0', MESCHAIN_OC_PREFIX: 'ai_' });
    sidecar = await startSidecar(config, { logger: createLogger('silent'), modules: [createAnalyticsModule(FAST)] });
    api = async (path) => {
      const res = await fetch(`${sidecar.url}/api/analytics${path}`);
      return { status: res.status, body: (await res.json()) as Json };
    };
    assert.equal((await fetch(`${sidecar.url}/api/analytics/retrain`, { method: 'POST' })).status, 202);
    const done = await until('training to finish', async () => {
      const s = await api('/retrain');
      return s.body.data.running ? null : s.body.data;
    });
    assert.equal(done.lastReport.status, 'done');
  });
  after(async () => {
    await sidecar?.close();
    await db?.drop();
  });

  it('refuses an unknown marketplace or product by name, in both languages', async () => {
    const market = await api('/forecast/marketplace/amazonx?horizon=7');
    assert.equal(market.status, 400);
    assert.equal(market.body.error.code, 'unknown_marketplace');
    assert.match(market.body.error.messages.en, /amazonx/);
    assert.match(market.body.error.messages.tr, /pazaryeri/);
    assert.equal((await api('/forecast/marketplace/web?horizon=7')).status, 200, "the shop's own channel is a series");
    assert.equal((await api('/forecast/marketplace/trendyol?horizon=7')).status, 200, 'a known marketplace with no sales is a forecast of none');

    const listings = await api('/insights/listings?marketplace=ebayy');
    assert.equal(listings.status, 400);
    assert.equal(listings.body.error.code, 'unknown_marketplace');
    const missing = await api('/insights/listings?productId=987654');
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'unknown_product');
    const together = await api('/recommendations/together/987654');
    assert.equal(together.status, 400);
    assert.equal(together.body.error.code, 'unknown_product');
  });

  it('answers bought-together for a product the run stored no list for with best sellers, never itself', async () => {
    const [[row]] = (await db.knex.raw(
      `SELECT p.product_id FROM ai_product p
        WHERE p.product_id NOT IN (SELECT product_id FROM meschain_ai_recommendations WHERE kind IN ('together', 'popular'))
        ORDER BY p.product_id LIMIT 1`,
    )) as unknown as [[{ product_id: number } | undefined]];
    assert.ok(row, 'some product has no stored list');
    const r = await api(`/recommendations/together/${row.product_id}?limit=4`);
    assert.equal(r.status, 200);
    const items = r.body.data.items as Json[];
    assert.equal(items.length, 4, 'filled from the best sellers');
    assert.ok(items.every((i) => i.kind === 'popular' && i.productId !== row.product_id && typeof i.name === 'string'));
    assert.deepEqual(items.map((i) => i.rank), [1, 2, 3, 4]);
    assert.match(items.at(-1)!.reason.tr, /çok satan/);
    // Same-category best sellers come first.
    const [cats] = (await db.knex.raw(`SELECT DISTINCT pc.product_id FROM ai_product_to_category pc JOIN ai_product_to_category mine ON mine.category_id = pc.category_id AND mine.product_id = ?`, [
      row.product_id,
    ])) as unknown as [Array<{ product_id: number }>];
    const sameCategory = new Set(cats.map((c) => Number(c.product_id)));
    const flags = items.map((i) => sameCategory.has(i.productId));
    assert.deepEqual(flags, [...flags].sort((a, b) => Number(b) - Number(a)), 'same-category items before the rest');
    assert.equal(r.body.model.name, 'recommendations');
  });
});
