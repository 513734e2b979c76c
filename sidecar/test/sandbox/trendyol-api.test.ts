import assert from 'node:assert/strict';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { call, control, PRODUCT, waitBatch } from './helpers';

/** The Trendyol sandbox speaks Trendyol: auth, limits, batches, paging and errors as the real API does. */
describe('Trendyol sandbox: API contract', function () {
  this.timeout(30_000);
  let sb: TrendyolSandbox;

  before(async () => {
    sb = await startTrendyolSandbox({ settings: { batchDelayMs: 0, rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
  });
  beforeEach(() => sb.control.reset());
  after(async () => sb.close());

  describe('authentication', () => {
    it('refuses a request without User-Agent with 403, in Trendyol’s error format', async () => {
      const r = await call(sb, 'GET', '/product/sellers/:sellerId/products', { userAgent: null });
      assert.equal(r.status, 403);
      assert.equal(r.body.exception, 'ClientApiAuthenticationException');
      assert.ok(Array.isArray(r.body.errors) && r.body.errors[0].message);
    });

    it('refuses a User-Agent that is not "<sellerId> - <integrator>"', async () => {
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { userAgent: 'axios/1.0' })).status, 403);
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { userAgent: '999 - SelfIntegration' })).status, 403);
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { userAgent: `${sb.sellers[0]!.sellerId} - MesChain Sync` })).status, 200);
    });

    it('answers 401 ClientApiAuthenticationException for wrong or missing credentials', async () => {
      const wrong = await call(sb, 'GET', '/product/sellers/:sellerId/products', { auth: { key: sb.sellers[0]!.apiKey, secret: 'nope' } });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.exception, 'ClientApiAuthenticationException');
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { auth: null })).status, 401);
    });

    it('refuses another seller’s path with the caller’s credentials', async () => {
      const r = await call(sb, 'GET', '/product/sellers/424242/products');
      assert.equal(r.status, 403);
    });
  });

  describe('products and batches', () => {
    it('creates products asynchronously with per-item results and validation', async () => {
      const items = [
        PRODUCT('OK1'),
        PRODUCT('PRICE', { salePrice: 300, listPrice: 250 }),
        PRODUCT('VAT', { vatRate: 18 }),
        PRODUCT('QTY', { quantity: 20_001 }),
        PRODUCT('ATTR', { attributes: [{ attributeId: 47, attributeValueId: 1001 }, { attributeId: 14, customAttributeValue: 'Pamuk' }] }),
        PRODUCT('BADVAL', { attributes: [{ attributeId: 47, attributeValueId: 1 }, { attributeId: 338, attributeValueId: 1018 }, { attributeId: 14, customAttributeValue: 'Pamuk' }] }),
        PRODUCT('OK1', { title: 'same barcode again' }),
        PRODUCT('NOCAT', { categoryId: 403 }),
        PRODUCT('NOTITLE', { title: '' }),
      ];
      const r = await call(sb, 'POST', '/product/sellers/:sellerId/products', { body: { items } });
      assert.equal(r.status, 200);
      assert.match(r.body.batchRequestId, /-\d+$/);
      const batch = await waitBatch(sb, r.body.batchRequestId);
      assert.equal(batch.status, 'COMPLETED');
      assert.equal(batch.itemCount, items.length);
      const reasons = (i: number): string => batch.items[i].failureReasons.join(' ');
      assert.equal(batch.items[0].status, 'SUCCESS');
      assert.match(reasons(1), /salePrice/);
      assert.match(reasons(2), /vatRate/);
      assert.match(reasons(3), /20000/);
      assert.match(reasons(4), /Eksik alan: Beden/);
      assert.match(reasons(5), /Renk özelliği/);
      assert.match(reasons(6), /birden fazla/);
      assert.match(reasons(7), /kategori/);
      assert.match(reasons(8), /title/);
      assert.equal(batch.failedItemCount, items.length - 1);
      // A create of an existing barcode fails: updates go through PUT.
      const again = await waitBatch(sb, (await call(sb, 'POST', '/product/sellers/:sellerId/products', { body: { items: [PRODUCT('OK1')] } })).body.batchRequestId);
      assert.match(again.items[0].failureReasons[0], /zaten mevcut/);
      const upd = await waitBatch(sb, (await call(sb, 'PUT', '/product/sellers/:sellerId/products', { body: { items: [PRODUCT('OK1', { title: 'Yeni başlık', quantity: 99 })] } })).body.batchRequestId);
      assert.equal(upd.items[0].status, 'SUCCESS');
      const p = sb.control.productDetails('OK1');
      assert.equal(p?.title, 'Yeni başlık');
      assert.equal(p?.quantity, 10, 'update does not change stock');
    });

    it('enforces at most 1,000 items per request', async () => {
      sb.control.seedProduct({ barcode: 'B1' });
      const items = Array.from({ length: 1001 }, () => ({ barcode: 'B1', quantity: 1 }));
      const r = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items } });
      assert.equal(r.status, 400);
      assert.match(r.body.errors[0].message, /1000/);
      const ok = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items: items.slice(0, 1000) } });
      assert.equal(ok.status, 200);
      assert.equal((await call(sb, 'POST', '/product/sellers/:sellerId/products', { body: { items: [] } })).status, 400);
    });

    it('updates stock and price by batch, item statuses only, and refuses an identical repeat', async () => {
      sb.control.seedProduct({ barcode: 'S1', quantity: 5, salePrice: 100, listPrice: 120 });
      const body = { items: [{ barcode: 'S1', quantity: 7, salePrice: 110, listPrice: 130 }, { barcode: 'MISSING', quantity: 1 }, { barcode: 'S1', quantity: 30_000 }] };
      const r = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body });
      const batch = await waitBatch(sb, r.body.batchRequestId);
      assert.equal(batch.status, undefined, 'no batch-level status for stock/price batches');
      assert.deepEqual(batch.items.map((i: { status: string }) => i.status), ['SUCCESS', 'FAILED', 'FAILED']);
      assert.deepEqual(sb.control.product('S1'), { barcode: 'S1', quantity: 7, salePrice: 110, listPrice: 130, approved: true });
      const repeat = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body });
      assert.equal(repeat.status, 400);
      assert.match(repeat.body.errors[0].message, /15 dakika/);
      const changed = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items: [{ barcode: 'S1', quantity: 8 }] } });
      assert.equal(changed.status, 200);
      const bad = await waitBatch(sb, (await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items: [{ barcode: 'S1', salePrice: 500 }] } })).body.batchRequestId);
      assert.match(bad.items[0].failureReasons[0], /salePrice/);
    });

    it('accepts the identical repeat again once the window has passed (configurable)', async () => {
      await control(sb, 'PUT', '/settings', { duplicateWindowMs: 50 });
      try {
        sb.control.seedProduct({ barcode: 'W1' });
        const body = { items: [{ barcode: 'W1', quantity: 3 }] };
        assert.equal((await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body })).status, 200);
        await new Promise((r) => setTimeout(r, 60));
        assert.equal((await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body })).status, 200);
      } finally {
        await control(sb, 'PUT', '/settings', { duplicateWindowMs: 15 * 60_000 });
      }
    });

    it('pages products with totals and a next-page token', async () => {
      for (let i = 0; i < 25; i += 1) sb.control.seedProduct({ barcode: `P${String(i).padStart(3, '0')}` });
      const first = await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { page: 0, size: 10 } });
      assert.equal(first.body.totalElements, 25);
      assert.equal(first.body.totalPages, 3);
      assert.equal(first.body.content.length, 10);
      const last = await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { page: 2, size: 10 } });
      assert.equal(last.body.content.length, 5);
      const byToken = await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { size: 10, nextPageToken: first.body.nextPageToken } });
      assert.equal(byToken.body.content[0].barcode, 'P010');
      const one = await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { barcode: 'P007' } });
      assert.equal(one.body.totalElements, 1);
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { size: 201 } })).status, 400);
      assert.equal((await call(sb, 'GET', '/product/sellers/:sellerId/products', { query: { page: 50, size: 200 } })).status, 400);
    });

    it('serves the category tree, leaf attributes and brands', async () => {
      const tree = await call(sb, 'GET', '/product/product-categories');
      assert.ok(tree.body.categories.some((c: { name: string }) => c.name === 'Giyim'));
      const attrs = await call(sb, 'GET', '/product/product-categories/1012/attributes');
      const renk = attrs.body.categoryAttributes.find((a: { attribute: { name: string } }) => a.attribute.name === 'Renk');
      assert.equal(renk.required, true);
      assert.equal(renk.varianter, true);
      assert.ok(renk.attributeValues.length > 5);
      assert.equal((await call(sb, 'GET', '/product/product-categories/999999/attributes')).status, 404);
      const brands = await call(sb, 'GET', '/product/brands', { query: { page: 0, size: 5 } });
      assert.equal(brands.body.brands.length, 5);
      const byName = await call(sb, 'GET', '/product/brands/by-name', { query: { name: 'koton' } });
      assert.deepEqual(byName.body.map((b: { name: string }) => b.name), ['Koton']);
    });
  });

  describe('rate limit', () => {
    it('answers 429 with Retry-After past the limit per endpoint, and not when turned off', async () => {
      await control(sb, 'PUT', '/rate-limit', { enabled: true, points: 3, windowMs: 1_000_000_000 });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 5; i += 1) statuses.push((await call(sb, 'GET', '/product/brands')).status);
        assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
        const limited = await call(sb, 'GET', '/product/brands');
        assert.ok(Number(limited.headers.get('retry-after')) >= 1);
        assert.equal(limited.body.exception, 'TooManyRequestsException');
        assert.equal((await call(sb, 'GET', '/product/product-categories')).status, 200, 'another endpoint has its own budget');
      } finally {
        await control(sb, 'PUT', '/rate-limit', { enabled: false });
      }
      for (let i = 0; i < 5; i += 1) assert.equal((await call(sb, 'GET', '/product/brands')).status, 200);
    });
  });

  describe('unknown paths and bodies', () => {
    it('answers 404 and malformed JSON in Trendyol’s format', async () => {
      const r = await call(sb, 'GET', '/nope');
      assert.equal(r.status, 404);
      assert.ok(r.body.errors);
      const res = await fetch(`${sb.baseUrl}/product/sellers/${sb.sellers[0]!.sellerId}/products`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': `${sb.sellers[0]!.sellerId} - SelfIntegration` },
        body: '{"items": [',
      });
      assert.equal(res.status, 400);
      assert.ok(((await res.json()) as { errors?: unknown }).errors);
    });
  });
});
