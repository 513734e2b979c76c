import assert from 'node:assert/strict';
import type { TestDatabase } from '../support/db';
import type { OcContext } from '../../src/db/opencart';
import type { AccountRef } from '../../src/sync/orders/create';
import { importOrder, reprocessGroup, type OrderEnv } from '../../src/sync/orders/process';
import { ensureGroup, findGroup, groupById, listHeld, packagesOf, setPackages, upsertPackage } from '../../src/sync/orders/store';
import { headerOf } from '../../src/sync/orders/process';
import { buildCreateInput } from '../../src/sync/orders/create';
import { conversionFor } from '../../src/sync/orders/money';
import { parseOrderSettings } from '../../src/sync/orders/settings';
import { createOrder } from '../../src/db/opencart';
import { storeReturn } from '../../src/sync/orders/returns';
import { importOrHold, ORDER_SKIPPED_ALERT } from '../../src/sync/orders/poll';
import { listAlerts } from '../../src/sync/heartbeats';
import { listReservations, reservedStock } from '../../src/sync/reservations';
import { CANON, IPHONE, order, orderCount, importFixture, stockOf } from './support';

/**
 * The order import against the real OpenCart schema (non-default prefix), without a marketplace in
 * between: each case feeds normalised marketplace orders and checks what lands in the oc_* tables.
 */
