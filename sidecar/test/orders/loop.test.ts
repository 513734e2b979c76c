import assert from 'node:assert/strict';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { marketplacesModule } from '../../src/modules/marketplaces';
import { createOrdersModule } from '../../src/modules/orders';
import { BRANDS, DEFAULT_SELLER, startTrendyolSandbox, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { createLogger } from '../../src/util/logger';
import type { TestDatabase } from '../support/db';
import { PREFIX, RENK, REMOTE_CATEGORY, queueIdle, rows, seedShop, sidecarEnv } from '../sync/fixture';
import { waitFor } from './support';

/**
 * The whole loop with both feature modules running: two Trendyol accounts (two sellers on the sandbox)
 * list the same demo catalog; an order on one of them becomes an OpenCart order, and the stock drop —
 * captured by the triggers, planned by the marketplaces module — reaches the OTHER account's listing.
 * A reservation (order awaiting payment) lowers the other listing at once without touching OpenCart,
 * and gives the units back when cancelled.
 */
describe('orders ⇄ stock loop: an order on one marketplace lowers every other listing', function () {
  this.timeout(300_000);
  const SECOND = { sellerId: '100002', apiKey: 'second-api-key', apiSecret: 'second-api-secret' };
  const HOOK_KEY = 'loop-hook-key';
  let db: TestDatabase;
  let sandbox: TrendyolSandbox;
  let sidecar: Sidecar;
  const accounts: number[] = [];
  let barcode = '';
  let productId = 0;

  const api = async <T = Record<string, any>>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sidecar.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const remoteQty = (sellerId: string) => sandbox.control.product(barcode, sellerId)?.quantity;
  const ocQty = async () => Number((await rows<{ quantity: number }>(db.knex, `SELECT quantity FROM ${PREFIX}product WHERE product_id = ?`, [productId]))[0]!.quantity);

  before(async () => {
    db = await seedShop(20);
    // duplicateWindowMs 0: a released reservation brings a listing back to a value pushed minutes before,
    // which Trendyol's 15-minute identical-request rule refuses; how the stock push copes with that is
    // the sync engine's concern (see its tests), not this loop's.
    sandbox = await startTrendyolSandbox({
      sellers: [DEFAULT_SELLER, SECOND],
      settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 }, webhookRetryDelayMs: 50, duplicateWindowMs: 0 },
    });
    const config = loadConfig(sidecarEnv(db));
    sidecar = await startSidecar(config, {
      logger: createLogger('silent'),
      modules: [marketplacesModule, createOrdersModule({ pollIntervalMs: 2000, tickMs: 200, sweepIntervalMs: 2000 })],
    });
    const cats = await rows<{ category_id: number }>(db.knex, `SELECT category_id FROM ${PREFIX}category`);
    const makers = await rows<{ manufacturer_id: number; name: string }>(db.knex, `SELECT manufacturer_id, name FROM ${PREFIX}manufacturer`);
    const [colour] = await rows<{ option_id: number }>(db.knex, `SELECT option_id FROM ${PREFIX}option_description WHERE name = 'Renk' LIMIT 1`);
    for (const [i, seller] of [DEFAULT_SELLER, SECOND].entries()) {
      const created = await api<{ account: { id: number } }>('POST', '/api/marketplaces', {
        code: 'trendyol',
        name: `Trendyol ${i + 1}`,
        enabled: true,
        baseUrl: sandbox.baseUrl,
        credentials: { sellerId: seller.sellerId, apiKey: seller.apiKey, apiSecret: seller.apiSecret, webhook: { apiKey: `${HOOK_KEY}-${i + 1}` } },
        flows: { listing: true, stock: true, price: true, ordersIn: true, statusOut: true },
        settings: { sync: { currency: 'TRY', push: { lingerMs: 20 } } },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.account.id;
      accounts.push(id);
      await api('PUT', `/api/marketplaces/${id}/mappings/categories`, cats.map((c) => ({ ocCategoryId: c.category_id, remoteCategoryId: REMOTE_CATEGORY })));
      await api(
        'PUT',
        `/api/marketplaces/${id}/mappings/brands`,
        makers.map((m) => {
          const b = BRANDS.find((x) => x.name.toLowerCase() === m.name.toLowerCase()) ?? BRANDS.find((x) => x.name === 'Generic')!;
          return { manufacturerId: m.manufacturer_id, remoteBrandId: String(b.id), remoteBrandName: b.name };
        }),
      );
      await api('PUT', `/api/marketplaces/${id}/mappings/attributes`, [{ remoteCategoryId: REMOTE_CATEGORY, remoteAttributeId: RENK, sourceType: 'option', sourceRef: String(colour!.option_id) }]);
      const run = await api<{ runId: number }>('POST', `/api/sync/${id}/run`, { kind: 'sync' });
      assert.equal(run.status, 202);
      await waitFor('the listing run', async () => (await api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && (await queueIdle(db.knex, id)), {
        tries: 1200,
        everyMs: 100,
      });
    }
    // The first account's webhook points at the sidecar (through the orders module's receiver).
    await fetch(`${sandbox.baseUrl}/webhook/sellers/${DEFAULT_SELLER.sellerId}/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${DEFAULT_SELLER.apiKey}:${DEFAULT_SELLER.apiSecret}`).toString('base64')}`,
        'user-agent': `${DEFAULT_SELLER.sellerId} - SelfIntegration`,
      },
      body: JSON.stringify({ url: `${sidecar.url}/webhooks/trendyol?account=${accounts[0]}`, authenticationType: 'API_KEY', apiKey: `${HOOK_KEY}-1` }),
    }).then(async (r) => assert.equal(r.status < 300, true, await r.text()));

    // A product without variants, whose stock OpenCart tracks, listed on both accounts with stock to spare.
    const [pick] = await rows<{ barcode: string; product_id: number }>(
      db.knex,
      `SELECT l.barcode, l.product_id FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id
        WHERE l.marketplace_id = ? AND l.variant_key = '' AND l.state = 'active' AND p.subtract = 1 AND p.quantity > 5
          AND NOT EXISTS (SELECT 1 FROM ${PREFIX}product_option_value v WHERE v.product_id = p.product_id)
          AND EXISTS (SELECT 1 FROM meschain_listings o WHERE o.marketplace_id = ? AND o.product_id = l.product_id AND o.state = 'active')
        ORDER BY l.id LIMIT 1`,
      [accounts[0], accounts[1]],
    );
    assert.ok(pick, 'a simple product listed on both accounts');
    barcode = pick.barcode;
    productId = pick.product_id;
    await waitFor('both listings show OpenCart stock', async () => remoteQty(SECOND.sellerId) === (await ocQty()) && remoteQty(DEFAULT_SELLER.sellerId) === (await ocQty()), { tries: 600, everyMs: 100 });
  });
  after(async () => {
    await sidecar?.close();
    await sandbox?.close();
    await db?.drop();
  });

  it('an order on account 1 lowers OpenCart stock and the listing on account 2', async () => {
    const stock = await ocQty();
    const pkg = sandbox.control.createOrder({ sellerId: DEFAULT_SELLER.sellerId, lines: [{ barcode, quantity: 2 }] }) as { orderNumber: string };
    await waitFor('the OpenCart order', async () => (await rows(db.knex, 'SELECT 1 FROM meschain_order_groups WHERE remote_order_id = ? AND oc_order_id IS NOT NULL', [pkg.orderNumber])).length === 1);
    await waitFor('OpenCart stock lowered', async () => (await ocQty()) === stock - 2);
    await waitFor('the other marketplace shows it', async () => remoteQty(SECOND.sellerId) === stock - 2, { tries: 600, everyMs: 100 });
    await waitFor('and the selling marketplace holds the same absolute value', async () => remoteQty(DEFAULT_SELLER.sellerId) === stock - 2, { tries: 600, everyMs: 100 });
  });

  it('an order awaiting payment reserves: the other listing drops at once, OpenCart does not; a cancel gives it back', async () => {
    const stock = await ocQty();
    const pkg = sandbox.control.createOrder({ sellerId: DEFAULT_SELLER.sellerId, status: 'Awaiting', lines: [{ barcode, quantity: 3 }] }) as { id: number; orderNumber: string };
    await waitFor('the reservation pushed to account 2', async () => remoteQty(SECOND.sellerId) === stock - 3, { tries: 600, everyMs: 100 });
    assert.equal(await ocQty(), stock, 'OpenCart quantity untouched');
    sandbox.control.movePackage(pkg.id, 'cancel', undefined, DEFAULT_SELLER.sellerId);
    await waitFor('the units back on account 2', async () => remoteQty(SECOND.sellerId) === stock, { tries: 600, everyMs: 100 });
    assert.equal(await ocQty(), stock);
  });
});
