import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { enqueueMany } from '../../src/sync/queue/enqueue';
import { JOB } from '../../src/sync/stock-price/deps';
import { pollSpec } from '../../src/sync/stock-price/push';
import { PREFIX, REMOTE_CATEGORY, queueIdle, rows, startWorld, waitFor, type World, plainProducts } from './fixture';

/**
 * How the outbound sync records what it cannot be sure of, through the running sidecar and the Trendyol
 * sandbox: an item failure that came without a reason is a retryable unknown failure (never "listed",
 * never a rejection), and the writes that belong together (an approved held price and its push, a new
 * run and its first page) commit together: when the queue refuses the job, nothing of the step is left.
 */

interface ListingState {
  id: number;
  barcode: string;
  state: string;
  listed_at: string | null;
  rejections: number;
  item_retries: number;
  last_error: string | null;
  held_price: string | null;
  hold_reason: string | null;
  approved_price: string | null;
}

/** The queue refuses jobs of one type while `fn` runs: a real failure of the database write, no mock. */
async function whileQueueRefuses<T>(knex: Knex, type: string, fn: () => Promise<T>): Promise<T> {
  await knex.raw('DROP TRIGGER IF EXISTS test_refuse_jobs');
  await knex.raw(
    `CREATE TRIGGER test_refuse_jobs BEFORE INSERT ON meschain_jobs FOR EACH ROW
       IF NEW.type = ? THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test: the queue refuses this job'; END IF`,
    [type],
  );
  try {
    return await fn();
  } finally {
    await knex.raw('DROP TRIGGER IF EXISTS test_refuse_jobs');
  }
}