describe('orders in: import into OpenCart', () => {
  const prefix = 'mc_';
  let db: TestDatabase;
  let ctx: OcContext;
  let env: OrderEnv;
  let account: AccountRef;
  const t = (name: string) => `${prefix}${name}`;

  before(async () => {
    ({ db, ctx, env, account } = await importFixture(prefix));
  });
  after(async () => db.drop());

  it('writes a marketplace order into all five order tables as the checkout would, converting TRY and taking stock', async () => {
    const before = await stockOf(db.knex, prefix);
    const outcome = await importOrder(
      env,
      account,
      order('TY-1001', [
        {
          packageId: 'P-1',
          status: 'created',
          lines: [
            { lineId: 'L1', barcode: IPHONE.barcode, quantity: 2, unitPrice: '960.00' },
            { lineId: 'L2', barcode: CANON.red.barcode, quantity: 1, unitPrice: '640.00' },
          ],
        },
      ]),
    );
    assert.equal(outcome.created, true);
    assert.equal(outcome.state, 'imported');
    const id = outcome.ocOrderId!;
    const o = (await db.knex(t('order')).first('*').where('order_id', id)) as Record<string, unknown>;
    assert.deepEqual(
      {
        customer_id: o.customer_id,
        firstname: o.firstname,
        lastname: o.lastname,
        email: o.email,
        payment_method: o.payment_method,
        payment_code: o.payment_code,
        shipping_method: o.shipping_method,
        shipping_code: o.shipping_code,
        shipping_address_1: o.shipping_address_1,
        shipping_city: o.shipping_city,
        shipping_zone: o.shipping_zone,
        shipping_zone_id: o.shipping_zone_id,
        shipping_country_id: o.shipping_country_id,
        payment_zone_id: o.payment_zone_id,
        currency_code: o.currency_code,
        currency_value: o.currency_value,
        total: o.total,
        order_status_id: o.order_status_id,
      },
      {
        customer_id: 0,
        firstname: 'Ayşe',
        lastname: 'Yılmaz &amp; Co',
        email: 'ayse@example.com',
        payment_method: 'Trendyol',
        payment_code: 'meschain_trendyol',
        shipping_method: 'Trendyol',
        shipping_code: 'meschain_trendyol.trendyol',
        shipping_address_1: 'Bağdat Cd. No:5 &lt;Daire 3&gt;',
        shipping_city: 'Kadıköy',
        shipping_zone: 'İstanbul',
        shipping_zone_id: 3354,
        shipping_country_id: 215,
        payment_zone_id: 3354,
        currency_code: 'TRY',
        currency_value: '32.00000000',
        total: '80.0000',
        order_status_id: 2,
      },
    );
    const products = await db.knex(t('order_product')).select('product_id', 'name', 'quantity', 'price', 'total', 'tax').where('order_id', id).orderBy('order_product_id');
    assert.deepEqual(products, [
      { product_id: 40, name: 'iPhone', quantity: 2, price: '25.0000', total: '50.0000', tax: '5.0000' },
      { product_id: 30, name: 'Canon EOS 5D', quantity: 1, price: '16.6667', total: '16.6667', tax: '3.3333' },
    ]);
    const options = await db.knex(t('order_option')).select('product_option_id', 'product_option_value_id', 'name', 'value', 'type').where('order_id', id);
    assert.deepEqual(options, [{ product_option_id: 226, product_option_value_id: 15, name: 'Select', value: 'Red', type: 'select' }]);
    const totals = await db.knex(t('order_total')).select('code', 'title', 'value', 'sort_order').where('order_id', id).orderBy('sort_order').orderBy('order_total_id');
    assert.deepEqual(totals, [
      { code: 'sub_total', title: 'Sub-Total', value: '66.6667', sort_order: 1 },
      { code: 'shipping', title: 'Trendyol', value: '0.0000', sort_order: 3 },
      { code: 'tax', title: 'KDV (%20)', value: '13.3333', sort_order: 5 },
      { code: 'total', title: 'Total', value: '80.0000', sort_order: 9 },
    ]);
    const history = await db.knex(t('order_history')).select('order_status_id', 'comment').where('order_id', id);
    assert.equal(history.length, 1);
    assert.equal(history[0].order_status_id, 2);
    assert.match(history[0].comment, /TY-1001: Created/);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, iphone: before.iphone - 2, canon: before.canon - 1, red: before.red - 1 });
    // The capture triggers saw the stock drop: the change pump will push it to every other listing.
    const logged = await db.knex('meschain_change_log').select('entity', 'entity_id').whereIn('entity', ['product', 'option_value']);
    const seen = new Set(logged.map((r: { entity: string; entity_id: number }) => `${r.entity}:${r.entity_id}`));
    for (const key of ['product:40', 'product:30', 'option_value:15']) assert.ok(seen.has(key), `change log has ${key}`);
  });

  it('finds the order again on repeated and concurrent delivery: one OpenCart order, stock taken once', async () => {
    const o = order('TY-1002', [{ packageId: 'P-2', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const ordersBefore = await orderCount(db.knex, prefix);
    const before = await stockOf(db.knex, prefix);
    const outcomes = await Promise.all([importOrder(env, account, o), importOrder(env, account, o), importOrder(env, account, o)]);
    await importOrder(env, account, o);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
    assert.equal(new Set(outcomes.map((x) => x.ocOrderId)).size, 1);
    assert.equal(outcomes.filter((x) => x.created).length, 1);
    assert.equal((await stockOf(db.knex, prefix)).iphone, before.iphone - 1);
    const claims = await db.knex('meschain_orders').where({ remote_order_id: 'TY-1002' });
    assert.equal(claims.length, 1);
    assert.equal(claims[0].state, 'imported');
  });

  it('many concurrent deliveries of new orders never deadlock into an error: each order once, none held', async () => {
    // Each delivery waits on the others' leases while they write; the writer's own locks on the group row
    // must never turn that wait into a deadlock that fails (and would hold) a delivery.
    const before = await stockOf(db.knex, prefix);
    const ordersBefore = await orderCount(db.knex, prefix);
    // Rounds of two orders delivered twice each at once: within what the test pool holds (a write needs two connections).
    const outcomes = [];
    for (let round = 0; round < 12; round++) {
      const pair = [0, 1].map((i) => order(`TY-RACE-${round}-${i}`, [{ packageId: `P-RACE-${round}-${i}`, status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]));
      outcomes.push(...(await Promise.all(pair.flatMap((o) => [importOrder(env, account, o), importOrder(env, account, o)]))));
    }
    assert.deepEqual([...new Set(outcomes.map((x) => x.state))], ['imported']);
    assert.equal(outcomes.filter((x) => x.created).length, 24);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 24);
    assert.equal((await stockOf(db.knex, prefix)).iphone, before.iphone - 24);
  });

  it('a crash right after createOrder (claim token written, group not yet updated) is finished, not duplicated', async () => {
    const o = order('TY-1010', [{ packageId: 'P-10', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const ordersBefore = await orderCount(db.knex, prefix);
    const before = await stockOf(db.knex, prefix);
    // The first attempt claimed the package, wrote its token, created the OpenCart order and died.
    const group = await ensureGroup(db.knex, account.id, 'TY-1010');
    await upsertPackage(db.knex, account.id, headerOf(o), o.packages[0]!);
    const [claim] = await packagesOf(db.knex, account.id, 'TY-1010');
    const token = `mco-claim-${claim!.id}`;
    await setPackages(db.knex, [claim!.id], { state: 'writing', claim_token: token });
    const orphan = await createOrder(ctx, await buildCreateInput(ctx, account, parseOrderSettings({}), headerOf(o), [claim!], [
      { productId: 40, variantKey: '', options: [], quantity: 1, barcode: IPHONE.barcode, sku: null, unitPrice: 250000n, unitTax: 50000n, taxRate: 20, taxTitle: 'KDV (%20)' },
    ], await conversionFor(ctx, 'TRY'), token));
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
    // The retry (redelivery) completes that same order.
    const outcome = await importOrder(env, account, o);
    assert.equal(outcome.ocOrderId, orphan.orderId);
    assert.equal(outcome.state, 'imported');
    assert.equal((await groupById(db.knex, group.id))!.ocOrderId, orphan.orderId);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
    assert.equal((await stockOf(db.knex, prefix)).iphone, before.iphone - 1, 'stock taken once, by the status change');
  });

  it('a partial cancel (split package) restocks only the cancelled lines and recomputes the order', async () => {
    const lines = [
      { lineId: 'L1', barcode: IPHONE.barcode, quantity: 2, unitPrice: '960.00' },
      { lineId: 'L2', barcode: CANON.blue.barcode, quantity: 1, unitPrice: '640.00' },
    ];
    const first = await importOrder(env, account, order('TY-1003', [{ packageId: 'P-3', status: 'created', lines }]));
    const afterImport = await stockOf(db.knex, prefix);
    // Trendyol voids the package and re-issues the iPhones under a new package id, same order number.
    const split = await importOrder(
      env,
      account,
      order('TY-1003', [
        { packageId: 'P-3', status: 'cancelled', lines, updatedAt: '2026-11-25T11:00:00.000Z' },
        { packageId: 'P-3b', status: 'created', lines: [lines[0]!], updatedAt: '2026-11-25T11:00:00.000Z' },
      ]),
    );
    assert.equal(split.ocOrderId, first.ocOrderId, 'still one OpenCart order');
    assert.deepEqual(await stockOf(db.knex, prefix), { ...afterImport, canon: afterImport.canon + 1, blue: afterImport.blue + 1 });
    const id = first.ocOrderId!;
    const products = await db.knex(t('order_product')).select('product_id', 'quantity', 'total').where('order_id', id).orderBy('order_product_id');
    assert.deepEqual(products, [
      { product_id: 40, quantity: 2, total: '50.0000' },
      { product_id: 30, quantity: 0, total: '0.0000' },
    ]);
    const totals = Object.fromEntries((await db.knex(t('order_total')).select('code', 'value').where('order_id', id)).map((r: { code: string; value: string }) => [r.code, r.value]));
    assert.deepEqual(totals, { sub_total: '50.0000', shipping: '0.0000', tax: '10.0000', total: '60.0000' });
    assert.equal((await db.knex(t('order')).first('total', 'order_status_id').where('order_id', id)).total, '60.0000');
    const history = await db.knex(t('order_history')).select('order_status_id', 'comment').where('order_id', id).orderBy('order_history_id');
    assert.equal(history.length, 2, 'one row for the import, one for the line change; no status change');
    assert.match(history[1].comment, /lines changed/);

    // A repeat of the same news changes nothing; then the rest is cancelled: only the iPhones come back.
    await importOrder(env, account, order('TY-1003', [{ packageId: 'P-3b', status: 'created', lines: [lines[0]!], updatedAt: '2026-11-25T11:00:00.000Z' }]));
    assert.deepEqual(await stockOf(db.knex, prefix), { ...afterImport, canon: afterImport.canon + 1, blue: afterImport.blue + 1 });
    await importOrder(env, account, order('TY-1003', [{ packageId: 'P-3b', status: 'cancelled', lines: [lines[0]!], updatedAt: '2026-11-25T12:00:00.000Z' }]));
    assert.deepEqual(await stockOf(db.knex, prefix), { ...afterImport, iphone: afterImport.iphone + 2, canon: afterImport.canon + 1, blue: afterImport.blue + 1 });
    assert.equal((await db.knex(t('order')).first('order_status_id').where('order_id', id)).order_status_id, 7);
  });

  it('an awaiting order reserves stock (OpenCart untouched), then converts to a real order when confirmed', async () => {
    const before = await stockOf(db.knex, prefix);
    const ordersBefore = await orderCount(db.knex, prefix);
    const lines = [{ lineId: 'L1', barcode: CANON.red.barcode, quantity: 1, unitPrice: '640.00' }];
    const awaiting = await importOrder(env, account, order('TY-1004', [{ packageId: 'P-4', status: 'awaiting_payment', lines }]));
    assert.equal(awaiting.state, 'reserved');
    assert.equal(awaiting.ocOrderId, null);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore);
    assert.deepEqual(await stockOf(db.knex, prefix), before);
    const reserved = await reservedStock(db.knex, [30]);
    assert.equal(reserved.byProduct.get(30), 1);
    assert.equal(reserved.byOptionValue.get(CANON.red.pov), 1);
    const replan = await db.knex('meschain_change_log').where({ source: 'reserve', product_id: 30 });
    assert.ok(replan.length >= 1, 'the reservation asks the pump to re-plan product 30');

    const confirmed = await importOrder(env, account, order('TY-1004', [{ packageId: 'P-4', status: 'created', lines, updatedAt: '2026-11-25T11:00:00.000Z' }]));
    assert.equal(confirmed.created, true);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, canon: before.canon - 1, red: before.red - 1 });
    assert.equal((await reservedStock(db.knex, [30])).byProduct.get(30), undefined, 'reservation converted, not counted twice');
    assert.deepEqual((await listReservations(db.knex, { remoteOrderId: 'TY-1004' })).map((r) => r.state), ['converted', 'converted']);
    // A late copy of the old "Awaiting" news does not revive the reservation.
    await importOrder(env, account, order('TY-1004', [{ packageId: 'P-4', status: 'awaiting_payment', lines }]));
    assert.equal((await reservedStock(db.knex, [30])).byProduct.get(30), undefined);
  });

  it('an awaiting order cancelled before payment releases its reservation and creates no order', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const lines = [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 3, unitPrice: '960.00' }];
    await importOrder(env, account, order('TY-1005', [{ packageId: 'P-5', status: 'awaiting_payment', lines }]));
    assert.equal((await reservedStock(db.knex, [40])).byProduct.get(40), 3);
    const cancelled = await importOrder(env, account, order('TY-1005', [{ packageId: 'P-5', status: 'cancelled', lines, updatedAt: '2026-11-25T11:00:00.000Z' }]));
    assert.equal(cancelled.state, 'cancelled');
    assert.equal((await reservedStock(db.knex, [40])).byProduct.get(40), undefined);
    assert.deepEqual((await listReservations(db.knex, { remoteOrderId: 'TY-1005' })).map((r) => r.state), ['released']);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore);
  });

  it('holds an order whose line matches no product, with the reason, and imports it on retry once the barcode is mapped', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const o = order('TY-1006', [
      {
        packageId: 'P-6',
        status: 'created',
        lines: [
          { lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' },
          { lineId: 'L2', barcode: 'UNKNOWN-123', quantity: 1, unitPrice: '100.00', title: 'Mystery' },
        ],
      },
    ]);
    const outcome = await importOrder(env, account, o);
    assert.equal(outcome.state, 'held');
    assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'nothing imported half');
    const held = await listHeld(db.knex);
    assert.equal(held.length, 1);
    assert.equal(held[0]!.remoteOrderId, 'TY-1006');
    assert.match(held[0]!.reason, /"Mystery" \(barcode UNKNOWN-123.*matches no product/);
    // Delivered again while still unmapped: still held, still one row.
    await importOrder(env, account, o);
    assert.equal((await listHeld(db.knex)).length, 1);

    await db.knex(t('product')).where('product_id', 43).update({ sku: 'UNKNOWN-123' });
    const retried = await reprocessGroup(env, account, held[0]!.groupId!);
    assert.equal(retried.state, 'imported');
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
    assert.deepEqual((await listHeld(db.knex)).length, 0);
    const products = await db.knex(t('order_product')).select('product_id').where('order_id', retried.ocOrderId!).orderBy('order_product_id');
    assert.deepEqual(products.map((p: { product_id: number }) => p.product_id), [40, 43]);
  });

  it('a return restocks exactly the returned units: in part from the return lines, whole without them', async () => {
    const lines = [
      { lineId: 'L1', barcode: IPHONE.barcode, quantity: 2, unitPrice: '960.00' },
      { lineId: 'L2', barcode: CANON.red.barcode, quantity: 1, unitPrice: '640.00' },
    ];
    const first = await importOrder(env, account, order('TY-1008', [{ packageId: 'P-8', status: 'delivered', lines }]));
    const id = first.ocOrderId!;
    assert.equal((await db.knex(t('order')).first('order_status_id').where('order_id', id)).order_status_id, 5);
    const afterImport = await stockOf(db.knex, prefix);
    // The buyer sends one iPhone back: Trendyol marks the package Returned, the claim says which units.
    await storeReturn(db.knex, account.id, {
      claimId: 'C-1',
      orderId: 'TY-1008',
      packageId: 'P-8',
      createdAt: '2026-11-26T10:00:00.000Z',
      updatedAt: '2026-11-26T10:00:00.000Z',
      status: 'requested',
      rawStatus: 'Created',
      lines: [{ claimLineId: 'CL-1', lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, status: 'requested', rawStatus: 'Created' }],
    });
    await importOrder(env, account, order('TY-1008', [{ packageId: 'P-8', status: 'returned', lines, updatedAt: '2026-11-26T10:00:00.000Z' }]));
    assert.deepEqual(await stockOf(db.knex, prefix), { ...afterImport, iphone: afterImport.iphone + 1 });
    assert.deepEqual(
      await db.knex(t('order_product')).select('product_id', 'quantity').where('order_id', id).orderBy('order_product_id'),
      [
        { product_id: 40, quantity: 1 },
        { product_id: 30, quantity: 1 },
      ],
    );
    assert.equal((await db.knex(t('order')).first('order_status_id').where('order_id', id)).order_status_id, 5, 'the kept units stay a completed sale');

    // A return known only from the package status counts as returned whole.
    const other = await importOrder(env, account, order('TY-1009', [{ packageId: 'P-9', status: 'delivered', lines: [lines[1]!] }]));
    const mid = await stockOf(db.knex, prefix);
    await importOrder(env, account, order('TY-1009', [{ packageId: 'P-9', status: 'returned', lines: [lines[1]!], updatedAt: '2026-11-26T10:00:00.000Z' }]));
    assert.deepEqual(await stockOf(db.knex, prefix), { ...mid, canon: mid.canon + 1, red: mid.red + 1 });
    assert.equal((await db.knex(t('order')).first('order_status_id').where('order_id', other.ocOrderId!)).order_status_id, 11);
  });

  it('holds an order in a currency the shop does not have, naming the fix', async () => {
    const o = order('TY-1007', [{ packageId: 'P-7', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '10.00' }] }]);
    o.totals.currency = 'RUB';
    const outcome = await importOrder(env, account, o);
    assert.equal(outcome.state, 'held');
    assert.match(outcome.heldReasons.join(' '), /RUB, which is not a currency in mc_currency/);
  });

  it('refuses an order the marketplace sent without what an OpenCart order needs: held with the reason, nothing written', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const stockBefore = await stockOf(db.knex, prefix);
    const zero = order('BAD-QTY-1', [{ packageId: 'BAD-QTY-1-P1', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 0, unitPrice: '960.00' }] }]);
    await assert.rejects(importOrder(env, account, zero), /"BAD-QTY-1" cannot be imported: packages\.0\.lines\.0\.quantity: quantity is below 1/);
    assert.equal(await importOrHold(env, account, zero), null);
    const [held] = await db.knex('meschain_orders').where({ marketplace_id: account.id, remote_order_id: 'BAD-QTY-1' });
    assert.equal(held.state, 'held');
    assert.match(held.hold_reason, /quantity is below 1/);
    const noPrice = order('BAD-PRICE-1', [{ packageId: 'BAD-PRICE-1-P1', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '' }] }]);
    await assert.rejects(importOrder(env, account, noPrice), /unit price is not an amount/);

    // An id too long for its column cannot even be held: skipped, nothing stored under a cut-off id.
    const long = order('9'.repeat(65), [{ packageId: 'P-LONG', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    assert.equal(await importOrHold(env, account, long), null);
    assert.equal((await db.knex('meschain_order_groups').where('remote_order_id', 'like', '9999%')).length, 0);
    assert.equal((await db.knex('meschain_orders').where({ remote_package_id: 'P-LONG' })).length, 0);
    // The cursor moves past it: the owner hears of it through an alert, once however often it comes.
    assert.equal(await importOrHold(env, account, long), null);
    const skipped = await listAlerts(db.knex, { kind: ORDER_SKIPPED_ALERT, state: 'open' });
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0]!.marketplaceId, account.id);
    assert.match(skipped[0]!.subject, /^9{48}…[0-9a-f]{12}$/);
    assert.match(skipped[0]!.message, /orderId.*Sipariş atlandı/s);

    assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'no OpenCart order was written');
    assert.deepEqual(await stockOf(db.knex, prefix), stockBefore, 'no stock was taken');
  });

  it('a re-run from the stored packages of an order the check refused keeps it held with the reason, nothing written', async () => {
    const ordersBefore = await orderCount(db.knex, prefix);
    const stockBefore = await stockOf(db.knex, prefix);
    const lines = [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 0, unitPrice: '960.00' }];
    assert.equal(await importOrHold(env, account, order('BAD-QTY-2', [{ packageId: 'BAD-QTY-2-P1', status: 'created', lines }])), null);
    const group = (await findGroup(db.knex, account.id, 'BAD-QTY-2'))!;
    // Retry, recovery and returns all re-run the group from what is stored.
    const outcome = await reprocessGroup(env, account, group.id);
    assert.equal(outcome.state, 'held');
    assert.match(outcome.heldReasons.join(' '), /"BAD-QTY-2" cannot be imported: packages\.0\.lines\.0\.quantity: quantity is below 1 \/ sipariş içe aktarılamaz/);
    const held = (await listHeld(db.knex)).filter((h) => h.remoteOrderId === 'BAD-QTY-2');
    assert.equal(held.length, 1);
    assert.equal(held[0]!.reason, outcome.heldReasons[0], 'the held list shows the latest reason');
    assert.equal((await groupById(db.knex, group.id))!.state, 'held');
    assert.equal((await groupById(db.knex, group.id))!.ocOrderId, null);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore, 'no OpenCart order was written');
    assert.deepEqual(await stockOf(db.knex, prefix), stockBefore, 'no stock was taken');
  });
});

