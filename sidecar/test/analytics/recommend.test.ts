import assert from 'node:assert/strict';
import { backtestCoPurchase, buildCoPurchase, loadBaskets, recommendFor } from '../../src/analytics/recommend/copurchase';
import { rankActions, type ProductOutlook } from '../../src/analytics/recommend/actions';
import type { HistoryOrder, SalesHistory } from '../../src/analytics/data/history';
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
      prices: [{ productId: 2, action: 'raise', suggestedPrice: 110, profitChange30: 45 }, { productId: 3, action: 'keep', suggestedPrice: 100, profitChange30: 0 }],
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
});
