import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { loadOcContext, type OcContext } from '../../src/db/opencart/context';
import { addOrderHistory, createOrder, getOrderWrite, orderTablesAreTransactional, recoverOrderWrites } from '../../src/db/opencart/orders';
import { orderLockKey, withNamedLock } from '../../src/db/opencart/locks';
import { until } from '../support/wait';
import { guestOrder, ORDER_TAKES, orderRows, stockSnapshot, withChanges, withoutIds, type StockSnapshot } from './fixtures';

class SimulatedCrash extends Error {}

const crashAfter = (target: string) => ({
  afterStep: (name: string) => {
    if (name === target) throw new SimulatedCrash(`crash after ${name}`);
  },
});

const recorder = (into: string[]) => ({ afterStep: (name: string) => void into.push(name) });

const GIVES = {
  products: Object.fromEntries(Object.entries(ORDER_TAKES.products).map(([k, v]) => [k, -v])),
  optionValues: Object.fromEntries(Object.entries(ORDER_TAKES.optionValues).map(([k, v]) => [k, -v])),
};

/**
 * Crash the sidecar after every step of every order write, then let recoverOrderWrites finish: the
 * result must be exactly what an uninterrupted write leaves — same rows, stock changed once, one ledger
 * row per applied move, one history row.
 */
