import { randomUUID } from 'node:crypto';
import type { OcContext } from './context';
import { LockBusyError, orderLockKey, withNamedLock, writeLockKey } from './locks';
import { createOrderSchema, orderHistorySchema, OrderInputError, parseWith, type CreateOrderInput } from './order-input';
import { resolveCreatePlan } from './order-plan';
import { completeCreate } from './order-create';
import { completeHistory, planHistory, type HistoryPlan, type StockDirection } from './order-history';
import { findWrite, insertWrite, pendingWrites, readWrite, step, updateWrite, WRITES, type WriteHooks, type WriteKind, type WriteRow } from './order-journal';
import { movesOfWrite, MOVE_ABANDONED, MOVE_APPLIED, MOVE_SKIPPED, MOVES, type MoveTarget } from './stock-moves';
import { recoverStockMoves, type StockRecoveryReport } from './stock';
import { ORDER_WRITE_TABLES, tablesAreTransactional } from './engine';
import { rawRows } from './sql';
import { VERSION as SIDECAR_VERSION } from '../../version';

/**
 * Order writes into OpenCart: createOrder (oc_order + products + options + totals, status 0, as the
 * storefront checkout's addOrder) and addOrderHistory (the status change that takes or gives back stock).
 *
 * Why it is built this way. OpenCart's tables are MyISAM: no transactions, so a sidecar that dies between
 * two statements leaves half an order or half a restock, and a naive retry applies stock twice. Instead:
 *  1. Before any oc_* row is touched, the whole write is planned — every row value, the stock moves, the
 *     shop-local timestamp — and journaled in InnoDB (meschain_oc_order_writes / _stock_moves). From then
 *     on the outcome is fixed, and anyone can finish it from the journal alone.
 *  2. Each step is written so that repeating it is harmless: stock moves flip their journal mark in the
 *     same multi-table UPDATE that changes the stock (a statement the server completes even if we die),
 *     the oc_order row carries the write token in user_agent so it is found rather than duplicated, child
 *     rows are rewritten whole, the history row's id is reserved in the journal first.
 *  3. recoverOrderWrites (at start-up, or any time) finishes every pending write whose writer is gone.
 *     "Gone" is told by a server-side named lock the writer holds on its own connection: the server
 *     drops it the moment the process dies, so there is no timeout to guess and a slow writer is never
 *     raced. Recovery always completes (rolls forward): the plan was valid when journaled and every step
 *     is idempotent, so finishing is always possible and leaves what an uninterrupted write would have.
 *  4. A caller-chosen token makes the public calls idempotent too: repeating createOrder or
 *     addOrderHistory with the same token (say, the import's claim id) returns the first outcome, finishing
 *     it if it had been interrupted, so the order import can simply retry after a crash.
 *  5. Where the shop converted the touched tables to InnoDB, the steps after the journal row also run in
 *     one real transaction, so a crash leaves nothing half-written at all; the journal logic is unchanged.
 * Stock is serialised per order by a named lock (two status changes of one order cannot interleave);
 * OpenCart itself does not take that lock, and its own concurrent edits of the same order are outside
 * what any sidecar-side design can prevent.
 */

export interface OrderWriteOptions {
  hooks?: WriteHooks;
}

export interface CreateOrderResult {
  orderId: number;
  token: string;
  /** True when this token's order already existed (or was finished from the journal) and nothing new was written. */
  replayed: boolean;
}

/** How long a call waits for another live writer of the same order/token before giving up. */
const LOCK_WAIT_SECONDS = 30;

export async function createOrder(ctx: OcContext, input: CreateOrderInput, options: OrderWriteOptions = {}): Promise<CreateOrderResult> {
  const data = parseWith(createOrderSchema, 'order', input);
  const token = data.token ?? randomUUID();
  return withNamedLock(ctx.knex, writeLockKey(ctx.prefix, token), LOCK_WAIT_SECONDS, async () => {
    const existing = await findWrite(ctx.knex, ctx, token);
    if (existing) {
      if (existing.kind !== 'create') throw new OrderInputError(`token ${token} was already used for an order status change`);
      const orderId = existing.state === 'done' ? (existing.oc_order_id as number) : await completeCreate(ctx, existing, { recovering: true, hooks: options.hooks });
      return { orderId, token, replayed: true };
    }
    const plan = await resolveCreatePlan(ctx, data, token, SIDECAR_VERSION);
    const writeId = await insertWrite(ctx.knex, ctx, { token, kind: 'create', orderId: null, plan });
    await step(options.hooks, 'journal');
    const orderId = await completeCreate(ctx, await readWrite(ctx.knex, writeId), { recovering: false, hooks: options.hooks });
    return { orderId, token, replayed: false };
  });
}

