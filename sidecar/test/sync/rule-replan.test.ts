import assert from 'node:assert/strict';
import { loadOcContext, type OcContext } from '../../src/db/opencart';
import { PREFIX, expectedFor, queueIdle, rows, startWorld, waitFor, type ListingRow, type World } from './fixture';

/**
 * Saving or deleting a price rule re-plans the listings it reaches, with no product change: the new
 * markup shows on the Trendyol sandbox within the normal sync latency. An account rule reaches every
 * active listing, a category rule the products in the category or below it, a product rule that
 * product's listings (each variant) and nothing else.
 */

const cents = (withTax: number) => Math.round(withTax * 100) / 100;
// Every price moves several times here: the price-change cap would hold most of them.
const SAFETY = { maxPriceChangeShare: 100 };

describe('rule changes re-plan the listings they reach', function () {
  this.timeout(300_000);
  let world: World;
  let oc: OcContext;
  let a: number;
  let b: number;
  let c: number;
  let listings: ListingRow[];

  const listingsOf = (productId: number) => listings.filter((l) => l.product_id === productId);
  /** Waits until every listing of these products shows its OpenCart price × factor on the sandbox. */
  const pricesReach = async (what: string, factors: Map<number, number>) => {
    const wanted = listings.filter((l) => factors.has(l.product_id));
    const expected = new Map<string, number>();
    for (const [productId, f] of factors) {
      const own = wanted.filter((l) => l.product_id === productId);
      for (const [barcode, e] of await expectedFor(world, oc, own, { buffer: 0, price: (withTax) => cents(withTax * f) })) expected.set(barcode, e.price);
    }
    const wrong = () => wanted.filter((l) => world.sandbox.control.product(l.barcode)?.salePrice !== expected.get(l.barcode));
    // Bounded well below the fixture's default: without the re-plan nothing would ever move.
    await waitFor(what, async () => wrong().length === 0 && (await queueIdle(world.db.knex, world.accountId)), 45_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(wrong().map((l) => [l.product_id, l.barcode, world.sandbox.control.product(l.barcode)?.salePrice, expected.get(l.barcode)]))}`);
    });
  };
  const replanned = async (scope: string, scopeId: number) =>
    (
      await rows<{ payload: string | { listingIds: number[] } }>(world.db.knex, "SELECT payload FROM meschain_jobs WHERE queue = ? AND type = 'sp.replan' AND dedupe_key LIKE ?", [
        `marketplace:${world.accountId}`,
        `rule:${scope}:${scopeId}:%`,
      ])
    ).flatMap((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as { listingIds: number[] }) : r.payload).listingIds);
  const ancestors = async (productId: number) =>
    rows<{ path_id: number; direct: number }>(
      world.db.knex,
      `SELECT DISTINCT cp.path_id, cp.path_id IN (SELECT category_id FROM ${PREFIX}product_to_category WHERE product_id = ?) AS direct
         FROM ${PREFIX}product_to_category p2c JOIN ${PREFIX}category_path cp ON cp.category_id = p2c.category_id WHERE p2c.product_id = ? ORDER BY cp.path_id`,
      [productId, productId],
    );

  before(async () => {
    world = await startWorld({ products: 40, rules: { scope: 'account', safety: SAFETY } });
    oc = await loadOcContext(world.db.knex, { prefix: PREFIX, language: 'tr-tr' });
    const sellable = `p.status = 1 AND p.date_available <= CURDATE()`;
    const plain = (
      await rows<{ product_id: number }>(
        world.db.knex,
        `SELECT p.product_id FROM ${PREFIX}product p WHERE ${sellable} AND NOT EXISTS (SELECT 1 FROM ${PREFIX}product_option_value v WHERE v.product_id = p.product_id) ORDER BY p.product_id`,
      )
    ).map((r) => Number(r.product_id));
    // Two plain products in different departments, so a category rule of the first cannot reach the second.
    a = plain[0]!;
    const aTops = new Set((await ancestors(a)).map((x) => Number(x.path_id)));
    for (const p of plain.slice(1)) {
      if (!(await ancestors(p)).some((x) => aTops.has(Number(x.path_id)))) {
        b = p;
        break;
      }
    }
    assert.ok(b, 'a second plain product in another department');
    const [withOptions] = await rows<{ product_id: number }>(
      world.db.knex,
      `SELECT p.product_id FROM ${PREFIX}product p JOIN ${PREFIX}product_option_value v ON v.product_id = p.product_id WHERE ${sellable}
        GROUP BY p.product_id HAVING COUNT(*) BETWEEN 2 AND 6 ORDER BY p.product_id LIMIT 1`,
    );
    c = Number(withOptions!.product_id);
    const listed = await world.api('POST', `/api/marketplaces/${world.accountId}/listings`, { productIds: [a, b, c] });
    assert.equal(listed.status, 202, JSON.stringify(listed.body));
    const load = () =>
      rows<ListingRow>(world.db.knex, 'SELECT id, product_id, variant_key, barcode, state, last_error FROM meschain_listings WHERE marketplace_id = ? ORDER BY id', [world.accountId]);
    await waitFor('the listings on the sandbox', async () => {
      const now = await load();
      return now.length > 3 && now.every((l) => l.state === 'active') && (await queueIdle(world.db.knex, world.accountId));
    });
    listings = await load();
    assert.ok(listingsOf(c).length >= 2, 'the product with options has several listings');
    await pricesReach('the plain prices', new Map([[a, 1], [b, 1], [c, 1]]));
  });
  after(async () => world?.close());

  it('an account rule moves every listing’s price on the sandbox, with no product change', async () => {
    const put = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'account', price: { markupPercent: '20' }, safety: SAFETY });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await pricesReach('+20 % on every listing', new Map([[a, 1.2], [b, 1.2], [c, 1.2]]));
    assert.deepEqual((await replanned('account', 0)).sort((x, y) => x - y), listings.map((l) => l.id), 'every active listing of the account, once');
  });

  it('a product rule moves only that product’s listings, every variant', async () => {
    const put = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'product', scopeId: c, price: { markupPercent: '50' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await pricesReach('+50 % on the product', new Map([[a, 1.2], [b, 1.2], [c, 1.5]]));
    assert.deepEqual((await replanned('product', c)).sort((x, y) => x - y), listingsOf(c).map((l) => l.id));
  });

  it('a category rule reaches the products in and below the category, and deleting it re-plans them back', async () => {
    // A strict ancestor of one of the product's categories, with the product's own link to it removed (the
    // demo links products to their department's top too): the rule reaches the product only through the tree.
    const [parent] = await rows<{ path_id: number }>(
      world.db.knex,
      `SELECT cp.path_id FROM ${PREFIX}product_to_category p2c JOIN ${PREFIX}category_path cp ON cp.category_id = p2c.category_id AND cp.path_id <> cp.category_id
        WHERE p2c.product_id = ? ORDER BY cp.level LIMIT 1`,
      [a],
    );
    assert.ok(parent, 'the product sits in a subcategory');
    const category = Number(parent.path_id);
    await world.db.knex.raw(`DELETE FROM ${PREFIX}product_to_category WHERE product_id = ? AND category_id = ?`, [a, category]);
    assert.ok((await ancestors(a)).some((x) => Number(x.path_id) === category && Number(x.direct) === 0));
    const put = await world.api('PUT', `/api/marketplaces/${world.accountId}/rules`, { scope: 'category', scopeId: category, price: { markupPercent: '30' } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await pricesReach('+30 % in the category', new Map([[a, 1.3], [b, 1.2]]));
    const reached = await replanned('category', category);
    assert.ok(listingsOf(a).every((l) => reached.includes(l.id)), 'the product in the category');
    assert.ok(!listingsOf(b).some((l) => reached.includes(l.id)), 'not a product of another department');

    const del = await world.api<{ deleted: boolean }>('DELETE', `/api/marketplaces/${world.accountId}/rules/category/${category}`);
    assert.equal(del.body.deleted, true);
    await pricesReach('back to the account rule', new Map([[a, 1.2], [b, 1.2], [c, 1.5]]));
  });
});
