import assert from 'node:assert/strict';
import { createTestDatabase, serverConnection, type TestDatabase } from '../support/db';
import { loadOcContext, type OcContext } from '../../src/db/opencart/context';
import {
  adjustOptionValueQuantity,
  adjustProductQuantity,
  recoverStockMoves,
  setOptionValueQuantity,
  setProductQuantity,
  StockInputError,
  StockTargetNotFoundError,
} from '../../src/db/opencart/stock';
import { applyMove, moveInsertRow, MOVES } from '../../src/db/opencart/stock-moves';

describe('opencart data layer: stock writes (prefix st_)', () => {
  let db: TestDatabase;
  let ctx: OcContext;
  before(async () => {
    db = await createTestDatabase({ prefix: 'st_' });
    ctx = await loadOcContext(db.knex, { prefix: 'st_' });
  });
  after(async () => db.drop());

  const qty = async (table: string, idColumn: string, id: number) =>
    ((await db.knex(`st_${table}`).first('quantity').where(idColumn, id)) as { quantity: number }).quantity;
  const ledgerOf = async (moveId: number) => db.knex('meschain_inventory_ledger').where('id', (await db.knex(MOVES).first('ledger_id').where('id', moveId)).ledger_id).first();

  it('sets and adjusts a product, each with one ledger row (delta, quantity after, reason, ref)', async () => {
    const set = await setProductQuantity(ctx, 42, 500, { reason: 'reconcile', refType: 'job', refId: '17' });
    assert.deepEqual([set.applied, set.delta, set.quantityAfter, set.replayed], [true, -490, 500, false]);
    assert.equal(await qty('product', 'product_id', 42), 500);
    const adj = await adjustProductQuantity(ctx, 42, -5, { reason: 'reservation', refType: 'trendyol', refId: 'PKG-1' });
    assert.deepEqual([adj.delta, adj.quantityAfter], [-5, 495]);
    assert.equal(await qty('product', 'product_id', 42), 495);
    const l1 = await ledgerOf(set.moveId);
    assert.deepEqual([l1.product_id, l1.product_option_value_id, l1.delta, l1.quantity_after, l1.reason, l1.ref_type, l1.ref_id], [42, 0, -490, 500, 'reconcile', 'job', '17']);
    const l2 = await ledgerOf(adj.moveId);
    assert.deepEqual([l2.delta, l2.quantity_after, l2.reason], [-5, 495, 'reservation']);
    const captured = await db.knex('meschain_change_log').where({ entity: 'product', entity_id: 42, op: 'U' }).count('* as n');
    assert.equal(Number(captured[0]?.n), 2, 'capture triggers saw both');
  });

  it('changes an option value regardless of its subtract flag (that flag is about orders)', async () => {
    // pov 3 = Blue on product 42, subtract 0, quantity 300.
    const adj = await adjustOptionValueQuantity(ctx, 3, 7, { reason: 'adjust' });
    assert.equal(adj.applied, true);
    assert.equal(await qty('product_option_value', 'product_option_value_id', 3), 307);
    const set = await setOptionValueQuantity(ctx, 3, 10, { reason: 'reconcile' });
    assert.deepEqual([set.delta, set.quantityAfter], [-297, 10]);
    const l = await ledgerOf(set.moveId);
    assert.deepEqual([l.product_id, l.product_option_value_id, l.delta], [42, 3, -297]);
  });

  it('an idempotency key makes a retried call a no-op, and refuses reuse for another change', async () => {
    const first = await adjustProductQuantity(ctx, 40, -3, { reason: 'reservation', idempotencyKey: 'tr:PKG-9:40' });
    const again = await adjustProductQuantity(ctx, 40, -3, { reason: 'reservation', idempotencyKey: 'tr:PKG-9:40' });
    assert.equal(again.replayed, true);
    assert.equal(again.moveId, first.moveId);
    assert.equal(await qty('product', 'product_id', 40), 967);
    await assert.rejects(adjustProductQuantity(ctx, 40, -4, { reason: 'reservation', idempotencyKey: 'tr:PKG-9:40' }), /already used for a different stock change/);
  });

  it('names what is wrong', async () => {
    await assert.rejects(adjustProductQuantity(ctx, 9999, 1, { reason: 'adjust' }), (err: Error) => err instanceof StockTargetNotFoundError && /product 9999 does not exist in st_product/.test(err.message));
    await assert.rejects(setOptionValueQuantity(ctx, 9999, 1, { reason: 'adjust' }), /product option value 9999 does not exist in st_product_option_value/);
    await assert.rejects(setProductQuantity(ctx, 42, 1.5, { reason: 'adjust' }), StockInputError);
    await assert.rejects(setProductQuantity(ctx, 42, 1, { reason: '' }), /reason is required/);
  });

  it('keeps the books exact while OpenCart changes the same stock concurrently', async () => {
    const start = await qty('product', 'product_id', 43);
    const ledgerStart = Number((await db.knex('meschain_inventory_ledger').where({ product_id: 43, product_option_value_id: 0 }).sum('delta as s'))[0]?.s ?? 0);
    // "OpenCart": plain checkout-style decrements on another connection, interleaved with our writes.
    const oc = await serverConnection();
    await oc.query(`USE \`${db.name}\``);
    const external = 150;
    const storefront = (async () => {
      for (let i = 0; i < external; i++) await oc.query("UPDATE st_product SET quantity = (quantity - 1) WHERE product_id = 43 AND subtract = '1'");
    })();
    const ours = (async () => {
      for (let i = 0; i < 15; i++) {
        await setProductQuantity(ctx, 43, 1000 + i, { reason: 'reconcile' });
        await adjustProductQuantity(ctx, 43, 2, { reason: 'adjust' });
      }
    })();
    await Promise.all([storefront, ours]);
    await oc.end();
    const end = await qty('product', 'product_id', 43);
    const ledgerEnd = Number((await db.knex('meschain_inventory_ledger').where({ product_id: 43, product_option_value_id: 0 }).sum('delta as s'))[0]?.s ?? 0);
    assert.equal(start + (ledgerEnd - ledgerStart) - external, end, 'every unit accounted for: ledger deltas + external sales = change');
  });

  it('recovery completes the ledger of an applied move and abandons an unapplied one; a keyed retry re-plans it', async () => {
    const plan = (key: string, amount: number) =>
      moveInsertRow(ctx, { target: 'product', targetId: 44, productId: 44, mode: 'delta', amount, honourSubtract: false, reason: 'adjust', refType: '', refId: '', idempotencyKey: key }, null);
    const before = await qty('product', 'product_id', 44);
    // Crashed after the atomic apply, before the ledger row:
    const [applied] = (await db.knex(MOVES).insert(plan('crash-a', -4))) as number[];
    await applyMove(db.knex, ctx, applied as number);
    // Crashed after planning, before applying:
    const [planned] = (await db.knex(MOVES).insert(plan('crash-b', -6))) as number[];
    assert.equal(await qty('product', 'product_id', 44), before - 4);

    const report = await recoverStockMoves(ctx);
    assert.deepEqual(report, { ledgerCompleted: [applied], abandoned: [planned], busy: [] });
    assert.equal(await qty('product', 'product_id', 44), before - 4, 'recovery never applies a change itself');
    assert.equal((await ledgerOf(applied as number)).delta, -4);
    assert.deepEqual(await recoverStockMoves(ctx), { ledgerCompleted: [], abandoned: [], busy: [] });

    const retryA = await adjustProductQuantity(ctx, 44, -4, { reason: 'adjust', idempotencyKey: 'crash-a' });
    assert.equal(retryA.replayed, true);
    const retryB = await adjustProductQuantity(ctx, 44, -6, { reason: 'adjust', idempotencyKey: 'crash-b' });
    assert.deepEqual([retryB.replayed, retryB.moveId, retryB.applied], [false, planned, true]);
    assert.equal(await qty('product', 'product_id', 44), before - 10);
  });
});
