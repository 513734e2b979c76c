import type { Knex } from 'knex';
import { rawWrite } from '../../db/raw';

/**
 * Asks the change pump to re-plan these products on every marketplace: the same change-log rows a
 * stock UPDATE's trigger would write, so the planners need nothing specific to react. `source` says
 * why (at most 8 characters: 'reserve' for reservations, 'variant' for variant edits). Written in the
 * caller's transaction, so the request commits with the change that makes it necessary.
 */
export async function requestReplan(db: Knex | Knex.Transaction, productIds: readonly number[], source: 'reserve' | 'variant' = 'reserve'): Promise<void> {
  const ids = [...new Set(productIds)];
  if (ids.length === 0) return;
  await rawWrite(
    db,
    `INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source) VALUES ${ids.map(() => "('product', ?, ?, 'U', ?)").join(', ')}`,
    ids.flatMap((id) => [id, id, source]),
  );
}
