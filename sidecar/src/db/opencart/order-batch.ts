import type { Knex } from 'knex';
import type { OcContext } from './context';
import { shopNow } from './clock';
import { encodeOcText } from './text';
import { ORDER_WRITE_TABLES, tablesAreTransactional } from './engine';
import { NamedLockSet, orderLockKey, writeLockKey } from './locks';
import { createOrderSchema, orderHistorySchema, OrderInputError, parseWith, type CreateOrderInput } from './order-input';
import { loadPlanCatalog, planFromCatalog, type CreatePlan } from './order-plan';
import { isPlannedHistoryRow, orderMoves, stockDirection, type HistoryPlan } from './order-history';
import { WRITES, step, type WriteHooks } from './order-journal';
import { MOVES, moveInsertRow, type Db } from './stock-moves';
import { applyMovesInRounds, writeLedgers } from './stock-batch';
import { caseOf, rawRows, rawWrite } from './sql';
import { finishHistoryWrites } from './orders';
import { VERSION as SIDECAR_VERSION } from '../../version';

/**
 * createOrder and addOrderHistory for many orders at once (a marketplace poll page): the same journal
 * rows, the same plans, the same marks, the same end state — written with a handful of multi-row
 * statements instead of dozens per order. It is only a faster way through the same steps, so everything
 * that makes the single writes crash-safe holds unchanged:
 *  - every write is journaled (its own token, its own plan) before an oc_* row is touched, under its
 *    named lock (all held on one connection), so recovery and token replays treat each order exactly as
 *    if it had been written alone;
 *  - each bulk step sets the marks the single path would (oc_order_id, status_written, the move states,
 *    history_id/history_written, done); a crash anywhere leaves pending writes that recoverOrderWrites or
 *    a replay of the token finishes one by one;
 *  - a write the bulk step could not finish (an order_history_id another writer took) is finished by the
 *    single path before the call returns.
 * Orders whose input is invalid or whose token or lock is taken are returned as refused, untouched, for
 * the caller to send the single way (which reports or replays them).
 */

export interface BatchRefusal {
  token: string;
  reason: string;
}

export interface BatchCreated {
  token: string;
  orderId: number;
  /** oc_order_product ids, in the order of the input's products. */
  orderProductIds: number[];
}

export interface BatchCreateResult {
  created: BatchCreated[];
  refused: BatchRefusal[];
}

type Planned = { token: string; plan: CreatePlan; writeId: number; orderId: number };

/** Creates many orders (status 0, as createOrder). Every input must carry its token. */
export async function createOrders(ctx: OcContext, inputs: readonly CreateOrderInput[], options: { hooks?: WriteHooks } = {}): Promise<BatchCreateResult> {
  const refused: BatchRefusal[] = [];
  const parsed = inputs.flatMap((input) => {
    try {
      const data = parseWith(createOrderSchema, 'order', input);
      if (!data.token) throw new OrderInputError('a batch order needs its token');
      return [{ token: data.token, data }];
    } catch (err) {
      refused.push({ token: String(input.token ?? ''), reason: (err as Error).message });
      return [];
    }
  });
  const catalog = await loadPlanCatalog(ctx, parsed.map((p) => p.data));
  const plans = parsed.flatMap(({ token, data }) => {
    try {
      return [{ token, plan: planFromCatalog(ctx, catalog, data, token, SIDECAR_VERSION) }];
    } catch (err) {
      refused.push({ token, reason: (err as Error).message });
      return [];
    }
  });
  if (plans.length === 0) return { created: [], refused };

  const locks = await NamedLockSet.open(ctx.knex);
  try {
    const got = await locks.tryMany(plans.map((p) => writeLockKey(ctx.prefix, p.token)));
    const used = await existingTokens(ctx, plans.map((p) => p.token));
    const go = plans.filter((p) => {
      const why = !got.has(writeLockKey(ctx.prefix, p.token)) ? 'another writer holds this token' : used.has(p.token) ? 'this token is journaled already' : null;
      if (why) refused.push({ token: p.token, reason: why });
      return why === null;
    });
    if (go.length === 0) return { created: [], refused };

    const ids = await journal(ctx, ctx.knex, go.map((p) => ({ token: p.token, kind: 'create' as const, orderId: null, plan: p.plan })));
    await step(options.hooks, 'journal');
    const run = async (db: Db): Promise<BatchCreated[]> => {
      const planned = await insertOrders(ctx, db, go.map((p) => ({ ...p, writeId: ids.get(p.token)!, orderId: 0 })));
      await step(options.hooks, 'orders');
      const productIds = await insertChildren(ctx, db, planned);
      await step(options.hooks, 'children');
      await rawWrite(db, `UPDATE ${WRITES} SET state = 'done', finished_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) WHERE id IN (${planned.map(() => '?').join(',')})`, planned.map((p) => p.writeId));
      return planned.map((p) => ({ token: p.token, orderId: p.orderId, orderProductIds: productIds.get(p.orderId) ?? [] }));
    };
    const created = (await tablesAreTransactional(ctx, ['order', 'order_product', 'order_option', 'order_total'])) ? await ctx.knex.transaction((trx: Knex.Transaction) => run(trx)) : await run(ctx.knex);
    return { created, refused };
  } finally {
    await locks.close();
  }
}

