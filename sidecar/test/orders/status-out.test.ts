import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { addOrderHistory, loadOcContext, type OcContext } from '../../src/db/opencart';
import { createLogger } from '../../src/util/logger';
import { MarketplaceError } from '../../src/marketplaces/errors';
import type { MarketplaceAdapter } from '../../src/marketplaces/contract';
import type { CancelReason, LineQuantity, PackageRef, Shipment } from '../../src/marketplaces/types';
import { importOrder, type OrderEnv } from '../../src/sync/orders/process';
import type { MarketplaceAccess, OrderAccount } from '../../src/sync/orders/access';
import { addShipments, createStatusOutPlanner, groupsWithPending, handleStatusOut, shipmentsOfOrder, shipOrder, parseTracking } from '../../src/sync/status-out';
import { listAlerts } from '../../src/sync/heartbeats';
import { parseOrderSettings } from '../../src/sync/orders/settings';
import { addAccount, IPHONE, order, setupShop } from './support';

/**
 * Status out against the real OpenCart schema. The marketplace here is a recording stand-in for the
 * adapter (the HTTP round trip to the Trendyol sandbox is covered in the end-to-end suite).
 */
describe('status out: shipped + tracking number to the marketplace', () => {
  let db: TestDatabase;
  let ctx: OcContext;
  let env: OrderEnv;
  let account: OrderAccount;
  const shipped: Array<{ ref: PackageRef; shipment: Shipment }> = [];
  const cancels: Array<{ ref: PackageRef; lines: LineQuantity[]; reason: CancelReason }> = [];
  let failNext: MarketplaceError | null = null;

  const adapter = {
    async ship(ref: PackageRef, shipment: Shipment) {
      if (failNext) {
        const err = failNext;
        failNext = null;
        throw err;
      }
      shipped.push({ ref, shipment });
      return {};
    },
    async cancelLines(ref: PackageRef, lines: LineQuantity[], reason: CancelReason) {
      if (failNext) {
        const err = failNext;
        failNext = null;
        throw err;
      }
      cancels.push({ ref, lines, reason });
      return {};
    },
  } as unknown as MarketplaceAdapter;
  let access: MarketplaceAccess;

  before(async () => {
    db = await createTestDatabase();
    await setupShop(db.knex, 'oc_');
    ctx = await loadOcContext(db.knex, { prefix: 'oc_' });
    env = { ctx, logger: createLogger('silent') };
    const id = await addAccount(db.knex);
    account = { id, code: 'trendyol', name: 'Trendyol test', enabled: true, ordersIn: true, statusOut: true, stock: false, reconcile: false, createdAt: '2026-01-01 00:00:00' };
    access = {
      accounts: async () => [account],
      account: async (i) => (i === account.id ? account : null),
      adapter: async () => adapter,
      open: async () => {
        throw new Error('not used');
      },
      webhookHandler: () => undefined,
    };
  });
  after(async () => db.drop());

  const newOrder = async (orderId: string, packageId: string) => {
    const o = await importOrder(env, account, order(orderId, [{ packageId, status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]));
    return o.ocOrderId!;
  };
  const run = (ocOrderId: number) => handleStatusOut({ ctx, access, logger: env.logger }, ocOrderId);

  it('reads the tracking number from the shipped history comment and sends it once', async () => {
    const id = await newOrder('TY-2001', 'P-2001');
    await addOrderHistory(ctx, id, 3, { comment: 'Kargo takip no: YK123456, Kargo firması: Yurtiçi Kargo' });
    const r = await run(id);
    assert.equal(r.sent, 1);
    assert.deepEqual(shipped.at(-1), { ref: { orderId: 'TY-2001', packageId: 'P-2001' }, shipment: { trackingNumber: 'YK123456', carrier: 'Yurtiçi Kargo' } });
    const count = shipped.length;
    await run(id);
    assert.equal(shipped.length, count, 'a history row is acted on once');
    assert.deepEqual((await shipmentsOfOrder(db.knex, id)).map((s) => [s.state, s.source, s.trackingNumber]), [['sent', 'history', 'YK123456']]);
    const rows = await db.knex('meschain_heartbeats').where({ marketplace_id: account.id, flow: 'statusOut' });
    assert.equal(rows.length, 1, 'status out recorded a heartbeat');
  });

  it('raises an alert (and sends nothing) when shipped without a tracking number', async () => {
    const id = await newOrder('TY-2002', 'P-2002');
    const count = shipped.length;
    await addOrderHistory(ctx, id, 3, { comment: 'shipped today' });
    await run(id);
    assert.equal(shipped.length, count);
    const alerts = await listAlerts(db.knex, { state: 'open', kind: 'tracking_missing' });
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.message, new RegExp(`/api/orders/${id}/ship`));
  });

  it('does not echo a shipped status the marketplace itself reported', async () => {
    await newOrder('TY-2003', 'P-2003');
    const o = await importOrder(
      env,
      account,
      order('TY-2003', [{ packageId: 'P-2003', status: 'shipped', trackingNumber: '7330000001', carrier: 'Trendyol Express', updatedAt: '2026-11-25T12:00:00.000Z', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]),
    );
    const history = await db.knex('oc_order_history').where({ order_id: o.ocOrderId! }).orderBy('order_history_id');
    assert.equal(history.at(-1).order_status_id, 3);
    assert.match(history.at(-1).comment, /7330000001/);
    const count = shipped.length;
    await run(o.ocOrderId!);
    assert.equal(shipped.length, count);
  });

  it('POST-ship style: records the number, writes the shipped history for the store, retries a marketplace failure', async () => {
    const id = await newOrder('TY-2004', 'P-2004');
    const result = await shipOrder({ ctx, access, logger: env.logger }, id, { trackingNumber: 'AR-55443322', carrier: 'Aras Kargo' });
    assert.deepEqual(result.shipments.map((s) => [s.state, s.source, s.remotePackageId]), [['pending', 'api', 'P-2004']]);
    const last = await db.knex('oc_order_history').where({ order_id: id }).orderBy('order_history_id', 'desc').first();
    assert.equal(last.order_status_id, 3);
    assert.deepEqual(parseTracking(last.comment, parseOrderSettings({})), { trackingNumber: 'AR-55443322', carrier: 'Aras Kargo' });
    failNext = new MarketplaceError('server', 'HTTP 500 from the marketplace');
    await assert.rejects(run(id), /HTTP 500/);
    assert.deepEqual((await shipmentsOfOrder(db.knex, id)).map((s) => [s.state, s.attempts]), [['pending', 1]]);
    await run(id);
    assert.deepEqual((await shipmentsOfOrder(db.knex, id)).map((s) => [s.state, s.attempts]), [['sent', 2]]);
    assert.deepEqual(shipped.at(-1)!.shipment, { trackingNumber: 'AR-55443322', carrier: 'Aras Kargo' });
  });

  it('a cancellation made in OpenCart cancels the packages not yet shipped on the marketplace, once, retrying a failure', async () => {
    const id = await newOrder('TY-2010', 'P-2010');
    failNext = new MarketplaceError('server', 'HTTP 503 from the marketplace');
    await addOrderHistory(ctx, id, 7, { comment: 'Stokta kalmadı / out of stock' });
    await assert.rejects(run(id), /503/, 'a retryable failure makes the job retry');
    assert.equal(cancels.length, 0);
    const r = await run(id);
    assert.equal(r.sent, 1);
    assert.deepEqual(cancels, [{ ref: { orderId: 'TY-2010', packageId: 'P-2010' }, lines: [{ lineId: 'L1', quantity: 1 }], reason: 'out_of_stock' }]);
    await run(id);
    assert.equal(cancels.length, 1, 'a cancelled history row is acted on once');
    assert.deepEqual((await shipmentsOfOrder(db.knex, id)).map((s) => [s.action, s.state, s.attempts]), [['cancel', 'sent', 2]]);
    // OpenCart's own rule gave the stock back when the store cancelled; nothing else touched it.
    assert.equal((await db.knex('oc_order').first('order_status_id').where('order_id', id)).order_status_id, 7);
  });

  it('leaves the marketplace alone when the account says so, and never cancels a package the marketplace shows shipped', async () => {
    const quiet = await newOrder('TY-2011', 'P-2011');
    await db.knex('meschain_order_settings').insert({ marketplace_id: account.id, settings: JSON.stringify({ storeCancelReason: null }) }).onConflict('marketplace_id').merge();
    await addOrderHistory(ctx, quiet, 7, { comment: 'cancelled' });
    await run(quiet);
    await db.knex('meschain_order_settings').where({ marketplace_id: account.id }).delete();
    const gone = await importOrder(
      env,
      account,
      order('TY-2012', [{ packageId: 'P-2012', status: 'shipped', trackingNumber: '7330000009', updatedAt: '2026-11-25T12:00:00.000Z', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]),
    );
    await addOrderHistory(ctx, gone.ocOrderId!, 7, { comment: 'cancelled after shipping' });
    const count = cancels.length;
    await run(gone.ocOrderId!);
    assert.equal(cancels.length, count);
    assert.deepEqual(await shipmentsOfOrder(db.knex, quiet), []);
    assert.deepEqual(await shipmentsOfOrder(db.knex, gone.ocOrderId!), []);
  });

  it('plans a status-out job only for orders that came from a marketplace', async () => {
    const id = await newOrder('TY-2005', 'P-2005');
    const planner = createStatusOutPlanner('orders');
    const at = new Date();
    const jobs = await db.knex.transaction(async (trx) =>
      await planner.plan(
        [
          { kind: 'order', orderId: id, historyRows: 1, sources: ['trigger'], changeIds: [1], firstChangedAt: at, lastChangedAt: at },
          { kind: 'order', orderId: 999_999, historyRows: 1, sources: ['trigger'], changeIds: [2], firstChangedAt: at, lastChangedAt: at },
        ],
        { trx },
      ),
    );
    assert.deepEqual(jobs.map((j) => [j.type, j.dedupeKey, j.payload]), [['orders.status-out', `status-out:${id}`, { ocOrderId: id }]]);
  });
  it('the retry sweep picks up pending shipments of the accounts it serves only', async () => {
    const other = { ...account, id: await addAccount(db.knex, 'Trendyol quiet'), statusOut: false };
    const mine = await importOrder(env, account, order('TY-2006', [{ packageId: 'P-2006', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]));
    const theirs = await importOrder(env, other, order('TY-2007', [{ packageId: 'P-2007', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]));
    for (const o of [mine, theirs]) await addShipments(db.knex, { groupId: o.groupId, ocOrderId: o.ocOrderId!, packageIds: [o.remoteOrderId.replace('TY-', 'P-')], trackingNumber: 'YK1', source: 'api' });
    const served = (await groupsWithPending(db.knex, [account.id])).map((g) => g.groupId);
    assert.ok(served.includes(mine.groupId));
    assert.ok(!served.includes(theirs.groupId), 'an account whose status out is off is not swept');
    assert.deepEqual(await groupsWithPending(db.knex, []), []);
  });
});
