import assert from 'node:assert/strict';
import { rankActions, type PriceOutlook, type ProductOutlook } from '../../src/analytics/recommend/actions';
import { suggestPrice } from '../../src/analytics/pricing/optimise';
import { trainRecommendations } from '../../src/analytics/models/train-recommend';
import { loadSnapshot } from '../../src/analytics/models/snapshot';
import { analyticsOptionsSchema } from '../../src/analytics/models/options';
import type { DemandPayload } from '../../src/analytics/models/train-demand';
import type { PricePayload } from '../../src/analytics/models/train-pricing';
import { dailyHistory, shopWith, type ShopFixture } from './fixtures';

const product = (id: number, p: Partial<ProductOutlook> = {}): ProductOutlook => ({ productId: id, name: `P${id}`, price: 100, unitCost: 60, stock: 100, units30: 30, daysOfCover: 100, reorderQuantity: 0, ...p });
const price = (productId: number, p: Partial<PriceOutlook>): PriceOutlook => ({ productId, action: 'keep', currentPrice: 100, suggestedPrice: 100, units30: 30, profitChange30: 0, forced: null, ...p });
const base = { marketplaceShare: new Map([['trendyol', 0.4], ['n11', 0.25]]), leadTimeDays: 7 };

describe('analytics: seller actions for live listings whose update was refused', () => {
  it('raises one fix per product and marketplace, quoting the marketplace, below a listing that is not live', () => {
    const long = `Ürün güncellenemedi: ${'x'.repeat(300)}`;
    const actions = rankActions({
      ...base,
      products: new Map([[1, product(1)], [2, product(2, { units30: 60 })], [3, product(3, { units30: 90 })], [4, product(4, { units30: 10 })]]),
      prices: [],
      listings: [
        // Two variants refused alike: 30 units × 40 % × margin 40 = 480, on stale data.
        { listingId: 1, marketplaceId: 4, marketplace: 'trendyol', productId: 1, state: 'active', lastError: '  Stok bilgisi güncellenemedi:\n  fiyat   geçersiz ' },
        { listingId: 2, marketplaceId: 4, marketplace: 'trendyol', productId: 1, state: 'active', lastError: 'Stok bilgisi güncellenemedi: fiyat geçersiz' },
        { listingId: 3, marketplaceId: 4, marketplace: 'trendyol', productId: 1, state: 'active', lastError: null },
        // A failed variant of the same product and account speaks for it: 60 × 25 % × 40 = 600.
        { listingId: 4, marketplaceId: 5, marketplace: 'n11', productId: 2, state: 'active', lastError: 'Fiyat onaylanmadı' },
        { listingId: 5, marketplaceId: 5, marketplace: 'n11', productId: 2, state: 'failed', lastError: 'Kategori bulunamadı' },
        // Live and fine, or an error that is only whitespace: nothing to do.
        { listingId: 6, marketplaceId: 4, marketplace: 'trendyol', productId: 3, state: 'active', lastError: null },
        { listingId: 7, marketplaceId: 5, marketplace: 'n11', productId: 3, state: 'active', lastError: '  ' },
        // A long message is quoted cut: 10 × 40 % × 40 = 160.
        { listingId: 8, marketplaceId: 4, marketplace: 'trendyol', productId: 4, state: 'active', lastError: long },
      ],
    });
    assert.deepEqual(
      actions.map((a) => [a.action, a.productId, a.marketplaceId, Math.round(a.expectedValue)]),
      [['fix_listing', 2, 5, 600], ['fix_listing', 1, 4, 480], ['fix_listing', 4, 4, 160]],
    );
    assert.match(actions[0]!.reason.en, /is not live on n11: the listing failed \(Kategori bulunamadı\)/);
    const [en, tr] = [actions[1]!.reason.en, actions[1]!.reason.tr];
    assert.equal(
      en,
      'P1 is live on trendyol, but trendyol refused its last update (2 listings) ("Stok bilgisi güncellenemedi: fiyat geçersiz"): buyers there see the stock and price sent before, not the shop\'s. About 480.00 of profit over 30 days rides on that stale listing (40% of sales come from trendyol).',
    );
    assert.ok(tr.includes('trendyol son güncellemesini reddetti (2 ilan) ("Stok bilgisi güncellenemedi: fiyat geçersiz")'), tr);
    assert.match(tr, /daha önce gönderilen stok ve fiyatı görüyor\. 30 günde yaklaşık 480\.00 kâr/);
    const cut = actions[2]!.reason;
    for (const text of [cut.en, cut.tr]) {
      const quoted = /\("(Ürün güncellenemedi: x+…)"\)/.exec(text);
      assert.ok(quoted && quoted[1]!.length === 200, text);
    }
  });
});

