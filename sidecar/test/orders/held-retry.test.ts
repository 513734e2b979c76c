import assert from 'node:assert/strict';
import express from 'express';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { listen, type RunningServer } from '../../src/sandbox/common/server';
import type { MarketplaceAccess, OrderAccount } from '../../src/sync/orders/access';
import { pollAccount } from '../../src/sync/orders/poll';
import type { OrderEnv } from '../../src/sync/orders/process';
import { createOrdersRouter } from '../../src/sync/orders/routes';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { connectSandboxSeller, IPHONE, orderCount, setupShop, stockOf } from './support';

/**
 * The one-action retry of an order held because the marketplace's reply failed the order check: the
 * real Trendyol sandbox over HTTP, the real OpenCart schema, the orders API. Nothing polls in the
 * background: each test brings the order in with one poll, so the held row is the test's alone.
 */
describe('held orders: retrying an order the check refused', function () {
  this.timeout(120_000);
  const prefix = 'oc_';
  let db: TestDatabase;
  let sandbox: TrendyolSandbox;
  let server: RunningServer;
  let access: MarketplaceAccess;
  let env: OrderEnv;
  let account: OrderAccount;

  const api = async (method: string, path: string) => {
    const res = await fetch(`${server.url}/api/orders${path}`, { method, headers: { 'content-type': 'application/json' } });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const sellerId = () => sandbox.sellers[0]!.sellerId;
  /** The sandbox's own record of the package's first line: what the API serves from. */
  const lineOf = (packageId: number) => sandbox.state.orders.get(sellerId(), packageId).lines[0]!;
  const touch = (packageId: number) => {
    sandbox.state.orders.get(sellerId(), packageId).lastModifiedDate = Date.now();
  };
  const heldOf = async (orderNumber: string) => ((await api('GET', '/held')).body.held as Array<{ id: number; remoteOrderId: string; reason: string }>).filter((h) => h.remoteOrderId === orderNumber);
  const ocOrderOf = async (orderNumber: string) =>
    ((await db.knex('meschain_order_groups').first('oc_order_id').where({ marketplace_id: account.id, remote_order_id: orderNumber })) as { oc_order_id: number | null }).oc_order_id;

  /** A sandbox order whose reply lacks what an OpenCart order needs, brought in by a poll and held. */
  async function heldBadOrder(spoil: (packageId: number) => void): Promise<{ packageId: number; orderNumber: string; heldId: number }> {
    const pkg = sandbox.control.createOrder({ lines: [{ barcode: IPHONE.barcode, quantity: 1, price: 960 }] }) as { id: number; orderNumber: string };
    spoil(pkg.id);
    const polled = await pollAccount(env, account, await access.adapter(account.id));
    assert.equal(polled.failed, 1, 'the poll held the refused order');
    const held = await heldOf(pkg.orderNumber);
    assert.equal(held.length, 1);
    return { packageId: pkg.id, orderNumber: pkg.orderNumber, heldId: held[0]!.id };
  }

  before(async () => {
    db = await createTestDatabase({ prefix });
    await setupShop(db.knex, prefix);
    sandbox = await startTrendyolSandbox();
    sandbox.control.seedProduct({ barcode: IPHONE.barcode, quantity: 50, salePrice: 960, listPrice: 960 });
    ({ access, account, env } = await connectSandboxSeller(db.knex, prefix, sandbox));
    const app = express();
    app.use('/api/orders', createOrdersRouter({ env, access, pollNow: async () => undefined, statusOutNow: async () => undefined }));
    server = await listen(app, 0);
  });
  after(async () => {
    await server?.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('while the marketplace still sends it bad, a retry answers 409 with the latest reason and writes nothing; once corrected, a retry imports it', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const stockBefore = await stockOf(db.knex, prefix);
    const bad = await heldBadOrder((id) => {
      lineOf(id).quantity = 0;
    });
    assert.match((await heldOf(bad.orderNumber))[0]!.reason, /quantity is below 1/);

    // The marketplace now sends another fault: no price at all.
    lineOf(bad.packageId).quantity = 1;
    delete (lineOf(bad.packageId) as { price?: number }).price;
    delete (lineOf(bad.packageId) as { amount?: number }).amount;
    const refused = await api('POST', `/held/${bad.heldId}/retry`);
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'still_held');
    assert.match(refused.body.error.message, /still held: .*unit price is not an amount.*paket hâlâ beklemede/);
    assert.equal(refused.body.outcome.state, 'held');
    const held = await heldOf(bad.orderNumber);
    assert.equal(held.length, 1);
    assert.match(held[0]!.reason, /packages\.0\.lines\.0\.unitPrice: unit price is not an amount/, 'the held list shows the latest reason');
    assert.doesNotMatch(held[0]!.reason, /quantity/);
    assert.equal(await ocOrderOf(bad.orderNumber), null);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'nothing written to oc_order');
    assert.deepEqual(await stockOf(db.knex, prefix), stockBefore);

    Object.assign(lineOf(bad.packageId), { amount: 960, price: 960 });
    touch(bad.packageId);
    const retried = await api('POST', `/held/${bad.heldId}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.outcome.state, 'imported');
    const ocOrderId = (await ocOrderOf(bad.orderNumber))!;
    assert.equal(retried.body.outcome.ocOrderId, ocOrderId);
    assert.deepEqual(await db.knex(`${prefix}order_product`).select('product_id', 'quantity').where('order_id', ocOrderId), [{ product_id: IPHONE.productId, quantity: 1 }]);
    assert.equal((await heldOf(bad.orderNumber)).length, 0);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...stockBefore, iphone: stockBefore.iphone - 1 });
  });

  it('with the marketplace unreachable, a retry checks the stored packages: 409 with the reason, nothing written; reachable and corrected, a retry imports it', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const bad = await heldBadOrder((id) => {
      lineOf(id).quantity = 0;
    });
    // Corrected on the marketplace, but out of reach: only the stored (bad) copy can be judged.
    lineOf(bad.packageId).quantity = 1;
    touch(bad.packageId);
    sandbox.control.setFaults({ dropRate: 1, routes: ['/orders'] });
    try {
      const refused = await api('POST', `/held/${bad.heldId}/retry`);
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.outcome.state, 'held');
      assert.match(refused.body.error.message, /"[^"]+" cannot be imported: packages\.0\.lines\.0\.quantity: quantity is below 1 \/ sipariş içe aktarılamaz/);
      assert.equal((await heldOf(bad.orderNumber))[0]!.reason, refused.body.outcome.heldReasons[0]);
      assert.equal(await ocOrderOf(bad.orderNumber), null);
      assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'nothing written to oc_order');
    } finally {
      sandbox.control.setFaults({ dropRate: 0 });
    }

    const retried = await api('POST', `/held/${bad.heldId}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.outcome.state, 'imported');
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
    assert.equal((await heldOf(bad.orderNumber)).length, 0);
  });

  it('while another worker holds the order, a retry answers 409 busy with Retry-After and writes nothing', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const bad = await heldBadOrder((id) => {
      lineOf(id).quantity = 0;
    });
    lineOf(bad.packageId).quantity = 1;
    touch(bad.packageId);
    // Another worker's live lease on the order: what withGroupLease writes while it runs.
    const where = { marketplace_id: account.id, remote_order_id: bad.orderNumber };
    await db.knex('meschain_order_groups').where(where).update({ locked_by: 'other-worker', locked_until: db.knex.raw('UTC_TIMESTAMP(3) + INTERVAL 60 SECOND') });
    const res = await fetch(`${server.url}/api/orders/held/${bad.heldId}/retry`, { method: 'POST' });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 409, JSON.stringify(body));
    assert.equal(body.error.code, 'busy');
    assert.match(body.error.message, /another worker.*başka bir işlemde/);
    assert.equal(res.headers.get('retry-after'), '30');
    assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'nothing written to oc_order');
    assert.equal((await heldOf(bad.orderNumber)).length, 1, 'still held');

    await db.knex('meschain_order_groups').where(where).update({ locked_by: null, locked_until: null });
    const retried = await api('POST', `/held/${bad.heldId}/retry`);
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
  });
});
