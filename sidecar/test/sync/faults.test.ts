import assert from 'node:assert/strict';
import { loadOcContext, type OcContext } from '../../src/db/opencart';
import { PREFIX, expectedFor, queueIdle, rows, startWorld, waitFor, type ListingRow, type World } from './fixture';

/**
 * With 20 % of the sandbox's answers faulty (429, 500, 503, timeouts, partial batch failures, some after
 * the change was applied), every stock and price still converges, no job is lost or dead, no listing is
 * quarantined for transient failures, and the number of requests stays bounded (no hot loop).
 */

const cents = (withTax: number) => Math.round(withTax * 100) / 100;

describe('sync under injected faults', function () {
  this.timeout(600_000);
  let world: World;
  let oc: OcContext;
  let listings: ListingRow[];

  before(async () => {
    // Trendyol refuses an identical stock/price request for 15 minutes; a retry of a request whose item
    // failed transiently can only land after that window. The sandbox's window is shortened to keep the
    // test short; the engine's handling (read back, retry with backoff, full state) is the same.
    world = await startWorld({ products: 60, rules: { scope: 'account', safety: { maxPriceChangeShare: 100 } }, sandbox: { duplicateWindowMs: 20_000 } });
    oc = await loadOcContext(world.db.knex, { prefix: PREFIX, language: 'tr-tr' });
    const run = await world.api<{ runId: number }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    await waitFor('the first sync', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(world.db.knex, world.accountId));
    listings = await rows<ListingRow>(world.db.knex, "SELECT id, product_id, variant_key, barcode, state, last_error FROM meschain_listings WHERE marketplace_id = ? AND state = 'active'", [world.accountId]);
    assert.ok(listings.length > 100, `listed ${listings.length}`);
  });
  after(async () => world?.close());

  it('converges on every stock and price value with 20% faults, without a hot loop', async () => {
    world.sandbox.control.setFaults({ errorRate: 0.2, errorStatuses: [429, 500, 503], timeoutRate: 0.03, timeoutHoldMs: 500, partialBatchFailureRate: 0.2, phase: 'mixed', seed: 7 });
    world.sandbox.control.resetRequests();
    // Stock changes on every option value and product, and new prices on a third of the products, by plain SQL.
    await world.db.knex.raw(`UPDATE ${PREFIX}product_option_value SET quantity = MOD(product_option_value_id * 7, 23) + 1`);
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 5, price = IF(MOD(product_id, 3) = 0, price + 10, price)`);
    const expected = await expectedFor(world, oc, listings, { buffer: 0, price: cents });
    const wrong = () => {
      const stock = world.sandbox.control.stock();
      return listings.filter((l) => {
        const got = stock[l.barcode];
        const want = expected.get(l.barcode)!;
        return !got || got.quantity !== want.quantity || Math.abs(got.salePrice - want.price) > 0.001;
      });
    };
    await waitFor('every value on the sandbox', async () => wrong().length === 0, 240_000, 500).catch(async (err: Error) => {
      const w = wrong().slice(0, 3);
      const state = await rows(world.db.knex, `SELECT id, state, last_pushed_quantity, last_pushed_price, pending_batch_id, pending_at, item_retries, rejections, last_error, hold_reason FROM meschain_listings WHERE barcode IN (${w.map(() => '?').join(',') || "''"})`, w.map((l) => l.barcode));
      const jobs = await rows(world.db.knex, 'SELECT type, state, COUNT(*) AS n, MAX(attempts) AS a, MIN(run_at) AS r, LEFT(MAX(last_error), 300) AS e FROM meschain_jobs GROUP BY type, state');
      const batches = await rows(world.db.knex, "SELECT id, kind, state, polls, LEFT(error, 200) AS e FROM meschain_push_batches WHERE state NOT IN ('done') ORDER BY id DESC LIMIT 5");
      const health = await world.api('GET', '/health');
      throw new Error(`${err.message}: ${wrong().length} wrong; ${JSON.stringify(w.map((l) => [l.barcode, world.sandbox.control.stock()[l.barcode], expected.get(l.barcode)!.quantity, expected.get(l.barcode)!.price]))}; listings ${JSON.stringify(state)}; jobs ${JSON.stringify(jobs)}; batches ${JSON.stringify(batches)}; health ${JSON.stringify(health.body).slice(0, 800)}`);
    });
    world.sandbox.control.setFaults({ errorRate: 0, timeoutRate: 0, partialBatchFailureRate: 0 });
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 120_000);

    const counts = world.sandbox.control.requests();
    // A push of every listing takes a handful of batches; retries with backoff add a few dozen calls, a hot loop thousands.
    assert.ok(counts.total < 600, `requests during the faulty phase: ${counts.total} ${JSON.stringify(counts.byRoute)}`);
    const [dead] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_jobs WHERE state = 'dead'");
    assert.equal(Number(dead!.n), 0, 'no job died');
    const [quarantined] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_listings WHERE state = 'quarantined'");
    assert.equal(Number(quarantined!.n), 0, 'transient failures never quarantine');
    const [retried] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_jobs WHERE attempts > 1 OR run_at > created_at + INTERVAL 1 SECOND");
    assert.ok(Number(retried!.n) > 0, 'faults did make the engine retry');
    // Last-pushed values are what the marketplace holds (recorded only once confirmed).
    const pushed = await rows<{ barcode: string; last_pushed_quantity: number }>(world.db.knex, 'SELECT barcode, last_pushed_quantity FROM meschain_listings WHERE marketplace_id = ?', [world.accountId]);
    const stock = world.sandbox.control.stock();
    for (const p of pushed) assert.equal(p.last_pushed_quantity, stock[p.barcode]!.quantity, `last pushed of ${p.barcode}`);
  });
});
