import assert from 'node:assert/strict';
import { addOrderHistory, loadOcContext, recoverOrderWrites, type OcContext } from '../../src/db/opencart';
import type { MarketplaceAdapter } from '../../src/marketplaces/contract';
import { createMarketplaceHttp } from '../../src/marketplaces/http';
import type { MarketplaceOrder } from '../../src/marketplaces/types';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { listAlerts } from '../../src/sync/heartbeats';
import { createAccess, type MarketplaceAccess, type OrderAccount } from '../../src/sync/orders/access';
import { importBatch } from '../../src/sync/orders/batch';
import { pollAccount } from '../../src/sync/orders/poll';
import { importOrder, type OrderEnv } from '../../src/sync/orders/process';
import { parseOrderSettings } from '../../src/sync/orders/settings';
import { definitionOf } from '../../src/sync/orders/wiring';
import { handleStatusOut, shipmentsOfOrder } from '../../src/sync/status-out';
import { createLogger } from '../../src/util/logger';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { CANON, IPHONE, setupShop, stockOf, storeSandboxSeller } from './support';

/**
 * Acknowledge on import (order setting acknowledgeOnImport) against the real OpenCart schema and the
 * Trendyol sandbox over HTTP: the import queues an 'ack' package action with the packages it marks
 * imported, status out sends it (PUT shipment-packages/{id} status Picking) and retries it.
 */