function crashMatrix(title: string, prefix: string, convertToInnoDb: boolean): void {
  describe(title, () => {
    let db: TestDatabase;
    let ctx: OcContext;
    const steps: Record<'create' | 'take' | 'give', string[]> = { create: [], take: [], give: [] };
    let reference: ReturnType<typeof withoutIds>;

    before(async () => {
      db = await createTestDatabase({ prefix });
      if (convertToInnoDb) {
        for (const t of ['order', 'order_product', 'order_option', 'order_total', 'order_history', 'product', 'product_option_value']) {
          await db.knex.raw(`ALTER TABLE \`${prefix}${t}\` ENGINE=InnoDB`);
        }
      }
      ctx = await loadOcContext(db.knex, { prefix, now: () => new Date('2026-03-10T22:30:05Z') });
      assert.equal(await orderTablesAreTransactional(ctx), convertToInnoDb);
      // An uninterrupted run: the reference outcome, and the names of every step.
      const { orderId } = await createOrder(ctx, guestOrder(), { hooks: recorder(steps.create) });
      await addOrderHistory(ctx, orderId, 1, { hooks: recorder(steps.take), comment: 'in' });
      await addOrderHistory(ctx, orderId, 7, { hooks: recorder(steps.give), comment: 'out' });
      reference = withoutIds(await orderRows(db.knex, prefix, orderId));
      assert.ok(steps.take.includes('move:5') && steps.take.includes('history-reserved'), steps.take.join());
    });
    after(async () => db.drop());

    const ledgerFor = async (orderId: number) =>
      (await db.knex('meschain_inventory_ledger').where({ ref_type: 'oc_order', ref_id: String(orderId) }).orderBy('id')).map(
        (l: Record<string, unknown>) => `${l.reason}:${l.product_id}/${l.product_option_value_id}:${l.delta}`,
      );
    const expectedLedger = (reasons: string[]) =>
      reasons.flatMap((r) => {
        const sign = r === 'order' ? -1 : 1;
        return [`${r}:42/0:${2 * sign}`, `${r}:42/5:${2 * sign}`, `${r}:42/8:${2 * sign}`, `${r}:40/0:${1 * sign}`];
      });

    const recoverExpecting = async (token: string) => {
      const report = await recoverOrderWrites(ctx);
      assert.deepEqual(report.busy, []);
      assert.deepEqual(report.completed.map((c) => c.token), [token]);
      assert.equal((await getOrderWrite(ctx, token))?.state, 'done');
      assert.deepEqual((await recoverOrderWrites(ctx)).completed, [], 'nothing left to do');
    };

    it('create: a crash after any step leaves an order recovery completes, with no duplicate', async function () {
      for (const step of steps.create) {
        const before: StockSnapshot = await stockSnapshot(db.knex, prefix);
        const ordersBefore = Number((await db.knex(`${prefix}order`).count('* as n'))[0]?.n);
        const token = `create-${step}`;
        await assert.rejects(createOrder(ctx, guestOrder({ token }), { hooks: crashAfter(step) }), SimulatedCrash);
        if (convertToInnoDb) assert.equal(Number((await db.knex(`${prefix}order`).count('* as n'))[0]?.n), ordersBefore, `rolled back after ${step}`);
        await recoverExpecting(token);
        const orderId = (await getOrderWrite(ctx, token))?.orderId as number;
        const rows = withoutIds(await orderRows(db.knex, prefix, orderId));
        assert.deepEqual({ ...rows, history: [] }, { ...reference, order: reference.order.map((o) => ({ ...o, order_status_id: 0, date_modified: o.date_added })), history: [] }, `after ${step}`);
        assert.equal(Number((await db.knex(`${prefix}order`).count('* as n'))[0]?.n), ordersBefore + 1, `exactly one order after ${step}`);
        assert.deepEqual(await stockSnapshot(db.knex, prefix), before);
      }
    });

    it('status change into processing: a crash after any step never takes stock twice', async function () {
      for (const step of steps.take) {
        const { orderId } = await createOrder(ctx, guestOrder());
        const before = await stockSnapshot(db.knex, prefix);
        const token = `take-${step}`;
        await assert.rejects(addOrderHistory(ctx, orderId, 1, { hooks: crashAfter(step), token, comment: 'in' }), SimulatedCrash);
        if (convertToInnoDb) assert.deepEqual(await stockSnapshot(db.knex, prefix), before, `rolled back after ${step}`);
        await recoverExpecting(token);
        assert.deepEqual(await stockSnapshot(db.knex, prefix), withChanges(before, ORDER_TAKES.products, ORDER_TAKES.optionValues), `stock after ${step}`);
        assert.deepEqual(await ledgerFor(orderId), expectedLedger(['order']), `ledger after ${step}`);
        const rows = withoutIds(await orderRows(db.knex, prefix, orderId));
        assert.deepEqual(rows.history, reference.history.slice(0, 1), `one history row after ${step}`);
        assert.equal(rows.order[0]?.order_status_id, 1);
        // The caller's retry with the same token after the crash changes nothing more.
        assert.equal((await addOrderHistory(ctx, orderId, 1, { token, comment: 'in' })).replayed, true);
        assert.deepEqual(await stockSnapshot(db.knex, prefix), withChanges(before, ORDER_TAKES.products, ORDER_TAKES.optionValues));
      }
    });

    it('cancel: a crash after any step restocks exactly once', async function () {
      for (const step of steps.give) {
        const { orderId } = await createOrder(ctx, guestOrder());
        await addOrderHistory(ctx, orderId, 1, { comment: 'in' });
        const before = await stockSnapshot(db.knex, prefix);
        const token = `give-${step}`;
        await assert.rejects(addOrderHistory(ctx, orderId, 7, { hooks: crashAfter(step), token, comment: 'out' }), SimulatedCrash);
        await recoverExpecting(token);
        assert.deepEqual(await stockSnapshot(db.knex, prefix), withChanges(before, GIVES.products, GIVES.optionValues), `stock after ${step}`);
        assert.deepEqual(await ledgerFor(orderId), expectedLedger(['order', 'restock']), `ledger after ${step}`);
        assert.deepEqual(withoutIds(await orderRows(db.knex, prefix, orderId)), reference, `rows after ${step}`);
      }
    });

    it('the next status change of a crashed order finishes the crashed one first', async () => {
      const { orderId } = await createOrder(ctx, guestOrder());
      const before = await stockSnapshot(db.knex, prefix);
      await assert.rejects(addOrderHistory(ctx, orderId, 1, { hooks: crashAfter('move:1'), comment: 'in' }), SimulatedCrash);
      // No recovery run: the cancel itself must first land the half-done take, then give it all back.
      const cancel = await addOrderHistory(ctx, orderId, 7, { comment: 'out' });
      assert.equal(cancel.fromStatusId, 1);
      assert.equal(cancel.stock, 'give');
      assert.deepEqual(await stockSnapshot(db.knex, prefix), before);
      assert.deepEqual(withoutIds(await orderRows(db.knex, prefix, orderId)), reference);
    });
  });
}