describe('settling unknown failures and writes that belong together', function () {
  this.timeout(300_000);
  let world: World;
  let plain: number[];

  const listing = async (productId: number) =>
    (
      await rows<ListingState>(
        world.db.knex,
        'SELECT id, barcode, state, listed_at, rejections, item_retries, last_error, held_price, hold_reason, approved_price FROM meschain_listings WHERE marketplace_id = ? AND product_id = ?',
        [world.accountId, productId],
      )
    )[0];
  const jobsOf = async (dedupeKey: string) =>
    Number((await rows<{ n: number }>(world.db.knex, 'SELECT COUNT(*) AS n FROM meschain_jobs WHERE queue = ? AND dedupe_key = ?', [`marketplace:${world.accountId}`, dedupeKey]))[0]!.n);

  /** A batch as a push leaves it once sent, whose stored early result is `failed` with no errors at all, and the poll job that settles it. */
  const failedWithoutReasons = async (kind: 'listing' | 'stock_price', l: ListingState, item: Record<string, unknown>): Promise<number> => {
    const handle = { handles: [], early: [{ ref: String(l.id), key: l.barcode, status: 'failed', errors: [] }] };
    const [res] = (await world.db.knex.raw("INSERT INTO meschain_push_batches (marketplace_id, kind, state, items, item_count, handle) VALUES (?, ?, 'submitted', ?, 1, ?)", [
      world.accountId,
      kind,
      JSON.stringify([item]),
      JSON.stringify(handle),
    ])) as [{ insertId: number }];
    const batchId = Number(res.insertId);
    await world.db.knex.raw(`UPDATE meschain_listings SET pending_batch_id = ?, pending_at = UTC_TIMESTAMP(3)${kind === 'listing' ? ", state = 'submitted'" : ''} WHERE id = ?`, [batchId, l.id]);
    await enqueueMany(world.db.knex, [pollSpec(world.accountId, kind === 'listing' ? JOB.listingPoll : JOB.stockPricePoll, batchId, 0)]);
    await waitFor('the batch settled', async () => (await rows<{ state: string }>(world.db.knex, 'SELECT state FROM meschain_push_batches WHERE id = ?', [batchId]))[0]!.state === 'done', 60_000);
    return batchId;
  };

  before(async () => {
    world = await startWorld({ products: 20 });
    plain = await plainProducts(world.db.knex, 2);
    const listed = await world.api('POST', `/api/marketplaces/${world.accountId}/listings`, { productIds: [plain[0]] });
    assert.equal(listed.status, 202, JSON.stringify(listed.body));
    await waitFor('the listing on the sandbox', async () => (await listing(plain[0]!))?.state === 'active' && (await queueIdle(world.db.knex, world.accountId)));
    // The flows are off from here on: the follow-ups queued below run as no-ops, so nothing but the step
    // under test changes the rows read.
    const off = await world.api('PUT', `/api/marketplaces/${world.accountId}/flows`, { listing: false, stock: false, price: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
  });
  after(async () => world?.close());

  it('records a listing failure without reasons as a retryable unknown failure, not as listed', async () => {
    const asked = await world.api('POST', `/api/marketplaces/${world.accountId}/listings`, { productIds: [plain[1]] });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    const l = (await listing(plain[1]!))!;
    assert.equal(l.state, 'pending');
    const jobsBefore = await jobsOf(`ls:${l.id}`);
    await failedWithoutReasons('listing', l, { listingId: l.id, mode: 'create', hash: 'h'.repeat(64), groupId: 'g', remoteCategoryId: REMOTE_CATEGORY, quantity: 3, price: '100.00', listPrice: '110.00' });
    const after = (await listing(plain[1]!))!;
    assert.equal(after.state, 'failed', 'not recorded as listed');
    assert.equal(after.listed_at, null);
    assert.equal(after.item_retries, 1, 'counted as a retry');
    assert.equal(after.rejections, 0, 'not as a rejection');
    assert.match(after.last_error ?? '', /failure without a reason/);
    assert.equal(await jobsOf(`ls:${l.id}`), jobsBefore + 1, 'the listing is tried again');
  });

  it('records a stock/price failure without reasons as a retry, not as a rejection', async () => {
    const l = (await listing(plain[0]!))!;
    assert.deepEqual([l.state, l.rejections, l.item_retries], ['active', 0, 0]);
    await failedWithoutReasons('stock_price', l, { listingId: l.id, quantity: 5 });
    const after = (await listing(plain[0]!))!;
    assert.equal(after.state, 'active');
    assert.equal(after.rejections, 0, 'not a rejection (rejections quarantine a listing)');
    assert.equal(after.item_retries, 1);
    assert.match(after.last_error ?? '', /failure without a reason/);
  });

  it('approves a held price only together with the push that sends it', async () => {
    // The retry the previous test queued would absorb the push this one counts.
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    const l = (await listing(plain[0]!))!;
    await world.db.knex.raw("UPDATE meschain_listings SET held_price = '123.4500', hold_reason = 'price change held: test', approved_price = NULL WHERE id = ?", [l.id]);
    const pushesBefore = await jobsOf(`sp:${l.id}`);
    const refused = await whileQueueRefuses(world.db.knex, JOB.stockPricePush, () => world.api('POST', `/api/marketplaces/${world.accountId}/price-holds/release`, { listingIds: [l.id] }));
    assert.equal(refused.status, 500, JSON.stringify(refused.body));
    const kept = (await listing(plain[0]!))!;
    assert.equal(kept.approved_price, null, 'no approval without its push');
    assert.equal(kept.hold_reason, 'price change held: test', 'the hold is still shown');

    const released = await world.api<{ released: number }>('POST', `/api/marketplaces/${world.accountId}/price-holds/release`, { listingIds: [l.id] });
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(released.body.released, 1);
    const after = (await listing(plain[0]!))!;
    assert.equal(after.approved_price, '123.4500');
    assert.equal(after.hold_reason, null);
    assert.equal(await jobsOf(`sp:${l.id}`), pushesBefore + 1, 'the push was queued with the approval');
  });

  it('starts a run only together with its first page, so a failed start blocks no later run', async () => {
    const running = async () => Number((await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_sync_runs WHERE marketplace_id = ? AND state = 'running'", [world.accountId]))[0]!.n);
    assert.equal(await running(), 0);
    const refused = await whileQueueRefuses(world.db.knex, JOB.runPage, () => world.api('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' }));
    assert.equal(refused.status, 500, JSON.stringify(refused.body));
    assert.equal(await running(), 0, 'no run is left running without its page');

    const run = await world.api<{ runId: number; started: boolean }>('POST', `/api/sync/${world.accountId}/run`, { kind: 'sync' });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    assert.equal(run.body.started, true, 'a new run starts at once');
    await waitFor('the run', async () => (await world.api<{ run: { state: string } }>('GET', `/api/sync/runs/${run.body.runId}`)).body.run.state === 'done');
  });
});
