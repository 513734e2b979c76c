import type { Knex } from 'knex';
import { stockHoldingStatuses, type OcContext } from './context';
import { shopNow } from './clock';
import { encodeOcText } from './text';
import { tablesAreTransactional, ORDER_WRITE_TABLES } from './engine';
import { insertWrite, markDone, readWrite, step, updateWrite, type WriteHooks, type WriteRow } from './order-journal';
import { applyMove, moveInsertRow, MOVES, movesOfWrite, writeLedger, type Db, type PlannedMove } from './stock-moves';
import { rawRows } from './sql';
import { OrderInputError } from './order-input';

/**
 * addOrderHistory as OpenCart's catalog order model does it (NOTES §4), made crash-safe:
 *   old ∉ P, new ∈ P → take stock for every order product (and every option value chosen), honouring
 *   `subtract` on each row; old ∈ P, new ∉ P → give it back; then status + date_modified and one
 *   oc_order_history row. P = config_processing_status ∪ config_complete_status.
 * The plan (direction, moves, time, comment) is journaled first; each stock move is exactly-once
 * (stock-moves.ts); the history row gets an order_history_id reserved in the journal before it is
 * inserted, so the primary key itself refuses a second copy and a recovery can check whether it landed.
 * Not done, because marketplace orders never carry them: fraud-extension status overrides and the
 * confirm/unconfirm of coupon, voucher, reward and affiliate-commission totals.
 */

export type StockDirection = 'take' | 'give' | 'none';

export interface HistoryPlan {
  orderId: number;
  fromStatusId: number;
  toStatusId: number;
  direction: StockDirection;
  /** Entity-encoded, as stored. */
  comment: string;
  notify: 0 | 1;
  /** Shop-local time used for date_modified and date_added. */
  at: string;
}

export class OrderNotFoundError extends Error {
  override name = 'OrderNotFoundError';
}

export function stockDirection(ctx: OcContext, fromStatusId: number, toStatusId: number): StockDirection {
  const p = stockHoldingStatuses(ctx);
  if (!p.has(fromStatusId) && p.has(toStatusId)) return 'take';
  if (p.has(fromStatusId) && !p.has(toStatusId)) return 'give';
  return 'none';
}

interface LineRow {
  order_product_id: number;
  product_id: number;
  quantity: number;
}

/**
 * The stock moves of status changes that take or give back stock: for every order line, the product
 * and then each option value chosen, all by the line's quantity (honouring `subtract` when applied).
 */
export async function orderMoves(ctx: OcContext, orders: ReadonlyArray<{ orderId: number; direction: 'take' | 'give' }>): Promise<Map<number, PlannedMove[]>> {
  const out = new Map<number, PlannedMove[]>();
  if (orders.length === 0) return out;
  const t = ctx.table.bind(ctx);
  const ids = orders.map((o) => o.orderId);
  const list = ids.map(() => '?').join(',');
  const lines = await rawRows<LineRow & { order_id: number }>(
    ctx.knex,
    `SELECT order_id, order_product_id, product_id, quantity FROM \`${t('order_product')}\` WHERE order_id IN (${list}) ORDER BY order_product_id`,
    ids,
  );
  const options = await rawRows<{ order_product_id: number; product_option_value_id: number }>(
    ctx.knex,
    `SELECT order_product_id, product_option_value_id FROM \`${t('order_option')}\` WHERE order_id IN (${list}) AND product_option_value_id > 0 ORDER BY order_option_id`,
    ids,
  );
  for (const { orderId, direction } of orders) {
    const sign = direction === 'take' ? -1 : 1;
    const ref = { reason: direction === 'take' ? 'order' : 'restock', refType: 'oc_order', refId: String(orderId), honourSubtract: true, mode: 'delta' as const };
    const moves: PlannedMove[] = [];
    for (const line of lines.filter((l) => Number(l.order_id) === orderId)) {
      moves.push({ ...ref, target: 'product', targetId: line.product_id, productId: line.product_id, amount: sign * line.quantity, seq: moves.length });
      for (const o of options.filter((x) => x.order_product_id === line.order_product_id)) {
        moves.push({ ...ref, target: 'option_value', targetId: o.product_option_value_id, productId: line.product_id, amount: sign * line.quantity, seq: moves.length });
      }
    }
    out.set(orderId, moves);
  }
  return out;
}

/** Whether the history row at a reserved id is the one this plan wrote (someone else's may have taken the id). */
export function isPlannedHistoryRow(row: { order_id: number; order_status_id: number; comment: string; date_added: string } | undefined, plan: HistoryPlan): boolean {
  return !!row && Number(row.order_id) === plan.orderId && Number(row.order_status_id) === plan.toStatusId && String(row.date_added) === plan.at && row.comment === plan.comment;
}

