import assert from 'node:assert/strict';
import { stockRuleSchema } from '../../src/sync/rules';
import { PREFIX, queueIdle, rows, startWorld, waitFor, type World, plainProducts } from './fixture';

/**
 * Edges of the owner's rules and of quarantine, through the running sidecar and the Trendyol sandbox:
 * a rule that prices a listing at zero or below sends no price (stock keeps flowing), a listing that was
 * never listed is listed once let out of quarantine, and a rule key that is not a number is refused, as
 * are a stock rule whose minimum is above its maximum and variant bounds that contradict each other.
 */
describe('rule and quarantine edges', function () {
  this.timeout(300_000);
  let world: World;
  let plain: number[];

  const listing = async (productId: number) =>
    (
      await rows<{ id: number; barcode: string; state: string; rejections: number; price_note: string | null; last_error: string | null }>(
        world.db.knex,
        'SELECT id, barcode, state, rejections, price_note, last_error FROM meschain_listings WHERE marketplace_id = ? AND product_id = ?',
        [world.accountId, productId],
      )
    )[0];
  const list = async (productId: number) => {
    const r = await world.api('POST', `/api/marketplaces/${world.accountId}/listings`, { productIds: [productId] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
  };

  before(async () => {
    world = await startWorld({ products: 30, rules: { scope: 'account', safety: { quarantineAfter: 2 } } });
    // Products sold as they are (no options), so each has exactly one listing.
    plain = await plainProducts(world.db.knex, 2);
  });
  after(async () => world?.close());

  it('sends no price, but the stock, when a rule takes the price to zero or below', async () => {
    const productId = plain[0]!;
    await list(productId);
    await waitFor('the listing on the sandbox', async () => (await listing(productId))?.state === 'active' && (await queueIdle(world.db.knex, world.accountId)));
    const l = (await listing(productId))!;
    const priceBefore = world.sandbox.control.product(l.barcode)!.salePrice;
    assert.notEqual(world.sandbox.control.product(l.barcode)!.quantity, 7);

    const rule = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'product', scopeId: productId, price: { markupFixed: '-1000000' } });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = 7 WHERE product_id = ?`, [productId]);
    await waitFor('the stock on the sandbox or a rejection', async () => {
      const now = (await listing(productId))!;
      return world.sandbox.control.product(l.barcode)!.quantity === 7 || now.rejections > 0 || now.state !== 'active';
    });
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    const after = (await listing(productId))!;
    assert.equal(world.sandbox.control.product(l.barcode)!.quantity, 7, `the stock went out (${after.last_error ?? 'no error'})`);
    assert.equal(world.sandbox.control.product(l.barcode)!.salePrice, priceBefore, 'the price on the marketplace is untouched');
    assert.equal(after.state, 'active');
    assert.equal(after.rejections, 0);
    assert.match(after.price_note ?? '', /no price sent: the price rule gives .* not above zero/);
  });

  it('lists a never-listed listing once it is let out of quarantine', async () => {
    const productId = plain[1]!;
    // Trendyol refuses quantities above 20,000: every create of this listing is rejected.
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = 50000 WHERE product_id = ?`, [productId]);
    await list(productId);
    await waitFor('the quarantine', async () => (await listing(productId))?.state === 'quarantined', 60_000);
    const l = (await listing(productId))!;
    assert.equal(world.sandbox.control.product(l.barcode), null, 'not on the marketplace');

    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = 10 WHERE product_id = ?`, [productId]);
    const rel = await world.api<{ released: number }>('POST', `/api/marketplaces/${world.accountId}/listings/release`, { listingIds: [l.id] });
    assert.equal(rel.body.released, 1);
    // The release queues its jobs before it answers, and each follow-up (poll, re-plan) is queued before
    // the job that makes it completes: an idle queue means everything the release started is over.
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    const after = (await listing(productId))!;
    assert.equal(after.state, 'active', `listed (${after.last_error ?? 'no error'})`);
    assert.equal(world.sandbox.control.product(l.barcode)?.quantity, 10);
  });

  it('refuses a rule key that is not a whole number, naming it, and deletes nothing', async () => {
    const put = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'account', stock: { buffer: 1 } });
    assert.equal(put.status, 200);
    for (const key of ['abc', '0x1', '1.5']) {
      const del = await world.api<{ error: { code: string; message: string; messageTr: string } }>('DELETE', `/api/marketplaces/${world.accountId}/rules/account/${key}`);
      assert.equal(del.status, 400, `${key}: ${JSON.stringify(del.body)}`);
      assert.match(del.body.error.message, /scopeId: must be a whole number/);
      assert.ok(del.body.error.messageTr.length > 0);
    }
    const [left] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_sync_rules WHERE marketplace_id = ? AND scope = 'account'", [world.accountId]);
    assert.equal(Number(left!.n), 1, 'the account rule is still there');
    const missing = await world.api('DELETE', `/api/marketplaces/${world.accountId + 1000}/rules/account/0`);
    assert.equal(missing.status, 404);
  });

  it('refuses a stock rule whose minimum is above its maximum where it is saved, naming both fields', async () => {
    const stored = async () => (await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_sync_rules WHERE marketplace_id = ? AND scope = 'category' AND scope_id = 999999", [world.accountId]))[0]!.n;
    const bad = await world.api<{ error: { code: string; message: string; messageTr: string; issues: string[] } }>('PUT', `/api/marketplaces/${world.accountId}/rules`, {
      scope: 'category',
      scopeId: 999999,
      stock: { minQuantity: 5, maxQuantity: 3 },
    });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.error.code, 'invalid_request');
    assert.match(bad.body.error.message, /stock\.minQuantity: 5 must not be above stock\.maxQuantity \(3\)/);
    assert.match(bad.body.error.messageTr, /stock\.minQuantity: 5, stock\.maxQuantity \(3\) değerinden büyük olamaz/);
    assert.deepEqual(bad.body.error.issues, ['stock.minQuantity: 5 must not be above stock.maxQuantity (3)']);
    assert.equal(Number(await stored()), 0, 'nothing saved');
    // Rules already stored are read by the lenient schema: one that is odd must not stop the account's sync.
    assert.equal(stockRuleSchema.safeParse({ minQuantity: 5, maxQuantity: 3 }).success, true);
    const equal = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'category', scopeId: 999999, stock: { minQuantity: 3, maxQuantity: 3 } });
    assert.equal(equal.status, 200, JSON.stringify(equal.body));
    assert.equal((await world.api('DELETE', `/api/marketplaces/${world.accountId}/rules/category/999999`)).status, 200);
  });

  it('refuses a variant patch with the minimum price above the maximum, or a fixed stock without its quantity, naming the field', async () => {
    const [variant] = await rows<{ id: number }>(world.db.knex, 'SELECT v.id FROM meschain_variants v JOIN meschain_listings l ON l.variant_id = v.id WHERE l.marketplace_id = ? AND l.product_id = ?', [
      world.accountId,
      plain[1],
    ]);
    assert.ok(variant, 'the listing has a variant row');
    type Refusal = { error: { code: string; message: string; messageTr: string; issues: string[] } };
    const patch = (body: unknown) => world.api<Refusal>('PATCH', `/api/variants/${variant!.id}`, body);
    const stored = async () =>
      (await rows<{ stock_source: string; fixed_quantity: number | null; min_price: string | null; max_price: string | null }>(world.db.knex, 'SELECT stock_source, fixed_quantity, min_price, max_price FROM meschain_variants WHERE id = ?', [variant!.id]))[0]!;
    const before = await stored();
    assert.equal(before.fixed_quantity, null);

    const both = await patch({ minPrice: '20.00', maxPrice: '10.00' });
    assert.equal(both.status, 400, JSON.stringify(both.body));
    assert.deepEqual(both.body.error.issues, ['minPrice: 20.00 must not be above maxPrice (10.00)']);
    assert.match(both.body.error.messageTr, /minPrice: 20\.00, maxPrice \(10\.00\) değerinden büyük olamaz/);

    // One side in the patch, the other stored: checked together.
    const ceiling = await patch({ maxPrice: '100000' });
    assert.equal(ceiling.status, 200, JSON.stringify(ceiling.body));
    const floor = await patch({ minPrice: '100000.0001' });
    assert.equal(floor.status, 400, JSON.stringify(floor.body));
    assert.deepEqual(floor.body.error.issues, ['minPrice: 100000.0001 must not be above maxPrice (100000.0000)']);
    assert.equal((await patch({ minPrice: '0.01' })).status, 200);
    const lower = await patch({ maxPrice: '0.005' });
    assert.equal(lower.status, 400, JSON.stringify(lower.body));
    assert.deepEqual(lower.body.error.issues, ['maxPrice: 0.005 must not be below minPrice (0.0100)']);
    assert.match(lower.body.error.messageTr, /maxPrice: 0\.005, minPrice \(0\.0100\) değerinden küçük olamaz/);

    for (const body of [{ stockSource: 'fixed' }, { stockSource: 'fixed', fixedQuantity: null }]) {
      const fixed = await patch(body);
      assert.equal(fixed.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(fixed.body)}`);
      assert.deepEqual(fixed.body.error.issues, ['fixedQuantity: is required when stockSource is fixed']);
      assert.match(fixed.body.error.messageTr, /fixedQuantity zorunludur/);
    }
    const after = await stored();
    assert.deepEqual(after, { ...before, min_price: '0.0100', max_price: '100000.0000' }, 'nothing of the refused patches was saved');
    assert.equal((await patch({ minPrice: null, maxPrice: null })).status, 200);
  });
});
