import type { Knex } from 'knex';
import type { OcContext } from './context';
import { rawRows, rawWrite } from './sql';

/**
 * The exactly-once stock primitive shared by order writes and standalone adjustments.
 *
 * A move is planned as a row in meschain_oc_stock_moves (InnoDB) before OpenCart's MyISAM row is touched.
 * It is applied by ONE multi-table UPDATE that changes the stock row and flips the move's state from
 * planned to applied. The server finishes a statement even if the client dies, and a single statement
 * under autocommit commits its InnoDB part when it ends, so either both happen or neither — a crashed
 * sidecar can never leave a stock change without its mark, and re-running the statement matches nothing
 * once the mark is set. Hence "no stock change is ever applied twice".
 *
 * Absolute sets cannot use that trick alone (the old value is needed for the ledger's delta and MariaDB
 * does not promise the order of assignments across tables), so they are a compare-and-set: remember the
 * quantity read, and only apply while it is still that value.
 *
 * The ledger row is written afterwards in an InnoDB transaction together with the move's ledger_id, so
 * it is also exactly-once, and recovery writes the ones a crash left out.
 */

export const MOVES = 'meschain_oc_stock_moves';
export const LEDGER = 'meschain_inventory_ledger';

export const MOVE_PLANNED = 0;
export const MOVE_APPLIED = 1;
export const MOVE_SKIPPED = 2;
export const MOVE_ABANDONED = 3;

export type MoveTarget = 'product' | 'option_value';
export type Db = Knex | Knex.Transaction;

export interface PlannedMove {
  target: MoveTarget;
  targetId: number;
  productId: number;
  mode: 'delta' | 'set';
  amount: number;
  /** Order moves only change rows whose subtract flag is on (NOTES §4). */
  honourSubtract: boolean;
  reason: string;
  refType: string;
  refId: string;
  seq?: number;
  idempotencyKey?: string | null;
}

export interface MoveRow {
  id: number;
  oc_prefix: string;
  write_id: number | null;
  seq: number;
  idempotency_key: string | null;
  target: MoveTarget;
  target_id: number;
  product_id: number;
  mode: 'delta' | 'set';
  amount: number;
  expected_before: number | null;
  honour_subtract: number;
  state: number;
  delta_applied: number | null;
  quantity_after: number | null;
  ledger_id: number | null;
  reason: string;
  ref_type: string;
  ref_id: string;
}

export function targetTable(ctx: OcContext, target: MoveTarget): { table: string; idColumn: string } {
  return target === 'product'
    ? { table: ctx.table('product'), idColumn: 'product_id' }
    : { table: ctx.table('product_option_value'), idColumn: 'product_option_value_id' };
}

export function moveInsertRow(ctx: OcContext, m: PlannedMove, writeId: number | null): Record<string, unknown> {
  return {
    oc_prefix: ctx.prefix,
    write_id: writeId,
    seq: m.seq ?? 0,
    idempotency_key: m.idempotencyKey ?? null,
    target: m.target,
    target_id: m.targetId,
    product_id: m.productId,
    mode: m.mode,
    amount: m.amount,
    honour_subtract: m.honourSubtract ? 1 : 0,
    state: MOVE_PLANNED,
    reason: m.reason,
    ref_type: m.refType,
    ref_id: m.refId,
  };
}

export async function readMove(db: Db, id: number, forUpdate = false): Promise<MoveRow> {
  const q = db(MOVES).first('*').where('id', id);
  const row = (await (forUpdate ? q.forUpdate() : q)) as MoveRow | undefined;
  if (!row) throw new Error(`stock move ${id} not found`);
  return row;
}

async function readQuantity(db: Db, ctx: OcContext, target: MoveTarget, targetId: number): Promise<number | null> {
  const { table, idColumn } = targetTable(ctx, target);
  const row = (await db(table).first('quantity').where(idColumn, targetId)) as { quantity: number } | undefined;
  return row ? row.quantity : null;
}

const MAX_CAS_ATTEMPTS = 50;

