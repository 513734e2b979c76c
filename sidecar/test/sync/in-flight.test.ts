import assert from 'node:assert/strict';
import { enqueueMany } from '../../src/sync/queue/enqueue';
import { createLogger } from '../../src/util/logger';
import { PREFIX, queueIdle, rows, startWorld, waitFor, type World } from './fixture';

/**
 * A stock/price push job carries the values the pump planned, and a change that reaches a listing while
 * a push of it is out is marked on the listing and re-planned once that push settles. These tests hold
 * batches "in progress" on the sandbox to make the in-flight window wide.
 */

interface Target {
  id: number;
  barcode: string;
  product_id: number;
  last_pushed_quantity: number;
}

describe('stock/price values that change while a push is in flight', function () {
  this.timeout(300_000);
  let world: World;
  let target: Target;
  let sibling: Target;
  const warnings: Array<{ msg: string; problem?: string; listingId?: number }> = [];

  before(async () => {
    const logger = createLogger('warn', { write: (line: string) => void warnings.push(JSON.parse(line) as (typeof warnings)[number]) });
    world = await startWorld({ products: 20, rules: { scope: 'account', safety: { maxPriceChangeShare: 100 } }, logger });
    const run = await world.api<{ runId: number }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    await waitFor('the first sync', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done' && queueIdle(world.db.knex, world.accountId));
    const plain = await rows<Target>(
      world.db.knex,
      `SELECT l.id, l.barcode, l.product_id, l.last_pushed_quantity FROM meschain_listings l JOIN ${PREFIX}product p ON p.product_id = l.product_id
        WHERE l.marketplace_id = ? AND l.state = 'active' AND l.variant_key = '' AND p.subtract = 1 AND p.status = 1 AND l.last_pushed_quantity > 0 ORDER BY l.id LIMIT 2`,
      [world.accountId],
    );
    assert.equal(plain.length, 2, 'two variant-free listings with stock');
    [target, sibling] = plain as [Target, Target];
  });
  after(async () => world?.close());

  const pending = async (id: number) => (await rows<{ pending_batch_id: number | null; replan_wanted: number }>(world.db.knex, 'SELECT pending_batch_id, replan_wanted FROM meschain_listings WHERE id = ?', [id]))[0]!;

  it('sends the newer value after the batch settles, re-planning only the listing that changed', async () => {
    const onSandbox = (barcode: string) => world.sandbox.control.product(barcode)!.quantity;
    const first = target.last_pushed_quantity + 5;
    // Results of the first batch stay "in progress" for a while: the listing is in flight meanwhile.
    world.sandbox.control.updateSettings({ batchDelayMs: 2500 });
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = ? WHERE product_id = ?`, [first, target.product_id]);
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = quantity + 1 WHERE product_id = ?`, [sibling.product_id]);
    await waitFor('both listings in flight', async () => (await pending(target.id)).pending_batch_id !== null && (await pending(sibling.id)).pending_batch_id !== null, 30_000, 20);
    const batchId = (await pending(target.id)).pending_batch_id;

    world.sandbox.control.updateSettings({ batchDelayMs: 20 });
    const second = first - 2;
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = ? WHERE product_id = ?`, [second, target.product_id]);
    await waitFor('the change marked on the in-flight listing', async () => {
      const p = await pending(target.id);
      return p.replan_wanted === 1 || (p.pending_batch_id !== null && p.pending_batch_id !== batchId) || onSandbox(target.barcode) === second;
    }, 30_000, 20);

    await waitFor('the newer value on the sandbox', async () => onSandbox(target.barcode) === second, 60_000, 50);
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 60_000);
    assert.equal(onSandbox(sibling.barcode), sibling.last_pushed_quantity + 1, 'the sibling got its value once');
    const p = await pending(target.id);
    assert.equal(p.replan_wanted, 0, 'the mark is cleared once re-planned');
    assert.equal(p.pending_batch_id, null);

    const replans = await rows<{ payload: string }>(world.db.knex, "SELECT CAST(payload AS CHAR) AS payload FROM meschain_jobs WHERE type = 'sp.replan' AND dedupe_key = ?", [`replan:${batchId}`]);
    assert.equal(replans.length, 1, 'settling the batch queued one re-plan');
    assert.deepEqual((JSON.parse(replans[0]!.payload) as { listingIds: number[] }).listingIds, [target.id], 'only the listing that changed in flight is re-planned');
    const [last] = await rows<{ last_pushed_quantity: number }>(world.db.knex, 'SELECT last_pushed_quantity FROM meschain_listings WHERE id = ?', [target.id]);
    assert.equal(last!.last_pushed_quantity, second);
  });

  it('sends values computed afresh when a captured change was not planned yet, never the carried ones', async () => {
    const before = world.sandbox.control.product(target.barcode)!.quantity;
    const want = before + 4;
    await world.db.knex.raw(`UPDATE ${PREFIX}product SET quantity = ? WHERE product_id = ?`, [want, target.product_id]);
    // A push job carrying an outdated plan (as if planned just before the change above) and a change row
    // the pump has not read yet: the push must notice and compute the value itself.
    await world.db.knex.raw("INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source) VALUES ('product', ?, ?, 'U', 'trigger')", [target.product_id, target.product_id]);
    await enqueueMany(world.db.knex, [
      {
        queue: `marketplace:${world.accountId}`,
        type: 'sp.push',
        dedupeKey: `sp:${target.id}`,
        payload: { listingId: target.id, planAt: 1, q: before + 1000, p: null, lp: null, n: null, g: 'outdated' },
        priority: 10,
      },
    ]);
    await waitFor('the fresh value on the sandbox', async () => world.sandbox.control.product(target.barcode)!.quantity === want, 60_000, 50);
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 60_000);
    assert.equal(world.sandbox.control.product(target.barcode)!.quantity, want, 'the carried (outdated) value never went out');
  });

  it('recomputes carried values read before the listing’s last push was prepared (an older plan that lost the race)', async () => {
    const before = world.sandbox.control.product(target.barcode)!.quantity;
    const [listing] = await rows<{ desired_us: string }>(world.db.knex, 'SELECT CAST(UNIX_TIMESTAMP(desired_at) * 1000000 AS UNSIGNED) AS desired_us FROM meschain_listings WHERE id = ?', [target.id]);
    assert.ok(Number(listing!.desired_us) > 0, 'the listing has been pushed before');
    // The rules/rates generation of a plan the pump made earlier: everything but the read time is current.
    const [done] = await rows<{ g: string }>(
      world.db.knex,
      "SELECT JSON_VALUE(payload, '$.g') AS g FROM meschain_jobs WHERE queue = ? AND type = 'sp.push' AND JSON_VALUE(payload, '$.g') IS NOT NULL ORDER BY id DESC LIMIT 1",
      [`marketplace:${world.accountId}`],
    );
    assert.ok(done?.g, 'a planned push job to take the generation from');
    await enqueueMany(world.db.knex, [
      {
        queue: `marketplace:${world.accountId}`,
        type: 'sp.push',
        dedupeKey: `sp:${target.id}`,
        // Read a second before the last push was prepared, with a value nobody wants any more.
        payload: { listingId: target.id, planAt: Number(listing!.desired_us) - 1_000_000, q: before + 1000, p: null, lp: null, n: null, g: done!.g },
        priority: 10,
      },
    ]);
    const [job] = await rows<{ id: number }>(world.db.knex, 'SELECT id FROM meschain_jobs WHERE queue = ? AND dedupe_key = ? ORDER BY id DESC LIMIT 1', [`marketplace:${world.accountId}`, `sp:${target.id}`]);
    await waitFor('the push job to run', async () => (await rows<{ state: string }>(world.db.knex, 'SELECT state FROM meschain_jobs WHERE id = ?', [job!.id]))[0]?.state === 'done', 60_000, 50);
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 60_000);
    assert.equal(world.sandbox.control.product(target.barcode)!.quantity, before, 'the stale carried value never went out');
  });

  it('drops carried values that fail the check and pushes values computed afresh, warning what was wrong', async () => {
    const before = world.sandbox.control.product(target.barcode)!.quantity;
    // A sale on the marketplace that the sidecar has learnt of: only a push computed from OpenCart's rows
    // brings the count back. That request went out earlier in this file, so the repeat guard stays out of it.
    const repeatWindowMs = world.sandbox.control.updateSettings({}).duplicateWindowMs;
    world.sandbox.control.updateSettings({ duplicateWindowMs: 0 });
    world.sandbox.control.createOrder({ lines: [{ barcode: target.barcode, quantity: 1 }] });
    assert.equal(world.sandbox.control.product(target.barcode)!.quantity, before - 1);
    await world.db.knex.raw('UPDATE meschain_listings SET last_pushed_quantity = ? WHERE id = ?', [before - 1, target.id]);
    const [listing] = await rows<{ desired_us: string }>(world.db.knex, 'SELECT CAST(UNIX_TIMESTAMP(desired_at) * 1000000 AS UNSIGNED) AS desired_us FROM meschain_listings WHERE id = ?', [target.id]);
    const [done] = await rows<{ g: string }>(
      world.db.knex,
      "SELECT JSON_VALUE(payload, '$.g') AS g FROM meschain_jobs WHERE queue = ? AND type = 'sp.push' AND JSON_VALUE(payload, '$.g') IS NOT NULL ORDER BY id DESC LIMIT 1",
      [`marketplace:${world.accountId}`],
    );
    warnings.length = 0;
    // A current plan in every respect but its price, which is not a plain decimal: the quantity it carries
    // must not go out either, since the whole plan is suspect.
    await enqueueMany(world.db.knex, [
      {
        queue: `marketplace:${world.accountId}`,
        type: 'sp.push',
        dedupeKey: `sp:${target.id}`,
        payload: { listingId: target.id, planAt: Number(listing!.desired_us) + 60_000_000, q: before + 1000, p: '12,50', lp: null, n: null, g: done!.g },
        priority: 10,
      },
    ]);
    const [job] = await rows<{ id: number }>(world.db.knex, 'SELECT id FROM meschain_jobs WHERE queue = ? AND dedupe_key = ? ORDER BY id DESC LIMIT 1', [`marketplace:${world.accountId}`, `sp:${target.id}`]);
    await waitFor('the push job to finish', async () => ['done', 'dead'].includes((await rows<{ state: string }>(world.db.knex, 'SELECT state FROM meschain_jobs WHERE id = ?', [job!.id]))[0]!.state), 60_000, 50);
    const [settled] = await rows<{ state: string; last_error: string | null }>(world.db.knex, 'SELECT state, last_error FROM meschain_jobs WHERE id = ?', [job!.id]);
    assert.equal(settled!.state, 'done', `the job ran instead of going dead (${settled!.last_error ?? 'no error'})`);
    await waitFor('the recomputed value on the sandbox', async () => world.sandbox.control.product(target.barcode)!.quantity === before, 60_000, 50);
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 60_000);
    world.sandbox.control.updateSettings({ duplicateWindowMs: repeatWindowMs });
    assert.equal(world.sandbox.control.product(target.barcode)!.quantity, before, 'the carried quantity never went out');
    const [last] = await rows<{ last_pushed_quantity: number }>(world.db.knex, 'SELECT last_pushed_quantity FROM meschain_listings WHERE id = ?', [target.id]);
    assert.equal(last!.last_pushed_quantity, before);
    const said = warnings.filter((w) => w.listingId === target.id && /fail the check/.test(w.msg));
    assert.equal(said.length, 1, 'one warning for the job');
    assert.match(said[0]!.problem ?? '', /^p: not a plain decimal amount/);
    assert.doesNotMatch(JSON.stringify(said[0]), /12,50/, 'the warning names the field, not its value');
  });

  it('re-plans a listing when its variant is edited through the API (fixed quantity), through the change log', async () => {
    const [variant] = await rows<{ id: number }>(world.db.knex, "SELECT v.id FROM meschain_variants v JOIN meschain_listings l ON l.variant_id = v.id WHERE l.id = ?", [target.id]);
    assert.ok(variant, 'the listing has a variant row');
    const fixed = world.sandbox.control.product(target.barcode)!.quantity + 17;
    const res = await world.api('PATCH', `/api/variants/${variant!.id}`, { stockSource: 'fixed', fixedQuantity: fixed });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await waitFor('the fixed quantity on the sandbox', async () => world.sandbox.control.product(target.barcode)!.quantity === fixed, 60_000, 50);
    const missing = await world.api('PATCH', '/api/variants/999999999', { fixedQuantity: 1 });
    assert.equal(missing.status, 404);
    await world.api('PATCH', `/api/variants/${variant!.id}`, { stockSource: 'computed', fixedQuantity: null });
    await waitFor('the queue to settle', () => queueIdle(world.db.knex, world.accountId), 60_000);
  });

  it('keeps the newest plan when two plans of one listing meet in the queue, and a plain job over any', async () => {
    const queue = `marketplace:${world.accountId}-merge-test`;
    const spec = (payload: Record<string, unknown>) => ({ queue, type: 'sp.push', dedupeKey: 'sp:1', payload: { listingId: 1, ...payload }, priority: 40, runAt: new Date(Date.now() + 3_600_000) });
    const payload = async () => JSON.parse((await rows<{ p: string }>(world.db.knex, 'SELECT CAST(payload AS CHAR) AS p FROM meschain_jobs WHERE queue = ?', [queue]))[0]!.p) as Record<string, unknown>;
    await enqueueMany(world.db.knex, [spec({ planAt: 2_000_000, q: 2 })]);
    await enqueueMany(world.db.knex, [spec({ planAt: 1_000_000, q: 1 })]);
    assert.equal((await payload()).q, 2, 'an older plan committed later does not replace a newer one');
    await enqueueMany(world.db.knex, [spec({ planAt: 3_000_000, q: 3 })]);
    assert.equal((await payload()).q, 3, 'a newer plan replaces an older one');
    await enqueueMany(world.db.knex, [spec({})]);
    assert.equal((await payload()).planAt, undefined, 'a plain job (compute when run) replaces a plan');
    await enqueueMany(world.db.knex, [spec({ planAt: 4_000_000, q: 4 })]);
    assert.equal((await payload()).planAt, undefined, 'and is not replaced by one');
    await world.db.knex.raw('DELETE FROM meschain_jobs WHERE queue = ?', [queue]);
  });
});