export interface AddOrderHistoryOptions extends OrderWriteOptions {
  comment?: string;
  notify?: boolean;
  /** Idempotency key (1-64 of A-Z a-z 0-9 _ . : -); random when omitted. */
  token?: string;
  /**
   * A prefix of `token` naming why the caller sets statuses (the order import: `mco-g<group>-`). When the
   * order already has this status from its latest history row, written under a token with this prefix,
   * no second row is added and that earlier write is returned (replayed): two workers that both finish
   * one import (a lease taken over) must not repeat its status. Checked under the order's lock.
   */
  skipRepeatOf?: string;
}

export interface StockMoveOutcome {
  target: MoveTarget;
  targetId: number;
  productId: number;
  delta: number;
  /** False when the row does not subtract (subtract = 0) or no longer exists: OpenCart leaves it alone too. */
  applied: boolean;
}

export interface OrderHistoryResult {
  orderId: number;
  orderHistoryId: number;
  fromStatusId: number;
  toStatusId: number;
  stock: StockDirection;
  moves: StockMoveOutcome[];
  token: string;
  replayed: boolean;
}

export async function addOrderHistory(ctx: OcContext, orderId: number, orderStatusId: number, options: AddOrderHistoryOptions = {}): Promise<OrderHistoryResult> {
  const data = parseWith(orderHistorySchema, 'order history', {
    orderId,
    orderStatusId,
    comment: options.comment,
    notify: options.notify,
    token: options.token,
  });
  const token = data.token ?? randomUUID();
  const repeatOf = options.skipRepeatOf;
  if (repeatOf !== undefined && (repeatOf === '' || !token.startsWith(repeatOf))) throw new OrderInputError(`skipRepeatOf must be a non-empty prefix of the token (${token})`);
  return withNamedLock(ctx.knex, orderLockKey(ctx.prefix, data.orderId), LOCK_WAIT_SECONDS, async () => {
    const existing = await findWrite(ctx.knex, ctx, token);
    if (existing) {
      if (existing.kind !== 'history' || existing.oc_order_id !== data.orderId) {
        throw new OrderInputError(`token ${token} was already used for a different order write`);
      }
      if (existing.state === 'pending') await completeHistory(ctx, existing, options.hooks);
      return historyResult(ctx, await readWrite(ctx.knex, existing.id), true);
    }
    // A crashed earlier write of this order must land first, or the stock direction would be judged
    // from a status the order is about to leave.
    for (const w of await pendingWrites(ctx.knex, ctx, data.orderId)) await finishPending(ctx, w, true);
    const earlier = repeatOf === undefined ? undefined : await repeatedStatus(ctx, data.orderId, data.orderStatusId, repeatOf);
    if (earlier) return historyResult(ctx, earlier, true);
    const write = await planHistory(ctx, token, data.orderId, data.orderStatusId, data.comment, data.notify);
    await step(options.hooks, 'journal');
    await completeHistory(ctx, write, options.hooks);
    return historyResult(ctx, await readWrite(ctx.knex, write.id), false);
  });
}

/**
 * Our latest status write of the order, if it gave the order `statusId` under a token starting with
 * `prefix`, its row is still the order's latest history row and the order still has that status. The
 * caller holds the order's lock, so no writer of ours can add a row in between.
 */
async function repeatedStatus(ctx: OcContext, orderId: number, statusId: number, prefix: string): Promise<WriteRow | undefined> {
  const ours = (await ctx.knex(WRITES).first('*').where({ oc_prefix: ctx.prefix, oc_order_id: orderId, kind: 'history', state: 'done' }).whereNotNull('history_id').orderBy('history_id', 'desc')) as
    | WriteRow
    | undefined;
  if (!ours || !ours.token.startsWith(prefix) || (JSON.parse(ours.plan) as HistoryPlan).toStatusId !== statusId) return undefined;
  const history = ctx.table('order_history');
  // By primary key only (order_history has no index on order_id in OpenCart): the rows since ours.
  const [row] = await rawRows<{ status: number; current: number; later: number }>(
    ctx.knex,
    `SELECT h.order_status_id AS status, o.order_status_id AS current,
       EXISTS (SELECT 1 FROM \`${history}\` n WHERE n.order_history_id > h.order_history_id AND n.order_id = h.order_id) AS later
     FROM \`${history}\` h JOIN \`${ctx.table('order')}\` o ON o.order_id = h.order_id
     WHERE h.order_history_id = ? AND h.order_id = ?`,
    [ours.history_id, orderId],
  );
  return row && Number(row.status) === statusId && Number(row.current) === statusId && Number(row.later) === 0 ? ours : undefined;
}

async function historyResult(ctx: OcContext, write: WriteRow, replayed: boolean): Promise<OrderHistoryResult> {
  const plan = JSON.parse(write.plan) as HistoryPlan;
  const moves = await movesOfWrite(ctx.knex, write.id);
  return {
    orderId: plan.orderId,
    orderHistoryId: write.history_id as number,
    fromStatusId: plan.fromStatusId,
    toStatusId: plan.toStatusId,
    stock: plan.direction,
    moves: moves.map((m) => ({ target: m.target, targetId: m.target_id, productId: m.product_id, delta: m.amount, applied: m.state === MOVE_APPLIED })),
    token: write.token,
    replayed,
  };
}

