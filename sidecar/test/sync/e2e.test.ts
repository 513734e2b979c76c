import assert from 'node:assert/strict';
import { loadOcContext, type OcContext } from '../../src/db/opencart';
import { PREFIX, RENK, expectedFor, queueIdle, rows, startWorld, waitFor, type ListingRow, type World } from './fixture';
import { ATTRIBUTES } from '../../src/sandbox/trendyol';
import { reservePackage, settlePackage } from '../../src/sync/reservations';

/**
 * The whole loop against the real MariaDB and the Trendyol sandbox over HTTP: 200 demo products with
 * variants are listed with the right attributes, prices (tax, +10 %, .90 endings) and stock (buffer 2);
 * a plain-SQL stock UPDATE in OpenCart reaches the sandbox through capture → pump → planner → worker.
 */

/** Independent expectation: the storefront price with tax, +10 %, rounded up to x.90. */
function tenPercentUpTo90(withTax: number): number {
  const cents = Math.round(withTax * 1.1 * 100) / 100;
  const whole = Math.floor(cents);
  return whole + 0.9 >= cents - 1e-9 ? whole + 0.9 : whole + 1.9;
}

const RULES = { scope: 'account', price: { source: 'special', includeTax: true, markupPercent: '10', rounding: { step: '1', ending: '0.90', direction: 'up' } }, stock: { buffer: 2 } };