async function existingTokens(ctx: OcContext, tokens: readonly string[]): Promise<Set<string>> {
  if (tokens.length === 0) return new Set();
  const rows = await rawRows<{ token: string }>(ctx.knex, `SELECT token FROM ${WRITES} WHERE oc_prefix = ? AND token IN (${tokens.map(() => '?').join(',')})`, [ctx.prefix, ...tokens]);
  return new Set(rows.map((r) => r.token));
}

/** Inserts journal rows in one statement; returns token → write id. */
async function journal(ctx: OcContext, db: Db, rows: Array<{ token: string; kind: 'create' | 'history'; orderId: number | null; plan: unknown }>): Promise<Map<string, number>> {
  await db(WRITES).insert(rows.map((r) => ({ oc_prefix: ctx.prefix, token: r.token, kind: r.kind, state: 'pending', oc_order_id: r.orderId, plan: JSON.stringify(r.plan) })));
  const found = await rawRows<{ id: number; token: string }>(db, `SELECT id, token FROM ${WRITES} WHERE oc_prefix = ? AND token IN (${rows.map(() => '?').join(',')})`, [
    ctx.prefix,
    ...rows.map((r) => r.token),
  ]);
  return new Map(found.map((r) => [r.token, Number(r.id)]));
}

/**
 * One multi-row INSERT of the oc_order rows, then their ids: a single statement's auto-increment ids are
 * consecutive on MyISAM and on InnoDB's default lock mode, which the user_agent tags confirm; where they
 * are not, the tags find them.
 */
async function insertOrders(ctx: OcContext, db: Db, planned: Planned[]): Promise<Planned[]> {
  const table = ctx.table('order');
  const [first] = (await db(table).insert(planned.map((p) => p.plan.order))) as number[];
  const tagOf = new Map(planned.map((p) => [String(p.plan.order.user_agent), p]));
  let rows = await rawRows<{ order_id: number; user_agent: string }>(db, `SELECT order_id, user_agent FROM \`${table}\` WHERE order_id BETWEEN ? AND ?`, [first, Number(first) + planned.length - 1]);
  if (rows.filter((r) => tagOf.has(r.user_agent)).length !== planned.length) {
    rows = await rawRows(db, `SELECT order_id, user_agent FROM \`${table}\` WHERE user_agent IN (${planned.map(() => '?').join(',')})`, [...tagOf.keys()]);
  }
  for (const r of rows) {
    const p = tagOf.get(r.user_agent);
    if (p) p.orderId = Number(r.order_id);
  }
  const missing = planned.filter((p) => !p.orderId);
  if (missing.length) throw new Error(`batch order insert: ${missing.length} oc_order rows not found after the insert`);
  const [sql, bindings] = caseOf('id', planned.map((p) => [p.writeId, p.orderId]));
  await rawWrite(db, `UPDATE ${WRITES} SET oc_order_id = ${sql}, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${planned.map(() => '?').join(',')})`, [...bindings, ...planned.map((p) => p.writeId)]);
  return planned;
}