describe('orders: acknowledge imported packages on Trendyol (Picking)', function () {
  this.timeout(60_000);
  const prefix = 'oc_';
  const STATUS_ROUTE = '/order/sellers/:sellerId/shipment-packages/:packageId';
  let db: TestDatabase;
  let sandbox: TrendyolSandbox;
  let ctx: OcContext;
  let env: OrderEnv;
  let access: MarketplaceAccess;
  let account: OrderAccount;
  let adapter: MarketplaceAdapter;

  before(async () => {
    db = await createTestDatabase({ prefix });
    await setupShop(db.knex, prefix);
    sandbox = await startTrendyolSandbox();
    for (const barcode of [IPHONE.barcode, CANON.red.barcode]) sandbox.control.seedProduct({ barcode, quantity: 500, salePrice: 960, listPrice: 960 });
    const { store, accountId } = await storeSandboxSeller(db.knex, sandbox);
    // The client's own retries without waiting: what is under test is the retry of the package action.
    const http = createMarketplaceHttp({ knex: db.knex, sleep: async () => undefined });
    access = createAccess({ store, definition: definitionOf, http });
    account = (await access.account(accountId))!;
    adapter = await access.adapter(account.id);
    ctx = await loadOcContext(db.knex, { prefix });
    env = { ctx, logger: createLogger('silent') };
  });
  after(async () => {
    await sandbox?.close();
    await db?.drop();
  });
  beforeEach(() => {
    sandbox.control.setFaults({ errorRate: 0, errorStatuses: [500, 503, 429], routes: [], phase: 'before' });
    sandbox.control.resetRequests();
  });

  const setAck = (on: boolean) =>
    db.knex('meschain_order_settings').insert({ marketplace_id: account.id, settings: JSON.stringify({ acknowledgeOnImport: on }) }).onConflict('marketplace_id').merge();
  const newSandboxOrder = (barcode = IPHONE.barcode) => sandbox.control.createOrder({ lines: [{ barcode, quantity: 1 }] }) as { id: number; orderNumber: string };
  const fetched = async (orderNumber: string): Promise<MarketplaceOrder> => (await adapter.fetchOrder(orderNumber))!;
  const sandboxStatus = (packageId: number) => (sandbox.control.packages().find((p) => p.id === packageId) as { status: string }).status;
  /** Status updates (Picking) that reached the sandbox's handler, and those the fault injection answered. */
  const statusPuts = (outcome: string) => sandbox.control.requestLog({ route: STATUS_ROUTE }).filter((r) => r.method === 'PUT' && r.route === STATUS_ROUTE && r.outcome === outcome).length;
  const statusOut = (ocOrderId: number) => handleStatusOut({ ctx, access, logger: env.logger }, ocOrderId);
  const actions = async (ocOrderId: number) => (await shipmentsOfOrder(db.knex, ocOrderId)).map((s) => [s.action, s.state, s.source, s.remotePackageId]);
  const historyOf = async (ocOrderId: number) =>
    ((await db.knex(`${prefix}order_history`).select('order_status_id').where('order_id', ocOrderId).orderBy('order_history_id')) as Array<{ order_status_id: number }>).map(
      (h) => h.order_status_id,
    );

  it('is off by default: nothing is queued or sent, the package stays Created', async () => {
    assert.equal(parseOrderSettings({}).acknowledgeOnImport, false);
    const pkg = newSandboxOrder();
    const outcome = await importOrder(env, account, await fetched(pkg.orderNumber));
    assert.equal(outcome.created, true);
    await statusOut(outcome.ocOrderId!);
    assert.deepEqual(await actions(outcome.ocOrderId!), []);
    assert.equal(sandboxStatus(pkg.id), 'Created');
    assert.equal(statusPuts('handled'), 0);
  });

  it('on, single path: the package becomes Picking exactly once although the order is delivered three times', async () => {
    await setAck(true);
    const pkg = newSandboxOrder();
    const order = await fetched(pkg.orderNumber);
    // The webhook, then the poll, then the webhook's retry: the same Created package three times.
    const a = await importOrder(env, account, order);
    const b = await importOrder(env, account, order);
    const again = await importOrder(env, account, order);
    const id = a.ocOrderId!;
    assert.deepEqual([b.ocOrderId, again.ocOrderId], [id, id]);
    assert.deepEqual(await actions(id), [['ack', 'pending', 'import', String(pkg.id)]], 'queued once, with the import');
    assert.equal(sandboxStatus(pkg.id), 'Created', 'nothing is sent by the import itself');

    const sent = await statusOut(id);
    assert.equal(sent.sent, 1);
    assert.equal(sandboxStatus(pkg.id), 'Picking');
    await statusOut(id);
    assert.equal(statusPuts('handled'), 1, 'one status update reached Trendyol');
    assert.deepEqual(await actions(id), [['ack', 'sent', 'import', String(pkg.id)]]);

    // The next delivery reports Picking ('processing'): mapped to the status the order already has.
    const stock = await stockOf(db.knex, prefix);
    const history = await historyOf(id);
    assert.deepEqual(history, [2]);
    const picked = await fetched(pkg.orderNumber);
    assert.equal(picked.packages[0]!.rawStatus, 'Picking');
    await importOrder(env, account, picked);
    await statusOut(id);
    assert.deepEqual(await historyOf(id), history, 'no second history row');
    assert.deepEqual(await stockOf(db.knex, prefix), stock);
    assert.deepEqual(await actions(id), [['ack', 'sent', 'import', String(pkg.id)]]);
    assert.equal(statusPuts('handled'), 1);
    const group = await db.knex('meschain_order_groups').first('status', 'oc_status_id').where({ marketplace_id: account.id, remote_order_id: pkg.orderNumber });
    assert.deepEqual(group, { status: 'processing', oc_status_id: 2 });
  });

  it('sends an ack once when status out runs for the order several times at once', async () => {
    await setAck(true);
    const pkg = newSandboxOrder();
    const id = (await importOrder(env, account, await fetched(pkg.orderNumber))).ocOrderId!;
    const runs = await Promise.all([statusOut(id), statusOut(id), statusOut(id)]);
    assert.equal(runs.reduce((n, r) => n + r.sent, 0), 1, 'one of the runs sent it');
    assert.equal(statusPuts('handled'), 1, 'one status update reached Trendyol');
    assert.deepEqual(await actions(id), [['ack', 'sent', 'import', String(pkg.id)]]);
    assert.equal(sandboxStatus(pkg.id), 'Picking');
  });

  it('retries a failed status update until Trendyol answers, and counts an update whose answer was lost as done', async () => {
    await setAck(true);
    const pkg = newSandboxOrder();
    const id = (await importOrder(env, account, await fetched(pkg.orderNumber))).ocOrderId!;
    sandbox.control.setFaults({ errorRate: 1, errorStatuses: [503], routes: [`/^PUT ${STATUS_ROUTE.replace(/\//g, '\\/')}$/`], phase: 'before' });
    await assert.rejects(statusOut(id), /503/, 'a retryable failure makes the job retry');
    const [failed] = await shipmentsOfOrder(db.knex, id);
    assert.deepEqual([failed!.state, failed!.attempts], ['pending', 1]);
    assert.match(failed!.lastError ?? '', /503/);
    assert.equal(sandboxStatus(pkg.id), 'Created');
    assert.ok(statusPuts('fault_error') >= 1);

    sandbox.control.setFaults({ errorRate: 0 });
    const r = await statusOut(id);
    assert.equal(r.sent, 1);
    assert.equal(sandboxStatus(pkg.id), 'Picking');
    const [done] = await shipmentsOfOrder(db.knex, id);
    assert.deepEqual([done!.state, done!.attempts, done!.lastError], ['sent', 2, null]);
    assert.equal(statusPuts('handled'), 1);

    // Trendyol changed the package but the answer never arrived: the repeat is refused as "already
    // Picking", which the adapter reads back and counts as done.
    const lost = newSandboxOrder();
    const lostId = (await importOrder(env, account, await fetched(lost.orderNumber))).ocOrderId!;
    sandbox.control.setFaults({ errorRate: 1, errorStatuses: [503], routes: [`/^PUT ${STATUS_ROUTE.replace(/\//g, '\\/')}$/`], phase: 'after' });
    const r2 = await statusOut(lostId);
    assert.equal(r2.sent, 1);
    assert.equal(sandboxStatus(lost.id), 'Picking');
    assert.deepEqual(await actions(lostId), [['ack', 'sent', 'import', String(lost.id)]]);
    assert.deepEqual(await listAlerts(db.knex, { state: 'open', kind: 'shipment_failed' }), []);
  });

  it('batch path: a page of new orders queues an ack per Created package in its last transaction, none for a package already past Created', async () => {
    await setAck(true);
    const fresh = [newSandboxOrder(), newSandboxOrder(CANON.red.barcode), newSandboxOrder()];
    // The seller took this one in Trendyol's own panel before the sidecar read it.
    const picked = newSandboxOrder();
    await adapter.acknowledge({ orderId: picked.orderNumber, packageId: String(picked.id) });
    assert.equal(sandboxStatus(picked.id), 'Picking');
    sandbox.control.resetRequests();
    const orders = await Promise.all([...fresh, picked].map((p) => fetched(p.orderNumber)));
    const batch = await importBatch(env, account, orders);
    assert.deepEqual(batch.rest, [], 'every order went in as the batch');
    assert.equal(batch.outcomes.length, 4);
    const idOf = new Map(batch.outcomes.map((o) => [o.remoteOrderId, o.ocOrderId!]));
    for (const p of fresh) assert.deepEqual(await actions(idOf.get(p.orderNumber)!), [['ack', 'pending', 'import', String(p.id)]]);
    assert.deepEqual(await actions(idOf.get(picked.orderNumber)!), []);

    for (const p of fresh) assert.equal((await statusOut(idOf.get(p.orderNumber)!)).sent, 1);
    for (const p of fresh) assert.equal(sandboxStatus(p.id), 'Picking');
    assert.equal(statusPuts('handled'), fresh.length);

    // The next poll sees them all Picking: no new action, no status change, nothing sent again.
    const histories = await Promise.all(batch.outcomes.map((o) => historyOf(o.ocOrderId!)));
    await pollAccount(env, account, adapter);
    for (const o of batch.outcomes) await statusOut(o.ocOrderId!);
    assert.deepEqual(await Promise.all(batch.outcomes.map((o) => historyOf(o.ocOrderId!))), histories);
    assert.equal(statusPuts('handled'), fresh.length);
    const states = await db.knex('meschain_shipments').select('action', 'state').whereIn('oc_order_id', [...idOf.values()]);
    assert.deepEqual(states.map((s: { action: string; state: string }) => `${s.action}:${s.state}`), fresh.map(() => 'ack:sent'));
  });

  it('a batch that dies before its last transaction queued nothing yet; the single path that finishes the orders queues each ack once', async () => {
    await setAck(true);
    const pkgs = [newSandboxOrder(), newSandboxOrder()];
    const orders = await Promise.all(pkgs.map((p) => fetched(p.orderNumber)));
    const crash = { afterStep: (name: string) => { if (name === 'status:history') throw new Error('simulated crash'); } };
    await assert.rejects(importBatch(env, account, orders, crash), /simulated crash/);
    const ids = ((await db.knex('meschain_order_groups').select('oc_order_id').whereIn('remote_order_id', pkgs.map((p) => p.orderNumber))) as Array<{ oc_order_id: number }>).map((g) => g.oc_order_id);
    assert.deepEqual(await db.knex('meschain_shipments').whereIn('oc_order_id', ids), [], 'the packages are not marked imported, and no ack is queued');
    await recoverOrderWrites(ctx);
    for (const o of orders) await importOrder(env, account, o);
    for (const o of orders) await importOrder(env, account, o);
    for (const [i, p] of pkgs.entries()) assert.deepEqual(await actions(ids[i]!), [['ack', 'pending', 'import', String(p.id)]]);
    for (const id of ids) await statusOut(id);
    for (const p of pkgs) assert.equal(sandboxStatus(p.id), 'Picking');
    assert.equal(statusPuts('handled'), pkgs.length);
  });

  it('an ack the store overtook (cancelled in OpenCart first) is skipped and the cancellation still goes out', async () => {
    await setAck(true);
    const pkg = newSandboxOrder();
    const id = (await importOrder(env, account, await fetched(pkg.orderNumber))).ocOrderId!;
    await addOrderHistory(ctx, id, 7, { comment: 'Stokta kalmadı / out of stock' });
    const r = await statusOut(id);
    assert.deepEqual([r.sent, r.skipped], [1, 1]);
    assert.equal(sandboxStatus(pkg.id), 'UnSupplied');
    assert.deepEqual((await actions(id)).map(([action, state]) => [action, state]), [
      ['ack', 'skipped'],
      ['cancel', 'sent'],
    ]);
    assert.equal(statusPuts('handled'), 0);
    assert.deepEqual(await listAlerts(db.knex, { state: 'open', kind: 'shipment_failed' }), []);
  });

  it('queues nothing where the marketplace has no acknowledge step or status out is off', async () => {
    await setAck(true);
    const other = newSandboxOrder();
    const none = await importOrder(env, { ...account, code: 'hepsiburada' }, await fetched(other.orderNumber));
    assert.deepEqual(await actions(none.ocOrderId!), []);
    const quiet = newSandboxOrder();
    const statusOutOff: OrderAccount = { ...account, statusOut: false };
    const off = await importOrder(env, statusOutOff, await fetched(quiet.orderNumber));
    assert.deepEqual(await actions(off.ocOrderId!), []);
    await setAck(false);
  });

  it('queues no ack on either path for an account whose status out is off, nor for a caller that leaves the flag out', async () => {
    await setAck(true);
    const fetchAll = (n: number) => Promise.all(Array.from({ length: n }, () => newSandboxOrder()).map((p) => fetched(p.orderNumber)));
    const off: OrderAccount = { ...account, statusOut: false };
    const single = await importOrder(env, off, (await fetchAll(1))[0]!);
    const batch = await importBatch(env, off, await fetchAll(2));
    assert.equal(batch.outcomes.length, 2, 'the page went in as a batch');
    // Leaving the flag out no longer compiles; a caller that gets past the type (a cast, plain JavaScript) counts as off.
    const { statusOut: _flag, ...unsaid } = account;
    // @ts-expect-error statusOut is required where orders are imported
    const unsaidSingle = await importOrder(env, unsaid, (await fetchAll(1))[0]!);
    // @ts-expect-error statusOut is required where orders are imported
    const unsaidBatch = await importBatch(env, unsaid, await fetchAll(2));
    assert.equal(unsaidBatch.outcomes.length, 2, 'the page went in as a batch');
    const ids = [single, ...batch.outcomes, unsaidSingle, ...unsaidBatch.outcomes].map((o) => o.ocOrderId!);
    assert.equal(ids.length, 6);
    for (const id of ids) assert.deepEqual(await actions(id), [], `order ${id}: no ack queued`);
    // The same orders with the flow on would have been acknowledged: the account is not the reason.
    const on = await importOrder(env, account, (await fetchAll(1))[0]!);
    assert.deepEqual((await actions(on.ocOrderId!)).map(([action, state]) => [action, state]), [['ack', 'pending']]);
    await setAck(false);
  });
});
