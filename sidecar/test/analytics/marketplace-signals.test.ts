import assert from 'node:assert/strict';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { dayIndex, dayString } from '../../src/analytics/calendar';
import { createAnalyticsModule } from '../../src/modules/analytics';
import { marketplacesModule, type MarketplacesService } from '../../src/modules/marketplaces';
import { MarketplaceInsights } from '../../src/modules/marketplace-insights';
import type { OcContext } from '../../src/db/opencart';
import type { MarketplaceAdapter, MarketplaceCapabilities } from '../../src/marketplaces/contract';
import type { AdapterProvider } from '../../src/sync/accounts/adapters';
import type { SidecarModule } from '../../src/modules';
import { startTrendyolSandbox, DEFAULT_SELLER, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { createLogger } from '../../src/util/logger';
import { control } from '../sandbox/helpers';
import { dailyHistory, shopWith, type ShopFixture } from './fixtures';
import { until } from '../support/wait';

// Small, fast training settings: the point is what reaches the models, not their quality.
const FAST = { schedule: null, trainOnStart: false, maxProducts: 25, backtestProducts: 15, backtestOrigins: 2, forestRows: 80, forestTrees: 8, keepVersions: 1 };
const DAY = 86_400_000;
const OFFSET = 3 * 3600_000;
// Two-week price regimes; demand = 6 · (price / 20)^−1.5 a day. The last regime (today's price) is 21.
const PRICES = [20, 24, 17, 22, 19, 26, 16, 21];
const DAYS = 224;
const priceOn = (d: number) => PRICES[Math.floor(d / 14) % PRICES.length]!;

interface Json {
  [k: string]: any;
}

/** The real adapter with some declared limits changed (what the service plans its calls by). */
function withLimits(adapter: MarketplaceAdapter, limits: Partial<MarketplaceCapabilities['limits']>): MarketplaceAdapter {
  const wrapped = Object.create(adapter) as MarketplaceAdapter;
  Object.defineProperty(wrapped, 'capabilities', { value: { ...adapter.capabilities, limits: { ...adapter.capabilities.limits, ...limits } } });
  return wrapped;
}

/**
 * The marketplaces service feeding analytics over real sockets: a connected Trendyol (sandbox) account,
 * listings in meschain_listings, other sellers' prices reaching the pricing model, and the customer
 * questions the account serves summarised by GET /api/analytics/insights/feedback.
 */
describe('analytics: competitor prices and customer questions from connected marketplaces', function () {
  this.timeout(180_000);
  let shop: ShopFixture;
  let sb: TrendyolSandbox;
  let sidecar: Sidecar;
  let market: MarketplacesService;
  let oc: OcContext;
  let accountId: number;
  let elastic: number;
  let held: number;
  let api: (path: string, init?: RequestInit) => Promise<{ status: number; body: Json }>;

  const probe: SidecarModule = {
    name: 'probe',
    async start(ctx) {
      market = ctx.services.get('marketplaces') as MarketplacesService;
      oc = ctx.opencart;
      return {};
    },
  };

  before(async () => {
    const today = new Date().toISOString().slice(0, 10);
    const history = dailyHistory({
      seed: 33,
      firstDay: dayString(dayIndex(today) - DAYS),
      days: DAYS,
      products: [
        { key: 'ELASTIC', price: priceOn, rate: (d) => 6 * Math.pow(priceOn(d) / 20, -1.5) },
        { key: 'HELD', price: 30, rate: () => 3 },
      ],
    });
    shop = await shopWith(history, { prefix: 'msig_', today });
    elastic = shop.written.productIds.get('ELASTIC')!;
    held = shop.written.productIds.get('HELD')!;
    sb = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
    const config = loadConfig({ MESCHAIN_DATABASE_URL: shop.db.url, MESCHAIN_SECRET_KEY: 'e'.repeat(64), MESCHAIN_HTTP_PORT: '0', MESCHAIN_OC_PREFIX: 'msig_', MESCHAIN_CAPTURE_POLL_MS: '200' });
    sidecar = await startSidecar(config, { logger: createLogger('silent'), modules: [marketplacesModule, createAnalyticsModule(FAST), probe] });
    api = async (path, init) => {
      const res = await fetch(`${sidecar.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(init?.headers ?? {}) } });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const created = await api('/api/marketplaces', {
      method: 'POST',
      body: JSON.stringify({ code: 'trendyol', name: 'Trendyol', enabled: true, baseUrl: sb.baseUrl, credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret } }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    accountId = created.body.account.id;
    // Trendyol prices include 20 % VAT: our offers there are the shop prices × 1.2.
    sb.control.seedProduct({ barcode: 'MS-ELASTIC', salePrice: 25.2, listPrice: 30, title: 'Elastik ürün' });
    sb.control.seedProduct({ barcode: 'MS-HELD', salePrice: 36, listPrice: 40, title: 'Sabit ürün' });
    for (let i = 0; i < 6; i += 1) sb.control.seedProduct({ barcode: `MS-X${i}`, title: `Ürün ${i}` });
    // Another seller sells ELASTIC 10 % under us; on HELD we hold the buybox against a dearer seller.
    sb.control.setBuybox('MS-ELASTIC', [{ sellerId: '777', price: 22.68 }]);
    sb.control.setBuybox('MS-HELD', [{ sellerId: '778', price: 40 }]);
    await shop.db.knex('meschain_listings').insert([
      { marketplace_id: accountId, product_id: elastic, variant_key: '', sku: 'ELASTIC', barcode: 'MS-ELASTIC', state: 'active', last_pushed_price: 25.2 },
      { marketplace_id: accountId, product_id: held, variant_key: '', sku: 'HELD', barcode: 'MS-HELD', state: 'active', last_pushed_price: 36 },
    ]);
  });
  after(async () => {
    await sidecar?.close();
    await sb?.close();
    await shop?.db.drop();
  });

  it('lets a cheaper competitor on Trendyol cap the trained price suggestion; our own buybox price is no competitor', async () => {
    assert.equal((await api(`/api/analytics/pricing/${elastic}/rules`, { method: 'PUT', body: JSON.stringify({ cost: 12 }) })).status, 200);
    assert.equal((await api('/api/analytics/retrain', { method: 'POST' })).status, 202);
    const done = await until('training', async () => {
      const s = await api('/api/analytics/retrain');
      return s.body.data.running ? null : s.body.data;
    }, 90_000);
    assert.equal(done.lastReport.status, 'done', JSON.stringify(done.lastReport));

    const r = await api(`/api/analytics/pricing/${elastic}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = r.body.data.suggestion;
    assert.ok(r.body.data.elasticity?.significant, `the planted elasticity is measured: ${JSON.stringify(r.body.data.elasticity)}`);
    // 22.68 against our 25.20 on Trendyol is 10 % under us: 18.90 in the shop's own (ex-VAT) prices.
    assert.deepEqual(s.competitors, { lowest: 18.9, highest: 18.9, count: 1 });
    assert.equal(s.bounds.upper, 18.9, 'not above the dearest competitor');
    assert.equal(s.action, 'lower');
    assert.equal(s.suggested.price, 18.9);

    // The same model without the competitor would raise the price: the competitor is what caps it.
    const alone = await api(`/api/analytics/pricing/${elastic}/suggest`, { method: 'POST', body: JSON.stringify({ competitors: [] }) });
    assert.equal(alone.body.data.suggestion.action, 'raise');
    assert.ok(alone.body.data.suggestion.suggested.price > 21);

    // HELD: we hold the buybox at 36; only the seller behind us (40 → 33.33 in shop prices) counts.
    const h = await api(`/api/analytics/pricing/${held}`);
    assert.deepEqual(h.body.data.suggestion.competitors, { lowest: 33.33, highest: 33.33, count: 1 });
  });

  it('summarises the customer questions Trendyol serves, Turkish and English, with a planted complaint among the complaints', async () => {
    const now = Date.now();
    await control(sb, 'POST', '/questions', { text: 'Kazak yırtık geldi, rezalet bir paketleme.', barcode: 'MS-ELASTIC' });
    await control(sb, 'POST', '/questions', { text: 'The zipper arrived broken, really disappointed.', barcode: 'MS-HELD' });
    await control(sb, 'POST', '/questions', { text: 'Eski bir soru: beden uyar mı?', barcode: 'MS-X1', createdAt: now - 20 * DAY });
    const all = (await control(sb, 'GET', '/questions')) as Array<{ creationDate: number }>;
    const within = (days: number) => all.filter((q) => q.creationDate - OFFSET >= now - days * DAY).length;

    const r = await api('/api/analytics/insights/feedback?marketplace=trendyol&days=14');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.model, { name: 'sentiment-lexicon', version: 1, trainedAt: null, dataFrom: null, dataTo: null });
    assert.equal(r.body.accuracy, null);
    const d = r.body.data;
    assert.equal(d.count, within(14));
    assert.equal(d.byKind.question, d.count);
    assert.ok(d.byLanguage.tr > 0 && d.byLanguage.en > 0, JSON.stringify(d.byLanguage));
    assert.equal(d.byLanguage.tr + d.byLanguage.en, d.count);
    const complaints = d.complaints.map((c: Json) => c.term);
    assert.ok(complaints.includes('yirtik') && complaints.includes('broken'), JSON.stringify(d.complaints));
    assert.deepEqual(d.sources, [{ accountId, marketplace: 'trendyol', name: 'Trendyol', questions: d.count, reviews: null, error: null }]);
    if (process.env.ANALYTICS_VERBOSE) console.log(JSON.stringify(d));
    assert.equal(d.days, 14);
    assert.equal(d.marketplace, 'trendyol');

    // 30 days take three two-week windows and reach the older question.
    const month = await api('/api/analytics/insights/feedback?days=30');
    assert.equal(month.body.data.count, within(30));
    assert.equal(month.body.data.count, d.count + 1);
    assert.equal(month.body.data.marketplace, null);

    const none = await api('/api/analytics/insights/feedback?marketplace=amazon');
    assert.equal(none.status, 200);
    assert.equal(none.body.data.count, 0);
    assert.deepEqual(none.body.data.sources, []);
    assert.equal(none.body.data.days, 14, 'two weeks by default');
  });

  it('puts competitor prices in the shop’s effective price (the running special) and finds listings whose barcode has stray spaces', async () => {
    const specials = () => shop.db.knex('msig_product_special');
    const group = oc.customerGroupId;
    const before: number[] = await specials().where({ product_id: held }).pluck('product_special_id');
    await specials().insert([
      { product_id: held, customer_group_id: group, priority: 1, price: 24, date_start: '0000-00-00', date_end: '0000-00-00' },
      // Ended long ago, though first by priority: not what the storefront charges.
      { product_id: held, customer_group_id: group, priority: 0, price: 10, date_start: '2020-01-01', date_end: '2020-02-01' },
    ]);
    // The push sent the special with VAT: 24 × 1.2 = 28.80 is our offer on Trendyol now.
    sb.control.seedProduct({ barcode: 'MS-HELD', salePrice: 28.8, listPrice: 40 });
    await shop.db.knex('meschain_listings').where({ marketplace_id: accountId, product_id: elastic }).update({ barcode: '  MS-ELASTIC ' });
    try {
      const prices = await market.competitorPrices([elastic, held]);
      // 40 against our 28.80 is 40/28.8 of the special 24 = 33.33 (the list price 30 would give 41.67).
      assert.deepEqual(prices.get(held), [{ marketplace: 'trendyol', price: 33.33 }]);
      // The padded barcode is asked trimmed, and Trendyol's answer for it is matched back to ELASTIC.
      assert.deepEqual(prices.get(elastic), [{ marketplace: 'trendyol', price: 18.9 }]);
    } finally {
      await specials().where({ product_id: held }).whereNotIn('product_special_id', [0, ...before]).delete();
      sb.control.seedProduct({ barcode: 'MS-HELD', salePrice: 36, listPrice: 40 });
      await shop.db.knex('meschain_listings').where({ marketplace_id: accountId, product_id: elastic }).update({ barcode: 'MS-ELASTIC' });
    }
  });

  it('keeps the newest questions when the harvest is capped, stops at the cap, and reports the accounts it did not read', async () => {
    const created = await api('/api/marketplaces', {
      method: 'POST',
      body: JSON.stringify({ code: 'trendyol', name: 'Trendyol 2', enabled: true, baseUrl: sb.baseUrl, credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret } }),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const secondId = created.body.account.id as number;
    try {
      const capped = new MarketplaceInsights({ knex: shop.db.knex, oc, accounts: market.accounts, adapters: market.adapters, logger: createLogger('silent'), maxQuestions: 5 });
      const harvest = await capped.customerQuestions(30);
      const all = (await control(sb, 'GET', '/questions')) as Array<{ id: number; creationDate: number }>;
      const newest = [...all].sort((a, b) => b.creationDate - a.creationDate || b.id - a.id).slice(0, 5).map((q) => String(q.id));
      assert.ok(all.length > 10, 'more questions than the cap');
      assert.deepEqual(harvest.questions.map((q) => q.id), newest, 'the five newest, not the oldest of the month');
      assert.equal(harvest.truncated, true);
      assert.equal(harvest.sources.length, 2);
      assert.deepEqual(harvest.sources[0], { accountId, marketplace: 'trendyol', name: 'Trendyol', questions: 5, reviews: null, error: null });
      const skipped = harvest.sources[1]!;
      assert.equal(skipped.accountId, secondId);
      assert.equal(skipped.questions, null, 'not read: no count, rather than a 0 that reads as "no questions"');
      assert.match(skipped.error ?? '', /cap of 5 questions/);

      // Without a cap both accounts are read in full (they are the same seller here).
      const full = await new MarketplaceInsights({ knex: shop.db.knex, oc, accounts: market.accounts, adapters: market.adapters, logger: createLogger('silent') }).customerQuestions(30);
      assert.equal(full.truncated, false);
      assert.deepEqual(full.sources.map((x) => [x.accountId, x.error]), [[accountId, null], [secondId, null]]);
      assert.equal(full.sources[0]!.questions, full.sources[1]!.questions);
      assert.ok(full.sources[0]!.questions! > 5);
    } finally {
      assert.equal((await api(`/api/marketplaces/${secondId}`, { method: 'DELETE' })).status, 200);
    }
  });

  it('reads every page the answer counts, and never stalls on a question range that is not positive', async () => {
    const now = Date.now();
    for (let i = 0; i < 60; i += 1) sb.control.addQuestion({ text: `Soru ${i}: kargo ne zaman gelir?`, barcode: 'MS-X2', createdAt: now - (i + 1) * 60_000 });
    const all = (await control(sb, 'GET', '/questions')) as Array<{ creationDate: number }>;
    const within = (days: number) => all.filter((q) => q.creationDate - OFFSET >= now - days * DAY).length;
    assert.ok(within(2) > 50);
    const harvestWith = (limits: Partial<MarketplaceCapabilities['limits']>, days: number) =>
      new MarketplaceInsights({
        knex: shop.db.knex,
        oc,
        accounts: market.accounts,
        adapters: { get: async (id: number) => withLimits(await market.adapters.get(id), limits) } as unknown as AdapterProvider,
        logger: createLogger('silent'),
      }).customerQuestions(days);

    // Declared pages of 100, served as 50 (Trendyol's largest): a first page of 50 is not the last one.
    const paged = await harvestWith({ questionPageSize: 100 }, 2);
    assert.equal(paged.sources[0]!.error, null);
    assert.equal(paged.questions.length, within(2));

    // A zero or negative range is one window over the whole period, not a loop that never advances.
    for (const questionRangeDays of [0, -3]) {
      const week = await harvestWith({ questionRangeDays }, 7);
      assert.equal(week.sources[0]!.error, null, String(questionRangeDays));
      assert.equal(week.questions.length, within(7), String(questionRangeDays));
    }
    // Over 14 days that one window is wider than Trendyol answers: the account reports the adapter's refusal.
    const month = await harvestWith({ questionRangeDays: 0 }, 30);
    assert.match(month.sources[0]!.error ?? '', /14 days/);
    assert.equal(month.questions.length, 0);
  });

  it('refuses bad parameters with the analytics 400 shape, naming the parameter', async () => {
    for (const [query, code, names] of [
      ['marketplace=trendy0l', 'unknown_marketplace', 'marketplace'],
      ['days=0', 'bad_days', 'days'],
      ['days=91', 'bad_days', 'days'],
      ['days=abc', 'bad_request', 'days'],
      ['days=1.5', 'bad_request', 'days'],
    ] as const) {
      const r = await api(`/api/analytics/insights/feedback?${query}`);
      assert.equal(r.status, 400, query);
      assert.equal(r.body.error.code, code, query);
      assert.match(r.body.error.messages.en, new RegExp(names), query);
      assert.ok(r.body.error.messages.tr, query);
    }
  });

  // Last on purpose: the failures open the account's circuit breaker, which later calls would meet.
  it('does not break when Trendyol fails: logs, and returns what it has', async () => {
    sb.control.setFaults({ errorRate: 1, errorStatuses: [500], routes: ['buybox-information', 'questions/filter'] });
    try {
      const prices = await market.competitorPrices([elastic, held]);
      assert.equal(prices.size, 0);
      const harvest = await market.customerQuestions(7);
      assert.equal(harvest.questions.length, 0);
      assert.equal(harvest.sources.length, 1);
      assert.match(harvest.sources[0]!.error ?? '', /500|circuit/);
      const r = await api('/api/analytics/insights/feedback');
      assert.equal(r.status, 200);
      assert.ok(r.body.data.sources[0].error);
    } finally {
      sb.control.setFaults({ errorRate: 0, routes: [] });
    }
    assert.equal((await market.competitorPrices([])).size, 0);
  });
});
