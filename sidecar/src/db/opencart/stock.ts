import type { OcContext } from './context';
import { stockLockKey, withNamedLock } from './locks';
import {
  applyMove,
  moveInsertRow,
  MOVE_ABANDONED,
  MOVE_APPLIED,
  MOVE_PLANNED,
  MOVES,
  readMove,
  targetTable,
  writeLedger,
  type MoveRow,
  type MoveTarget,
} from './stock-moves';

/**
 * Stock writes outside orders: set an absolute quantity (reconciliation, admin action) or add a delta
 * (reservation, manual correction) on a product or on one option value. Each goes through the move
 * journal (stock-moves.ts), so a crash never applies it twice and every applied change gets exactly one
 * meschain_inventory_ledger row. Give an idempotencyKey to make a retried call safe: the same key returns
 * the first call's result instead of changing stock again. These never look at `subtract` — that flag
 * is about orders.
 */

export interface StockChangeOptions {
  /** Ledger reason: adjust, reconcile, reservation, release, ... (at most 24 characters). */
  reason: string;
  refType?: string;
  refId?: string;
  idempotencyKey?: string;
}

export interface StockChangeResult {
  moveId: number;
  applied: boolean;
  /** What was added to the quantity (for a set: new − old). */
  delta: number;
  /** Quantity right after the change (exact for a set; observed just after for a delta). */
  quantityAfter: number | null;
  /** True when an earlier call with the same idempotencyKey had already done it. */
  replayed: boolean;
}

export class StockTargetNotFoundError extends Error {
  override name = 'StockTargetNotFoundError';
}

export class StockInputError extends Error {
  override name = 'StockInputError';
}

export function setProductQuantity(ctx: OcContext, productId: number, quantity: number, options: StockChangeOptions): Promise<StockChangeResult> {
  return change(ctx, 'product', productId, 'set', quantity, options);
}

export function adjustProductQuantity(ctx: OcContext, productId: number, delta: number, options: StockChangeOptions): Promise<StockChangeResult> {
  return change(ctx, 'product', productId, 'delta', delta, options);
}

export function setOptionValueQuantity(ctx: OcContext, productOptionValueId: number, quantity: number, options: StockChangeOptions): Promise<StockChangeResult> {
  return change(ctx, 'option_value', productOptionValueId, 'set', quantity, options);
}

export function adjustOptionValueQuantity(ctx: OcContext, productOptionValueId: number, delta: number, options: StockChangeOptions): Promise<StockChangeResult> {
  return change(ctx, 'option_value', productOptionValueId, 'delta', delta, options);
}

const INT_MAX = 2147483647;

function validate(targetId: number, mode: 'set' | 'delta', amount: number, options: StockChangeOptions): void {
  if (!Number.isInteger(targetId) || targetId < 1) throw new StockInputError(`id must be a positive whole number, got ${targetId}`);
  if (!Number.isInteger(amount) || Math.abs(amount) > INT_MAX) throw new StockInputError(`${mode === 'set' ? 'quantity' : 'delta'} must be a whole number, got ${amount}`);
  if (!options.reason || options.reason.length > 24) throw new StockInputError('reason is required (at most 24 characters)');
  if ((options.refType ?? '').length > 24) throw new StockInputError('refType must be at most 24 characters');
  if ((options.refId ?? '').length > 64) throw new StockInputError('refId must be at most 64 characters');
  if (options.idempotencyKey !== undefined && (options.idempotencyKey.length < 1 || options.idempotencyKey.length > 191)) {
    throw new StockInputError('idempotencyKey must be 1-191 characters');
  }
}

