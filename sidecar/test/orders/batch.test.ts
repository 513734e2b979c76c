import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import type { TestDatabase } from '../support/db';
import { addOrderHistory, recoverOrderWrites, type OcContext } from '../../src/db/opencart';
import type { AccountRef } from '../../src/sync/orders/create';
import { importOrder, type ImportOutcome, type OrderEnv } from '../../src/sync/orders/process';
import { importBatch } from '../../src/sync/orders/batch';
import type { MarketplaceOrder } from '../../src/marketplaces/types';
import { CANON, IPHONE, order, orderCount, importFixture, stockOf, type LineSpec } from './support';

/**
 * A poll page of new orders goes in as one batch (sync/orders/batch.ts over the data layer's
 * order-batch.ts). It must leave exactly what the single path leaves, cost far fewer statements, send
 * everything it does not handle to the single path, and survive a crash at any of its steps: the single
 * path (a re-read of the page) and start-up recovery finish the orders, none twice.
 */
describe('orders in: a poll page as one batch', () => {
  const prefix = 'mc_';
  let db: TestDatabase;
  let ctx: OcContext;
  let env: OrderEnv;
  let account: AccountRef;
  const t = (name: string) => `${prefix}${name}`;
  const rows = async <T>(sql: string, bindings: unknown[] = []): Promise<T[]> => ((await db.knex.raw(sql, bindings as Knex.RawBinding[])) as unknown as [T[]])[0];

  before(async () => {
    ({ db, ctx, env, account } = await importFixture(prefix));
    await db.knex(t('product')).whereIn('product_id', [30, 40]).update({ quantity: 5000 });
    await db.knex(t('product_option_value')).whereIn('product_option_value_id', [15, 16]).update({ quantity: 5000, subtract: 1 });
  });
  after(async () => db.drop());

  // Three shapes: a plain product twice, a variant with its option value, two lines in two packages.
  const shapes: Array<(id: string) => MarketplaceOrder> = [
    (id) => order(id, [{ packageId: `${id}-P1`, status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 2, unitPrice: '960.00' }] }], { shipping: '29.99' }),
    (id) => order(id, [{ packageId: `${id}-P1`, status: 'created', lines: [{ lineId: 'L1', barcode: CANON.red.barcode, quantity: 1, unitPrice: '640.00', vatRate: 10 }] }]),
    (id) =>
      order(id, [
        { packageId: `${id}-P1`, status: 'processing', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '955.50' }] },
        { packageId: `${id}-P2`, status: 'created', lines: [{ lineId: 'L2', barcode: CANON.blue.barcode, quantity: 3, unitPrice: '610.00' } satisfies LineSpec] },
      ]),
  ];
  const page = (tag: string, n: number): MarketplaceOrder[] => Array.from({ length: n }, (_, i) => shapes[i % shapes.length]!(`${tag}-${i}`));
  const unitsOf = (orders: MarketplaceOrder[]) => {
    const units = { iphone: 0, canon: 0, red: 0, blue: 0 };
    for (const l of orders.flatMap((o) => o.packages.flatMap((p) => p.lines))) {
      if (l.barcode === IPHONE.barcode) units.iphone += l.quantity;
      else {
        units.canon += l.quantity;
        if (l.barcode === CANON.red.barcode) units.red += l.quantity;
        else units.blue += l.quantity;
      }
    }
    return units;
  };

  /** Everything an imported order is in OpenCart, without ids, tokens and times, keyed by marketplace order number. */
  async function written(remoteIds: string[]): Promise<Map<string, unknown>> {
    const groups = await rows<{ remote_order_id: string; oc_order_id: number; oc_status_id: number; state: string; pending_status_id: number | null }>(
      `SELECT remote_order_id, oc_order_id, oc_status_id, state, pending_status_id FROM meschain_order_groups WHERE marketplace_id = ? AND remote_order_id IN (${remoteIds.map(() => '?').join(',')})`,
      [account.id, ...remoteIds],
    );
    const out = new Map<string, unknown>();
    for (const g of groups) {
      const id = g.oc_order_id;
      const strip = (text: unknown) => String(text).split(g.remote_order_id).join('#');
      const o = (await db.knex(t('order')).first('*').where('order_id', id)) as Record<string, unknown>;
      const { order_id: _i, user_agent: _u, date_added: _a, date_modified: _m, comment, ...rest } = o;
      const products = await rows<Record<string, unknown>>(`SELECT product_id, name, model, quantity, price, total, tax, reward FROM ${t('order_product')} WHERE order_id = ? ORDER BY order_product_id`, [id]);
      const options = await rows<Record<string, unknown>>(`SELECT product_option_id, product_option_value_id, name, value, type FROM ${t('order_option')} WHERE order_id = ? ORDER BY order_option_id`, [id]);
      const totals = await rows<Record<string, unknown>>(`SELECT code, title, value, sort_order FROM ${t('order_total')} WHERE order_id = ? ORDER BY order_total_id`, [id]);
      const history = await rows<Record<string, unknown>>(`SELECT order_status_id, notify, comment FROM ${t('order_history')} WHERE order_id = ? ORDER BY order_history_id`, [id]);
      const lines = await rows<Record<string, unknown>>(
        'SELECT product_id, variant_key, option_values, barcode, quantity_ordered, quantity, unit_price, unit_tax, tax_rate, tax_title FROM meschain_order_lines WHERE oc_order_id = ? ORDER BY product_id, variant_key',
        [id],
      );
      const ledger = await rows<{ product_id: number; product_option_value_id: number; delta: number }>(
        "SELECT product_id, product_option_value_id, delta FROM meschain_inventory_ledger WHERE ref_type = 'oc_order' AND ref_id = ? ORDER BY product_id, product_option_value_id",
        [String(id)],
      );
      const packages = await rows<{ state: string; oc_order_id: number }>('SELECT state, oc_order_id FROM meschain_orders WHERE marketplace_id = ? AND remote_order_id = ? ORDER BY id', [account.id, g.remote_order_id]);
      out.set(g.remote_order_id.replace(/^[a-z]+-/, ''), {
        group: { state: g.state, status: g.oc_status_id, pending: g.pending_status_id },
        order: { ...rest, comment: strip(comment) },
        products,
        options,
        totals,
        history: history.map((h) => ({ ...h, comment: strip(h.comment) })),
        lines,
        ledger,
        packages: packages.map((p) => ({ state: p.state, same: p.oc_order_id === id })),
      });
    }
    return out;
  }

  async function assertSettled(orders: MarketplaceOrder[]): Promise<void> {
    const ids = orders.map((o) => o.orderId);
    const groups = await rows<{ n: number; distinct_orders: number }>(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT oc_order_id) AS distinct_orders FROM meschain_order_groups WHERE marketplace_id = ? AND state = 'imported' AND oc_status_id IS NOT NULL AND pending_status_id IS NULL AND remote_order_id IN (${ids.map(() => '?').join(',')})`,
      [account.id, ...ids],
    );
    assert.deepEqual({ n: Number(groups[0]!.n), distinct: Number(groups[0]!.distinct_orders) }, { n: orders.length, distinct: orders.length }, 'every order imported once, into its own OpenCart order');
    const pending = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM meschain_oc_order_writes WHERE state = 'pending'");
    assert.equal(Number(pending[0]!.n), 0, 'no order write left pending');
    const moves = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM meschain_oc_stock_moves WHERE state = 0 OR (state = 1 AND ledger_id IS NULL)');
    assert.equal(Number(moves[0]!.n), 0, 'every stock move applied (or skipped) and in the ledger');
  }

  it('leaves exactly what the single path leaves, in a fraction of the statements', async () => {
    const single = page('single', 6);
    const batch = page('batch', 6);
    const s0 = await stockOf(db.knex, prefix);
    for (const o of single) assert.equal((await importOrder(env, account, o)).created, true);
    const s1 = await stockOf(db.knex, prefix);
    let statements = 0;
    const count = () => statements++;
    db.knex.on('query', count);
    const result = await importBatch(env, account, batch);
    db.knex.removeListener('query', count);
    assert.equal(result.rest.length, 0, 'all new orders went in as one batch');
    assert.equal(result.outcomes.filter((o) => o.created && o.state === 'imported').length, 6);
    const s2 = await stockOf(db.knex, prefix);

    const a = await written(single.map((o) => o.orderId));
    const b = await written(batch.map((o) => o.orderId));
    assert.equal(a.size, 6);
    for (const [key, value] of a) assert.deepEqual(b.get(key), value, `order ${key}: batch and single path wrote the same`);
    const units = unitsOf(batch);
    assert.deepEqual(s1, { iphone: s0.iphone - units.iphone, canon: s0.canon - units.canon, red: s0.red - units.red, blue: s0.blue - units.blue });
    assert.deepEqual(s2, { iphone: s1.iphone - units.iphone, canon: s1.canon - units.canon, red: s1.red - units.red, blue: s1.blue - units.blue });
    // The ledger's quantity_after chains on each stock row: the last entry shows what the row holds now.
    const [last] = await rows<{ quantity_after: number }>("SELECT quantity_after FROM meschain_inventory_ledger WHERE product_id = 40 AND product_option_value_id = 0 ORDER BY id DESC LIMIT 1");
    assert.equal(Number(last!.quantity_after), s2.iphone);
    assert.ok(statements < 6 * 20, `a batch of 6 orders took ${statements} statements; the single path takes ~80 per order`);
    await assertSettled([...single, ...batch]);
  });

  it('sends everything it does not handle to the single path: known, cancelled, awaiting, unmatched, repeated, malformed', async () => {
    const known = page('known', 1)[0]!;
    await importOrder(env, account, known);
    const fresh = page('fresh', 3);
    const cancelled = order('odd-cancel', [{ packageId: 'X1', status: 'cancelled', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const awaiting = order('odd-await', [{ packageId: 'X2', status: 'awaiting_payment', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const unmatched = order('odd-unknown', [{ packageId: 'X3', status: 'created', lines: [{ lineId: 'L1', barcode: 'NO-SUCH-CODE', quantity: 1, unitPrice: '10.00' }] }]);
    const twiceA = order('odd-twice', [{ packageId: 'X4', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const twiceB = order('odd-twice', [{ packageId: 'X5', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 1, unitPrice: '960.00' }] }]);
    const malformed = order('odd-zero', [{ packageId: 'X6', status: 'created', lines: [{ lineId: 'L1', barcode: IPHONE.barcode, quantity: 0, unitPrice: '960.00' }] }]);
    const before = await orderCount(db.knex, prefix);
    const result = await importBatch(env, account, [known, ...fresh, cancelled, awaiting, unmatched, twiceA, twiceB, malformed]);
    assert.deepEqual(result.outcomes.map((o) => o.remoteOrderId).sort(), fresh.map((o) => o.orderId).sort());
    assert.deepEqual(
      result.rest.map((o) => o.orderId),
      [known, cancelled, awaiting, unmatched, twiceA, twiceB, malformed].map((o) => o.orderId),
    );
    assert.equal(await orderCount(db.knex, prefix), before + 3);
    // The rest is the single path's: the unmatched order is held with its reason, the rest imported or reserved.
    const held = await importOrder(env, account, unmatched);
    assert.equal(held.state, 'held');
    assert.match(held.heldReasons.join(' '), /NO-SUCH-CODE/);
    const leases = await rows<{ n: number }>('SELECT COUNT(*) AS n FROM meschain_order_groups WHERE locked_by IS NOT NULL');
    assert.equal(Number(leases[0]!.n), 0, 'the batch released every lease');
  });

  it('a lease taken over mid-batch leaves one history row per order: the taker applied the status, the batch and its rest add none', async () => {
    const orders = page('takeover', 3);
    const taken = orders[0]!;
    const s0 = await stockOf(db.knex, prefix);
    let took: ImportOutcome | undefined;
    const groupRow = async () => (await rows<Record<string, unknown>>(`SELECT oc_order_id, oc_status_id, pending_status_id, revision, state FROM meschain_order_groups WHERE marketplace_id = ? AND remote_order_id = ?`, [account.id, taken.orderId]))[0];
    let left: Record<string, unknown> | undefined;
    const hooks = {
      afterStep: async (name: string) => {
        if (name !== 'created' || took) return;
        // The batch stalls past its lease between creating the orders and recording them; another worker
        // takes the group over and imports the order all the way (the same creation token, then its status).
        await db.knex('meschain_order_groups').where({ marketplace_id: account.id, remote_order_id: taken.orderId }).update({ locked_until: db.knex.raw('UTC_TIMESTAMP(3) - INTERVAL 1 SECOND') });
        took = await importOrder(env, account, taken);
        left = await groupRow();
      },
    };
    const result = await importBatch(env, account, orders, hooks);
    assert.equal(took?.state, 'imported', 'the other worker took the group over');
    assert.deepEqual(await groupRow(), left, 'the batch, its lease lost, wrote nothing to the group the taker finished');
    assert.deepEqual(result.rest.map((o) => o.orderId), [taken.orderId], 'the batch leaves the taken order to the single path');
    // As the poll does: the rest the single way.
    for (const o of result.rest) assert.equal((await importOrder(env, account, o)).state, 'imported');
    const histories = await rows<{ remote_order_id: string; order_status_id: number }>(
      `SELECT g.remote_order_id, h.order_status_id FROM ${t('order_history')} h JOIN meschain_order_groups g ON g.oc_order_id = h.order_id
        WHERE g.marketplace_id = ? AND g.remote_order_id IN (${orders.map(() => '?').join(',')}) ORDER BY g.remote_order_id, h.order_history_id`,
      [account.id, ...orders.map((o) => o.orderId)],
    );
    assert.deepEqual(
      histories.filter((h) => h.remote_order_id === taken.orderId).map((h) => Number(h.order_status_id)),
      [Number((await rows<{ s: number }>(`SELECT order_status_id AS s FROM ${t('order')} WHERE order_id = ?`, [took!.ocOrderId]))[0]!.s)],
      'exactly one history row for the order taken over',
    );
    assert.equal(histories.length, orders.length, 'one history row per order');
    const units = unitsOf(orders);
    assert.deepEqual(await stockOf(db.knex, prefix), { iphone: s0.iphone - units.iphone, canon: s0.canon - units.canon, red: s0.red - units.red, blue: s0.blue - units.blue }, 'stock taken once');
    await assertSettled(orders);
  });

  it('a lease lost after the statuses went in leaves the group to the taker: the batch does not clear its status', async () => {
    const orders = page('late-takeover', 3);
    const taken = orders[1]!;
    const s0 = await stockOf(db.knex, prefix);
    let took: ImportOutcome | undefined;
    const groupRow = async () => (await rows<Record<string, unknown>>(`SELECT oc_order_id, oc_status_id, pending_status_id, status, revision, state FROM meschain_order_groups WHERE marketplace_id = ? AND remote_order_id = ?`, [account.id, taken.orderId]))[0];
    let left: Record<string, unknown> | undefined;
    const hooks = {
      afterStep: async (name: string) => {
        if (name !== 'statuses' || took) return;
        // The batch stalls past its lease after giving the statuses; another worker takes the group over,
        // replays the status (same token) and does the group's bookkeeping itself.
        await db.knex('meschain_order_groups').where({ marketplace_id: account.id, remote_order_id: taken.orderId }).update({ locked_until: db.knex.raw('UTC_TIMESTAMP(3) - INTERVAL 1 SECOND') });
        took = await importOrder(env, account, taken);
        left = await groupRow();
      },
    };
    const result = await importBatch(env, account, orders, hooks);
    assert.equal(took?.state, 'imported', 'the other worker took the group over');
    assert.notEqual(left?.oc_status_id, null, 'the taker recorded the status it found given');
    assert.deepEqual(await groupRow(), left, 'the batch, its lease lost, wrote nothing to the group the taker finished');
    assert.deepEqual(result.rest.map((o) => o.orderId), [taken.orderId], 'the batch leaves the taken order to the single path');
    for (const o of result.rest) assert.equal((await importOrder(env, account, o)).state, 'imported');
    const units = unitsOf(orders);
    assert.deepEqual(await stockOf(db.knex, prefix), { iphone: s0.iphone - units.iphone, canon: s0.canon - units.canon, red: s0.red - units.red, blue: s0.blue - units.blue }, 'stock taken once');
    await assertSettled(orders);
  });

  it('the status guard skips only a repeat of the same import: a status the store gave in between is given again', async () => {
    const outcome = await importOrder(env, account, page('repeat', 1)[0]!);
    const id = outcome.ocOrderId!;
    const reason = `mco-g${outcome.groupId}-`;
    const statuses = async () => (await rows<{ s: number }>(`SELECT order_status_id AS s FROM ${t('order_history')} WHERE order_id = ? ORDER BY order_history_id`, [id])).map((r) => Number(r.s));
    const first = await statuses();
    assert.equal(first.length, 1);
    const again = await addOrderHistory(ctx, id, first[0]!, { token: `${reason}r90`, skipRepeatOf: reason });
    assert.equal(again.replayed, true);
    assert.deepEqual(await statuses(), first, 'the same status from the same import: no second row');
    await addOrderHistory(ctx, id, 5, { comment: 'by hand' });
    await addOrderHistory(ctx, id, first[0]!, { token: `${reason}r91`, skipRepeatOf: reason });
    assert.deepEqual(await statuses(), [...first, 5, first[0]], 'after the store changed it, the status is given again');
    await assert.rejects(addOrderHistory(ctx, id, 5, { token: 'other-1', skipRepeatOf: reason }), /prefix of the token/);
  });

  const steps = [
    'packages',
    'create:journal',
    'create:orders',
    'create:children',
    'created',
    'lines',
    'status:journal',
    'status:moves',
    'status:ledger',
    'status:status',
    'status:history',
    'statuses',
  ];
  for (const crashAt of steps) {
    it(`a crash at "${crashAt}" is finished by the retry, no order or stock change twice`, async () => {
      const orders = page(`crash${steps.indexOf(crashAt)}`, 5);
      const ordersBefore = await orderCount(db.knex, prefix);
      const s0 = await stockOf(db.knex, prefix);
      let crashed = false;
      const hooks = {
        afterStep: (name: string) => {
          if (name === crashAt && !crashed) {
            crashed = true;
            throw new Error(`simulated crash at ${name}`);
          }
        },
      };
      await assert.rejects(importBatch(env, account, orders, hooks), /simulated crash/);
      assert.ok(crashed, `the batch passed through ${crashAt}`);
      // Start-up recovery, then the page read again: the single path takes each order from where it stopped.
      await recoverOrderWrites(ctx);
      for (const o of orders) {
        const outcome = await importOrder(env, account, o);
        assert.equal(outcome.state, 'imported', `${o.orderId} imported after the crash`);
      }
      assert.equal(await orderCount(db.knex, prefix), ordersBefore + orders.length, 'one OpenCart order per marketplace order');
      const units = unitsOf(orders);
      assert.deepEqual(await stockOf(db.knex, prefix), { iphone: s0.iphone - units.iphone, canon: s0.canon - units.canon, red: s0.red - units.red, blue: s0.blue - units.blue }, 'stock taken once');
      const histories = await rows<{ order_id: number; n: number }>(
        `SELECT h.order_id, COUNT(*) AS n FROM ${t('order_history')} h JOIN meschain_order_groups g ON g.oc_order_id = h.order_id
          WHERE g.marketplace_id = ? AND g.remote_order_id IN (${orders.map(() => '?').join(',')}) GROUP BY h.order_id`,
        [account.id, ...orders.map((o) => o.orderId)],
      );
      assert.deepEqual(histories.map((h) => Number(h.n)), orders.map(() => 1), 'one history row per order');
      await assertSettled(orders);
    });
  }
});
