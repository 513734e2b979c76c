import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { loadOcContext, type OcContext } from '../../src/db/opencart/context';
import { addOrderHistory, createOrder, getOrderWrite, pruneOrderWrites } from '../../src/db/opencart/orders';
import { OrderInputError } from '../../src/db/opencart/order-input';
import { version } from '../../../package.json';
import { guestOrder, ORDER_TAKES, orderRows, stockSnapshot, withChanges, type StockSnapshot } from './fixtures';

describe('opencart data layer: orders', () => {
  let db: TestDatabase;
  let ctx: OcContext;
  let base: StockSnapshot;
  // 2026-03-10 22:30:05 UTC = 2026-03-11 01:30:05 in the shop's zone.
  let clock = new Date('2026-03-10T22:30:05Z');

  before(async () => {
    db = await createTestDatabase();
    await db.knex('oc_setting').where({ store_id: 0, key: 'config_timezone' }).update({ value: 'Europe/Istanbul' });
    await db.knex('oc_country').where('country_id', 215).update({ address_format: '{firstname} {lastname}\n{address_1}\n{city} {postcode}\n{zone} {country}' });
    ctx = await loadOcContext(db.knex, { prefix: 'oc_', storeUrl: 'http://shop.example/', now: () => clock });
    base = await stockSnapshot(db.knex, 'oc_');
  });
  after(async () => db.drop());

  let orderId = 0;

  it('createOrder writes oc_order, oc_order_product, oc_order_option, oc_order_total as the checkout does, at status 0', async () => {
    const result = await createOrder(ctx, guestOrder({ token: 'order-a' }));
    orderId = result.orderId;
    assert.equal(result.replayed, false);
    const rows = await orderRows(db.knex, 'oc_', orderId);
    const invoicePrefix = ctx.invoicePrefix;
    const ayse = 'Ayşe';
    const obrien = "O'Brien &amp; Co";
    const address = (kind: string) => ({
      [`${kind}_firstname`]: ayse,
      [`${kind}_lastname`]: obrien,
      [`${kind}_company`]: '',
      [`${kind}_address_1`]: 'Bağdat Cd. No:5 &lt;Daire 3&gt;',
      [`${kind}_address_2`]: '',
      [`${kind}_city`]: 'Kadıköy',
      [`${kind}_postcode`]: '34710',
      [`${kind}_country`]: 'Turkey',
      [`${kind}_country_id`]: 215,
      [`${kind}_zone`]: 'İstanbul',
      [`${kind}_zone_id`]: 3354,
      [`${kind}_address_format`]: '{firstname} {lastname}\n{address_1}\n{city} {postcode}\n{zone} {country}',
      [`${kind}_custom_field`]: '[]',
    });
    assert.deepEqual(rows.order, [
      {
        order_id: orderId,
        invoice_no: 0,
        invoice_prefix: invoicePrefix,
        store_id: 0,
        store_name: 'Your Store',
        store_url: 'http://shop.example/',
        customer_id: 0,
        customer_group_id: 1,
        firstname: ayse,
        lastname: obrien,
        email: 'ayse@example.com',
        telephone: '+90 555 000 00 00',
        fax: '',
        custom_field: '[]',
        ...address('payment'),
        payment_method: 'Trendyol',
        payment_code: 'meschain.trendyol',
        ...address('shipping'),
        shipping_method: 'Flat Shipping Rate',
        shipping_code: 'flat.flat',
        comment: 'Leave at the &quot;blue&quot; door &amp; ring',
        total: '528.4000',
        order_status_id: 0,
        affiliate_id: 0,
        commission: '0.0000',
        marketing_id: 0,
        tracking: '',
        language_id: 1,
        currency_id: 2,
        currency_code: 'USD',
        currency_value: '1.00000000',
        ip: '203.0.113.7',
        forwarded_ip: '',
        user_agent: `MesChain-Sync/${version} (write order-a)`,
        accept_language: '',
        date_added: '2026-03-11 01:30:05',
        date_modified: '2026-03-11 01:30:05',
      },
    ]);
    const cols = (await db.knex('information_schema.COLUMNS').whereRaw('TABLE_SCHEMA = DATABASE()').andWhere('TABLE_NAME', 'oc_order').count('* as n')) as Array<{ n: number }>;
    assert.equal(Object.keys(rows.order[0] ?? {}).length, Number(cols[0]?.n), 'every column checked');

    const strip = (r: Record<string, unknown>) => {
      const { order_product_id: _a, order_option_id: _b, order_total_id: _c, ...rest } = r;
      return rest;
    };
    assert.deepEqual(rows.products.map(strip), [
      { order_id: orderId, product_id: 42, name: 'Apple Cinema 30&quot;', model: 'Product 15', quantity: 2, price: '113.0000', total: '226.0000', tax: '24.6000', reward: 0 },
      { order_id: orderId, product_id: 40, name: 'iPhone', model: 'product 11', quantity: 1, price: '101.0000', total: '101.0000', tax: '22.2000', reward: 0 },
      { order_id: orderId, product_id: 47, name: 'HP LP3065', model: 'Product 21', quantity: 1, price: '100.0000', total: '100.0000', tax: '22.0000', reward: 0 },
    ]);
    const [line42, , line47] = rows.products;
    const stripOption = (r: Record<string, unknown>) => {
      const { order_option_id: _a, ...rest } = r;
      return rest;
    };
    assert.deepEqual(rows.options.map(stripOption), [
      { order_id: orderId, order_product_id: line42?.order_product_id, product_option_id: 218, product_option_value_id: 5, name: 'Radio', value: 'Small', type: 'radio' },
      { order_id: orderId, order_product_id: line42?.order_product_id, product_option_id: 223, product_option_value_id: 8, name: 'Checkbox', value: 'Checkbox 1', type: 'checkbox' },
      { order_id: orderId, order_product_id: line42?.order_product_id, product_option_id: 217, product_option_value_id: 3, name: 'Select', value: 'Blue', type: 'select' },
      { order_id: orderId, order_product_id: line42?.order_product_id, product_option_id: 208, product_option_value_id: 0, name: 'Text', value: 'Engrave: &lt;Ayşe &amp; Can&gt;', type: 'text' },
      { order_id: orderId, order_product_id: line47?.order_product_id, product_option_id: 225, product_option_value_id: 0, name: 'Delivery Date', value: '2026-12-01', type: 'date' },
    ]);
    assert.deepEqual(rows.totals.map(strip), [
      { order_id: orderId, code: 'sub_total', title: 'Sub-Total', value: '427.0000', sort_order: 1 },
      { order_id: orderId, code: 'shipping', title: 'Flat Shipping Rate', value: '5.0000', sort_order: 3 },
      { order_id: orderId, code: 'tax', title: 'Eco Tax (-2.00)', value: '10.0000', sort_order: 5 },
      { order_id: orderId, code: 'tax', title: 'VAT (20%)', value: '86.4000', sort_order: 5 },
      { order_id: orderId, code: 'total', title: 'Total', value: '528.4000', sort_order: 9 },
    ]);
    assert.deepEqual(rows.history, [], 'addOrder writes no history');
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), base, 'status 0 takes no stock');
    assert.deepEqual(await getOrderWrite(ctx, 'order-a'), { token: 'order-a', kind: 'create', state: 'done', orderId });
  });

  it('entering a processing status (1 Pending) takes stock only where subtract is on, with ledger rows', async () => {
    clock = new Date('2026-03-10T22:31:00Z');
    const result = await addOrderHistory(ctx, orderId, 1, { comment: 'Imported from Trendyol #123 & paid', notify: false, token: 'h-1' });
    assert.equal(result.stock, 'take');
    assert.equal(result.fromStatusId, 0);
    assert.deepEqual(
      result.moves.map((m) => [m.target, m.targetId, m.delta, m.applied]),
      [
        ['product', 42, -2, true],
        ['option_value', 5, -2, true],
        ['option_value', 8, -2, true],
        ['option_value', 3, -2, false],
        ['product', 40, -1, true],
        ['product', 47, -1, false],
      ],
    );
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), withChanges(base, ORDER_TAKES.products, ORDER_TAKES.optionValues));
    const rows = await orderRows(db.knex, 'oc_', orderId);
    assert.equal(rows.order[0]?.order_status_id, 1);
    assert.equal(rows.order[0]?.date_modified, '2026-03-11 01:31:00');
    assert.equal(rows.order[0]?.date_added, '2026-03-11 01:30:05');
    assert.deepEqual(rows.history, [
      { order_history_id: result.orderHistoryId, order_id: orderId, order_status_id: 1, notify: 0, comment: 'Imported from Trendyol #123 &amp; paid', date_added: '2026-03-11 01:31:00' },
    ]);
    const ledger = await db.knex('meschain_inventory_ledger').where({ ref_type: 'oc_order', ref_id: String(orderId) }).orderBy('id');
    assert.deepEqual(
      ledger.map((l: Record<string, unknown>) => [l.product_id, l.product_option_value_id, l.delta, l.quantity_after, l.reason]),
      [
        [42, 0, -2, 988, 'order'],
        [42, 5, -2, 94, 'order'],
        [42, 8, -2, 46, 'order'],
        [40, 0, -1, 969, 'order'],
      ],
    );
    const captured = await db.knex('meschain_change_log').where({ entity: 'product', op: 'U' }).pluck('entity_id');
    assert.deepEqual([...new Set(captured)].sort(), [40, 42], 'capture triggers saw the stock change');
  });

  it('moving between two processing statuses (1 → 2) appends history and does not take stock again', async () => {
    const result = await addOrderHistory(ctx, orderId, 2, { comment: 'Packed', notify: true });
    assert.equal(result.stock, 'none');
    assert.deepEqual(result.moves, []);
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), withChanges(base, ORDER_TAKES.products, ORDER_TAKES.optionValues));
    const rows = await orderRows(db.knex, 'oc_', orderId);
    assert.deepEqual(rows.history.map((h) => [h.order_status_id, h.notify, h.comment]), [[1, 0, 'Imported from Trendyol #123 &amp; paid'], [2, 1, 'Packed']]);
  });

  it('moving to Canceled (7) gives every subtracted unit back, and back into Complete (5) takes it again', async () => {
    const cancel = await addOrderHistory(ctx, orderId, 7, { comment: 'Customer cancelled' });
    assert.equal(cancel.stock, 'give');
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), base, 'restocked exactly');
    const restock = await db.knex('meschain_inventory_ledger').where({ ref_id: String(orderId), reason: 'restock' }).orderBy('id');
    assert.deepEqual(restock.map((l: Record<string, unknown>) => [l.product_id, l.product_option_value_id, l.delta]), [[42, 0, 2], [42, 5, 2], [42, 8, 2], [40, 0, 1]]);
    assert.equal((await addOrderHistory(ctx, orderId, 7)).stock, 'none', 'cancelling twice does not restock twice');
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), base);
    assert.equal((await addOrderHistory(ctx, orderId, 5)).stock, 'take');
    assert.equal((await addOrderHistory(ctx, orderId, 3)).stock, 'none', 'Complete → Shipped: both hold stock');
    assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), withChanges(base, ORDER_TAKES.products, ORDER_TAKES.optionValues));
    const rows = await orderRows(db.knex, 'oc_', orderId);
    assert.deepEqual(rows.history.map((h) => h.order_status_id), [1, 2, 7, 7, 5, 3]);
    assert.equal(rows.order[0]?.order_status_id, 3);
  });

  it('the same token twice is one write: createOrder and addOrderHistory are idempotent', async () => {
    const again = await createOrder(ctx, guestOrder({ token: 'order-a' }));
    assert.deepEqual(again, { orderId, token: 'order-a', replayed: true });
    const history = await addOrderHistory(ctx, orderId, 1, { token: 'h-1' });
    assert.equal(history.replayed, true);
    assert.equal(history.toStatusId, 1);
    const rows = await orderRows(db.knex, 'oc_', orderId);
    assert.equal(rows.history.length, 6, 'no new history row');
    assert.equal(rows.order[0]?.order_status_id, 3, 'status untouched');
    assert.equal((await db.knex('oc_order').count('* as n'))[0]?.n, 1);
    await assert.rejects(addOrderHistory(ctx, orderId, 1, { token: 'order-a' }), /already used for a different order write/);
  });

  it('writes empty shipping fields when nothing is shipped, custom fields as PHP json_encode does', async () => {
    const { orderId: id } = await createOrder(
      ctx,
      guestOrder({
        shippingAddress: null,
        shippingMethod: null,
        customer: { firstname: 'Can', lastname: 'Öz', email: 'can@example.com', customField: { '1': 'Vergi/No: İ1' } },
        products: [{ productId: 30, quantity: 1, price: '80', tax: '18' }],
        totals: [{ code: 'total', title: 'Total', value: 98, sortOrder: 9 }],
      }),
    );
    const [order] = (await orderRows(db.knex, 'oc_', id)).order;
    assert.ok(order);
    for (const col of ['shipping_firstname', 'shipping_lastname', 'shipping_company', 'shipping_address_1', 'shipping_address_2', 'shipping_city', 'shipping_postcode', 'shipping_country', 'shipping_zone', 'shipping_address_format', 'shipping_method', 'shipping_code']) {
      assert.equal(order[col], '', col);
    }
    assert.deepEqual([order.shipping_country_id, order.shipping_zone_id, order.shipping_custom_field], [0, 0, '[]']);
    assert.equal(order.custom_field, '{"1":"Vergi\\/No: \\u01301"}');
    assert.equal(order.total, '98.0000');
    assert.equal(order.telephone, '');
  });

  it('rejects bad input before writing anything, naming each problem', async () => {
    const before = await db.knex('oc_order').count('* as n');
    const expectIssues = async (input: Parameters<typeof createOrder>[1], ...patterns: RegExp[]) => {
      await assert.rejects(createOrder(ctx, input), (err: Error) => {
        assert.ok(err instanceof OrderInputError, err.message);
        for (const p of patterns) assert.match(err.message, p);
        return true;
      });
    };
    await expectIssues(
      guestOrder({ products: [{ productId: 9999, quantity: 1, price: '1' }, { productId: 42, quantity: 0, price: 'abc' }] }),
      /products\.1\.quantity: must be at least 1/,
      /products\.1\.price: not a decimal amount/,
    );
    await expectIssues(guestOrder({ products: [{ productId: 9999, quantity: 1, price: '1' }] }), /products\.0\.productId: 9999 is not a product in oc_product/);
    await expectIssues(
      guestOrder({ products: [{ productId: 40, quantity: 1, price: '1', options: [{ productOptionId: 218, productOptionValueId: 12 }] }] }),
      /products\.0\.options\.0\.productOptionId: 218 belongs to product 42, not 40/,
      /productOptionValueId: 12 belongs to product option 224, not 218/,
    );
    await expectIssues(guestOrder({ paymentAddress: { firstname: 'A', lastname: 'B', address1: 'x', city: 'y', countryId: 222, zoneId: 3354 } }), /paymentAddress\.zoneId: zone 3354 belongs to country 215, not 222/);
    await expectIssues(guestOrder({ totals: [{ code: 'sub_total', title: 'Sub', value: 1, sortOrder: 1 }] }), /exactly one line with code 'total'/);
    await expectIssues(guestOrder({ products: [{ productId: 40, quantity: 2, price: '10', total: '25' }] }), /products\.0\.total: 25\.0000 is not price × quantity \(20\.0000\)/);
    await expectIssues(guestOrder({ customer: { firstname: '&'.repeat(7), lastname: 'x', email: 'e' } }), /firstname: 35 characters after HTML encoding, but oc_order\.firstname holds 32/);
    await expectIssues({ ...guestOrder(), colour: 'red' } as never, /Unrecognized key/);
    await expectIssues(guestOrder({ currencyCode: 'TRY' }), /currencyCode: TRY is not a currency in oc_currency/);
    assert.deepEqual(await db.knex('oc_order').count('* as n'), before);
    await assert.rejects(addOrderHistory(ctx, 424242, 1), /order 424242 does not exist in oc_order/);
    await assert.rejects(addOrderHistory(ctx, orderId, -1), /orderStatusId: must be 0 or more/);
    await assert.rejects(addOrderHistory(ctx, orderId, 4), /order status 4 does not exist in oc_order_status/);
  });

  it('records the display currency and its rate while amounts stay in the default currency', async () => {
    const { orderId: id } = await createOrder(ctx, guestOrder({ currencyCode: 'EUR' }));
    const [order] = (await orderRows(db.knex, 'oc_', id)).order;
    assert.deepEqual([order?.currency_id, order?.currency_code, order?.currency_value, order?.total], [3, 'EUR', '0.78460002', '528.4000']);
  });

  it('prunes finished journal rows (with their moves), keeping the ledger', async () => {
    const ledgerBefore = await db.knex('meschain_inventory_ledger').count('* as n');
    assert.deepEqual(await pruneOrderWrites(ctx, new Date(Date.now() - 3600_000)), { writes: 0, moves: 0 }, 'nothing that old');
    const pruned = await pruneOrderWrites(ctx, new Date(Date.now() + 3600_000));
    assert.equal(pruned.writes, 9, '3 creates + 6 status changes');
    assert.equal(await getOrderWrite(ctx, 'order-a'), undefined);
    assert.deepEqual(await db.knex('meschain_oc_stock_moves').count('* as n'), [{ n: 0 }], 'moves went with their writes');
    assert.deepEqual(await db.knex('meschain_inventory_ledger').count('* as n'), ledgerBefore);
  });
});