/** Applies a planned move at most once. Safe to call again at any time: returns the move as it ends up. */
export async function applyMove(db: Db, ctx: OcContext, id: number): Promise<MoveRow> {
  const move = await readMove(db, id);
  if (move.state !== MOVE_PLANNED) return move;
  const { table, idColumn } = targetTable(ctx, move.target);

  if (move.mode === 'delta') {
    const r = await rawWrite(
      db,
      `UPDATE \`${table}\` x JOIN ${MOVES} m ON m.id = ?
          SET x.quantity = x.quantity + m.amount, m.state = ${MOVE_APPLIED}, m.delta_applied = m.amount, m.updated_at = UTC_TIMESTAMP(3)
        WHERE x.\`${idColumn}\` = m.target_id AND m.state = ${MOVE_PLANNED} AND (m.honour_subtract = 0 OR x.subtract = 1)`,
      [id],
    );
    // Nothing matched: the row does not subtract (or is gone). OpenCart would also have left it alone.
    if (r.affectedRows === 0) await markSkipped(db, id);
    return readMove(db, id);
  }

  for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++) {
    const current = await readQuantity(db, ctx, move.target, move.target_id);
    if (current === null) {
      await markSkipped(db, id);
      return readMove(db, id);
    }
    // The value read travels as a literal in the one statement that compares and sets, so the window in
    // which a storefront sale makes us retry is a single round trip (a busy shop sells in between).
    const r = await rawWrite(
      db,
      `UPDATE \`${table}\` x JOIN ${MOVES} m ON m.id = ?
          SET x.quantity = m.amount, m.expected_before = ?, m.state = ${MOVE_APPLIED}, m.delta_applied = m.amount - ?, m.updated_at = UTC_TIMESTAMP(3)
        WHERE x.\`${idColumn}\` = m.target_id AND m.state = ${MOVE_PLANNED} AND x.quantity = ?`,
      [id, current, current, current],
    );
    if (r.affectedRows > 0) return readMove(db, id);
    const again = await readMove(db, id);
    if (again.state !== MOVE_PLANNED) return again;
    // Lost the race again: step aside for a moment so the other writer's burst can pass.
    if (attempt >= 3) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
  }
  throw new Error(`stock move ${id}: ${move.target} ${move.target_id} kept changing; gave up after ${MAX_CAS_ATTEMPTS} attempts`);
}

async function markSkipped(db: Db, id: number): Promise<void> {
  await rawWrite(db, `UPDATE ${MOVES} SET state = ${MOVE_SKIPPED}, updated_at = UTC_TIMESTAMP(3) WHERE id = ? AND state = ${MOVE_PLANNED}`, [id]);
}

const isTransaction = (db: Db): db is Knex.Transaction => (db as Knex.Transaction).isTransaction === true;

/** Writes the ledger row of an applied move once (no-op when written already or nothing was applied). */
export async function writeLedger(db: Db, ctx: OcContext, id: number): Promise<void> {
  const run = async (trx: Knex.Transaction) => {
    const move = await readMove(trx, id, true);
    if (move.state !== MOVE_APPLIED || move.ledger_id !== null) return;
    // For a delta this is observed after the fact (another change may have landed in between); a set knows it exactly.
    const after = move.mode === 'set' ? move.amount : await readQuantity(trx, ctx, move.target, move.target_id);
    const [ledgerId] = (await trx(LEDGER).insert({
      move_id: move.id,
      product_id: move.product_id,
      product_option_value_id: move.target === 'option_value' ? move.target_id : 0,
      delta: move.delta_applied ?? 0,
      quantity_after: after,
      reason: move.reason,
      ref_type: move.ref_type,
      ref_id: move.ref_id,
    })) as number[];
    await trx(MOVES).where('id', id).update({ ledger_id: ledgerId, quantity_after: after, updated_at: trx.raw('UTC_TIMESTAMP(3)') });
  };
  if (isTransaction(db)) await run(db);
  else await db.transaction(run);
}

export async function movesOfWrite(db: Db, writeId: number): Promise<MoveRow[]> {
  return rawRows<MoveRow>(db, `SELECT * FROM ${MOVES} WHERE write_id = ? ORDER BY seq, id`, [writeId]);
}