/** Products (ids read back in insert order), their options and the totals; returns order id → product ids. */
async function insertChildren(ctx: OcContext, db: Db, planned: Planned[]): Promise<Map<number, number[]>> {
  const t = ctx.table.bind(ctx);
  const productRows = planned.flatMap((p) => p.plan.products.map((x) => ({ order_id: p.orderId, ...x.row })));
  if (productRows.length) await db(t('order_product')).insert(productRows);
  const orderIds = planned.map((p) => p.orderId);
  const written = await rawRows<{ order_product_id: number; order_id: number }>(
    db,
    `SELECT order_product_id, order_id FROM \`${t('order_product')}\` WHERE order_id IN (${orderIds.map(() => '?').join(',')}) ORDER BY order_product_id`,
    orderIds,
  );
  const byOrder = new Map<number, number[]>();
  for (const r of written) byOrder.set(Number(r.order_id), [...(byOrder.get(Number(r.order_id)) ?? []), Number(r.order_product_id)]);
  const optionRows = planned.flatMap((p) => {
    const ids = byOrder.get(p.orderId) ?? [];
    if (ids.length !== p.plan.products.length) throw new Error(`batch order insert: order ${p.orderId} has ${ids.length} product rows, planned ${p.plan.products.length}`);
    return p.plan.products.flatMap((x, i) => x.options.map((o) => ({ order_id: p.orderId, order_product_id: ids[i]!, ...o })));
  });
  if (optionRows.length) await db(t('order_option')).insert(optionRows);
  const totalRows = planned.flatMap((p) => p.plan.totals.map((row) => ({ order_id: p.orderId, ...row })));
  if (totalRows.length) await db(t('order_total')).insert(totalRows);
  return byOrder;
}

export interface BatchStatusChange {
  orderId: number;
  orderStatusId: number;
  comment?: string;
  token: string;
}

export interface BatchStatusResult {
  applied: Array<{ token: string; orderId: number; orderHistoryId: number }>;
  refused: BatchRefusal[];
}

/**
 * Gives many orders a new status (addOrderHistory for each): stock taken or given back as OpenCart's
 * rule says, status and date_modified, one history row each. Each order appears at most once.
 */
