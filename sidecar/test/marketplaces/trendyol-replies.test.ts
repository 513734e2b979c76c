import assert from 'node:assert/strict';
import { MarketplaceError } from '../../src/marketplaces/errors';
import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import { createAdapter } from '../../src/marketplaces/registry';
import { createTrendyolWebhookHandler } from '../../src/marketplaces/trendyol/webhook';
import type { WebhookRequest } from '../../src/marketplaces/types';
import type { AsyncHandle, MarketplaceAdapter } from '../../src/marketplaces/contract';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import type { MarketplaceAccess, OrderAccount } from '../../src/sync/orders/access';
import { pollAccount } from '../../src/sync/orders/poll';
import type { OrderEnv } from '../../src/sync/orders/process';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { connectSandboxSeller, IPHONE, setupShop } from '../orders/support';
import { startReceiver, trendyolAccount } from './support';

const protocolError = (field: RegExp) => (err: unknown) => {
  assert.ok(err instanceof MarketplaceError, `a MarketplaceError, not ${String(err)}`);
  assert.equal(err.kind, 'protocol');
  assert.match(err.message, /answered with an unexpected body/);
  assert.match(err.message, field);
  return true;
};

/**
 * Trendyol's answers are checked at the edge (wire.ts, client.ts): a page whose envelope or cursor keys
 * do not fit is refused whole, naming the field; one odd package or product inside a page is refused on
 * its own (held by the order check, an unknown price) while the rest goes on. Real sandbox over HTTP, or a
 * plain receiver for answers the sandbox cannot give.
 */
