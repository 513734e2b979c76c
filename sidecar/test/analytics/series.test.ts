import assert from 'node:assert/strict';
import { loadSeries, loadProductFacts, salesSpan } from '../../src/analytics/data/sales-series';
import { loadPriceHistory } from '../../src/analytics/data/price-history';
import { rawRows } from '../../src/db/raw';
import { order, shopWith, type ShopFixture } from './fixtures';

// A shop with a non-default prefix in Istanbul: OpenCart keeps shop-local wall-clock times, so an order
// at 23:30 belongs to that local day (it is 20:30 UTC), and one at 00:30 to the next.
describe('analytics: daily series from OpenCart orders', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(
      {
        categories: [
          { key: 'cups', name: 'Cups & Mugs' },
          { key: 'gifts', name: 'Gifts' },
        ],
        products: [
          { key: 'MUG-1', name: 'Mug "Deniz"', price: 10, quantity: 40, categoryKeys: ['cups', 'gifts'], specials: [{ price: 8, start: '2026-03-05', end: '2026-03-07' }] },
          { key: 'PLATE-1', name: 'Plate', price: 20, quantity: 5, categoryKeys: ['gifts'] },
        ],
        orders: [
          order('2026-03-01 10:00:00', [{ productKey: 'MUG-1', quantity: 2, price: 10 }]),
          order('2026-03-01 23:30:00', [{ productKey: 'MUG-1', quantity: 1, price: 10 }, { productKey: 'PLATE-1', quantity: 1, price: 20 }]),
          order('2026-03-02 00:30:00', [{ productKey: 'PLATE-1', quantity: 3, price: 18 }], 'processing'),
          order('2026-03-02 12:00:00', [{ productKey: 'MUG-1', quantity: 5, price: 10 }], 'canceled', { modifiedAt: '2026-03-02 13:00:00' }),
          order('2026-03-03 12:00:00', [{ productKey: 'MUG-1', quantity: 7, price: 10 }], 'missing'),
          order('2026-03-05 09:00:00', [{ productKey: 'MUG-1', quantity: 4, price: 8 }], 'pending'),
        ],
      },
      { prefix: 'ana_', today: '2026-03-08', timezone: 'Europe/Istanbul' },
    );
  });
  after(async () => shop?.db.drop());

  it('writes orders the way OpenCart keeps them (totals add up, history, status per state)', async () => {
    const orders = await rawRows<{ order_id: number; order_status_id: number; total: string; sub: string; hist: number; currency_code: string }>(
      shop.db.knex,
      `SELECT o.order_id, o.order_status_id, o.total, o.currency_code,
              (SELECT value FROM ana_order_total t WHERE t.order_id = o.order_id AND t.code = 'total') AS sub,
              (SELECT COUNT(*) FROM ana_order_history h WHERE h.order_id = o.order_id) AS hist
         FROM ana_order o ORDER BY o.order_id`,
    );
    assert.equal(orders.length, 6);
    assert.deepEqual(orders.map((o) => o.order_status_id), [5, 5, 2, 7, 0, 1]);
    for (const o of orders) assert.equal(o.total, o.sub, `order ${o.order_id} total row`);
    assert.deepEqual(orders.map((o) => Number(o.hist)), [2, 2, 2, 2, 0, 1]);
    const [name] = await rawRows<{ name: string }>(shop.db.knex, `SELECT name FROM ana_product_description WHERE product_id = ? LIMIT 1`, [shop.written.productIds.get('MUG-1')]);
    assert.equal(name!.name, 'Mug &quot;Deniz&quot;', 'text is entity-encoded as OpenCart stores it');
  });

  it('counts only sales statuses, on shop-local days, zero-filled', async () => {
    const window = { from: '2026-02-28', to: '2026-03-06' };
    const units = await loadSeries(shop.ctx, { level: 'store', measure: 'units', ...window });
    // Feb 28 nothing; Mar 1: 2 + 1 + 1; Mar 2: the processing order (cancelled one excluded); Mar 3: missing order excluded; Mar 5: pending counts.
    assert.deepEqual(units.series.get('store'), [0, 4, 3, 0, 0, 4, 0]);
    const orders = await loadSeries(shop.ctx, { level: 'store', measure: 'orders', ...window });
    assert.deepEqual(orders.series.get('store'), [0, 2, 1, 0, 0, 1, 0]);
    const revenue = await loadSeries(shop.ctx, { level: 'store', measure: 'revenue', ...window });
    assert.deepEqual(revenue.series.get('store'), [0, 50, 54, 0, 0, 32, 0]);
  });

  it('splits by product and category (a product in two categories counts in both)', async () => {
    const mug = String(shop.written.productIds.get('MUG-1'));
    const plate = String(shop.written.productIds.get('PLATE-1'));
    const products = await loadSeries(shop.ctx, { level: 'product', measure: 'units', from: '2026-03-01', to: '2026-03-02' });
    assert.deepEqual(products.series.get(mug), [3, 0]);
    assert.deepEqual(products.series.get(plate), [1, 3]);
    const cats = await loadSeries(shop.ctx, { level: 'category', measure: 'units', from: '2026-03-01', to: '2026-03-02' });
    assert.deepEqual(cats.series.get(String(shop.written.categoryIds.get('cups'))), [3, 0]);
    assert.deepEqual(cats.series.get(String(shop.written.categoryIds.get('gifts'))), [4, 3]);
    const only = await loadSeries(shop.ctx, { level: 'product', measure: 'units', from: '2026-03-01', to: '2026-03-01', keys: [Number(plate)] });
    assert.deepEqual([...only.series.keys()], [plate]);
  });

  it('attributes marketplace orders by their claim and the rest to the web shop', async () => {
    const knex = shop.db.knex;
    const [mpId] = await knex('meschain_marketplaces').insert({ code: 'trendyol', name: 'TY', store_id: 0, enabled: 1, base_url: 'http://x', settings: '{}', flows: '{}' });
    await knex('meschain_orders').insert({ marketplace_id: mpId, remote_order_id: 'R1', state: 'imported', oc_order_id: shop.written.orderIds[2], raw: '{}' });
    const mp = await loadSeries(shop.ctx, { level: 'marketplace', measure: 'units', from: '2026-03-01', to: '2026-03-02' });
    assert.deepEqual(mp.series.get('trendyol'), [0, 3]);
    assert.deepEqual(mp.series.get('web'), [4, 0]);
    const plate = shop.written.productIds.get('PLATE-1')!;
    const viaMarketplaces = await loadSeries(shop.ctx, { level: 'product', measure: 'units', from: '2026-03-01', to: '2026-03-02', keys: [plate], marketplaceOnly: true });
    assert.deepEqual(viaMarketplaces.series.get(String(plate)), [0, 3]);
  });

  it('knows the sales span and the catalogue facts', async () => {
    assert.deepEqual(await salesSpan(shop.ctx), { first: '2026-03-01', last: '2026-03-05' });
    const facts = await loadProductFacts(shop.ctx, [shop.written.productIds.get('MUG-1')!]);
    const mug = [...facts.values()][0]!;
    assert.equal(mug.name, 'Mug "Deniz"');
    assert.equal(mug.quantity, 40);
    assert.equal(mug.categoryIds.length, 2);
  });

  it('reconstructs the offered price: charged price, specials on their dates, carried forward', async () => {
    const mug = shop.written.productIds.get('MUG-1')!;
    const ph = (await loadPriceHistory(shop.ctx, [mug], { from: '2026-02-28', to: '2026-03-08' })).get(mug)!;
    // Feb 28: list price (nothing charged yet); Mar 1-4: 10; Mar 5-6: special 8 (end day exclusive); Mar 7-8: 10 again.
    assert.deepEqual(ph.price, [10, 10, 10, 10, 10, 8, 8, 10, 10]);
    assert.deepEqual(ph.special, [0, 0, 0, 0, 0, 1, 1, 0, 0]);
  });
});