export async function addOrderHistories(ctx: OcContext, changes: readonly BatchStatusChange[], options: { hooks?: WriteHooks } = {}): Promise<BatchStatusResult> {
  const refused: BatchRefusal[] = [];
  const valid = changes.flatMap((c) => {
    try {
      const d = parseWith(orderHistorySchema, 'order history', { orderId: c.orderId, orderStatusId: c.orderStatusId, comment: c.comment, token: c.token });
      return [{ ...d, token: c.token }];
    } catch (err) {
      refused.push({ token: c.token, reason: (err as Error).message });
      return [];
    }
  });
  const t = ctx.table.bind(ctx);
  const orderIds = valid.map((c) => c.orderId);
  const duplicate = new Set(orderIds.filter((id, i) => orderIds.indexOf(id) !== i));
  const current = new Map(
    orderIds.length
      ? (await rawRows<{ order_id: number; order_status_id: number }>(ctx.knex, `SELECT order_id, order_status_id FROM \`${t('order')}\` WHERE order_id IN (${orderIds.map(() => '?').join(',')})`, orderIds)).map((r) => [
          Number(r.order_id),
          Number(r.order_status_id),
        ])
      : [],
  );
  const statusIds = [...new Set(valid.map((c) => c.orderStatusId).filter((s) => s !== 0))];
  const known = new Set(
    statusIds.length
      ? (await rawRows<{ id: number }>(ctx.knex, `SELECT DISTINCT order_status_id AS id FROM \`${t('order_status')}\` WHERE order_status_id IN (${statusIds.map(() => '?').join(',')})`, statusIds)).map((r) => Number(r.id))
      : [],
  );
  const candidates = valid.filter((c) => {
    const why = duplicate.has(c.orderId)
      ? `order ${c.orderId} appears twice in one batch`
      : !current.has(c.orderId)
        ? `order ${c.orderId} does not exist in ${t('order')}`
        : c.orderStatusId !== 0 && !known.has(c.orderStatusId)
          ? `order status ${c.orderStatusId} does not exist in ${t('order_status')}`
          : null;
    if (why) refused.push({ token: c.token, reason: why });
    return why === null;
  });
  if (candidates.length === 0) return { applied: [], refused };

  const locks = await NamedLockSet.open(ctx.knex);
  try {
    const got = await locks.tryMany(candidates.map((c) => orderLockKey(ctx.prefix, c.orderId)));
    const used = await existingTokens(ctx, candidates.map((c) => c.token));
    // An order with a pending write of its own must finish that first (the single path does): leave it to that path.
    const pendingOrders = new Set(
      (await rawRows<{ oc_order_id: number }>(ctx.knex, `SELECT oc_order_id FROM ${WRITES} WHERE oc_prefix = ? AND state = 'pending' AND oc_order_id IN (${candidates.map(() => '?').join(',')})`, [
        ctx.prefix,
        ...candidates.map((c) => c.orderId),
      ])).map((r) => Number(r.oc_order_id)),
    );
    const go = candidates.filter((c) => {
      const why = !got.has(orderLockKey(ctx.prefix, c.orderId))
        ? `order ${c.orderId} is locked by another writer`
        : used.has(c.token)
          ? 'this token is journaled already'
          : pendingOrders.has(c.orderId)
            ? `order ${c.orderId} has an unfinished write`
            : null;
      if (why) refused.push({ token: c.token, reason: why });
      return why === null;
    });
    if (go.length === 0) return { applied: [], refused };

    // The status the stock direction is judged from is read again under the locks: another writer may
    // have changed it between the first read (existence checks) and taking them.
    const locked = new Map(
      (await rawRows<{ order_id: number; order_status_id: number }>(ctx.knex, `SELECT order_id, order_status_id FROM \`${t('order')}\` WHERE order_id IN (${go.map(() => '?').join(',')})`, go.map((c) => c.orderId))).map((r) => [
        Number(r.order_id),
        Number(r.order_status_id),
      ]),
    );
    const at = shopNow(ctx);
    const plans = go.map((c): HistoryPlan => {
      const from = locked.get(c.orderId) ?? current.get(c.orderId)!;
      return { orderId: c.orderId, fromStatusId: from, toStatusId: c.orderStatusId, direction: stockDirection(ctx, from, c.orderStatusId), comment: encodeOcText(c.comment), notify: 0, at };
    });
    const moves = await orderMoves(
      ctx,
      plans.flatMap((p) => (p.direction === 'none' ? [] : [{ orderId: p.orderId, direction: p.direction }])),
    );
    // The journal rows and their moves appear together or not at all.
    const ids = await ctx.knex.transaction(async (trx) => {
      const ids = await journal(ctx, trx, go.map((c, i) => ({ token: c.token, kind: 'history' as const, orderId: c.orderId, plan: plans[i] })));
      const rows = go.flatMap((c) => (moves.get(c.orderId) ?? []).map((m) => moveInsertRow(ctx, m, ids.get(c.token)!)));
      if (rows.length) await trx(MOVES).insert(rows);
      return ids;
    });
    await step(options.hooks, 'journal');
    const writeIds = go.map((c) => ids.get(c.token)!);
    const run = async (db: Db): Promise<void> => {
      const moveRows = await rawRows<{ id: number; write_id: number }>(db, `SELECT id, write_id FROM ${MOVES} WHERE write_id IN (${writeIds.map(() => '?').join(',')}) ORDER BY write_id, seq, id`, writeIds);
      const direction = new Map(go.map((c, i) => [ids.get(c.token)!, plans[i]!.direction]));
      // Stock is taken before the status changes and given back after it, as the single path does.
      const take = moveRows.filter((m) => direction.get(Number(m.write_id)) === 'take').map((m) => Number(m.id));
      const give = moveRows.filter((m) => direction.get(Number(m.write_id)) === 'give').map((m) => Number(m.id));
      await applyAndLedger(ctx, db, take, options.hooks);
      await writeStatuses(ctx, db, go.map((c, i) => ({ writeId: ids.get(c.token)!, plan: plans[i]! })));
      await step(options.hooks, 'status');
      await insertHistoryRows(ctx, db, go.map((c, i) => ({ writeId: ids.get(c.token)!, plan: plans[i]! })));
      await step(options.hooks, 'history');
      await applyAndLedger(ctx, db, give, options.hooks);
      await rawWrite(
        db,
        `UPDATE ${WRITES} SET state = 'done', finished_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) WHERE state = 'pending' AND history_written = 1 AND status_written = 1 AND id IN (${writeIds.map(() => '?').join(',')})`,
        writeIds,
      );
    };
    if (await tablesAreTransactional(ctx, ORDER_WRITE_TABLES)) await ctx.knex.transaction((trx: Knex.Transaction) => run(trx));
    else await run(ctx.knex);
    // What the bulk steps left (a history id someone else took) is finished the single way, still under the locks.
    await finishHistoryWrites(ctx, writeIds);
    const written = await rawRows<{ token: string; oc_order_id: number; history_id: number }>(
      ctx.knex,
      `SELECT token, oc_order_id, history_id FROM ${WRITES} WHERE id IN (${writeIds.map(() => '?').join(',')}) AND state = 'done'`,
      writeIds,
    );
    return { applied: written.map((w) => ({ token: w.token, orderId: Number(w.oc_order_id), orderHistoryId: Number(w.history_id) })), refused };
  } finally {
    await locks.close();
  }
}

