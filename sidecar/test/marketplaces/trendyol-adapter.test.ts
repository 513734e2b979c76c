import assert from 'node:assert/strict';
import { MarketplaceError } from '../../src/marketplaces/errors';
import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import { createAdapter, getMarketplace, listMarketplaces } from '../../src/marketplaces/registry';
import type { MarketplaceAdapter, StockPriceUpdate, SubmitOutcome, ItemResult, WebhookRequest } from '../../src/marketplaces/contract';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { trendyolAccount, until } from './support';
import { toOrders } from '../../src/marketplaces/trendyol/orders-mapping';
import { orderProblem } from '../../src/sync/orders/check';

/** Trendyol-specific behaviour beyond the conformance suite: cursor robustness, splits, faults, registry. */
describe('Trendyol adapter', function () {
  this.timeout(60_000);
  let sb: TrendyolSandbox;
  let http: MarketplaceHttp;
  let adapter: MarketplaceAdapter;
  let frozen: number | null = null;

  before(async () => {
    sb = await startTrendyolSandbox({ now: () => frozen ?? Date.now(), settings: { batchDelayMs: 2, rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
    http = createMarketplaceHttp({ limiterStore: 'memory', sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))) });
    adapter = createAdapter(trendyolAccount(sb, 51), { http });
  });
  beforeEach(() => {
    sb.control.reset();
    for (let i = 0; i < 20; i += 1) sb.control.seedProduct({ barcode: `T${i}`, quantity: 10_000, salePrice: 100, listPrice: 100 });
  });
  after(async () => {
    await http.close();
    await sb.close();
  });

  async function drain(cursor: string | null, limit: number, between?: (page: number) => void): Promise<{ keys: string[]; cursor: string; pages: number }> {
    const keys: string[] = [];
    let c = cursor;
    for (let page = 0; page < 1000; page += 1) {
      const res = await adapter.fetchOrders(c, { limit });
      for (const o of res.orders) for (const p of o.packages) keys.push(`${p.packageId}:${p.rawStatus}`);
      c = res.cursor;
      if (!res.hasMore) return { keys, cursor: c, pages: page + 1 };
      between?.(page);
    }
    throw new Error('never finished');
  }

  it('misses no package when packages change while it pages, and hands none out twice per state', async () => {
    const start = await drain(null, 200);
    const ids = sb.control.createOrders({ count: 450, barcodes: ['T1', 'T2', 'T3'] });
    const result = await drain(start.cursor, 100, (page) => {
      // Packages on pages not read yet change status (and so move to the end of the order list).
      const target = ids[page * 100 + 150];
      if (target !== undefined) sb.control.movePackage(target, 'ship');
    });
    const seenIds = new Set(result.keys.map((k) => k.split(':')[0]));
    for (const id of ids) assert.ok(seenIds.has(String(id)), `package ${id} was fetched`);
    assert.equal(new Set(result.keys).size, result.keys.length, 'no (package, status) twice');
    assert.ok(result.keys.some((k) => k.endsWith(':Shipped')), 'the changed packages came back in their new state');
  });

  it('pages through more packages than a page sharing one timestamp', async () => {
    const start = await drain(null, 200);
    frozen = Date.now();
    try {
      sb.control.createOrders({ count: 250, barcodes: ['T5'] });
    } finally {
      frozen = null;
    }
    const result = await drain(start.cursor, 100);
    assert.equal(new Set(result.keys).size, 250);
  });

  it('brings an order that moves from Awaiting to Created twice: once per state', async () => {
    const start = await drain(null, 200);
    const pkg = sb.control.createOrder({ status: 'Awaiting', lines: [{ barcode: 'T1', quantity: 1 }] }) as { id: number };
    const first = await drain(start.cursor, 50);
    assert.deepEqual(first.keys, [`${pkg.id}:Awaiting`]);
    sb.control.movePackage(pkg.id, 'confirm');
    const second = await drain(first.cursor, 50);
    assert.deepEqual(second.keys, [`${pkg.id}:Created`]);
  });

  it('reads a split order as one order with the cancelled original and its live replacement', async () => {
    const pkg = sb.control.createOrder({ lines: [{ barcode: 'T1', quantity: 2 }, { barcode: 'T2', quantity: 1, discount: 10 }] }) as { id: number; orderNumber: string; lines: Array<{ id: number }> };
    await adapter.cancelLines({ orderId: pkg.orderNumber, packageId: String(pkg.id) }, [{ lineId: String(pkg.lines[1]!.id), quantity: 1 }], 'out_of_stock');
    // Repeating the cancel after the split is harmless.
    await adapter.cancelLines({ orderId: pkg.orderNumber, packageId: String(pkg.id) }, [{ lineId: String(pkg.lines[1]!.id), quantity: 1 }], 'out_of_stock');
    const order = await adapter.fetchOrder(pkg.orderNumber);
    assert.equal(order?.packages.length, 2);
    const original = order?.packages.find((p) => p.packageId === String(pkg.id));
    const live = order?.packages.find((p) => p.packageId !== String(pkg.id));
    assert.equal(original?.status, 'cancelled');
    assert.equal(live?.status, 'created');
    assert.deepEqual(live?.lines.map((l) => [l.barcode, l.quantity]), [['T1', 2]]);
    assert.equal(order?.status, 'created');
    assert.equal(order?.totals.total, '200.00', 'totals count the live package only');
  });

  it('keeps the handles of accepted batches when a later batch is refused', async () => {
    const items: StockPriceUpdate[] = [];
    for (let i = 0; i < 1500; i += 1) items.push({ ref: `r${i}`, sku: `X${i}`, barcode: i < 20 ? `T${i}` : `X${i}`, quantity: 5 });
    sb.control.setRateLimit({ enabled: true, points: 1, windowMs: 1_000_000_000 });
    let outcome: SubmitOutcome;
    try {
      outcome = await adapter.submitStockPrice(items);
    } finally {
      sb.control.setRateLimit({ enabled: false });
    }
    assert.equal(outcome.pending.length, 1);
    assert.equal(outcome.pending[0]?.items.length, 1000);
    const refused = outcome.results.filter((r) => r.status === 'failed');
    assert.equal(refused.length, 500);
    assert.ok(refused.every((r) => r.errors[0]?.code === 'rate_limited' && r.errors[0].retryable));
    // Nothing accepted at all: the error is thrown.
    sb.control.setRateLimit({ enabled: true, points: 1, windowMs: 1_000_000_000 });
    try {
      await adapter.submitStockPrice([{ ref: 'a', sku: 'T1', barcode: 'T1', quantity: 1 }]);
      await assert.rejects(adapter.submitStockPrice([{ ref: 'b', sku: 'T2', barcode: 'T2', quantity: 1 }]), (e: unknown) => e instanceof MarketplaceError && e.kind === 'rate_limited');
    } finally {
      sb.control.setRateLimit({ enabled: false });
    }
  });

  it('converges stock and price under 20% injected faults (errors, 429, timeouts, failed batch items)', async () => {
    const faulty = createMarketplaceHttp({ limiterStore: 'memory', timeoutMs: 300, breaker: { volumeThreshold: 1000 }, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))) });
    const a = createAdapter(trendyolAccount(sb, 52, { settings: { timeoutMs: 300 } }), { http: faulty });
    try {
      for (let i = 20; i < 300; i += 1) sb.control.seedProduct({ barcode: `T${i}`, quantity: 0, salePrice: 100, listPrice: 100 });
      const want = new Map<string, StockPriceUpdate>();
      for (let i = 0; i < 300; i += 1) want.set(`T${i}`, { ref: `T${i}`, sku: `T${i}`, barcode: `T${i}`, quantity: (i * 7) % 50, price: (50 + (i % 13)).toFixed(2), listPrice: '80.00' });
      // A lost answer followed by a retry hits the duplicate rule; a short window lets the test retry soon.
      sb.control.updateSettings({ duplicateWindowMs: 300 });
      sb.control.setFaults({ errorRate: 0.12, errorStatuses: [500, 503, 429], timeoutRate: 0.04, timeoutHoldMs: 1_000, dropRate: 0.04, partialBatchFailureRate: 0.2, phase: 'mixed', seed: 42 });
      const counts = (): Record<string, number> => sb.control.requests().byOutcome;
      const bothFaultKindsSeen = (): boolean => (counts().fault_error ?? 0) > 0 && (counts().fault_drop ?? 0) + (counts().fault_timeout ?? 0) > 0;
      let open = [...want.values()];
      for (let round = 0; round < 40 && (open.length > 0 || !bothFaultKindsSeen()); round += 1) {
        // Few requests may converge before a drop or timeout was drawn; sending the same values again is
        // harmless and keeps the run going until both fault kinds have really been met.
        if (open.length === 0) open = [...want.values()];
        const done = new Set<string>();
        try {
          // Small submissions so several batches are in flight per round.
          for (let i = 0; i < open.length; i += 100) {
            const outcome = await a.submitStockPrice(open.slice(i, i + 100));
            const results: ItemResult[] = [...outcome.results];
            for (const h of outcome.pending) {
              const r = await until('batch', async () => {
                try {
                  const p = await a.pollResult(h);
                  return p.done ? p.results : undefined;
                } catch (e) {
                  if (e instanceof MarketplaceError && e.retryable) return undefined;
                  throw e;
                }
              });
              results.push(...r);
            }
            // A duplicate_request says the same values were sent recently, not that they were applied.
            for (const r of results) if (r.status === 'success') done.add(r.ref);
          }
        } catch (e) {
          assert.ok(e instanceof MarketplaceError && e.retryable, `only retryable failures escape: ${String(e)}`);
        }
        open = open.filter((u) => !done.has(u.ref));
        if (open.length > 0) await new Promise((r) => setTimeout(r, 320));
      }
      sb.control.setFaults({ errorRate: 0, timeoutRate: 0, dropRate: 0, partialBatchFailureRate: 0 });
      const stock = sb.control.stock();
      for (const [barcode, u] of want) {
        assert.equal(stock[barcode]?.quantity, u.quantity, `${barcode} quantity`);
        assert.equal(stock[barcode]?.salePrice.toFixed(2), u.price, `${barcode} price`);
      }
      assert.ok(bothFaultKindsSeen(), `faults really happened: ${JSON.stringify(counts())}`);
    } finally {
      sb.control.setFaults({ errorRate: 0, timeoutRate: 0, dropRate: 0, partialBatchFailureRate: 0 });
      sb.control.updateSettings({ duplicateWindowMs: 15 * 60_000 });
      await faulty.close();
    }
  });

  it('verifies webhooks with Basic credentials and refuses accounts without a webhook secret', () => {
    const handler = getMarketplace('trendyol').webhooks!;
    const creds = { marketplace: 'trendyol' as const, sellerId: '1', apiKey: 'k', apiSecret: 's', webhook: { username: 'hook', password: 'pw' } };
    const req = (authorization?: string): WebhookRequest => ({ method: 'POST', headers: authorization ? { authorization } : {}, rawBody: Buffer.from('{}') });
    assert.deepEqual(handler.verify(req(`Basic ${Buffer.from('hook:pw').toString('base64')}`), creds), { ok: true });
    assert.equal(handler.verify(req(`Basic ${Buffer.from('hook:nope').toString('base64')}`), creds).ok, false);
    const none = handler.verify(req(`Basic ${Buffer.from('hook:pw').toString('base64')}`), { ...creds, webhook: undefined });
    assert.ok(!none.ok && none.status === 401 && /no webhook secret/.test(none.reason));
    assert.throws(() => handler.parse({ ...req(), rawBody: Buffer.from('{"id": 1}') }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'validation');
  });

  it('maps a line without any price to an empty amount, never 0.00, so the import refuses the order', () => {
    const [o] = toOrders([{ id: 7, orderNumber: 'N-7', status: 'Created', orderDate: 1, lastModifiedDate: 1, lines: [{ id: 1, barcode: 'B', quantity: 2 }] }], 0, false);
    assert.equal(o!.packages[0]!.lines[0]!.unitPrice, '');
    assert.match(orderProblem(o!) ?? '', /unit price is not an amount/);
    // JSON null is as unknown as a missing field: never a free sale.
    const [nulls] = toOrders([{ id: 9, orderNumber: 'N-9', status: 'Created', orderDate: 1, lastModifiedDate: 1, lines: [{ id: 1, barcode: 'B', quantity: 2, price: null, amount: null, discount: null }] }], 0, false);
    assert.equal(nulls!.packages[0]!.lines[0]!.unitPrice, '');
    assert.equal(nulls!.packages[0]!.lines[0]!.listUnitPrice, undefined);
    assert.match(orderProblem(nulls!) ?? '', /unit price is not an amount/);
    const [fromAmount] = toOrders([{ id: 10, orderNumber: 'N-10', status: 'Created', orderDate: 1, lastModifiedDate: 1, lines: [{ id: 1, barcode: 'B', quantity: 2, price: null, amount: 50, discount: 20 }] }], 0, false);
    assert.equal(fromAmount!.packages[0]!.lines[0]!.unitPrice, '40.00', 'without price, the amount less the line discount per unit');
    const [priced] = toOrders([{ id: 8, orderNumber: 'N-8', status: 'Created', orderDate: 1, lastModifiedDate: 1, currencyCode: 'TRY', lines: [{ id: 1, barcode: 'B', quantity: 2, price: 10, currencyCode: 'TRY' }] }], 0, false);
    assert.equal(priced!.packages[0]!.lines[0]!.unitPrice, '10.00');
    assert.equal(orderProblem(priced!), null);
    // A package whose lines were lost (null or missing) is not an empty order: importing it could strip one.
    const [lineless] = toOrders([{ id: 11, orderNumber: 'N-11', status: 'Created', orderDate: 1, lastModifiedDate: 1, currencyCode: 'TRY', lines: null }], 0, false);
    assert.match(orderProblem(lineless!) ?? '', /packages\.0\.lines: the package has no lines/);
  });

  it('validates credentials and settings with messages naming the field', () => {
    const def = getMarketplace('trendyol');
    assert.throws(() => def.parseCredentials({ sellerId: 'abc', apiKey: 'k', apiSecret: 's' }), /sellerId/);
    assert.throws(() => def.parseCredentials({ sellerId: '1', apiKey: '', apiSecret: 's' }), /apiKey/);
    assert.throws(() => def.parseSettings({ cargoCompanyId: -1 }), /cargoCompanyId/);
    assert.equal(def.parseSettings({}).cargoCompanyId, 17);
  });

  it('lists every marketplace and refuses the ones not built yet with a clear error', () => {
    assert.deepEqual(listMarketplaces().map((m) => [m.code, m.available]), [
      ['trendyol', true],
      ['hepsiburada', false],
      ['n11', false],
      ['ebay', false],
      ['amazon', false],
      ['ozon', false],
    ]);
    assert.throws(
      () => createAdapter({ id: 1, code: 'ozon', name: 'o', baseUrl: '', credentials: { marketplace: 'ozon', clientId: '1', apiKey: 'k' }, settings: {} }, { http }),
      (e: unknown) => e instanceof MarketplaceError && e.kind === 'unsupported' && /Ozon/.test(e.message),
    );
    assert.throws(() => getMarketplace('etsy'), /unknown marketplace "etsy"/);
  });
});
