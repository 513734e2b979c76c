import assert from 'node:assert/strict';
import type { MarketplaceAdapter, MarketplaceDefinition } from '../../src/marketplaces/contract';
import { MarketplaceError } from '../../src/marketplaces/errors';
import type { AsyncHandle, ItemResult, ListingItem, MarketplaceOrder, SubmitOutcome, WebhookRequest } from '../../src/marketplaces/types';
import { startReceiver, until } from './support';

/**
 * What a conformance run needs from the marketplace side (a sandbox's control API): things only the
 * buyer, the carrier or the marketplace itself can do, and a look at what the marketplace now holds.
 */
export interface ConformanceFixture {
  definition: MarketplaceDefinition;
  /** A valid listing for the marketplace, unique per `n`. */
  listing(n: number): ListingItem;
  /** A listing the marketplace accepts for sending but rejects (a required attribute missing). */
  rejectedListing(n: number): ListingItem;
  /** A leaf category id with at least one required attribute; a brand name the marketplace knows. */
  leafCategoryWithRequired: string;
  knownBrand: string;
  /** What the marketplace shows for a listing key (barcode/sku). */
  remote(key: string): Promise<{ quantity: number; price: string } | null>;
  /** A buyer orders `quantity` of the listing with this key. */
  placeOrder(key: string, quantity: number, awaiting?: boolean): Promise<{ orderId: string; packageId: string }>;
  /** The buyer returns a delivered package (the fixture ships and delivers it first). */
  returnPackage(packageId: string): Promise<void>;
  /** Webhook credentials as configured on the account (what verify() checks against). */
  webhookCredentials: Parameters<NonNullable<MarketplaceDefinition['webhooks']>['verify']>[1];
  /** Waits until the marketplace finished delivering webhooks. */
  webhooksIdle(): Promise<void>;
}

export interface ConformanceSubject {
  adapter: MarketplaceAdapter;
  /** The same account with a wrong secret. */
  badAdapter: MarketplaceAdapter;
  fixture: ConformanceFixture;
  close(): Promise<void>;
}

async function settle(adapter: MarketplaceAdapter, outcome: SubmitOutcome): Promise<ItemResult[]> {
  const results = [...outcome.results];
  for (const handle of outcome.pending) {
    const done = await until(`batch ${handle.id}`, async () => {
      const r = await adapter.pollResult(handle);
      return r.done ? r.results : undefined;
    });
    results.push(...done);
  }
  return results;
}

async function drainOrders(adapter: MarketplaceAdapter, cursor: string | null): Promise<{ orders: MarketplaceOrder[]; cursor: string }> {
  const orders: MarketplaceOrder[] = [];
  let c = cursor;
  for (let i = 0; i < 100; i += 1) {
    const page = await adapter.fetchOrders(c, { limit: 50 });
    orders.push(...page.orders);
    c = page.cursor;
    if (!page.hasMore) return { orders, cursor: c };
  }
  throw new Error('fetchOrders never reported the end');
}

