import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { claimJobs, queueDepth } from '../../src/sync/queue';
import { ChangePump, coalesceChanges, createPassThroughPlanner, pumpOnce, type Change, type ChangePlanner, type ProductChange } from '../../src/sync/pump';

/** Runs against a shop with a non-default table prefix, as real shops often have. */
describe('change pump', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let p: string;
  const logCount = async () => Number(((await db.knex('meschain_change_log').count({ n: '*' })) as Array<{ n: number }>)[0]?.n);
  const jobs = (queue: string) =>
    db.knex('meschain_jobs').select('type', 'dedupe_key', db.knex.raw('CAST(payload AS CHAR) AS payload')).where({ queue }).orderBy('id') as Promise<
      Array<{ type: string; dedupe_key: string; payload: string }>
    >;

  before(async () => {
    db = await createTestDatabase({ prefix: 'shop_' });
    p = db.prefix;
    // Product 40 (iPhone) has no options or specials in the demo data; give it one of each, as a shop would.
    await db.knex.raw(
      `INSERT INTO ${p}product_option_value (product_option_value_id, product_option_id, product_id, option_id, option_value_id, quantity, subtract, price, price_prefix, points, points_prefix, weight, weight_prefix)
       VALUES (100, 300, 40, 5, 39, 10, 1, '0.0000', '+', 0, '+', '0.00000000', '+')`,
    );
    await db.knex.raw(`INSERT INTO ${p}product_special (product_id, customer_group_id, priority, price, date_start, date_end) VALUES (40, 1, 1, '95.0000', '0000-00-00', '0000-00-00')`);
  });
  beforeEach(async () => {
    await db.knex('meschain_change_log').delete();
    await db.knex('meschain_jobs').delete();
  });
  after(async () => db.drop());

  /** What OpenCart itself runs: checkout stock decrements and an admin product save's special rewrite. */
  async function opencartChangesToProduct40(): Promise<void> {
    await db.admin.query(`USE \`${db.name}\``);
    await db.admin.query(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = 40 AND subtract = '1'`);
    await db.admin.query(`UPDATE ${p}product_option_value SET quantity = quantity - 1 WHERE product_option_value_id = 100 AND subtract = '1'`);
    await db.admin.query(`DELETE FROM ${p}product_special WHERE product_id = 40`);
    await db.admin.query(
      `INSERT INTO ${p}product_special SET product_id = 40, customer_group_id = 1, priority = 1, price = '90.0000', date_start = '0000-00-00', date_end = '0000-00-00'`,
    );
  }

  it('coalesces a stock UPDATE, an option-value UPDATE and a special DELETE+INSERT into one product change, enqueues, and empties the log', async () => {
    await opencartChangesToProduct40();
    await db.admin.query(`INSERT INTO ${p}order_history (order_id, order_status_id, notify, comment, date_added) VALUES (7, 1, 0, '', NOW())`);
    assert.equal(await logCount(), 5);

    const seen: Change[] = [];
    const passThrough = createPassThroughPlanner({ queue: 'sync' });
    const planner: ChangePlanner = {
      plan: (changes, ctx) => {
        seen.push(...changes);
        return passThrough.plan(changes, ctx);
      },
    };
    const result = await pumpOnce(db.knex, planner);
    assert.deepEqual(result, { rows: 5, changes: 2, jobs: 2, unusable: 0 });
    assert.equal(seen.length, 2);
    const product = seen[0] as ProductChange;
    assert.equal(product.kind, 'product');
    assert.equal(product.productId, 40);
    assert.deepEqual(product.entities, ['option_value', 'product', 'special']);
    assert.deepEqual(product.ops, ['D', 'I', 'U']);
    assert.deepEqual(product.opsByEntity, { product: ['U'], option_value: ['U'], special: ['D', 'I'] });
    assert.deepEqual(product.optionValueIds, [100]);
    assert.equal(product.productDeleted, false);
    assert.equal(product.changeIds.length, 4);
    assert.deepEqual(seen[1], { ...seen[1], kind: 'order', orderId: 7, historyRows: 1 });

    assert.equal(await logCount(), 0, 'the consumed rows are gone');
    const queued = await jobs('sync');
    assert.deepEqual(
      queued.map((j) => [j.type, j.dedupe_key, JSON.parse(j.payload)]),
      [
        ['product.changed', 'product:40', { productId: 40, entities: ['option_value', 'product', 'special'], ops: ['D', 'I', 'U'], optionValueIds: [100], productDeleted: false }],
        ['order.changed', 'order:7', { orderId: 7 }],
      ],
    );
    const claimed = await claimJobs(db.knex, { queue: 'sync', limit: 10, visibilityTimeoutMs: 1000, workerId: 't' });
    assert.equal(claimed.length, 2, 'the jobs are claimable');
  });

  it('a planner that throws leaves every change-log row in place and enqueues nothing', async () => {
    await opencartChangesToProduct40();
    const before = (await db.knex('meschain_change_log').orderBy('id')) as unknown[];
    const failing: ChangePlanner = {
      async plan(_changes, ctx) {
        // Even what it wrote through the pump's transaction is rolled back with it.
        await ctx.trx('meschain_jobs').insert({ queue: 'sync', type: 'half', payload: '{}' });
        throw new Error('marketplace rules not loaded');
      },
    };
    await assert.rejects(pumpOnce(db.knex, failing), /marketplace rules not loaded/);
    assert.deepEqual(await db.knex('meschain_change_log').orderBy('id'), before);
    assert.deepEqual(await jobs('sync'), []);

    // The next healthy batch picks them all up.
    const r = await pumpOnce(db.knex, createPassThroughPlanner({ queue: 'sync' }));
    assert.equal(r.rows, before.length);
    assert.equal(await logCount(), 0);
  });

  it('a later batch of changes to a product still waiting merges into its job', async () => {
    const planner = createPassThroughPlanner({ queue: 'sync' });
    await db.admin.query(`USE \`${db.name}\``);
    await db.admin.query(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = 40 AND subtract = '1'`);
    await pumpOnce(db.knex, planner);
    await db.admin.query(`UPDATE ${p}product SET price = price + 1 WHERE product_id = 40`);
    await pumpOnce(db.knex, planner);
    assert.equal((await jobs('sync')).length, 1);
  });

  it('two pumps running at once while OpenCart keeps writing neither lose nor double a change', async () => {
    await db.knex.raw('CREATE TABLE IF NOT EXISTS test_consumed (change_id BIGINT PRIMARY KEY, pump CHAR(1) NOT NULL) ENGINE=InnoDB');
    // Records consumed rows through the pump's own transaction: a rolled-back batch records nothing.
    const recording = (pump: string): ChangePlanner => ({
      async plan(changes, ctx) {
        const ids = changes.flatMap((c) => c.changeIds);
        await ctx.trx('test_consumed').insert(ids.map((change_id) => ({ change_id, pump })));
        return changes.map((c) => ({ queue: 'many', type: 't', payload: c.kind === 'product' ? c.productId : c.orderId }));
      },
    });
    const a = new ChangePump(db.knex, { planner: recording('a'), pollMs: 5, batchSize: 50 }).start();
    const b = new ChangePump(db.knex, { planner: recording('b'), pollMs: 5, batchSize: 50 }).start();
    const products = [28, 29, 30, 40, 42, 43, 44, 45, 46, 48]; // all with subtract = 1
    const WRITES = 1500;
    let changed = 0;
    const writers = [0, 1, 2].map(async (w) => {
      for (let i = w; i < WRITES; i += 3) {
        const [res] = (await db.knex.raw(`UPDATE ${p}product SET quantity = quantity - 1 WHERE product_id = ? AND subtract = '1'`, [
          products[i % products.length] as number,
        ])) as [{ affectedRows: number }];
        changed += res.affectedRows;
      }
    });
    await Promise.all(writers);
    assert.equal(changed, WRITES, 'every write changed a row (and so was captured)');
    const deadline = Date.now() + 30_000;
    while ((await logCount()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all([a.stop(), b.stop()]);

    assert.equal(await logCount(), 0);
    const [[c]] = (await db.knex.raw('SELECT COUNT(*) AS n, COUNT(DISTINCT change_id) AS d, COUNT(DISTINCT pump) AS pumps FROM test_consumed')) as [[{ n: number; d: number; pumps: number }]];
    assert.equal(Number(c.n), WRITES, 'every captured change was consumed');
    assert.equal(Number(c.d), WRITES, 'none twice');
    assert.equal(Number(c.pumps), 2, 'both pumps took batches');
    assert.equal(a.status().totals.rows + b.status().totals.rows, WRITES);
    assert.equal(a.status().lastError, null);
  });

  it('the pump loop picks up a change within its poll and reports planner errors in its status', async () => {
    let fail = true;
    const planner: ChangePlanner = {
      plan(changes, ctx) {
        if (fail) throw new Error('not yet');
        return createPassThroughPlanner({ queue: 'loop' }).plan(changes, ctx);
      },
    };
    const pump = new ChangePump(db.knex, { planner, pollMs: 10, maxErrorBackoffMs: 20 }).start();
    await db.admin.query(`USE \`${db.name}\``);
    await db.admin.query(`UPDATE ${p}product_option_value SET quantity = quantity + 5 WHERE product_option_value_id = 100`);
    const deadline = Date.now() + 10_000;
    while (pump.status().lastError === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.match(pump.status().lastError ?? '', /not yet/);
    assert.equal(await logCount(), 1);
    fail = false;
    while ((await queueDepth(db.knex, { queue: 'loop' })).ready === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await pump.stop();
    assert.equal((await queueDepth(db.knex, { queue: 'loop' })).ready, 1);
    assert.equal(pump.status().lastError, null);
    assert.equal(pump.status().running, false);
    assert.equal(await logCount(), 0);
  });

  it('coalescing keeps per-product order, notes deletes, and sets aside rows it cannot use', () => {
    const at = '2026-11-25 10:00:00.000000';
    const { changes, unusable } = coalesceChanges([
      { id: 3, entity: 'product', entity_id: 7, product_id: 7, op: 'D', source: 'trigger', changed_at: at },
      { id: 1, entity: 'option_value', entity_id: 55, product_id: 9, op: 'U', source: 'snapshot', changed_at: at },
      { id: 2, entity: 'widget', entity_id: 1, product_id: 1, op: 'U', source: 'trigger', changed_at: at },
      { id: 4, entity: 'order_history', entity_id: 12, product_id: null, op: 'I', source: 'trigger', changed_at: at },
      { id: 5, entity: 'order_history', entity_id: 12, product_id: null, op: 'I', source: 'trigger', changed_at: at },
    ]);
    assert.deepEqual(
      changes.map((c) => (c.kind === 'product' ? ['p', c.productId, c.productDeleted, c.sources] : ['o', c.orderId, c.historyRows])),
      [
        ['p', 9, false, ['snapshot']],
        ['p', 7, true, ['trigger']],
        ['o', 12, 2],
      ],
    );
    assert.deepEqual(unusable.map((r) => r.id), [2]);
  });
});