async function change(ctx: OcContext, target: MoveTarget, targetId: number, mode: 'set' | 'delta', amount: number, options: StockChangeOptions): Promise<StockChangeResult> {
  validate(targetId, mode, amount, options);
  const { table, idColumn } = targetTable(ctx, target);
  return withNamedLock(ctx.knex, stockLockKey(ctx.prefix, target, targetId), 30, async () => {
    let replayed = false;
    let moveId: number | undefined;
    if (options.idempotencyKey !== undefined) {
      const existing = (await ctx.knex(MOVES).first('*').where({ oc_prefix: ctx.prefix, idempotency_key: options.idempotencyKey })) as MoveRow | undefined;
      if (existing) {
        if (existing.target !== target || existing.target_id !== targetId || existing.mode !== mode || existing.amount !== amount) {
          throw new StockInputError(`idempotencyKey ${JSON.stringify(options.idempotencyKey)} was already used for a different stock change`);
        }
        moveId = existing.id;
        replayed = existing.state !== MOVE_PLANNED && existing.state !== MOVE_ABANDONED;
        // A crash abandoned it before it was applied; the caller's retry means it is wanted after all.
        if (existing.state === MOVE_ABANDONED) await ctx.knex(MOVES).where({ id: existing.id, state: MOVE_ABANDONED }).update({ state: MOVE_PLANNED });
      }
    }
    if (moveId === undefined) {
      const exists = await ctx.knex(table).first(idColumn).where(idColumn, targetId);
      if (!exists) throw new StockTargetNotFoundError(`${target === 'product' ? 'product' : 'product option value'} ${targetId} does not exist in ${table}`);
      const productId =
        target === 'product'
          ? targetId
          : ((await ctx.knex(table).first('product_id').where(idColumn, targetId)) as { product_id: number }).product_id;
      [moveId] = (await ctx.knex(MOVES).insert(
        moveInsertRow(
          ctx,
          {
            target,
            targetId,
            productId,
            mode,
            amount,
            honourSubtract: false,
            reason: options.reason,
            refType: options.refType ?? '',
            refId: options.refId ?? '',
            idempotencyKey: options.idempotencyKey ?? null,
          },
          null,
        ),
      )) as number[];
    }
    const id = moveId as number;
    await applyMove(ctx.knex, ctx, id);
    await writeLedger(ctx.knex, ctx, id);
    const move = await readMove(ctx.knex, id);
    return {
      moveId: id,
      applied: move.state === MOVE_APPLIED,
      delta: move.delta_applied ?? 0,
      quantityAfter: move.quantity_after,
      replayed,
    };
  });
}

export interface StockRecoveryReport {
  /** Applied before the crash; their ledger rows were written now. */
  ledgerCompleted: number[];
  /** Planned but never applied: abandoned (the caller never heard back; a retry with the same key re-plans it). */
  abandoned: number[];
  /** Their writer is still alive. */
  busy: number[];
}

/** Finishes standalone moves a crashed process left: never applies one, only completes or abandons. */
export async function recoverStockMoves(ctx: OcContext): Promise<StockRecoveryReport> {
  const report: StockRecoveryReport = { ledgerCompleted: [], abandoned: [], busy: [] };
  const rows = (await ctx
    .knex(MOVES)
    .select('*')
    .where({ oc_prefix: ctx.prefix })
    .whereNull('write_id')
    .andWhere((q) => q.where('state', MOVE_PLANNED).orWhere((q2) => q2.where('state', MOVE_APPLIED).whereNull('ledger_id')))
    .orderBy('id')) as MoveRow[];
  for (const row of rows) {
    await withNamedLock(
      ctx.knex,
      stockLockKey(ctx.prefix, row.target, row.target_id),
      0,
      async () => {
        const now = await readMove(ctx.knex, row.id);
        if (now.state === MOVE_PLANNED) {
          await ctx.knex(MOVES).where({ id: row.id, state: MOVE_PLANNED }).update({ state: MOVE_ABANDONED, updated_at: ctx.knex.raw('UTC_TIMESTAMP(3)') });
          report.abandoned.push(row.id);
        } else if (now.state === MOVE_APPLIED && now.ledger_id === null) {
          await writeLedger(ctx.knex, ctx, row.id);
          report.ledgerCompleted.push(row.id);
        }
      },
      () => {
        report.busy.push(row.id);
      },
    );
  }
  return report;
}