/** The behaviour every adapter must show, run against a marketplace (sandbox) over HTTP. */
export function describeAdapterConformance(name: string, definition: MarketplaceDefinition, makeSubject: () => Promise<ConformanceSubject>): void {
  const caps = definition.capabilities;
  if (!caps) throw new Error(`${definition.code} declares no capabilities`);
  describe(`adapter conformance: ${name}`, function () {
    this.timeout(60_000);
    let s: ConformanceSubject;
    let a: MarketplaceAdapter;
    let f: ConformanceFixture;
    before(async () => {
      s = await makeSubject();
      a = s.adapter;
      f = s.fixture;
    });
    after(async () => s?.close());

    it('declares consistent capabilities', () => {
      const c = a.capabilities;
      assert.ok(c.limits.listingBatchSize > 0 && c.limits.stockPriceBatchSize > 0 && c.limits.orderPageSize > 0);
      assert.ok(Object.keys(c.limits.rateLimits).length > 0);
      for (const limit of Object.values(c.limits.rateLimits)) assert.ok(limit.points > 0 && limit.durationMs > 0);
      assert.equal(c.webhooks.supported, f.definition.webhooks !== undefined);
      assert.equal(a.code, f.definition.code);
      assert.deepEqual(a.capabilities.orders, caps.orders);
    });

    it('proves its credentials and reports bad ones without throwing', async () => {
      assert.deepEqual(await a.checkConnection(), { ok: true });
      const bad = await s.badAdapter.checkConnection();
      assert.equal(bad.ok, false);
    });

    it('lists the category tree with parents first and leaf attributes with required ones', async () => {
      const categories = await a.fetchCategories();
      assert.ok(categories.length > 0);
      const seen = new Set<string>();
      for (const c of categories) {
        if (c.parentId !== null) assert.ok(seen.has(c.parentId), `parent of ${c.id} listed first`);
        assert.equal(c.path[c.path.length - 1], c.name);
        seen.add(c.id);
      }
      const leaf = categories.find((c) => c.id === f.leafCategoryWithRequired);
      assert.ok(leaf?.leaf, 'fixture category is a leaf');
      const attrs = await a.fetchCategoryAttributes(f.leafCategoryWithRequired);
      assert.ok(attrs.some((x) => x.required));
      for (const x of attrs) if (!x.allowCustom) assert.ok(x.values.length > 0, `${x.name} has values to choose from`);
    });

    it('finds brands (or says brands are free text)', async () => {
      if (a.capabilities.brands === 'free_text') {
        await assert.rejects(a.fetchBrands(0, 10), (e: unknown) => e instanceof MarketplaceError && e.kind === 'unsupported');
        return;
      }
      const page = await a.fetchBrands(0, 10);
      assert.ok(page.items.length > 0 && page.items.length <= 10);
      const found = await a.findBrands(f.knownBrand);
      assert.ok(found.some((b) => b.name === f.knownBrand));
    });

    it('creates listings: valid ones succeed, invalid ones fail with a reason, bad data never leaves', async () => {
      const good = f.listing(1);
      const rejected = f.rejectedListing(2);
      const local = { ...f.listing(3), ref: 'local-bad', price: '-1' };
      const outcome = await a.submitListings([good, rejected, local], 'create');
      assert.ok(outcome.results.some((r) => r.ref === 'local-bad' && r.status === 'failed' && r.errors[0]?.code === 'validation'));
      if (a.capabilities.asyncListings) assert.ok(outcome.pending.length > 0);
      const results = await settle(a, outcome);
      const byRef = new Map(results.map((r) => [r.ref, r]));
      assert.equal(byRef.get(good.ref)?.status, 'success');
      const bad = byRef.get(rejected.ref);
      assert.equal(bad?.status, 'failed');
      assert.ok(bad?.errors.some((e) => e.code === 'validation' && !e.retryable));
      assert.equal(results.length, 3);
      const listed = await a.fetchListings({ barcodes: [good.barcode ?? good.sku] });
      assert.equal(listed.items.length, 1);
      assert.ok(['active', 'pending'].includes(listed.items[0]?.status ?? ''));
    });

    it('sets absolute stock and price, batching beyond the batch size', async () => {
      const item = f.listing(1);
      const key = item.barcode ?? item.sku;
      const n = a.capabilities.limits.stockPriceBatchSize + 1;
      const unknown = Array.from({ length: n - 1 }, (_, i) => ({ ref: `u${i}`, sku: `NOPE${i}`, barcode: `NOPE${i}`, quantity: 1 }));
      const outcome = await a.submitStockPrice([{ ref: 'sp', sku: item.sku, barcode: item.barcode, quantity: 3, price: '149.90', listPrice: '199.90' }, ...unknown]);
      if (a.capabilities.asyncStockPrice) assert.equal(outcome.pending.length, 2);
      const results = await settle(a, outcome);
      assert.equal(results.length, n);
      assert.equal(results.find((r) => r.ref === 'sp')?.status, 'success');
      assert.ok(results.filter((r) => r.ref.startsWith('u')).every((r) => r.status === 'failed'));
      assert.deepEqual(await f.remote(key), { quantity: 3, price: '149.90' });
      const local = await a.submitStockPrice([{ ref: 'neg', sku: item.sku, barcode: item.barcode, quantity: -1 }]);
      assert.equal(local.pending.length, 0);
      assert.equal(local.results[0]?.status, 'failed');
    });

    it('refuses to poll a handle of another account', async () => {
      const foreign: AsyncHandle = { marketplace: a.code, accountId: a.accountId + 999, kind: 'stockPrice', id: 'x', submittedAt: new Date().toISOString(), items: [] };
      await assert.rejects(a.pollResult(foreign), MarketplaceError);
    });

    it('fetches orders by cursor, once per state, and again after a change', async () => {
      const item = f.listing(1);
      const start = await drainOrders(a, null);
      const placed = await f.placeOrder(item.barcode ?? item.sku, 2);
      const first = await drainOrders(a, start.cursor);
      const order = first.orders.find((o) => o.orderId === placed.orderId);
      assert.ok(order, 'new order is fetched');
      assert.equal(order.status, 'created');
      const pkg = order.packages.find((p) => p.packageId === placed.packageId);
      assert.equal(pkg?.lines[0]?.quantity, 2);
      assert.equal(pkg?.lines[0]?.barcode ?? pkg?.lines[0]?.sku, item.barcode ?? item.sku);
      assert.ok(order.shippingAddress.city !== '' && order.customer.lastName !== '');
      assert.ok(Number(order.totals.total) > 0);
      const again = await drainOrders(a, first.cursor);
      assert.ok(!again.orders.some((o) => o.orderId === placed.orderId), 'same state is not handed out twice');
      if (a.capabilities.orders.acknowledge) {
        await a.acknowledge(placed);
        await a.acknowledge(placed); // repeating is harmless
        const later = await drainOrders(a, again.cursor);
        const moved = later.orders.find((o) => o.orderId === placed.orderId);
        assert.equal(moved?.status, 'processing');
      }
      assert.equal(await a.fetchOrder(`no-such-order-${Date.now()}`), null);
      const full = await a.fetchOrder(placed.orderId);
      assert.equal(full?.complete, true);
    });

    if (caps.orders.awaitingPayment) it('reports orders awaiting payment as such', async () => {
      const item = f.listing(1);
      const placed = await f.placeOrder(item.barcode ?? item.sku, 1, true);
      const order = await a.fetchOrder(placed.orderId);
      assert.equal(order?.status, 'awaiting_payment');
    });

    it('ships with a tracking number, idempotently', async () => {
      const item = f.listing(1);
      const placed = await f.placeOrder(item.barcode ?? item.sku, 1);
      await a.ship(placed, { trackingNumber: 'TRK-CONF-1', carrier: 'Trendyol Express' });
      await a.ship(placed, { trackingNumber: 'TRK-CONF-1', carrier: 'Trendyol Express' });
      const order = await a.fetchOrder(placed.orderId);
      assert.equal(order?.packages.find((p) => p.packageId === placed.packageId)?.trackingNumber, 'TRK-CONF-1');
    });

    if (caps.orders.cancelLines) it('cancels part of a package, leaving the rest live', async () => {
      const item = f.listing(1);
      const placed = await f.placeOrder(item.barcode ?? item.sku, 3);
      const before = await a.fetchOrder(placed.orderId);
      const line = before?.packages[0]?.lines[0];
      assert.ok(line);
      await a.cancelLines(placed, [{ lineId: line.lineId, quantity: 1 }], 'out_of_stock');
      const after = await a.fetchOrder(placed.orderId);
      const live = after?.packages.filter((p) => p.status !== 'cancelled') ?? [];
      assert.equal(live.reduce((sum, p) => sum + p.lines.reduce((q, l) => q + l.quantity, 0), 0), 2);
      assert.notEqual(after?.status, 'cancelled');
    });

    if (!caps.returns) it('says returns are not offered', async () => {
      await assert.rejects(a.fetchReturns(null), (e: unknown) => e instanceof MarketplaceError && e.kind === 'unsupported');
    });
    if (caps.returns) it('lists returns', async () => {
      const item = f.listing(1);
      const start = await a.fetchReturns(null);
      let cursor = start.cursor;
      const placed = await f.placeOrder(item.barcode ?? item.sku, 1);
      await f.returnPackage(placed.packageId);
      const found = await until('the return', async () => {
        const page = await a.fetchReturns(cursor);
        cursor = page.cursor;
        return page.returns.find((r) => r.orderId === placed.orderId);
      });
      assert.equal(found.lines.reduce((q, l) => q + l.quantity, 0), 1);
      assert.equal(found.status, 'requested');
    });

    it('rejects a cursor it did not make', async () => {
      await assert.rejects(a.fetchOrders('garbage'), (e: unknown) => e instanceof MarketplaceError && e.kind === 'validation');
    });

    if (caps.webhooks.registration === 'api') it('registers a webhook, and the delivered event verifies and parses; forged ones do not', async () => {
      const handler = f.definition.webhooks;
      assert.ok(handler, 'a marketplace with webhook registration handles inbound webhooks');
      const receiver = await startReceiver();
      try {
        const secrets = (f.webhookCredentials as { webhook?: { apiKey?: string; username?: string; password?: string } }).webhook ?? {};
        const auth = secrets.apiKey ? { type: 'api_key' as const, apiKey: secrets.apiKey } : { type: 'basic' as const, username: secrets.username ?? '', password: secrets.password ?? '' };
        const reg = await a.registerWebhook({ url: `${receiver.url}/webhooks/${a.code}`, auth });
        assert.ok((await a.listWebhooks()).some((w) => w.id === reg.id && w.active));
        const item = f.listing(1);
        const placed = await f.placeOrder(item.barcode ?? item.sku, 1);
        await f.webhooksIdle();
        const delivery = receiver.received.find((r) => r.body.toString('utf8').includes(placed.orderId));
        assert.ok(delivery, 'the marketplace called the webhook');
        const req: WebhookRequest = { method: delivery.method, headers: delivery.headers, rawBody: delivery.body };
        assert.deepEqual(handler.verify(req, f.webhookCredentials), { ok: true });
        const forged: WebhookRequest = { ...req, headers: { 'content-type': 'application/json' } };
        assert.equal(handler.verify(forged, f.webhookCredentials).ok, false);
        const events = handler.parse(req);
        const event = events[0];
        assert.equal(event?.kind, 'order');
        assert.ok(event?.kind === 'order' && event.order.orderId === placed.orderId);
        assert.equal(handler.parse(req)[0]?.eventId, event?.eventId, 'event id is stable across deliveries');
        assert.throws(() => handler.parse({ ...req, rawBody: Buffer.from('{"nope":') }), MarketplaceError);
        await a.deleteWebhook(reg.id);
        assert.ok(!(await a.listWebhooks()).some((w) => w.id === reg.id));
      } finally {
        await receiver.close();
      }
    });
  });
}