/** Finishes one pending write. `holdingOrderLock`: the caller already holds that order's lock. */
async function finishPending(ctx: OcContext, w: WriteRow, holdingOrderLock: boolean): Promise<'completed' | 'busy'> {
  const finish = async (): Promise<'completed'> => {
    const fresh = await readWrite(ctx.knex, w.id);
    if (fresh.state !== 'pending') return 'completed';
    await updateWrite(ctx.knex, w.id, { recoveries: fresh.recoveries + 1 });
    if (fresh.kind === 'create') await completeCreate(ctx, fresh, { recovering: true });
    else await completeHistory(ctx, fresh);
    return 'completed';
  };
  if (w.kind === 'history' && holdingOrderLock) return finish();
  const key = w.kind === 'create' ? writeLockKey(ctx.prefix, w.token) : orderLockKey(ctx.prefix, w.oc_order_id as number);
  const outcome = await withNamedLock<'completed' | 'busy'>(ctx.knex, key, 0, finish, () => 'busy');
  if (outcome === 'busy' && holdingOrderLock) throw new LockBusyError(`order ${w.oc_order_id} is still being created by another sidecar process`);
  return outcome;
}

/** Finishes those of the given status-change writes that are still pending; the caller holds their orders' locks. */
export async function finishHistoryWrites(ctx: OcContext, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const pending = (await ctx.knex(WRITES).select('*').whereIn('id', [...ids]).andWhere({ state: 'pending', kind: 'history' })) as WriteRow[];
  for (const w of pending) await finishPending(ctx, w, true);
}

export interface RecoveredWrite {
  token: string;
  kind: WriteKind;
  orderId: number | null;
}

export interface OrderRecoveryReport {
  /** Writes that were interrupted and have now been finished. */
  completed: RecoveredWrite[];
  /** Writes whose writer is still alive (left alone). */
  busy: RecoveredWrite[];
  /** Standalone stock changes (stock.ts) a crash interrupted. */
  stock: StockRecoveryReport;
}

/** Finishes every write a crashed sidecar left. Safe to run at any time, from any number of processes. */
export async function recoverOrderWrites(ctx: OcContext): Promise<OrderRecoveryReport> {
  const report: OrderRecoveryReport = { completed: [], busy: [], stock: { ledgerCompleted: [], abandoned: [], busy: [] } };
  for (const w of await pendingWrites(ctx.knex, ctx)) {
    const outcome = await finishPending(ctx, w, false);
    const fresh = await readWrite(ctx.knex, w.id);
    const entry = { token: w.token, kind: w.kind, orderId: fresh.oc_order_id };
    (outcome === 'busy' ? report.busy : report.completed).push(entry);
  }
  report.stock = await recoverStockMoves(ctx);
  return report;
}

export interface OrderWriteStatus {
  token: string;
  kind: WriteKind;
  state: 'pending' | 'done';
  orderId: number | null;
}

/** What became of a token: undefined when no write with it was ever journaled (nothing was written). */
export async function getOrderWrite(ctx: OcContext, token: string): Promise<OrderWriteStatus | undefined> {
  const w = await findWrite(ctx.knex, ctx, token);
  return w ? { token: w.token, kind: w.kind, state: w.state, orderId: w.oc_order_id } : undefined;
}

/** Whether order writes run in a real transaction on this shop (all touched oc_* tables are InnoDB). */
export function orderTablesAreTransactional(ctx: OcContext): Promise<boolean> {
  return tablesAreTransactional(ctx, ORDER_WRITE_TABLES);
}

/**
 * Deletes finished journal rows (order writes with their moves, and settled standalone stock moves) whose
 * last change is older than `before`. The journal holds customer data from the plans and is only needed
 * while a write is pending or a retry with the same token/key may still come; the ledger is the record.
 */
export async function pruneOrderWrites(ctx: OcContext, before: Date): Promise<{ writes: number; moves: number }> {
  const cutoff = before.toISOString().slice(0, 23).replace('T', ' ');
  const moves = await ctx.knex(MOVES).where({ oc_prefix: ctx.prefix }).whereNull('write_id').whereIn('state', [MOVE_APPLIED, MOVE_SKIPPED, MOVE_ABANDONED]).andWhere('updated_at', '<', cutoff).delete();
  const writes = await ctx.knex(WRITES).where({ oc_prefix: ctx.prefix, state: 'done' }).andWhere('updated_at', '<', cutoff).delete();
  return { writes, moves };
}

export { WRITES as ORDER_WRITES_TABLE };