/** Journals a status change of one order; the caller holds the order's lock. Returns the journal row. */
export async function planHistory(
  ctx: OcContext,
  token: string,
  orderId: number,
  toStatusId: number,
  comment: string,
  notify: boolean,
): Promise<WriteRow> {
  const t = ctx.table.bind(ctx);
  const order = (await ctx.knex(t('order')).first('order_status_id').where('order_id', orderId)) as { order_status_id: number } | undefined;
  if (!order) throw new OrderNotFoundError(`order ${orderId} does not exist in ${t('order')}`);
  if (toStatusId !== 0) {
    const status = await ctx.knex(t('order_status')).first('order_status_id').where('order_status_id', toStatusId);
    if (!status) throw new OrderInputError(`order status ${toStatusId} does not exist in ${t('order_status')}`);
  }
  const direction = stockDirection(ctx, order.order_status_id, toStatusId);
  const plan: HistoryPlan = {
    orderId,
    fromStatusId: order.order_status_id,
    toStatusId,
    direction,
    comment: encodeOcText(comment),
    notify: notify ? 1 : 0,
    at: shopNow(ctx),
  };

  const moves = direction === 'none' ? [] : (await orderMoves(ctx, [{ orderId, direction }])).get(orderId) ?? [];

  // The journal row and its moves appear together or not at all.
  const id = await ctx.knex.transaction(async (trx) => {
    const writeId = await insertWrite(trx, ctx, { token, kind: 'history', orderId, plan });
    if (moves.length) await trx(MOVES).insert(moves.map((m) => moveInsertRow(ctx, m, writeId)));
    return writeId;
  });
  return readWrite(ctx.knex, id);
}

export interface HistoryOutcome {
  orderHistoryId: number;
  plan: HistoryPlan;
}

/** Carries out (or finishes) a journaled status change. Every step is safe to repeat. */
export async function completeHistory(ctx: OcContext, write: WriteRow, hooks?: WriteHooks): Promise<HistoryOutcome> {
  const plan = JSON.parse(write.plan) as HistoryPlan;
  const run = async (db: Db): Promise<HistoryOutcome> => {
    const moves = await movesOfWrite(db, write.id);
    const applyAll = async () => {
      for (const [i, m] of moves.entries()) {
        await applyMove(db, ctx, m.id);
        await step(hooks, `move:${i}`);
        await writeLedger(db, ctx, m.id);
        await step(hooks, `ledger:${i}`);
      }
    };
    if (plan.direction === 'take') await applyAll();
    const current = await readWrite(db, write.id);
    if (!current.status_written) {
      await db(ctx.table('order')).where('order_id', plan.orderId).update({ order_status_id: plan.toStatusId, date_modified: plan.at });
      await step(hooks, 'status');
      await updateWrite(db, write.id, { status_written: 1 });
      await step(hooks, 'status-mark');
    }
    const orderHistoryId = await insertHistoryOnce(db, ctx, write.id, plan, hooks);
    if (plan.direction === 'give') await applyAll();
    await markDone(db, write.id);
    return { orderHistoryId, plan };
  };
  if (await tablesAreTransactional(ctx, ORDER_WRITE_TABLES)) return ctx.knex.transaction((trx: Knex.Transaction) => run(trx));
  return run(ctx.knex);
}

const ER_DUP_ENTRY = 1062;
const MAX_RESERVE_ATTEMPTS = 20;

async function insertHistoryOnce(db: Db, ctx: OcContext, writeId: number, plan: HistoryPlan, hooks?: WriteHooks): Promise<number> {
  const table = ctx.table('order_history');
  const write = await readWrite(db, writeId);
  if (write.history_written && write.history_id !== null) return write.history_id;
  if (write.history_id !== null) {
    const row = (await db(table).first('order_id', 'order_status_id', 'comment', 'date_added').where('order_history_id', write.history_id)) as
      | { order_id: number; order_status_id: number; comment: string; date_added: string }
      | undefined;
    if (isPlannedHistoryRow(row, plan)) {
      await updateWrite(db, writeId, { history_written: 1 });
      return write.history_id;
    }
    // Not inserted before the crash (or someone else's row took the id): reserve again.
  }
  for (let attempt = 0; attempt < MAX_RESERVE_ATTEMPTS; attempt++) {
    // FOR UPDATE: on InnoDB a plain read inside the transaction would keep returning the same snapshot.
    const [max] = await rawRows<{ next: number }>(db, `SELECT COALESCE(MAX(order_history_id), 0) + 1 AS next FROM \`${table}\` FOR UPDATE`);
    const historyId = Number(max?.next ?? 1);
    await updateWrite(db, writeId, { history_id: historyId });
    await step(hooks, 'history-reserved');
    try {
      await db(table).insert({
        order_history_id: historyId,
        order_id: plan.orderId,
        order_status_id: plan.toStatusId,
        notify: plan.notify,
        comment: plan.comment,
        date_added: plan.at,
      });
    } catch (err) {
      if ((err as { errno?: number }).errno === ER_DUP_ENTRY) continue;
      throw err;
    }
    await step(hooks, 'history');
    await updateWrite(db, writeId, { history_written: 1 });
    return historyId;
  }
  throw new Error(`could not reserve an order_history_id for order ${plan.orderId} after ${MAX_RESERVE_ATTEMPTS} attempts`);
}