describe('analytics: one listing action per product and account', () => {
  it('lets a failed variant speak for an inactive one of the same product and account, so its value is counted once', () => {
    const actions = rankActions({
      ...base,
      products: new Map([[1, product(1)]]),
      prices: [],
      listings: [
        { listingId: 1, marketplaceId: 4, marketplace: 'trendyol', productId: 1, state: 'inactive', lastError: null },
        { listingId: 2, marketplaceId: 4, marketplace: 'trendyol', productId: 1, state: 'failed', lastError: 'Kategori bulunamadı' },
        // Another account of the same product is its own action.
        { listingId: 3, marketplaceId: 5, marketplace: 'n11', productId: 1, state: 'inactive', lastError: null },
      ],
    });
    assert.deepEqual(
      actions.map((a) => [a.action, a.marketplaceId, Math.round(a.expectedValue)]),
      [['fix_listing', 4, 480], ['relist', 5, 300]],
    );
  });
});

describe('analytics: seller actions for prices outside the owner’s rules', () => {
  it('raises every forced move, whatever the expected profit, valued at the money on the wrong side of the rule', () => {
    const actions = rankActions({
      ...base,
      products: new Map([1, 2, 3, 4, 5, 6].map((id) => [id, product(id)])),
      listings: [],
      prices: [
        // Below cost with a profit gain: valued at the loss avoided, 2 × 150 = 300, not the 575.
        price(1, { action: 'raise', currentPrice: 8, suggestedPrice: 12, units30: 150, profitChange30: 575, forced: { rule: 'cost', limit: 10 } }),
        // Above the maximum, losing profit: 5 × 150 = 750 charged above it.
        price(2, { action: 'lower', currentPrice: 30, suggestedPrice: 25, units30: 150, profitChange30: -666.45, forced: { rule: 'max_price', limit: 25 } }),
        // No elasticity: 5 × 30 = 150 under the minimum, the effect not estimated.
        price(3, { action: 'unavailable', currentPrice: 40, suggestedPrice: 45, units30: 30, profitChange30: null, forced: { rule: 'min_price', limit: 45 } }),
        // Below the margin floor with no sales expected: nothing at stake, still to be done.
        price(4, { action: 'raise', currentPrice: 10.5, suggestedPrice: 11.12, units30: 0, profitChange30: -1, forced: { rule: 'margin', limit: 11.12 } }),
        // Nothing forced: unavailable ranks nothing; an ordinary gain ranks by it.
        price(5, { action: 'unavailable', currentPrice: 40, suggestedPrice: 40, units30: 30, profitChange30: null }),
        price(6, { action: 'raise', currentPrice: 100, suggestedPrice: 110, units30: 30, profitChange30: 200 }),
      ],
    });
    assert.deepEqual(
      actions.map((a) => [a.action, a.productId, Number(a.expectedValue.toFixed(2))]),
      [['reprice', 2, 750], ['reprice', 1, 300], ['reprice', 6, 200], ['reprice', 3, 150], ['reprice', 4, 0]],
    );
    const by = new Map(actions.map((a) => [a.productId, a.reason]));
    assert.equal(
      by.get(1)!.en,
      "P1: today's price 8.00 is below its unit cost 10.00, against your price rules. Raise it to 12.00. Each sale loses 2.00: about 300.00 over the 150.0 units expected in 30 days. Expected profit change at the new price: +575.00 over 30 days.",
    );
    assert.match(by.get(1)!.tr, /bugünkü fiyat 8\.00, birim maliyetinin \(10\.00\) altında; fiyat kurallarınıza aykırı\. Fiyatı 12\.00 olarak artırın\. Her satış 2\.00 zarar ettiriyor/);
    assert.match(by.get(2)!.en, /today's price 30\.00 is above your maximum price 25\.00, against your price rules\. Lower it to 25\.00\. .*5\.00 each above your maximum, about 750\.00 in all\. Expected profit change at the new price: -666\.45/);
    assert.match(by.get(2)!.tr, /en yüksek fiyatın \(25\.00\) üstünde; fiyat kurallarınıza aykırı\. Fiyatı 25\.00 olarak düşürün\. .*30 günde beklenen kâr değişimi: -666\.45/);
    assert.match(by.get(3)!.en, /below your minimum price 45\.00.*Raise it to 45\.00.*not estimated/);
    assert.match(by.get(3)!.tr, /en düşük fiyatın \(45\.00\) altında.*tahmin edilmedi/);
    assert.match(by.get(4)!.en, /below the margin floor 11\.12 your rules set.*No sales are expected/);
    assert.match(by.get(4)!.tr, /asgari marj sınırının \(11\.12\) altında.*satış beklenmiyor/);
  });
});

describe('analytics: seller actions from stored listings and price suggestions', () => {
  let shop: ShopFixture;
  before(async () => {
    const history = dailyHistory({ seed: 5, firstDay: '2026-01-01', days: 120, products: [{ key: 'A', price: 10, rate: () => 3 }, { key: 'B', price: 30, rate: () => 2 }] });
    shop = await shopWith(history, { prefix: 'act2_', today: '2026-05-01' });
  });
  after(async () => shop?.db.drop());

  it('loads live listings whose update was refused, and passes forced price moves on', async () => {
    const knex = shop.db.knex;
    const a = shop.written.productIds.get('A')!;
    const b = shop.written.productIds.get('B')!;
    const [mp] = await knex('meschain_marketplaces').insert({ code: 'trendyol', name: 'TY', store_id: 0, enabled: 1, base_url: 'http://x', settings: '{}', flows: '{}' });
    await knex('meschain_listings').insert([
      { marketplace_id: mp, product_id: a, variant_key: '1', state: 'active', last_error: 'Stok güncellenemedi' },
      { marketplace_id: mp, product_id: a, variant_key: '2', state: 'active', last_error: 'Stok güncellenemedi' },
      { marketplace_id: mp, product_id: a, variant_key: '3', state: 'active' },
      { marketplace_id: mp, product_id: b, variant_key: '', state: 'active', last_error: '' },
    ]);
    const opts = analyticsOptionsSchema.parse({});
    const snap = await loadSnapshot(shop.ctx, opts);
    const outlook = (units30: number): DemandPayload => ({ units7: units30 / 4, units30, stock: 1000, group: 'other', method: 'naive', dailyRate: units30 / 30, daysOfCover: null, stockoutDate: null, reorder: { needed: false, quantity: 0, orderBy: null } });
    const demand = new Map([[String(a), outlook(40)], [String(b), outlook(60)]]);
    // B sells at 30 over the owner's maximum of 25, with no cost and no elasticity: unavailable, yet forced.
    const rules = { cost: null, maxPrice: 25 };
    const suggestion = suggestPrice({ currentPrice: 30, baseUnitsPerDay: 2, elasticity: null, rules });
    const prices = new Map<string, PricePayload>([[String(b), { elasticity: null, unavailable: null, rules, suggestion }]]);
    const { rows } = await trainRecommendations(snap, opts, demand, prices);
    const actions = rows.filter((r) => r.kind === 'action');
    // B: 5 above the maximum × 2/day × 30 = 300. A: no marketplace sales, so 10 % of 40 units × 30 % of 10 = 12.
    assert.deepEqual(
      actions.map((r) => [r.action, r.productId, r.marketplaceId, r.rank, Number(r.expectedValue!.toFixed(2))]),
      [['reprice', b, null, 1, 300], ['fix_listing', a, mp, 2, 12]],
    );
    const fix = actions[1]!.reason as { en: string; tr: string };
    assert.ok(fix.en.includes('refused its last update (2 listings) ("Stok güncellenemedi")'), fix.en);
    assert.ok(fix.tr.includes('("Stok güncellenemedi")'), fix.tr);
    assert.match((actions[0]!.reason as { en: string }).en, /above your maximum price 25\.00.*not estimated/);
  });
});
