import type { Knex } from 'knex';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import { enqueueMany } from '../queue/enqueue';
import { inTransaction } from '../queue/sql';
import { PRIORITY, queueOf, type EngineDeps } from './deps';
import type { ListingRow } from './listings';
import { pushSpec } from './plan';

/**
 * Whether values planned earlier may still be sent, and what to do about listings that changed while a
 * push of them was out. A push job carries the values the pump computed; before sending them the push
 * asks cheap questions instead of reading the products again: has the pump queued a newer plan for
 * the listing since (a newer job waits), does the change log still hold a change of its product the
 * pump has not planned yet, and was a push of the listing prepared after these values were read (a
 * newer plan from another lane ran first). Any yes, and the values are computed afresh.
 */

/** Listings with a newer push job waiting: it carries newer values (or none, to be computed). */
export async function newerJobs(knex: Knex, accountId: number, listingIds: readonly number[]): Promise<Set<number>> {
  if (listingIds.length === 0) return new Set();
  const rows = await rawRows<{ k: string }>(knex, `SELECT dedupe_pending AS k FROM meschain_jobs WHERE queue = ? AND dedupe_pending IN (${placeholders(listingIds.length)})`, [
    queueOf(accountId),
    ...listingIds.map((id) => `sp:${id}`),
  ]);
  return new Set(rows.map((r) => Number(r.k.slice(3))));
}

/** Listings whose product has captured changes the pump has not planned yet. */
export async function changedSincePlanned(knex: Knex, listingIds: readonly number[]): Promise<Set<number>> {
  if (listingIds.length === 0) return new Set();
  const rows = await rawRows<{ id: number }>(
    knex,
    `SELECT l.id FROM meschain_listings l WHERE l.id IN (${placeholders(listingIds.length)}) AND EXISTS (SELECT 1 FROM meschain_change_log c WHERE c.product_id = l.product_id)`,
    listingIds,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/**
 * These listings' values may have changed while a push of them is in flight: mark them, so settling
 * that push re-plans them (in its own transaction, under the same row locks). One that settled in the
 * meantime gets a push job of its own instead, which computes its values.
 */
export async function markInFlight(deps: EngineDeps, accountId: number, listingIds: readonly number[]): Promise<void> {
  const settled = await inTransaction(deps.knex, async (trx) => {
    const still = (await rawRows<{ id: number }>(trx, `SELECT id FROM meschain_listings WHERE id IN (${placeholders(listingIds.length)}) AND pending_batch_id IS NOT NULL ORDER BY id FOR UPDATE`, listingIds)).map((r) => Number(r.id));
    if (still.length) await rawWrite(trx, `UPDATE meschain_listings SET replan_wanted = 1 WHERE id IN (${placeholders(still.length)})`, still);
    const marked = new Set(still);
    const gone = listingIds.filter((id) => !marked.has(id));
    if (gone.length) await enqueueMany(trx, gone.map((id) => pushSpec(accountId, id, PRIORITY.increase)));
    return gone.length;
  });
  if (settled) deps.wake?.(queueOf(accountId));
}

/**
 * A push of the listing was prepared after these values were read (by another pump lane's newer plan
 * that committed and ran first): sending them now could put an older value over a newer one. The
 * comparison allows for desired_at's millisecond precision.
 */
export function preparedSince(l: ListingRow, planAt: number): boolean {
  return l.desiredAt !== null && planAt < l.desiredAt + 1000;
}