describe('sync end to end: OpenCart → sidecar → Trendyol sandbox', function () {
  this.timeout(300_000);
  let world: World;
  let oc: OcContext;

  before(async () => {
    world = await startWorld({ products: 200, rules: RULES });
    oc = await loadOcContext(world.db.knex, { prefix: PREFIX, language: 'tr-tr' });
  });
  after(async () => world?.close());

  it('lists 200 products with variants: all active on the sandbox with the right attributes, prices and stock', async () => {
    const started = await world.api<{ runId: number; started: boolean }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    assert.equal(started.status, 202);
    await waitFor('the sync run and its jobs', async () => {
      const run = await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${started.body.runId}`);
      return run.body.run.state === 'done' && (await queueIdle(world.db.knex, world.accountId));
    });
    const listings = await rows<ListingRow>(world.db.knex, 'SELECT id, product_id, variant_key, barcode, state, last_error FROM meschain_listings WHERE marketplace_id = ?', [world.accountId]);
    const enabled = await rows<{ n: number }>(world.db.knex, `SELECT COUNT(*) AS n FROM ${PREFIX}product WHERE status = 1`);
    assert.equal(new Set(listings.map((l) => l.product_id)).size, Number(enabled[0]!.n), 'every enabled product is listed');
    assert.ok(listings.length > 400, `variants make more listings than products (${listings.length})`);
    const notActive = listings.filter((l) => l.state !== 'active');
    assert.deepEqual(notActive.slice(0, 5), [], 'every listing is active');

    const expected = await expectedFor(world, oc, listings, { buffer: 2, price: tenPercentUpTo90 });
    const stock = world.sandbox.control.stock();
    const renk = ATTRIBUTES.find((a) => String(a.id) === RENK)!;
    let withColour = 0;
    for (const l of listings) {
      const want = expected.get(l.barcode)!;
      const got = stock[l.barcode];
      assert.ok(got, `listing ${l.id} (${l.barcode}) is on the sandbox`);
      assert.ok(got.approved, `listing ${l.id} approved`);
      assert.equal(got.quantity, want.quantity, `quantity of ${l.barcode}`);
      assert.ok(Math.abs(got.salePrice - want.price) < 0.001, `price of ${l.barcode}: ${got.salePrice} vs ${want.price}`);
      const details = world.sandbox.control.productDetails(l.barcode) as { attributes: Array<{ attributeId: number; attributeValueId?: number }>; productMainId: string };
      const colour = want.product.options.find((o) => o.name === 'Renk');
      if (colour) {
        const chosen = colour.values.find((v) => l.variant_key.split('-').includes(String(v.productOptionValueId)))!;
        const valueId = renk.values.find((v) => v.name === chosen.name)!.id;
        assert.ok(details.attributes.some((a) => a.attributeId === Number(RENK) && a.attributeValueId === valueId), `Renk ${chosen.name} on ${l.barcode}`);
        withColour++;
      }
      assert.equal(details.productMainId, want.product.model, 'variants are grouped by model');
    }
    assert.ok(withColour > 50, `colour variants carry Renk (${withColour})`);
  });

  it('a plain-SQL stock UPDATE in OpenCart reaches the sandbox, and a disabled product is zeroed', async () => {
    const [target] = await rows<{ barcode: string; variant_key: string; product_id: number }>(
      world.db.knex,
      `SELECT l.barcode, l.variant_key, l.product_id FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id
        WHERE l.marketplace_id = ? AND l.variant_key <> '' AND p.subtract = 1 AND l.last_pushed_quantity > 3 ORDER BY l.id LIMIT 1`,
      [world.accountId],
    );
    assert.ok(target, 'a variant listing with stock');
    const povId = Number(target.variant_key.split('-')[0]);
    await world.db.knex.raw(`UPDATE ${PREFIX}product_option_value SET quantity = 4, subtract = 1 WHERE product_option_value_id = ?`, [povId]);
    const [row] = await expectedFor(world, oc, [{ id: 0, product_id: target.product_id, variant_key: target.variant_key, barcode: target.barcode, state: '', last_error: null }], { buffer: 2, price: tenPercentUpTo90 }).then((m) => [...m.values()]);
    assert.ok(row!.quantity <= 2, 'the new stock is small');
    await waitFor('the new stock on the sandbox', async () => world.sandbox.control.product(target.barcode)?.quantity === row!.quantity, 30_000, 50);

    const [other] = await rows<{ product_id: number }>(world.db.knex, "SELECT product_id FROM meschain_listings WHERE marketplace_id = ? AND last_pushed_quantity > 0 AND product_id <> ? LIMIT 1", [
      world.accountId,
      target.product_id,
    ]);
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET status = 0 WHERE product_id = ?`, [other!.product_id]);
    const barcodes = (await rows<{ barcode: string }>(world.db.knex, 'SELECT barcode FROM meschain_listings WHERE product_id = ? AND marketplace_id = ?', [other!.product_id, world.accountId])).map((b) => b.barcode);
    await waitFor('the disabled product zeroed', async () => barcodes.every((b) => world.sandbox.control.product(b)?.quantity === 0), 30_000, 50);
    const [zeroJob] = await rows<{ priority: number }>(world.db.knex, "SELECT MIN(priority) AS priority FROM meschain_jobs WHERE queue = ? AND type = 'sp.push'", [`marketplace:${world.accountId}`]);
    assert.equal(Number(zeroJob!.priority), 10, 'zero-outs go first');
  });
  it('stock reserved for marketplace orders awaiting payment is taken off every listing, and given back on release', async () => {
    const [l] = await rows<{ barcode: string; product_id: number; last_pushed_quantity: number }>(
      world.db.knex,
      `SELECT l.barcode, l.product_id, l.last_pushed_quantity FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id
        WHERE l.marketplace_id = ? AND l.variant_key = '' AND p.subtract = 1 AND p.status = 1 AND l.last_pushed_quantity > 5 ORDER BY l.id LIMIT 1`,
      [world.accountId],
    );
    assert.ok(l, 'a product listing with stock');
    await reservePackage(world.db.knex, { marketplaceId: world.accountId, remoteOrderId: 'R1', remotePackageId: 'P1', targets: [{ productId: l.product_id, productOptionValueId: 0, quantity: 4 }] });
    await waitFor('the reservation on the sandbox', async () => world.sandbox.control.product(l.barcode)?.quantity === l.last_pushed_quantity - 4, 30_000, 50).catch(async (err: Error) => {
      const [now] = await rows(world.db.knex, 'SELECT last_pushed_quantity, desired_quantity, state, last_error, hold_reason FROM meschain_listings WHERE barcode = ?', [l.barcode]);
      throw new Error(`${err.message}: was ${l.last_pushed_quantity}, sandbox ${world.sandbox.control.product(l.barcode)?.quantity}, listing ${JSON.stringify(now)}`);
    });
    await settlePackage(world.db.knex, world.accountId, 'P1', 'released');
    await waitFor('the release on the sandbox', async () => world.sandbox.control.product(l.barcode)?.quantity === l.last_pushed_quantity, 30_000, 50);
  });
});

describe('reconciliation against the sandbox', function () {
  this.timeout(300_000);
  let world: World;

  before(async () => {
    world = await startWorld({ products: 40 });
    const run = await world.api<{ runId: number }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    await waitFor('the first sync', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(world.db.knex, world.accountId));
  });
  after(async () => world?.close());

  it('finds values changed on the marketplace and repairs them, reporting progress', async () => {
    const listings = await rows<{ barcode: string; last_pushed_quantity: number; last_pushed_price: string }>(
      world.db.knex,
      "SELECT barcode, last_pushed_quantity, last_pushed_price FROM meschain_listings WHERE marketplace_id = ? AND state = 'active' ORDER BY id LIMIT 3",
      [world.accountId],
    );
    // Someone edits stock and price in the seller panel.
    for (const l of listings) world.sandbox.control.seedProduct({ ...(world.sandbox.control.productDetails(l.barcode) as object), barcode: l.barcode, quantity: 777, salePrice: 1.5, listPrice: 1.5 });
    assert.equal(world.sandbox.control.product(listings[0]!.barcode)!.quantity, 777);
    const run = await world.api<{ runId: number }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'reconcile' });
    await waitFor('the reconciliation', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(world.db.knex, world.accountId));
    const done = (await world.api<{ run: { total: number; done: number; drift: number } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run;
    const [count] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? AND state = 'active'", [world.accountId]);
    assert.equal(done.total, Number(count!.n), 'every listing was checked');
    assert.equal(done.done, done.total);
    assert.equal(done.drift, 3);
    for (const l of listings) {
      const got = world.sandbox.control.product(l.barcode)!;
      assert.equal(got.quantity, l.last_pushed_quantity, 'stock repaired');
      assert.ok(Math.abs(got.salePrice - Number(l.last_pushed_price)) < 0.001, 'price repaired');
    }
    const status = await world.api<{ accounts: Array<{ lastRun: { runId: number; state: string } }> }>('GET', '/api/sync/status');
    assert.equal(status.body.accounts[0]!.lastRun.runId, run.body.runId);
    const beats = await rows<{ flow: string }>(world.db.knex, 'SELECT flow FROM meschain_heartbeats WHERE marketplace_id = ? ORDER BY flow', [world.accountId]);
    assert.deepEqual(beats.map((b) => b.flow), ['reconciliation', 'stockOut'], 'both flows record that they worked');
  });
});
