import assert from 'node:assert/strict';
import { popularFallback } from '../../src/analytics/service/popular';
import { order, shopWith, type ShopFixture } from './fixtures';

// T (no sales) is in categories C1 and C2. A shares both with it and sold 10 units; B shares only C1
// and sold 15; Z shares none and sold 50. Within the same-category group B outsells A.
describe('analytics: popularity fallback', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await shopWith(
      {
        categories: [
          { key: 'C1', name: 'Category C1' },
          { key: 'C2', name: 'Category C2' },
        ],
        products: [
          { key: 'T', name: 'Target', price: 10, categoryKeys: ['C1', 'C2'] },
          { key: 'A', name: 'Item A', price: 10, categoryKeys: ['C1', 'C2'] },
          { key: 'B', name: 'Item B', price: 10, categoryKeys: ['C1'] },
          { key: 'Z', name: 'Item Z', price: 10 },
        ],
        orders: [
          order('2026-04-10 12:00:00', [{ productKey: 'A', quantity: 10, price: 10 }]),
          order('2026-04-11 12:00:00', [{ productKey: 'B', quantity: 15, price: 10 }]),
          order('2026-04-12 12:00:00', [{ productKey: 'Z', quantity: 50, price: 10 }]),
        ],
      },
      { prefix: 'pop_', today: '2026-05-01' },
    );
  });
  after(async () => shop?.db.drop());

  it('ranks same-category best sellers by units sold, however many categories they share', async () => {
    const id = (k: string) => shop.written.productIds.get(k)!;
    const items = await popularFallback(shop.ctx, id('T'), '2026-04-30', 5);
    assert.deepEqual(
      items.map((i) => i.productId),
      [id('B'), id('A'), id('Z')],
    );
    assert.match(items[0]!.reason.en, /same category/);
    assert.match(items[2]!.reason.en, /popularity fallback/);
  });
});
