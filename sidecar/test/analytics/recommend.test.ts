import assert from 'node:assert/strict';
import { backtestCoPurchase, buildCoPurchase, loadBaskets, recommendFor } from '../../src/analytics/recommend/copurchase';
import { rankActions, type ProductOutlook } from '../../src/analytics/recommend/actions';
import type { HistoryOrder, SalesHistory } from '../../src/analytics/data/history';
import { trainRecommendations } from '../../src/analytics/models/train-recommend';
import { loadSnapshot } from '../../src/analytics/models/snapshot';
import { analyticsOptionsSchema } from '../../src/analytics/models/options';
import type { DemandPayload } from '../../src/analytics/models/train-demand';
import { rng, shopWith, type ShopFixture } from './fixtures';
import { dayString, dayIndex } from '../../src/analytics/calendar';

// 400 orders over 40 products with popularity falling off; the pair P07 + P23 is planted in 25 orders.
// P01 and P02 are the best sellers, so they meet often by chance alone: a raw co-occurrence count would
// rank them together first, lift does not.
function basketShop(): SalesHistory {
  const r = rng(99);
  const keys = Array.from({ length: 40 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
  const weight = keys.map((_, i) => 1 / (i + 1));
  const total = weight.reduce((a, b) => a + b, 0);
  const draw = () => {
    let u = r() * total;
    for (let i = 0; i < keys.length; i++) if ((u -= weight[i]!) <= 0) return keys[i]!;
    return keys[keys.length - 1]!;
  };
  const orders: HistoryOrder[] = [];
  const start = dayIndex('2026-01-01');
  for (let i = 0; i < 400; i++) {
    const items = new Set<string>();
    const size = 1 + Math.floor(r() * 3);
    while (items.size < size) items.add(draw());
    if (i % 16 === 0) (items.add('P07'), items.add('P23'));
    orders.push({ placedAt: `${dayString(start + Math.floor(i / 4))} 12:00:00`, state: 'complete', lines: [...items].map((k) => ({ productKey: k, quantity: 1, price: 10 })) });
  }
  // A wholesale basket with everything in it must not create pairs.
  orders.push({ placedAt: '2026-02-01 09:00:00', state: 'complete', lines: keys.map((k) => ({ productKey: k, quantity: 12, price: 8 })) });
  return { categories: [], products: keys.map((k) => ({ key: k, name: `Item ${k}`, price: 10 })), orders };
}

describe('analytics: bought together', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(basketShop(), { prefix: 'rec_', today: '2026-05-01' });
  });
  after(async () => shop?.db.drop());

  it('ranks the planted co-purchase pair first, with its reason', async () => {
    const baskets = await loadBaskets(shop.ctx, { from: '2025-12-01', toExclusive: '2026-05-01' });
    assert.equal(baskets.length, 401);
    const model = buildCoPurchase(baskets);
    const p07 = shop.written.productIds.get('P07')!;
    const p23 = shop.written.productIds.get('P23')!;
    const name = (id: number) => `#${id}`;
    const forA = recommendFor(p07, model, { inCategory: [], overall: [] }, name);
    const forB = recommendFor(p23, model, { inCategory: [], overall: [] }, name);
    assert.equal(forA[0]?.productId, p23);
    assert.equal(forB[0]?.productId, p07);
    assert.equal(forA[0]!.kind, 'together');
    assert.ok(forA[0]!.stats!.lift > 3, `lift ${forA[0]!.stats!.lift}`);
    assert.ok(forA[0]!.stats!.together >= 25);
    assert.match(forA[0]!.reason.tr, /birlikte alındı/);
    // The best seller's partners are not led by the other best seller merely because both are common.
    const p01 = shop.written.productIds.get('P01')!;
    const top01 = recommendFor(p01, model, { inCategory: [], overall: [] }, name)[0];
    assert.ok(!top01 || top01.stats!.lift > 1, 'a recommended partner meets more often than chance');
  });

  it('falls back to popularity with a reason, never recommending the product itself', async () => {
    const model = buildCoPurchase(await loadBaskets(shop.ctx, { from: '2025-12-01', toExclusive: '2026-05-01' }), { minPairOrders: 1000 });
    const p40 = shop.written.productIds.get('P40')!;
    const recs = recommendFor(p40, model, { inCategory: [p40, 1, 2], overall: [3, 4, 5, p40] }, String, 4);
    assert.deepEqual(recs.map((r) => r.productId), [1, 2, 3, 4]);
    assert.ok(recs.every((r) => r.kind === 'popular'));
    assert.match(recs[2]!.reason.en, /popularity fallback/);
  });

  it('backtests on later baskets against showing the best sellers', async () => {
    const baskets = await loadBaskets(shop.ctx, { from: '2025-12-01', toExclusive: '2026-05-01' });
    const bt = backtestCoPurchase(baskets, '2026-03-20');
    assert.ok(bt.trials > 50);
    assert.ok(bt.hitRate >= bt.popularityHitRate, `co-purchase ${bt.hitRate} vs popularity ${bt.popularityHitRate}`);
  });
});

