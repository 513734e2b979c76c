import type { Knex } from 'knex';
import type { OcContext } from './context';
import { LEDGER, MOVE_APPLIED, MOVE_PLANNED, MOVE_SKIPPED, MOVES, targetTable, type Db, type MoveTarget } from './stock-moves';
import { rawRows, rawWrite } from './sql';

/**
 * The exactly-once stock moves of stock-moves.ts, applied many at a time. Each move still changes its
 * stock row and flips its own mark in ONE multi-table UPDATE, so the guarantee is the single path's. A
 * multi-table UPDATE changes a row at most once however many moves join it, so moves are applied in
 * rounds in which every stock row appears once: round k holds each row's k-th move. Delta moves only.
 */

interface MoveLite {
  id: number;
  target: MoveTarget;
  target_id: number;
  state: number;
  mode: string;
}

const list = (n: number): string => new Array<string>(n).fill('?').join(',');

export async function applyMovesInRounds(db: Db, ctx: OcContext, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const moves = await rawRows<MoveLite>(db, `SELECT id, target, target_id, state, mode FROM ${MOVES} WHERE id IN (${list(ids.length)}) ORDER BY id`, ids);
  if (moves.some((m) => m.mode !== 'delta')) throw new Error('batch stock moves must be deltas');
  const rounds: Array<Map<MoveTarget, number[]>> = [];
  const seen = new Map<string, number>();
  for (const m of moves.filter((x) => x.state === MOVE_PLANNED)) {
    const key = `${m.target}|${m.target_id}`;
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const round = (rounds[k] ??= new Map());
    round.set(m.target, [...(round.get(m.target) ?? []), Number(m.id)]);
  }
  for (const round of rounds) {
    for (const [target, roundIds] of round) {
      const { table, idColumn } = targetTable(ctx, target);
      await rawWrite(
        db,
        `UPDATE \`${table}\` x JOIN ${MOVES} m ON m.target_id = x.\`${idColumn}\` AND m.id IN (${list(roundIds.length)})
            SET x.quantity = x.quantity + m.amount, m.state = ${MOVE_APPLIED}, m.delta_applied = m.amount, m.updated_at = UTC_TIMESTAMP(3)
          WHERE m.state = ${MOVE_PLANNED} AND (m.honour_subtract = 0 OR x.subtract = 1)`,
        roundIds,
      );
    }
  }
  // Moves nothing matched: the row does not subtract (or is gone); OpenCart would have left it alone too.
  await rawWrite(db, `UPDATE ${MOVES} SET state = ${MOVE_SKIPPED}, updated_at = UTC_TIMESTAMP(3) WHERE id IN (${list(ids.length)}) AND state = ${MOVE_PLANNED}`, ids);
}

const isTransaction = (db: Db): db is Knex.Transaction => (db as Knex.Transaction).isTransaction === true;

/**
 * The ledger rows of applied moves that have none yet, in one statement, linked back through
 * ledger.move_id in the same InnoDB transaction. quantity_after is observed after all the moves, then
 * walked back through the later moves on the same row, so each move shows the quantity it left.
 */
export async function writeLedgers(db: Db, ctx: OcContext, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const run = async (trx: Knex.Transaction): Promise<void> => {
    const moves = await rawRows<{ id: number; target: MoveTarget; target_id: number; product_id: number; delta_applied: number; reason: string; ref_type: string; ref_id: string }>(
      trx,
      `SELECT id, target, target_id, product_id, delta_applied, reason, ref_type, ref_id FROM ${MOVES}
        WHERE id IN (${list(ids.length)}) AND state = ${MOVE_APPLIED} AND ledger_id IS NULL ORDER BY id FOR UPDATE`,
      ids,
    );
    if (moves.length === 0) return;
    const now = new Map<string, number>();
    for (const target of ['product', 'option_value'] as const) {
      const targetIds = [...new Set(moves.filter((m) => m.target === target).map((m) => m.target_id))];
      if (targetIds.length === 0) continue;
      const { table, idColumn } = targetTable(ctx, target);
      const rows = await rawRows<{ id: number; quantity: number }>(trx, `SELECT \`${idColumn}\` AS id, quantity FROM \`${table}\` WHERE \`${idColumn}\` IN (${list(targetIds.length)})`, targetIds);
      for (const r of rows) now.set(`${target}|${r.id}`, Number(r.quantity));
    }
    const after = new Map<number, number | null>();
    for (const m of [...moves].reverse()) {
      const key = `${m.target}|${m.target_id}`;
      const q = now.get(key);
      after.set(m.id, q ?? null);
      if (q !== undefined) now.set(key, q - Number(m.delta_applied ?? 0));
    }
    await trx(LEDGER).insert(
      moves.map((m) => ({
        move_id: m.id,
        product_id: m.product_id,
        product_option_value_id: m.target === 'option_value' ? m.target_id : 0,
        delta: m.delta_applied ?? 0,
        quantity_after: after.get(m.id) ?? null,
        reason: m.reason,
        ref_type: m.ref_type,
        ref_id: m.ref_id,
      })),
    );
    await rawWrite(
      trx,
      `UPDATE ${MOVES} m JOIN ${LEDGER} l ON l.move_id = m.id SET m.ledger_id = l.id, m.quantity_after = l.quantity_after, m.updated_at = UTC_TIMESTAMP(3) WHERE m.id IN (${list(moves.length)})`,
      moves.map((m) => m.id),
    );
  };
  if (isTransaction(db)) await run(db);
  else await db.transaction(run);
}