describe('Trendyol adapter: answers checked at the edge', function () {
  this.timeout(120_000);
  const prefix = 'tr_';
  let sb: TrendyolSandbox;
  let http: MarketplaceHttp;
  let adapter: MarketplaceAdapter;
  let db: TestDatabase;
  let access: MarketplaceAccess;
  let env: OrderEnv;
  let account: OrderAccount;

  const sellerId = () => sb.sellers[0]!.sellerId;
  const pkgOf = (id: number) => sb.state.orders.get(sellerId(), id) as unknown as Record<string, unknown> & { lines: Array<Record<string, unknown>> };
  const ocOrderOf = async (orderNumber: string) =>
    ((await db.knex('meschain_order_groups').first('oc_order_id', 'state').where({ marketplace_id: account.id, remote_order_id: orderNumber })) as { oc_order_id: number | null; state: string } | undefined);
  const heldReasons = async (orderNumber: string) =>
    ((await db.knex('meschain_orders').select('hold_reason').where({ marketplace_id: account.id, remote_order_id: orderNumber, state: 'held' })) as Array<{ hold_reason: string }>).map((r) => r.hold_reason);

  /** An adapter pointed at a plain HTTP server answering `answer(url)`, without retries. */
  async function withReceiver(answer: (url: string) => unknown, run: (odd: MarketplaceAdapter) => Promise<void>): Promise<void> {
    const receiver = await startReceiver((req) => ({ status: 200, body: answer(req.url) }));
    const local = createMarketplaceHttp({ limiterStore: 'memory', retry: { maxAttempts: 1 } });
    try {
      await run(createAdapter({ ...trendyolAccount(sb, 72), baseUrl: `${receiver.url}/integration` }, { http: local }));
    } finally {
      await local.close();
      await receiver.close();
    }
  }

  before(async () => {
    sb = await startTrendyolSandbox({ settings: { batchDelayMs: 2, rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
    http = createMarketplaceHttp({ limiterStore: 'memory', sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    adapter = createAdapter(trendyolAccount(sb, 71), { http });
    db = await createTestDatabase({ prefix });
    await setupShop(db.knex, prefix);
    ({ access, account, env } = await connectSandboxSeller(db.knex, prefix, sb));
  });
  after(async () => {
    await http?.close();
    await sb?.close();
    await db?.drop();
  });

  it('refuses an order or claim page whose envelope does not fit, naming the field', async () => {
    const bodies: Record<string, unknown> = {
      orders: { totalElements: 1, totalPages: 1, page: 0, size: 50, content: { id: 1, orderNumber: 'N1', lastModifiedDate: 1 } },
      claims: { totalElements: 1, totalPages: '1', page: 0, size: 50, content: [] },
    };
    await withReceiver((url) => (url.includes('/claims') ? bodies.claims : bodies.orders), async (odd) => {
      await assert.rejects(odd.fetchOrders(null), protocolError(/GET \/order\/sellers\/:sellerId\/orders answered .*\(content: .*expected array/));
      await assert.rejects(odd.fetchReturns!(null), protocolError(/\(totalPages: .*expected number/));
      bodies.orders = { page: 0, size: 50, content: [{ id: 1, orderNumber: 'N1' }] };
      await assert.rejects(odd.fetchOrders(null), protocolError(/content\.0\.lastModifiedDate: .*expected number/));
      bodies.orders = { page: 0, size: 50, content: [{ orderNumber: 'N1', lastModifiedDate: 1, lines: [] }] };
      await assert.rejects(odd.fetchOrders(null), protocolError(/content\.0\.id: a package has neither id nor shipmentPackageId/));
      bodies.orders = { page: 0, size: 50, content: [{ id: 1, orderNumber: 'N1', lastModifiedDate: 1, lines: { id: 5 } }] };
      await assert.rejects(odd.fetchOrders(null), protocolError(/content\.0\.lines: .*expected array/));
    });
  });

  it('refuses a page whose package has no usable order number, and the same cursor reads it once Trendyol sends it right', async () => {
    sb.control.reset();
    sb.control.seedProduct({ barcode: 'R1', quantity: 50, salePrice: 100, listPrice: 100 });
    let cursor: string | null = null;
    for (let i = 0; i < 20; i += 1) {
      const page = await adapter.fetchOrders(cursor);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    const pkg = sb.control.createOrder({ lines: [{ barcode: 'R1', quantity: 1 }] }) as { id: number; orderNumber: string };
    // The order number keys the order: read as "[object Object]" it would import as another order.
    pkgOf(pkg.id).orderNumber = { value: pkg.orderNumber };
    await assert.rejects(adapter.fetchOrders(cursor), protocolError(/content\.0\.orderNumber: /));
    pkgOf(pkg.id).orderNumber = pkg.orderNumber;
    const again = await adapter.fetchOrders(cursor);
    assert.deepEqual(again.orders.map((o) => [o.orderId, o.packages.map((p) => p.packageId)]), [[pkg.orderNumber, [String(pkg.id)]]]);
  });

  it('imports the other orders of a page when one package’s line price is unreadable; that one is held naming the unit price', async () => {
    sb.control.reset();
    sb.control.seedProduct({ barcode: IPHONE.barcode, quantity: 50, salePrice: 960, listPrice: 960 });
    const create = () => sb.control.createOrder({ lines: [{ barcode: IPHONE.barcode, quantity: 1, price: 960 }] }) as { id: number; orderNumber: string };
    const good = create();
    const badPrice = create();
    const oddDate = create();
    // A price sent as text and no list price: nothing to sell it at.
    Object.assign(pkgOf(badPrice.id).lines[0]!, { price: '960.00', amount: null });
    // A field nothing depends on, in another shape: it reads as absent and the order still imports.
    pkgOf(oddDate.id).orderDate = '2026-11-26T10:00:00';

    const polled = await pollAccount(env, account, await access.adapter(account.id));
    assert.equal(polled.failed, 1, `only the unpriced order is refused: ${JSON.stringify(polled)}`);
    assert.ok((await ocOrderOf(good.orderNumber))?.oc_order_id, 'the good order is imported');
    assert.ok((await ocOrderOf(oddDate.orderNumber))?.oc_order_id, 'the order with an unreadable order date is imported');
    assert.equal((await ocOrderOf(badPrice.orderNumber))?.oc_order_id, null);
    const reasons = await heldReasons(badPrice.orderNumber);
    assert.equal(reasons.length, 1);
    assert.match(reasons[0]!, /packages\.0\.lines\.0\.unitPrice: unit price is not an amount/);
  });

  it('reads a product whose price is null or not a number as an unknown price, and the rest of the page as sent', async () => {
    sb.control.reset();
    for (const barcode of ['P1', 'P2', 'P3']) sb.control.seedProduct({ barcode, quantity: 7, salePrice: 90, listPrice: 100 });
    const product = (barcode: string) => sb.state.products.get(sellerId(), barcode) as unknown as Record<string, unknown>;
    product('P2').salePrice = null;
    Object.assign(product('P3'), { listPrice: '100.00', quantity: -1, approved: 'yes' });

    const page = await adapter.fetchListings({ page: 0, size: 50 });
    const by = new Map(page.items.map((l) => [l.barcode, l]));
    assert.equal(page.items.length, 3);
    assert.deepEqual([by.get('P1')?.price, by.get('P1')?.listPrice, by.get('P1')?.quantity, by.get('P1')?.status], ['90.00', '100.00', 7, 'active']);
    assert.deepEqual([by.get('P2')?.price, by.get('P2')?.listPrice, by.get('P2')?.quantity], [undefined, '100.00', 7], 'a null price is unknown, never 0');
    assert.deepEqual([by.get('P3')?.price, by.get('P3')?.listPrice, by.get('P3')?.quantity, by.get('P3')?.status], ['90.00', undefined, undefined, 'unknown']);
    // The read one barcode at a time (the stock/price check after a refused repeat) alike.
    const one = await adapter.fetchListings({ barcodes: ['P2'] });
    assert.deepEqual(one.items.map((l) => [l.barcode, l.price]), [['P2', undefined]]);
  });

  it('reads a batch result item it cannot understand as a failed item with a reason; refuses a batch envelope that does not fit', async () => {
    const handle: AsyncHandle = {
      marketplace: 'trendyol',
      accountId: 72,
      kind: 'stockPrice',
      id: 'b-1',
      submittedAt: new Date().toISOString(),
      items: ['B1', 'B2', 'B3', 'B4'].map((key) => ({ ref: `r-${key}`, key })),
    };
    let body: unknown = {
      batchRequestId: 'b-1',
      status: 'COMPLETED',
      itemCount: 4,
      items: [
        { requestItem: { barcode: 'B1' }, status: 'SUCCESS', failureReasons: [] },
        null,
        { requestItem: { barcode: 'B2' }, status: 7, failureReasons: null },
        { requestItem: { barcode: 'B3' }, status: 'FAILED', failureReasons: [{ code: 'x' }] },
      ],
    };
    await withReceiver(() => body, async (odd) => {
      const outcome = await odd.pollResult(handle);
      assert.ok(outcome.done);
      const by = new Map(outcome.results.map((r) => [r.key, r]));
      assert.equal(by.get('B1')?.status, 'success');
      assert.deepEqual(by.get('B2')?.errors.map((e) => [e.code, e.retryable, e.message]), [['unknown', true, 'Trendyol reported no readable status for barcode B2']]);
      assert.equal(by.get('B3')?.status, 'failed');
      assert.match(by.get('B3')!.errors[0]!.message, /unreadable failure reason \{"code":"x"\}/);
      assert.deepEqual(by.get('B4')?.errors.map((e) => e.code), ['unknown'], 'no result at all for B4');
      body = { batchRequestId: 'b-1', status: 'COMPLETED', items: { B1: 'SUCCESS' } };
      await assert.rejects(odd.pollResult(handle), protocolError(/batch-requests\/:batchRequestId answered .*\(items: /));
      body = { categories: [{ id: 1, name: 'A', subCategories: [{ id: 2, name: 7 }] }] };
      await assert.rejects(odd.fetchCategories(), protocolError(/categories\.0\.subCategories\.0\.name: /));
    });
  });
});

describe('Trendyol webhook body: the order list item check', () => {
  const handler = createTrendyolWebhookHandler(() => 0);
  const request = (body: unknown): WebhookRequest => ({ method: 'POST', headers: { 'content-type': 'application/json' }, rawBody: Buffer.from(JSON.stringify(body)) });
  const pkg = {
    id: 501,
    orderNumber: 'W-1',
    status: 'Created',
    orderDate: 1_700_000_000_000,
    lastModifiedDate: 1_700_000_000_000,
    customerId: null,
    currencyCode: 'TRY',
    lines: [{ id: 1, barcode: 'B', quantity: 1, price: 10, currencyCode: 'TRY' }],
  };

  it('parses a package with nulls where values are unknown (no "null" text) and refuses one whose order number is not an id, naming it', () => {
    const [event] = handler.parse(request(pkg));
    assert.ok(event?.kind === 'order');
    assert.equal(event.order.orderId, 'W-1');
    assert.equal(event.order.customer?.remoteId, undefined, 'a null customer id is no customer id');
    assert.throws(
      () => handler.parse(request({ ...pkg, orderNumber: { value: 'W-1' } })),
      (err: unknown) => err instanceof MarketplaceError && err.kind === 'validation' && /orderNumber/.test(err.message),
    );
    assert.throws(
      () => handler.parse(request({ ...pkg, lastModifiedDate: 'yesterday' })),
      (err: unknown) => err instanceof MarketplaceError && /lastModifiedDate/.test(err.message),
    );
  });
});
