import assert from 'node:assert/strict';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { startReceiver } from '../marketplaces/support';
import { call, control, PRODUCT, waitBatch } from './helpers';

const OFFSET = 3 * 3600_000;

/** Orders, statuses, split packages, claims, webhooks, faults and the control API of the Trendyol sandbox. */
describe('Trendyol sandbox: orders, webhooks, faults, control', function () {
  this.timeout(30_000);
  let sb: TrendyolSandbox;

  before(async () => {
    sb = await startTrendyolSandbox({ settings: { batchDelayMs: 0, webhookRetryDelayMs: 10, rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
  });
  beforeEach(() => {
    sb.control.reset();
    sb.control.seedProduct({ barcode: 'A1', quantity: 20, salePrice: 100, listPrice: 120 });
    sb.control.seedProduct({ barcode: 'B2', quantity: 20, salePrice: 50, listPrice: 50 });
  });
  after(async () => sb.close());

  const orders = (query: Record<string, string | number> = {}) => call(sb, 'GET', '/order/sellers/:sellerId/orders', { query });

  it('creates orders through the control API; the order list pages them with Trendyol’s fields', async () => {
    const created = await control(sb, 'POST', '/orders', { lines: [{ barcode: 'A1', quantity: 2 }, { barcode: 'B2', quantity: 1, discount: 10 }] });
    assert.equal(created.status, 'Created');
    for (let i = 0; i < 4; i += 1) sb.control.createOrder({ lines: [{ barcode: 'B2', quantity: 1 }] });
    const page0 = await orders({ page: 0, size: 2, orderByField: 'PackageLastModifiedDate', orderByDirection: 'ASC' });
    assert.equal(page0.status, 200);
    assert.equal(page0.body.totalElements, 5);
    assert.equal(page0.body.totalPages, 3);
    const first = page0.body.content[0];
    assert.equal(first.orderNumber, created.orderNumber);
    assert.equal(first.grossAmount, 250);
    assert.equal(first.totalDiscount, 10);
    assert.equal(first.totalPrice, 240);
    assert.equal(first.lines[1].price, 40);
    assert.ok(first.shipmentAddress.city && first.invoiceAddress.address1 && first.customerEmail);
    assert.equal(sb.control.product('A1')?.quantity, 18, 'an order takes stock');
    const page2 = await orders({ page: 2, size: 2 });
    assert.equal(page2.body.content.length, 1);
    assert.equal((await orders({ size: 201 })).status, 400);
    assert.equal((await orders({ status: 'Picking' })).body.totalElements, 0);
    assert.equal((await orders({ orderNumber: created.orderNumber })).body.totalElements, 1);
  });

  it('filters by a date window in Trendyol’s GMT+3 epoch, refusing long or old ranges', async () => {
    const pkg = sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 1 }] }) as { lastModifiedDate: number };
    const t = pkg.lastModifiedDate;
    assert.ok(Math.abs(t - OFFSET - Date.now()) < 60_000, 'timestamps are shifted by three hours');
    assert.equal((await orders({ startDate: t - 1000, endDate: t + 1000 })).body.totalElements, 1);
    assert.equal((await orders({ startDate: t - 1000 - OFFSET, endDate: t + 1000 - OFFSET })).body.totalElements, 0, 'a UTC window misses it');
    assert.equal((await orders({ startDate: t - 15 * 86_400_000, endDate: t })).status, 400);
    assert.equal((await orders({ startDate: t - 100 * 86_400_000, endDate: t - 99 * 86_400_000 })).status, 400);
    // An empty date is no bound (as Spring binds it), not the epoch: the default window still finds the order.
    const open = await orders({ startDate: '', endDate: '' });
    assert.equal(open.status, 200);
    assert.equal(open.body.totalElements, 1);
    assert.equal((await orders({ startDate: 'yesterday' })).status, 400, 'a date that is not a number is refused');
  });

  it('moves statuses: Picking, Invoiced (needs invoice number), tracking number; refuses wrong moves', async () => {
    const pkg = sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 1 }] }) as { id: number; lines: Array<{ id: number; quantity: number }> };
    const lines = pkg.lines.map((l) => ({ lineId: l.id, quantity: l.quantity }));
    const put = (path: string, body: unknown) => call(sb, 'PUT', `/order/sellers/:sellerId/shipment-packages/${pkg.id}${path}`, { body });
    assert.equal((await put('', { lines, params: {}, status: 'Shipped' })).status, 400);
    assert.equal((await put('', { lines, params: {}, status: 'Picking' })).status, 200);
    assert.equal((await put('', { lines, params: {}, status: 'Picking' })).status, 400, 'no repeat');
    assert.equal((await put('', { lines, params: {}, status: 'Invoiced' })).status, 400, 'invoice number needed');
    assert.equal((await put('', { lines, params: { invoiceNumber: 'INV-1' }, status: 'Invoiced' })).status, 200);
    assert.equal((await put('/update-tracking-number', { trackingNumber: '' })).status, 400);
    assert.equal((await put('/update-tracking-number', { trackingNumber: 'TRK-9' })).status, 200);
    const now = sb.control.packages()[0]!;
    assert.equal(now.status, 'Invoiced');
    assert.equal(now.cargoTrackingNumber, 'TRK-9');
    assert.deepEqual((now.packageHistories as Array<{ status: string }>).map((h) => h.status), ['Created', 'Picking', 'Invoiced']);
    const awaiting = sb.control.createOrder({ status: 'Awaiting', lines: [{ barcode: 'A1', quantity: 1 }] }) as { id: number };
    assert.equal((await call(sb, 'PUT', `/order/sellers/:sellerId/shipment-packages/${awaiting.id}`, { body: { lines: [], params: {}, status: 'Picking' } })).status, 400);
  });

  it('splits a package on a partial unsupplied cancel: old one Cancelled, new id with the rest under the same order number', async () => {
    const pkg = sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 3 }, { barcode: 'B2', quantity: 1 }] }) as { id: number; orderNumber: string; lines: Array<{ id: number }> };
    const before = sb.control.product('A1')!.quantity;
    const url = `/order/sellers/:sellerId/shipment-packages/${pkg.id}/items/unsupplied`;
    assert.equal((await call(sb, 'PUT', url, { body: { lines: [{ lineId: pkg.lines[0]!.id, quantity: 1 }], reasonId: 1 } })).status, 400, 'reason id checked');
    assert.equal((await call(sb, 'PUT', url, { body: { lines: [{ lineId: pkg.lines[0]!.id, quantity: 4 }], reasonId: 500 } })).status, 400, 'quantity checked');
    assert.equal((await call(sb, 'PUT', url, { body: { lines: [{ lineId: pkg.lines[0]!.id, quantity: 1 }], reasonId: 500 } })).status, 200);
    const all = (await orders({ orderNumber: pkg.orderNumber })).body.content as Array<{ id: number; status: string; lines: Array<{ barcode: string; quantity: number; id: number }> }>;
    assert.equal(all.length, 2);
    const old = all.find((p) => p.id === pkg.id)!;
    const split = all.find((p) => p.id !== pkg.id)!;
    assert.equal(old.status, 'Cancelled');
    assert.equal(split.status, 'Created');
    assert.deepEqual(split.lines.map((l) => [l.barcode, l.quantity]), [['A1', 2], ['B2', 1]]);
    assert.ok(!split.lines.some((l) => pkg.lines.some((o) => o.id === l.id)), 'new line ids');
    assert.equal(sb.control.product('A1')!.quantity, before + 1, 'cancelled units return to stock');
    // The invalidated package cannot be cancelled again; cancelling everything ends the new one.
    assert.equal((await call(sb, 'PUT', url, { body: { lines: [{ lineId: pkg.lines[1]!.id, quantity: 1 }], reasonId: 500 } })).status, 400);
    const url2 = `/order/sellers/:sellerId/shipment-packages/${split.id}/items/unsupplied`;
    assert.equal((await call(sb, 'PUT', url2, { body: { lines: split.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })), reasonId: 500 } })).status, 200);
    assert.equal(sb.control.packages({ orderNumber: pkg.orderNumber }).find((p) => p.id === split.id)?.status, 'UnSupplied');
  });

  it('moves packages as carrier and customer through the control API; a return makes a claim', async () => {
    const awaiting = await control(sb, 'POST', '/orders', { status: 'Awaiting', lines: [{ barcode: 'A1', quantity: 1 }] });
    assert.equal((await control(sb, 'POST', `/packages/${awaiting.id}/confirm`)).package.status, 'Created');
    await control(sb, 'POST', `/packages/${awaiting.id}/ship`);
    await control(sb, 'POST', `/packages/${awaiting.id}/deliver`);
    const returned = await control(sb, 'POST', `/packages/${awaiting.id}/return`);
    assert.equal(returned.package.status, 'Returned');
    const claims = await call(sb, 'GET', '/order/sellers/:sellerId/claims', { query: { claimItemStatus: 'Created' } });
    assert.equal(claims.body.totalElements, 1);
    assert.equal(claims.body.content[0].orderNumber, awaiting.orderNumber);
    assert.equal(claims.body.content[0].items[0].claimItems[0].claimItemStatus.name, 'Created');
    const cancelled = await control(sb, 'POST', '/orders', { lines: [{ barcode: 'B2', quantity: 2 }] });
    const partial = await control(sb, 'POST', `/packages/${cancelled.id}/cancel`, { lines: [{ lineId: cancelled.lines[0].id, quantity: 1 }] });
    assert.equal(partial.package.status, 'Cancelled');
    assert.equal(partial.newPackage.lines[0].quantity, 1);
    await assert.rejects(control(sb, 'POST', `/packages/${cancelled.id}/deliver`));
  });

  it('fires webhooks with Basic or API-key auth, for subscribed statuses only', async () => {
    const receiver = await startReceiver();
    try {
      const hook = (body: unknown) => call(sb, 'POST', '/webhook/sellers/:sellerId/webhooks', { body });
      assert.equal((await hook({ url: `${receiver.url}/x`, authenticationType: 'API_KEY' })).status, 400, 'API_KEY needs apiKey');
      const basic = await hook({ url: `${receiver.url}/basic`, authenticationType: 'BASIC_AUTHENTICATION', username: 'u', password: 'p', subscribedStatuses: ['CREATED'] });
      const key = await hook({ url: `${receiver.url}/key`, authenticationType: 'API_KEY', apiKey: 'k-123' });
      assert.equal(basic.status, 200);
      assert.ok(key.body.id);
      const list = await call(sb, 'GET', '/webhook/sellers/:sellerId/webhooks');
      assert.equal(list.body.length, 2);
      assert.ok(!JSON.stringify(list.body).includes('k-123'), 'secrets are not listed back');
      const pkg = sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 1 }] }) as { id: number; lines: Array<{ id: number; quantity: number }> };
      await call(sb, 'PUT', `/order/sellers/:sellerId/shipment-packages/${pkg.id}`, { body: { lines: pkg.lines.map((l) => ({ lineId: l.id, quantity: l.quantity })), params: {}, status: 'Picking' } });
      await sb.control.webhooksIdle();
      const toBasic = receiver.received.filter((r) => r.url === '/basic');
      const toKey = receiver.received.filter((r) => r.url === '/key');
      assert.equal(toBasic.length, 1, 'basic hook only subscribed to CREATED');
      assert.equal(toBasic[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
      assert.deepEqual(toKey.map((r) => JSON.parse(r.body.toString()).status), ['Created', 'Picking']);
      assert.equal(toKey[0]!.headers['x-api-key'], 'k-123');
      assert.equal(JSON.parse(toKey[0]!.body.toString()).id, pkg.id);
      await call(sb, 'PUT', `/webhook/sellers/:sellerId/webhooks/${key.body.id}/deactivate`);
      sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 1 }] });
      await sb.control.webhooksIdle();
      assert.equal(receiver.received.filter((r) => r.url === '/key').length, 2, 'a passive hook gets nothing');
    } finally {
      await receiver.close();
    }
  });

  it('retries a failing webhook endpoint', async () => {
    const receiver = await startReceiver((_req, i) => ({ status: i < 2 ? 500 : 200 }));
    try {
      await call(sb, 'POST', '/webhook/sellers/:sellerId/webhooks', { body: { url: receiver.url, authenticationType: 'API_KEY', apiKey: 'k' } });
      sb.control.createOrder({ lines: [{ barcode: 'A1', quantity: 1 }] });
      await sb.control.webhooksIdle();
      assert.equal(receiver.received.length, 3);
      assert.deepEqual(sb.control.webhookDeliveries().map((d) => d.responseStatus), [500, 500, 200]);
    } finally {
      await receiver.close();
    }
  });

  describe('fault injection', () => {
    afterEach(() => sb.control.setFaults({ errorRate: 0, dropRate: 0, timeoutRate: 0, partialBatchFailureRate: 0, phase: 'before', routes: [] }));

    it('answers injected errors (JSON 500, HTML 503, 429) without applying the request', async () => {
      await control(sb, 'PUT', '/faults', { errorRate: 1, errorStatuses: [500] });
      const r = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items: [{ barcode: 'A1', quantity: 1 }] } });
      assert.equal(r.status, 500);
      sb.control.setFaults({ errorStatuses: [503] });
      const html = await call(sb, 'GET', '/product/brands');
      assert.equal(html.status, 503);
      assert.match(String(html.body), /<html>/);
      sb.control.setFaults({ errorStatuses: [429] });
      assert.equal((await call(sb, 'GET', '/product/brands')).headers.get('retry-after'), '1');
      sb.control.setFaults({ errorRate: 0 });
      assert.equal(sb.control.product('A1')?.quantity, 20, 'nothing changed');
      assert.equal(sb.control.requests().byOutcome.fault_error, 3);
    });

    it('can fail after applying (the caller sees an error, the change happened)', async () => {
      sb.control.setFaults({ errorRate: 1, errorStatuses: [500], phase: 'after', routes: ['price-and-inventory'] });
      const r = await call(sb, 'POST', '/inventory/sellers/:sellerId/products/price-and-inventory', { body: { items: [{ barcode: 'A1', quantity: 4 }] } });
      assert.equal(r.status, 500);
      await new Promise((res) => setTimeout(res, 20));
      assert.equal(sb.control.product('A1')?.quantity, 4);
      assert.equal((await call(sb, 'GET', '/product/brands')).status, 200, 'other routes unaffected');
    });

    it('drops connections and holds requests until the client gives up', async () => {
      sb.control.setFaults({ dropRate: 1 });
      await assert.rejects(call(sb, 'GET', '/product/brands'));
      sb.control.setFaults({ dropRate: 0, timeoutRate: 1, timeoutHoldMs: 5_000 });
      await assert.rejects(call(sb, 'GET', '/product/brands', { signal: AbortSignal.timeout(200) }));
      assert.equal(sb.control.requests().byOutcome.fault_timeout, 1);
    });

    it('fails a share of batch items with a transient reason', async () => {
      sb.control.setFaults({ partialBatchFailureRate: 1 });
      const r = await call(sb, 'POST', '/product/sellers/:sellerId/products', { body: { items: [PRODUCT('F1'), PRODUCT('F2')] } });
      const batch = await waitBatch(sb, r.body.batchRequestId);
      assert.deepEqual(batch.items.map((i: { failureReasons: string[] }) => i.failureReasons[0]), ['Beklenmeyen bir hata oluştu, lütfen tekrar deneyiniz.', 'Beklenmeyen bir hata oluştu, lütfen tekrar deneyiniz.']);
      assert.equal(sb.control.product('F1'), null);
    });

    it('adds latency and counts requests; reset empties state', async () => {
      sb.control.setFaults({ latencyMs: [5, 10] });
      await call(sb, 'GET', '/product/brands');
      sb.control.setFaults({ latencyMs: 0 });
      const counts = await control(sb, 'GET', '/requests');
      assert.equal(counts.byRoute['GET /product/brands'], 1);
      const stock = await control(sb, 'GET', '/stock');
      assert.equal(stock.A1.quantity, 20);
      await control(sb, 'POST', '/reset');
      assert.deepEqual(await control(sb, 'GET', '/stock'), {});
      assert.equal((await control(sb, 'GET', '/requests')).total, 0);
    });
  });
});
