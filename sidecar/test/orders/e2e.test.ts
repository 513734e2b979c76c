import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { decodeSecretKey } from '../../src/config/schema';
import { keyRing } from '../../src/crypto/secrets';
import { addOrderHistory, loadOcContext, type OcContext } from '../../src/db/opencart';
import { createOrdersModule } from '../../src/modules/orders';
import { startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { AccountStore } from '../../src/sync/accounts';
import { definitionOf, directAccess } from '../../src/sync/orders/wiring';
import { createLogger } from '../../src/util/logger';
import { recordHeartbeat } from '../../src/sync/heartbeats';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { CANON, IPHONE, orderCount, setupShop, stockOf, waitFor } from './support';

/**
 * End to end: real MariaDB (OpenCart's own schema and demo data), the real Trendyol sandbox over HTTP,
 * and the running sidecar with the orders module — webhooks from the sandbox, polling by cursor, the
 * change pump's order-history capture and the adapter talking back to the sandbox.
 */
describe('orders end to end: Trendyol sandbox ⇄ sidecar ⇄ OpenCart', function () {
  this.timeout(120_000);
  const prefix = 'oc_';
  const SECRET = 'e'.repeat(64);
  const HOOK_KEY = 'hook-secret-key-123';
  let db: TestDatabase;
  let sandbox: TrendyolSandbox;
  let sidecar: Sidecar;
  let ctx: OcContext;
  let accountId: number;

  const hook = (body: unknown, headers: Record<string, string> = { 'x-api-key': HOOK_KEY }) =>
    fetch(`${sidecar.url}/webhooks/trendyol`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sidecar.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const ocOrderOf = async (orderNumber: string): Promise<number | undefined> => {
    const row = await db.knex('meschain_order_groups').first('oc_order_id').where({ marketplace_id: accountId, remote_order_id: orderNumber });
    return row?.oc_order_id ?? undefined;
  };
  const statusOf = async (orderId: number) => ((await db.knex(`${prefix}order`).first('order_status_id').where('order_id', orderId)) as { order_status_id: number }).order_status_id;
  const sandboxOrder = (lines: Array<{ barcode: string; quantity: number; price?: number }>, status?: 'Awaiting' | 'Created') =>
    sandbox.control.createOrder({ lines, ...(status ? { status } : {}) }) as { id: number; orderNumber: string; lines: Array<{ id: number; barcode: string }> };

  before(async () => {
    db = await createTestDatabase({ prefix });
    await setupShop(db.knex, prefix);
    sandbox = await startTrendyolSandbox({ settings: { webhookRetryDelayMs: 50 } });
    for (const [barcode, price] of [
      [IPHONE.barcode, 960],
      [CANON.red.barcode, 640],
      [CANON.blue.barcode, 640],
      ['TY-UNMAPPED-1', 320],
    ] as const) {
      sandbox.control.seedProduct({ barcode, quantity: 50, salePrice: price, listPrice: price });
    }
    const secrets = keyRing(decodeSecretKey(SECRET)!);
    const store = new AccountStore(db.knex, secrets, definitionOf);
    const seller = sandbox.sellers[0]!;
    const account = await store.create({
      code: 'trendyol',
      name: 'Trendyol sandbox',
      enabled: true,
      baseUrl: sandbox.baseUrl,
      credentials: { sellerId: seller.sellerId, apiKey: seller.apiKey, apiSecret: seller.apiSecret, webhook: { apiKey: HOOK_KEY } },
      flows: { ordersIn: true, statusOut: true },
    });
    accountId = account.id;
    const config = loadConfig({
      MESCHAIN_DATABASE_URL: db.url,
      MESCHAIN_SECRET_KEY: SECRET,
      MESCHAIN_HTTP_PORT: '0',
      MESCHAIN_CAPTURE_POLL_MS: '20',
      MESCHAIN_OC_PREFIX: prefix,
      MESCHAIN_LOG_LEVEL: 'silent',
    });
    sidecar = await startSidecar(config, {
      logger: createLogger('silent'),
      modules: [createOrdersModule({ pollIntervalMs: 1000, tickMs: 100, sweepIntervalMs: 1000, monitorIntervalMs: 300 })],
    });
    ctx = await loadOcContext(db.knex, { prefix });
    // The sandbox calls the sidecar's receiver with the API key we registered (over the adapter, over HTTP).
    const access = directAccess({ knex: db.knex, secrets, logger: createLogger('silent') });
    await (await access.adapter(accountId)).registerWebhook({ url: `${sidecar.url}/webhooks/trendyol`, auth: { type: 'api_key', apiKey: HOOK_KEY } });
  });
  after(async () => {
    await sidecar?.close();
    await sandbox?.close();
    await db?.drop();
  });

  let firstOrder = 0;
  let firstPackage = 0;

  it('a sandbox order becomes a correct OpenCart order and lowers stock', async () => {
    const before = await stockOf(db.knex, prefix);
    const pkg = sandboxOrder([
      { barcode: IPHONE.barcode, quantity: 2 },
      { barcode: CANON.red.barcode, quantity: 1 },
    ]);
    firstPackage = pkg.id;
    firstOrder = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    // The data layer writes stock, then the status, then the history row: wait for the last step.
    await waitFor('status applied', async () => (await statusOf(firstOrder)) === 2);
    await waitFor('the history row', async () => (await db.knex(`${prefix}order_history`).where('order_id', firstOrder)).length > 0);
    const o = await db.knex(`${prefix}order`).first('*').where('order_id', firstOrder);
    assert.equal(o.payment_method, 'Trendyol');
    assert.equal(o.payment_code, 'meschain_trendyol');
    assert.equal(o.shipping_zone_id, 3354, 'İstanbul');
    assert.equal(o.shipping_city, 'Kadıköy');
    assert.equal(o.currency_code, 'TRY');
    assert.equal(o.customer_id, 0);
    assert.equal(o.total, '80.0000');
    const products = await db.knex(`${prefix}order_product`).select('product_id', 'quantity', 'price', 'tax').where('order_id', firstOrder).orderBy('order_product_id');
    assert.deepEqual(products, [
      { product_id: 40, quantity: 2, price: '25.0000', tax: '5.0000' },
      { product_id: 30, quantity: 1, price: '16.6667', tax: '3.3333' },
    ]);
    assert.deepEqual(await db.knex(`${prefix}order_option`).select('product_option_value_id', 'value').where('order_id', firstOrder), [{ product_option_value_id: 15, value: 'Red' }]);
    const totals = await db.knex(`${prefix}order_total`).select('code', 'value').where('order_id', firstOrder).orderBy('sort_order');
    assert.deepEqual(totals.map((t: { code: string; value: string }) => [t.code, t.value]), [['sub_total', '66.6667'], ['shipping', '0.0000'], ['tax', '13.3333'], ['total', '80.0000']]);
    assert.equal((await db.knex(`${prefix}order_history`).where('order_id', firstOrder)).length, 1);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, iphone: before.iphone - 2, canon: before.canon - 1, red: before.red - 1 });
    // Polling saw it too (cursor saved, heartbeat recorded) and found it done: still one order.
    await waitFor('a saved order cursor', () => db.knex('meschain_cursors').first('value').where('name', `orders:${accountId}`));
    await waitFor('an ordersIn heartbeat', () => db.knex('meschain_heartbeats').first('beats').where({ marketplace_id: accountId, flow: 'ordersIn' }));
    assert.equal((await db.knex('meschain_orders').where({ remote_order_id: pkg.orderNumber })).length, 1);
  });

  it('shipping it in OpenCart (shipped status + tracking number in the comment) gives the sandbox the tracking number', async () => {
    // As the admin's order screen does it: the catalog model's addOrderHistory, with the number in the comment.
    await addOrderHistory(ctx, firstOrder, 3, { comment: 'Kargo takip no: YK20261125, Kargo firması: Yurtiçi Kargo', notify: true });
    await waitFor('the tracking number at the sandbox', async () => {
      const [p] = sandbox.control.packages().filter((x) => x.id === firstPackage) as Array<{ cargoTrackingNumber: string | null }>;
      return p?.cargoTrackingNumber === 'YK20261125';
    });
    // The shipment row is marked sent after the sandbox answered: wait for that write too.
    const shipments = await waitFor('the shipment marked sent', async () => {
      const r = await api('GET', `/api/orders/${firstOrder}`);
      return r.body.shipments.every((s: { state: string }) => s.state !== 'pending') && r;
    });
    assert.deepEqual(shipments.body.shipments.map((s: { state: string; trackingNumber: string }) => [s.state, s.trackingNumber]), [['sent', 'YK20261125']]);
  });

  it('POST /api/orders/:id/ship sends carrier + tracking number too', async () => {
    const pkg = sandboxOrder([{ barcode: IPHONE.barcode, quantity: 1 }]);
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    const bad = await api('POST', `/api/orders/${id}/ship`, { trackingNumber: '' });
    assert.equal(bad.status, 400);
    const res = await api('POST', `/api/orders/${id}/ship`, { trackingNumber: 'AR-99887766', carrier: 'Aras Kargo' });
    assert.equal(res.status, 202);
    await waitFor('the tracking number at the sandbox', async () => {
      const [p] = sandbox.control.packages().filter((x) => x.id === pkg.id) as Array<{ cargoTrackingNumber: string | null }>;
      return p?.cargoTrackingNumber === 'AR-99887766';
    });
    assert.equal(await statusOf(id), 3);
  });

  it('a marketplace cancellation becomes Canceled order history and restocks', async () => {
    const before = await stockOf(db.knex, prefix);
    const pkg = sandboxOrder([{ barcode: CANON.blue.barcode, quantity: 2 }]);
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    await waitFor('stock taken', async () => (await stockOf(db.knex, prefix)).blue === before.blue - 2);
    sandbox.control.movePackage(pkg.id, 'cancel');
    await waitFor('Canceled', async () => (await statusOf(id)) === 7);
    // OpenCart writes the status first and gives the stock back right after it.
    await waitFor('restocked', async () => (await stockOf(db.knex, prefix)).blue === before.blue);
    assert.deepEqual(await stockOf(db.knex, prefix), before);
    const job = await db.knex('meschain_jobs').where({ queue: 'orders', type: 'orders.webhook' }).whereNot('state', 'done');
    assert.deepEqual(job.filter((j: { state: string }) => j.state === 'dead'), []);
  });

  it('a cancellation made in OpenCart cancels the package on the sandbox, and the stock comes back once', async () => {
    const before = await stockOf(db.knex, prefix);
    const pkg = sandboxOrder([{ barcode: IPHONE.barcode, quantity: 3 }]);
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    await waitFor('stock taken', async () => (await stockOf(db.knex, prefix)).iphone === before.iphone - 3);
    // As the admin's order screen does it: OpenCart's addOrderHistory with the Canceled status restocks.
    await addOrderHistory(ctx, id, 7, { comment: 'Stokta kalmadı / out of stock' });
    await waitFor('the package cancelled at the sandbox', async () => {
      const [p] = sandbox.control.packages().filter((x) => x.id === pkg.id) as Array<{ status: string }>;
      return p?.status === 'UnSupplied';
    });
    // The marketplace now reports the cancellation back; it is the status the order already has.
    const packageRow = () => db.knex('meschain_orders').first('state').where({ remote_package_id: String(pkg.id) });
    await waitFor('the cancellation read back', async () => (await packageRow())?.state === 'cancelled');
    assert.deepEqual(await stockOf(db.knex, prefix), before, 'restocked exactly once');
    const history = await db.knex(`${prefix}order_history`).select('order_status_id').where('order_id', id).orderBy('order_history_id');
    assert.deepEqual(history.map((h: { order_status_id: number }) => h.order_status_id).slice(-1), [7]);
    assert.equal(history.filter((h: { order_status_id: number }) => h.order_status_id === 7).length, 1, 'no second Canceled row');
  });

  it('a partial cancel (split package) restocks only the cancelled lines, in the same OpenCart order', async () => {
    const before = await stockOf(db.knex, prefix);
    const pkg = sandboxOrder([
      { barcode: IPHONE.barcode, quantity: 2 },
      { barcode: CANON.blue.barcode, quantity: 1 },
    ]);
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    await waitFor('stock taken', async () => (await stockOf(db.knex, prefix)).blue === before.blue - 1);
    const canonLine = pkg.lines.find((l) => l.barcode === CANON.blue.barcode)!;
    const moved = sandbox.control.movePackage(pkg.id, 'cancel', [{ lineId: canonLine.id, quantity: 1 }]) as { newPackage: { id: number } };
    assert.ok(moved.newPackage, 'Trendyol re-issued the rest as a new package');
    await waitFor('the Canon line cancelled', async () => {
      const row = await db.knex(`${prefix}order_product`).first('quantity').where({ order_id: id, product_id: 30 });
      return row?.quantity === 0;
    });
    await waitFor('both packages known', async () => (await db.knex('meschain_orders').where({ remote_order_id: pkg.orderNumber })).length === 2);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, iphone: before.iphone - 2 });
    assert.equal(await ocOrderOf(pkg.orderNumber), id);
    assert.equal(await statusOf(id), 2, 'the order stays in processing');
    assert.equal((await db.knex(`${prefix}order`).first('total').where('order_id', id)).total, '60.0000');
  });

  it('a partial return restocks only the returned units (read from the claims)', async () => {
    const before = await stockOf(db.knex, prefix);
    const pkg = sandboxOrder([
      { barcode: IPHONE.barcode, quantity: 2 },
      { barcode: CANON.blue.barcode, quantity: 1 },
    ]);
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    await waitFor('stock taken', async () => (await stockOf(db.knex, prefix)).blue === before.blue - 1);
    sandbox.control.movePackage(pkg.id, 'ship');
    await waitFor('Shipped', async () => (await statusOf(id)) === 3);
    sandbox.control.movePackage(pkg.id, 'deliver');
    await waitFor('Complete', async () => (await statusOf(id)) === 5);
    const canonLine = pkg.lines.find((l) => l.barcode === CANON.blue.barcode)!;
    sandbox.control.movePackage(pkg.id, 'return', [{ lineId: canonLine.id, quantity: 1 }]);
    await waitFor('the Canon restocked', async () => (await stockOf(db.knex, prefix)).blue === before.blue);
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, iphone: before.iphone - 2 });
    assert.equal(await statusOf(id), 5, 'the iPhones stay sold');
    // The marketplace's own "Shipped" was not sent back to it as a new tracking number.
    assert.deepEqual((await api('GET', `/api/orders/${id}`)).body.shipments, []);
  });

  it('an Awaiting order reserves stock at once, then becomes an order when confirmed; a cancelled one releases', async () => {
    const before = await stockOf(db.knex, prefix);
    const ordersBefore = await orderCount(db.knex, prefix);
    const pkg = sandboxOrder([{ barcode: CANON.red.barcode, quantity: 1 }], 'Awaiting');
    await waitFor('a reservation', async () => (await api('GET', '/api/orders/reservations?state=active')).body.reservations.some((r: { remoteOrderId: string }) => r.remoteOrderId === pkg.orderNumber));
    assert.equal(await orderCount(db.knex, prefix), ordersBefore);
    assert.deepEqual(await stockOf(db.knex, prefix), before, 'OpenCart quantities untouched');
    sandbox.control.movePackage(pkg.id, 'confirm');
    const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    await waitFor('reservation converted', async () => {
      const rows = await db.knex('meschain_reservations').where({ remote_order_id: pkg.orderNumber });
      return rows.length > 0 && rows.every((r: { state: string }) => r.state === 'converted');
    });
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, canon: before.canon - 1, red: before.red - 1 });
    assert.equal(await statusOf(id), 2);

    const other = sandboxOrder([{ barcode: IPHONE.barcode, quantity: 4 }], 'Awaiting');
    await waitFor('a reservation', async () => (await db.knex('meschain_reservations').where({ remote_order_id: other.orderNumber, state: 'active' })).length > 0);
    sandbox.control.movePackage(other.id, 'cancel');
    await waitFor('released', async () => {
      const rows = await db.knex('meschain_reservations').where({ remote_order_id: other.orderNumber });
      return rows.length > 0 && rows.every((r: { state: string }) => r.state === 'released');
    });
    assert.equal(await ocOrderOf(other.orderNumber), undefined);
  });

  it('an order whose barcode is unknown is held with the reason; one retry after mapping imports it', async () => {
    const pkg = sandboxOrder([{ barcode: 'TY-UNMAPPED-1', quantity: 1 }]);
    const held = await waitFor('the held order', async () => {
      const list = (await api('GET', '/api/orders/held')).body.held as Array<{ id: number; remoteOrderId: string; reason: string }>;
      return list.find((h) => h.remoteOrderId === pkg.orderNumber);
    });
    assert.match(held.reason, /TY-UNMAPPED-1.*matches no product/);
    assert.equal(await ocOrderOf(pkg.orderNumber), undefined);
    const early = await api('POST', `/api/orders/held/${held.id}/retry`);
    assert.equal(early.status, 409, 'still not mappable');
    await db.knex('meschain_variants').insert({ product_id: 43, variant_key: '', option_values: '[]', sku: 'MACBOOK', barcode: 'TY-UNMAPPED-1' });
    const retried = await api('POST', `/api/orders/held/${held.id}/retry`);
    assert.equal(retried.status, 200);
    assert.equal(retried.body.outcome.state, 'imported');
    const id = (await ocOrderOf(pkg.orderNumber))!;
    assert.deepEqual((await db.knex(`${prefix}order_product`).select('product_id').where('order_id', id)).map((r: { product_id: number }) => r.product_id), [43]);
    assert.equal((await api('GET', '/api/orders/held')).body.held.some((h: { remoteOrderId: string }) => h.remoteOrderId === pkg.orderNumber), false);
  });

  it('a burst of 40 orders, webhooks racing the poll (page batch or one by one), makes 40 OpenCart orders and takes the stock once', async () => {
    const before = await stockOf(db.knex, prefix);
    const ids = sandbox.control.createOrders({ count: 40, barcodes: [IPHONE.barcode, CANON.blue.barcode], quantity: 1, seed: 3 });
    const packages = sandbox.control.packages().filter((p) => ids.includes(p.id as number)) as Array<{ orderNumber: string; lines: Array<{ barcode: string }> }>;
    const numbers = packages.map((p) => p.orderNumber);
    assert.equal(new Set(numbers).size, 40);
    const imported = async () => {
      const rows = (await db.knex('meschain_order_groups').select('oc_order_id').where({ marketplace_id: accountId, state: 'imported' }).whereIn('remote_order_id', numbers).whereNotNull('oc_order_id')) as Array<{
        oc_order_id: number;
      }>;
      return rows.length === 40 && rows;
    };
    const rows = await waitFor('40 imported orders', imported, { tries: 600 });
    assert.equal(new Set(rows.map((r) => r.oc_order_id)).size, 40, 'one OpenCart order per marketplace order');
    await waitFor('every status applied', async () => (await db.knex(`${prefix}order`).whereIn('order_id', rows.map((r) => r.oc_order_id)).where('order_status_id', 0)).length === 0);
    const iphones = packages.filter((p) => p.lines[0]!.barcode === IPHONE.barcode).length;
    assert.ok(iphones > 0 && iphones < 40, 'both products were ordered');
    assert.deepEqual(await stockOf(db.knex, prefix), { ...before, iphone: before.iphone - iphones, canon: before.canon - (40 - iphones), blue: before.blue - (40 - iphones) });
    // A history row whose reserved id a racing writer took is finished just after the batch's commit
    // (finishHistoryWrites), so the statuses can be visible a moment before the last rows: wait for 40, then insist on exactly 40.
    const historyCount = async () => Number(((await db.knex(`${prefix}order_history`).whereIn('order_id', rows.map((r) => r.oc_order_id)).count({ n: '*' })) as Array<{ n: number }>)[0]!.n);
    await waitFor('a history row for every order', async () => (await historyCount()) >= 40);
    assert.equal(await historyCount(), 40, 'one history row each');
  });

  it('the same webhook delivered 3 times at once creates one order', async () => {
    const template = sandbox.control.packages().find((p) => p.id === firstPackage) as Record<string, unknown>;
    const body = { ...template, id: 987654321, orderNumber: '555000111', status: 'Created', shipmentPackageStatus: 'Created', cargoTrackingNumber: null, lastModifiedDate: Date.now() };
    const ordersBefore = await orderCount(db.knex, prefix);
    const answers = await Promise.all([hook(body), hook(body), hook(body)]);
    assert.deepEqual(answers.map((a) => a.status), [202, 202, 202]);
    const stored = await Promise.all(answers.map(async (a) => ((await a.json()) as { stored: number }).stored));
    assert.equal(stored.reduce((s, n) => s + n, 0), 1, 'stored once, recognised twice');
    await waitFor('the OpenCart order', () => ocOrderOf('555000111'));
    await waitFor('the webhook processed', async () => (await db.knex('meschain_webhooks').where({ state: 'processed' }).andWhere('event_id', 'like', '%987654321%')).length === 1);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore + 1);
  });

  it('unauthenticated or malformed webhooks get 4xx with a clear error and change nothing', async () => {
    const count = async () => Number(((await db.knex('meschain_webhooks').count({ n: '*' })) as Array<{ n: number }>)[0]!.n);
    const webhooksBefore = await count();
    const ordersBefore = await orderCount(db.knex, prefix);
    const template = sandbox.control.packages().find((p) => p.id === firstPackage) as Record<string, unknown>;
    const body = { ...template, id: 987654399, orderNumber: '555000199', status: 'Created' };
    const cases: Array<[Promise<Response>, number, RegExp]> = [
      [hook(body, {}), 401, /not authenticated/],
      [hook(body, { 'x-api-key': 'wrong' }), 401, /do not match/],
      [hook(body, { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` }), 401, /not authenticated/],
      [hook('{not json', { 'x-api-key': HOOK_KEY }), 400, /not JSON/],
      [hook({ hello: 'world' }, { 'x-api-key': HOOK_KEY }), 400, /not a shipment package/],
      [fetch(`${sidecar.url}/webhooks/nosuchmarket`, { method: 'POST', body: '{}' }), 404, /unknown marketplace/],
    ];
    for (const [p, status, message] of cases) {
      const res = await p;
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, status, json.error.message);
      assert.match(json.error.message, message);
    }
    assert.equal(await count(), webhooksBefore);
    assert.equal(await orderCount(db.knex, prefix), ordersBefore);
  });

  it('meschain orders pull / held run from the CLI against the same database', async () => {
    const pkg = sandboxOrder([{ barcode: IPHONE.barcode, quantity: 1 }]);
    const env = { PATH: process.env.PATH, MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: SECRET, MESCHAIN_OC_PREFIX: prefix, MESCHAIN_LOG_LEVEL: 'silent' };
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [path.resolve(__dirname, '../../bin/meschain.js'), ...args], { env });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += String(d)));
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const pulled = await run('orders', 'pull', '--marketplace', 'trendyol');
    assert.equal(pulled.status, 0, pulled.stderr);
    assert.match(pulled.stdout, /Trendyol sandbox \(#\d+, trendyol\): \d+ orders seen, \d+ imported, 0 held, 0 failed/);
    await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
    const held = await run('orders', 'held');
    assert.equal(held.status, 0, held.stderr);
    assert.match(held.stdout, /no orders held/);
    const bad = await run('orders', 'frobnicate');
    assert.equal(bad.status, 64);
  });

  it('with acknowledgeOnImport on, the package of an imported order becomes Picking on the sandbox once, and reading Picking back changes nothing', async () => {
    const on = await api('PUT', `/api/orders/settings/${accountId}`, { acknowledgeOnImport: true });
    assert.equal(on.status, 200);
    assert.equal(on.body.settings.acknowledgeOnImport, true);
    try {
      const pkg = sandboxOrder([{ barcode: IPHONE.barcode, quantity: 1 }]);
      const id = await waitFor('the OpenCart order', () => ocOrderOf(pkg.orderNumber));
      const sandboxPackage = () => sandbox.control.packages().find((x) => x.id === pkg.id) as { status: string; packageHistories: Array<{ status: string }> };
      await waitFor('Picking at the sandbox', async () => sandboxPackage().status === 'Picking');
      // The webhook for Picking and the next poll bring it back as 'processing'.
      await waitFor('Picking read back', async () => (await db.knex('meschain_order_groups').first('status').where({ marketplace_id: accountId, remote_order_id: pkg.orderNumber }))?.status === 'processing');
      const shipments = await waitFor('the ack marked sent', async () => {
        const r = await api('GET', `/api/orders/${id}`);
        return r.body.shipments.length > 0 && r.body.shipments.every((s: { state: string }) => s.state !== 'pending') && r.body.shipments;
      });
      assert.deepEqual(shipments.map((s: { action: string; state: string }) => [s.action, s.state]), [['ack', 'sent']]);
      assert.equal(sandboxPackage().packageHistories.filter((h) => h.status === 'Picking').length, 1, 'Picking set once');
      // 'processing' maps to the status the order already has (Processing): no second history row.
      assert.equal(await statusOf(id), 2);
      assert.deepEqual((await db.knex(`${prefix}order_history`).select('order_status_id').where('order_id', id)).map((h: { order_status_id: number }) => h.order_status_id), [2]);
    } finally {
      await api('PUT', `/api/orders/settings/${accountId}`, {});
    }
  });

  it('a silent flow degrades /health and opens an alert instead of failing quietly', async () => {
    // Stock push is switched on for this account, the engine of this build does record stock-push
    // heartbeats (here: for some other account), but none comes for this one: silence.
    await recordHeartbeat(db.knex, 0, 'stockOut', 'another account');
    await db.knex('meschain_marketplaces').where('id', accountId).update({ flows: JSON.stringify({ ordersIn: true, statusOut: true, stock: true }) });
    const put = await api('PUT', `/api/orders/settings/${accountId}`, { heartbeatSeconds: { stockOut: 10 } });
    assert.equal(put.status, 200);
    const health = await waitFor(
      'degraded health',
      async () => {
        const h = (await (await fetch(`${sidecar.url}/health`)).json()) as { status: string; modules: Record<string, { ok: boolean; silentFlows: Array<{ flow: string }> }> };
        return h.modules.orders?.ok === false ? h : undefined;
      },
      { tries: 600, everyMs: 100 },
    );
    assert.equal(health.status, 'degraded');
    assert.deepEqual(health.modules.orders!.silentFlows.map((f) => f.flow), ['stockOut']);
    const alerts = (await api('GET', '/api/orders/alerts?state=open')).body.alerts as Array<{ kind: string; subject: string }>;
    assert.ok(alerts.some((a) => a.kind === 'heartbeat' && a.subject === 'stockOut'));
  });
});