describe('opencart data layer: crash recovery of order writes', () => {
  crashMatrix('MyISAM tables (as OpenCart creates them), prefix mc7_', 'mc7_', false);
  crashMatrix('tables converted to InnoDB: a real transaction as well', 'oc_', true);

  describe('a real crash of a separate process (SIGKILL)', () => {
    let db: TestDatabase;
    let ctx: OcContext;
    before(async () => {
      db = await createTestDatabase();
      ctx = await loadOcContext(db.knex, { prefix: 'oc_', now: () => new Date('2026-03-10T22:30:05Z') });
    });
    after(async () => db.drop());

    const runChild = (...args: string[]) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['-r', 'tsx/cjs', path.join(__dirname, 'crash-child.ts'), db.url, 'oc_', ...args], {
          cwd: path.resolve(__dirname, '../../..'),
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
      });
    // The killed process's named locks go when the server notices its connection is gone, which on a
    // loaded machine can be after the child's exit: until then recovery rightly reports the write busy
    // (a live writer) and leaves it, and start-up recovery would simply meet it on its next pass.
    const recoverOnceFree = () =>
      until("the killed process's locks to be released", async () => {
        const report = await recoverOrderWrites(ctx);
        return report.busy.length === 0 && report.stock.busy.length === 0 ? report : undefined;
      }, 30_000, 100);

    it('killed right after inserting oc_order: recovery finds the tagged row instead of inserting another', async () => {
      const before = Number((await db.knex('oc_order').count('* as n'))[0]?.n);
      const child = await runChild('create', 'order');
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      const report = await recoverOnceFree();
      assert.deepEqual(report.completed.map((c) => c.token), ['child-order']);
      assert.equal(Number((await db.knex('oc_order').count('* as n'))[0]?.n), before + 1);
      const orderId = report.completed[0]?.orderId as number;
      const rows = await orderRows(db.knex, 'oc_', orderId);
      assert.deepEqual([rows.products.length, rows.options.length, rows.totals.length], [3, 5, 5]);
    });

    it('killed in the middle of taking stock: recovery applies the rest, nothing twice', async () => {
      const { orderId } = await createOrder(ctx, guestOrder());
      const before = await stockSnapshot(db.knex, 'oc_');
      const child = await runChild('history', 'move:2', String(orderId), '2');
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      const partial = await stockSnapshot(db.knex, 'oc_');
      assert.deepEqual(partial, withChanges(before, { 42: -2 }, { 5: -2, 8: -2 }), 'the first three moves had landed');
      const report = await recoverOnceFree();
      assert.equal(report.completed.length, 1);
      assert.deepEqual(await stockSnapshot(db.knex, 'oc_'), withChanges(before, ORDER_TAKES.products, ORDER_TAKES.optionValues));
      const rows = await orderRows(db.knex, 'oc_', orderId);
      assert.deepEqual(rows.history.map((h) => h.order_status_id), [2]);
    });

    it("recovery leaves a live writer's work alone (its lock is held)", async () => {
      const { orderId } = await createOrder(ctx, guestOrder());
      await assert.rejects(addOrderHistory(ctx, orderId, 1, { hooks: crashAfter('move:0'), token: 'slow-writer' }), SimulatedCrash);
      // Stand in for a live writer still holding the order's lock on its own connection.
      const whileHeld = await withNamedLock(ctx.knex, orderLockKey('oc_', orderId), 5, () => recoverOrderWrites(ctx));
      assert.deepEqual(whileHeld.busy.map((b) => b.token), ['slow-writer']);
      assert.equal((await getOrderWrite(ctx, 'slow-writer'))?.state, 'pending');
      const after = await recoverOrderWrites(ctx);
      assert.deepEqual(after.completed.map((b) => b.token), ['slow-writer']);
    });
  });
});