describe('analytics: seller actions', () => {
  const product = (id: number, p: Partial<ProductOutlook>): ProductOutlook => ({ productId: id, name: `P${id}`, price: 100, unitCost: 60, stock: 100, units30: 30, daysOfCover: 100, reorderQuantity: 0, ...p });

  it('ranks restock, reprice, relist and listing fixes by expected value', () => {
    const products = new Map([
      [1, product(1, { stock: 3, units30: 60, daysOfCover: 1.5, reorderQuantity: 50 })],
      [2, product(2, { stock: 500, units30: 10 })],
      [3, product(3, { units30: 90, unitCost: null })],
    ]);
    const actions = rankActions({
      products,
      prices: [
        { productId: 2, action: 'raise', currentPrice: 100, suggestedPrice: 110, units30: 10, profitChange30: 45, forced: null },
        { productId: 3, action: 'keep', currentPrice: 100, suggestedPrice: 100, units30: 90, profitChange30: 0, forced: null },
      ],
      listings: [
        { listingId: 9, marketplaceId: 4, marketplace: 'trendyol', productId: 3, state: 'failed', lastError: 'missing attribute Renk' },
        { listingId: 10, marketplaceId: 5, marketplace: 'n11', productId: 1, state: 'active', lastError: null },
      ],
      marketplaceShare: new Map([['trendyol', 0.4]]),
      leadTimeDays: 7,
    });
    assert.deepEqual(actions.map((a) => [a.action, a.productId]), [['restock', 1], ['fix_listing', 3], ['reprice', 2]]);
    for (let i = 1; i < actions.length; i++) assert.ok(actions[i - 1]!.expectedValue >= actions[i]!.expectedValue);
    // restock: stock-out on day 1.5, reorder arrives on day 7: 23 days × 2/day = 46 units × 40 margin.
    assert.equal(Math.round(actions[0]!.expectedValue), 1840);
    assert.match(actions[1]!.reason.en, /missing attribute Renk/);
    assert.match(actions[1]!.reason.tr, /maliyet girilmemiş/);
  });

  it('relists inactive listings and fixes blocked ones, once per product and marketplace, by expected value', () => {
    const products = new Map([
      [1, product(1, { units30: 60 })],
      [2, product(2, { units30: 30, unitCost: null })],
      [3, product(3, { units30: 6 })],
    ]);
    const blockedWhy = "required attribute 'Renk' (id 47) is not mapped";
    const actions = rankActions({
      products,
      prices: [{ productId: 1, action: 'lower', currentPrice: 100, suggestedPrice: 95, units30: 60, profitChange30: 500, forced: null }],
      listings: [
        // 60 units × 25 % × 40 margin = 600.
        { listingId: 20, marketplaceId: 6, marketplace: 'hepsiburada', productId: 1, state: 'inactive', lastError: null },
        // Three variants of one product: one action worth the product's 30 × 40 % × 30 (assumed margin) = 360.
        { listingId: 21, marketplaceId: 4, marketplace: 'trendyol', productId: 2, state: 'failed', lastError: 'Barkod geçersiz' },
        { listingId: 22, marketplaceId: 4, marketplace: 'trendyol', productId: 2, state: 'blocked', lastError: blockedWhy },
        { listingId: 23, marketplaceId: 4, marketplace: 'trendyol', productId: 2, state: 'blocked', lastError: blockedWhy },
        // Two variants deactivated together: one relist worth 6 × 40 % × 40 = 96, below the reprice.
        { listingId: 24, marketplaceId: 4, marketplace: 'trendyol', productId: 3, state: 'inactive', lastError: null },
        { listingId: 25, marketplaceId: 4, marketplace: 'trendyol', productId: 3, state: 'inactive', lastError: null },
      ],
      marketplaceShare: new Map([['trendyol', 0.4], ['hepsiburada', 0.25]]),
      leadTimeDays: 7,
    });
    assert.deepEqual(
      actions.map((a) => [a.action, a.productId, a.marketplaceId ?? null, Math.round(a.expectedValue)]),
      [['relist', 1, 6, 600], ['reprice', 1, null, 500], ['fix_listing', 2, 4, 360], ['relist', 3, 4, 96]],
    );
    assert.match(actions[0]!.reason.en, /hepsiburada listing is inactive; relisting is worth about 600\.00/);
    assert.match(actions[0]!.reason.tr, /ilanı pasif; yeniden yayına almak 30 günde yaklaşık 600\.00/);
    assert.match(actions[3]!.reason.en, /trendyol listing is inactive \(2 listings\); relisting is worth about 96\.00/);
    const fix = actions[2]!;
    assert.equal(fix.reason.en, `P2 is not being sent to trendyol: the listing is held back before sending (2 listings) (${blockedWhy}). Fixing it is worth about 360.00 over 30 days (40% of sales come from trendyol) (no cost set: 30% margin assumed).`);
    assert.match(fix.reason.tr, /trendyol pazaryerine gönderilmiyor: ilan gönderim öncesi kontrolde durduruldu \(2 ilan\) \(required attribute 'Renk'/);
  });
});

describe('analytics: seller actions from the listings table', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(basketShop(), { prefix: 'act_', today: '2026-05-01' });
  });
  after(async () => shop?.db.drop());

  it('turns listings the push blocked into one ranked fix action with the stored reason', async () => {
    const knex = shop.db.knex;
    const p07 = shop.written.productIds.get('P07')!;
    const p23 = shop.written.productIds.get('P23')!;
    const [mp] = await knex('meschain_marketplaces').insert({ code: 'trendyol', name: 'TY', store_id: 0, enabled: 1, base_url: 'http://x', settings: '{}', flows: '{}' });
    const why = "required attribute 'Renk' (id 47) is not mapped: map it to an OpenCart option, attribute, field or a fixed value";
    await knex('meschain_listings').insert([
      { marketplace_id: mp, product_id: p07, variant_key: '1', state: 'blocked', last_error: why },
      { marketplace_id: mp, product_id: p07, variant_key: '2', state: 'blocked', last_error: why },
      { marketplace_id: mp, product_id: p07, variant_key: '3', state: 'active' },
      { marketplace_id: mp, product_id: p23, variant_key: '', state: 'failed', last_error: 'Kategori bulunamadı' },
    ]);
    const opts = analyticsOptionsSchema.parse({});
    const snap = await loadSnapshot(shop.ctx, opts);
    const outlook = (units30: number): DemandPayload => ({ units7: units30 / 4, units30, stock: 1000, group: 'other', method: 'naive', dailyRate: units30 / 30, daysOfCover: null, stockoutDate: null, reorder: { needed: false, quantity: 0, orderBy: null } });
    const demand = new Map([[String(p07), outlook(40)], [String(p23), outlook(20)]]);
    const { rows } = await trainRecommendations(snap, opts, demand, new Map());
    const actions = rows.filter((r) => r.kind === 'action');
    // No marketplace sales in the history: each marketplace is taken as 10 % of sales, 30 % of the price 10 as margin: 40 × 0.1 × 3 = 12.
    assert.deepEqual(
      actions.map((a) => [a.action, a.productId, a.marketplaceId, a.rank, Number(a.expectedValue!.toFixed(2))]),
      [['fix_listing', p07, mp, 1, 12], ['fix_listing', p23, mp, 2, 6]],
    );
    const reason = actions[0]!.reason as { en: string; tr: string };
    assert.ok(reason.en.includes(`held back before sending (2 listings) (${why})`), reason.en);
    assert.match(reason.tr, /gönderilmiyor/);
  });
});