async function applyAndLedger(ctx: OcContext, db: Db, moveIds: number[], hooks?: WriteHooks): Promise<void> {
  if (moveIds.length === 0) return;
  await applyMovesInRounds(db, ctx, moveIds);
  await step(hooks, 'moves');
  await writeLedgers(db, ctx, moveIds);
  await step(hooks, 'ledger');
}

async function writeStatuses(ctx: OcContext, db: Db, items: Array<{ writeId: number; plan: HistoryPlan }>): Promise<void> {
  const [statusSql, statusBindings] = caseOf('order_id', items.map((i) => [i.plan.orderId, i.plan.toStatusId]));
  await rawWrite(
    db,
    `UPDATE \`${ctx.table('order')}\` SET order_status_id = ${statusSql}, date_modified = ? WHERE order_id IN (${items.map(() => '?').join(',')})`,
    [...statusBindings, items[0]!.plan.at, ...items.map((i) => i.plan.orderId)],
  );
  await rawWrite(db, `UPDATE ${WRITES} SET status_written = 1, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${items.map(() => '?').join(',')})`, items.map((i) => i.writeId));
}

/**
 * One history row per order with ids reserved in a block after the current maximum (as the single path
 * reserves one), inserted with INSERT IGNORE: a row whose id another writer took in the meantime is not
 * ours, keeps history_written = 0 and is finished the single way.
 */
async function insertHistoryRows(ctx: OcContext, db: Db, items: Array<{ writeId: number; plan: HistoryPlan }>): Promise<void> {
  const table = ctx.table('order_history');
  const [max] = await rawRows<{ next: number }>(db, `SELECT COALESCE(MAX(order_history_id), 0) + 1 AS next FROM \`${table}\` FOR UPDATE`);
  const base = Number(max?.next ?? 1);
  const rows = items.map((it, i) => ({ ...it, historyId: base + i }));
  const [idSql, idBindings] = caseOf('id', rows.map((r) => [r.writeId, r.historyId]));
  await rawWrite(db, `UPDATE ${WRITES} SET history_id = ${idSql}, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${rows.map(() => '?').join(',')})`, [...idBindings, ...rows.map((r) => r.writeId)]);
  const values = rows.map(() => '(?, ?, ?, ?, ?, ?)').join(', ');
  await rawWrite(
    db,
    `INSERT IGNORE INTO \`${table}\` (order_history_id, order_id, order_status_id, notify, comment, date_added) VALUES ${values}`,
    rows.flatMap((r) => [r.historyId, r.plan.orderId, r.plan.toStatusId, r.plan.notify, r.plan.comment, r.plan.at]),
  );
  const landed = await rawRows<{ order_history_id: number; order_id: number; order_status_id: number; comment: string; date_added: string }>(
    db,
    `SELECT order_history_id, order_id, order_status_id, comment, date_added FROM \`${table}\` WHERE order_history_id IN (${rows.map(() => '?').join(',')})`,
    rows.map((r) => r.historyId),
  );
  const byId = new Map(landed.map((r) => [Number(r.order_history_id), r]));
  const ours = rows.filter((r) => isPlannedHistoryRow(byId.get(r.historyId), r.plan));
  if (ours.length) await rawWrite(db, `UPDATE ${WRITES} SET history_written = 1, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${ours.map(() => '?').join(',')})`, ours.map((r) => r.writeId));
}
