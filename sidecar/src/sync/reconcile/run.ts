import { rawRows, rawWrite } from '../../db/raw';
import { enqueue, enqueueMany } from '../queue/enqueue';
import { inTransaction } from '../queue/sql';
import type { JobSpec } from '../queue/types';
import { requestListings } from '../listing/service';
import { beat, JOB, PRIORITY, queueOf, type EngineDeps } from '../stock-price/deps';
import { listingsByIds, listingsPage, type ListingRow } from '../stock-price/listings';
import { planDifferences, samePrice } from '../stock-price/plan';
import { bulkUpdateListings } from '../stock-price/sql';
import type { RunProgress, SyncEvents } from './events';

/**
 * Sync and reconciliation runs, one page per job so a run survives restarts and never holds a job for
 * long (progress is persisted in meschain_sync_runs after every page and emitted as events).
 *
 *   sync       list what is not listed yet (listing flow), then compare every listing's desired values
 *              with what the marketplace last confirmed and queue the differences
 *   reconcile  read every listing back from the marketplace; where its stock or price drifted (edited on
 *              the marketplace, a lost update), record what it really shows and queue the repair
 */

export type RunKind = 'sync' | 'reconcile';
export const PAGE_SIZE = 500;

interface RunRow {
  id: number;
  marketplace_id: number;
  kind: RunKind;
  state: RunProgress['state'];
  total: number;
  done: number;
  drift: number;
  listed: number;
  errors: number;
  cursor: number | string;
  error: string | null;
}

function progressOf(r: RunRow): RunProgress {
  return {
    runId: Number(r.id),
    accountId: Number(r.marketplace_id),
    kind: r.kind,
    state: r.state,
    total: Number(r.total),
    done: Number(r.done),
    drift: Number(r.drift),
    listed: Number(r.listed),
    errors: Number(r.errors),
    error: r.error,
  };
}

export async function getRun(deps: Pick<EngineDeps, 'knex'>, runId: number): Promise<RunProgress | null> {
  const [row] = await rawRows<RunRow>(deps.knex, 'SELECT * FROM meschain_sync_runs WHERE id = ?', [runId]);
  return row ? progressOf(row) : null;
}

export async function latestRuns(deps: Pick<EngineDeps, 'knex'>, accountId?: number, limit = 10): Promise<RunProgress[]> {
  const rows = await rawRows<RunRow>(deps.knex, `SELECT * FROM meschain_sync_runs ${accountId ? 'WHERE marketplace_id = ?' : ''} ORDER BY id DESC LIMIT ?`, accountId ? [accountId, limit] : [limit]);
  return rows.map(progressOf);
}

function pageSpec(accountId: number, runId: number): JobSpec {
  return { queue: queueOf(accountId), type: JOB.runPage, payload: { runId }, dedupeKey: `run:${runId}`, priority: PRIORITY.run, maxAttempts: 20 };
}

/**
 * Starts a run (one running run per account: asking again while one runs returns that one). With
 * `inline`, no page job is queued: the caller drives the pages itself (the CLI).
 */
export async function startRun(deps: EngineDeps, accountId: number, kind: RunKind, trigger: 'schedule' | 'api' | 'cli', opts: { inline?: boolean } = {}): Promise<{ runId: number; started: boolean }> {
  await deps.accounts.require(accountId);
  // A run whose process died long ago would block every new one: give it up after 10 idle minutes.
  await rawWrite(deps.knex, "UPDATE meschain_sync_runs SET state = 'abandoned', finished_at = UTC_TIMESTAMP(3) WHERE marketplace_id = ? AND state = 'running' AND updated_at < UTC_TIMESTAMP(3) - INTERVAL 10 MINUTE", [accountId]);
  try {
    // One transaction: a running run always has its first page queued. A run row without one would
    // block every new run of the account until it is given up as abandoned.
    const runId = await inTransaction(deps.knex, async (trx) => {
      const res = await rawWrite(trx, "INSERT INTO meschain_sync_runs (marketplace_id, kind, `trigger`, state) VALUES (?, ?, ?, 'running')", [accountId, kind, trigger]);
      const id = Number(res.insertId);
      if (!opts.inline) await enqueue(trx, pageSpec(accountId, id));
      return id;
    });
    if (!opts.inline) deps.wake?.(queueOf(accountId));
    return { runId, started: true };
  } catch (err) {
    if ((err as { errno?: number }).errno !== 1062) throw err;
    const [running] = await rawRows<{ id: number }>(deps.knex, "SELECT id FROM meschain_sync_runs WHERE marketplace_id = ? AND state = 'running'", [accountId]);
    return { runId: Number(running!.id), started: false };
  }
}

/** Does one page of a run; returns false when the run is over. */
export async function runPage(deps: EngineDeps, events: SyncEvents | undefined, runId: number, opts: { queueNext?: boolean } = {}): Promise<boolean> {
  const [run] = await rawRows<RunRow>(deps.knex, 'SELECT * FROM meschain_sync_runs WHERE id = ?', [runId]);
  if (!run || run.state !== 'running') return false;
  const accountId = Number(run.marketplace_id);
  const account = await deps.accounts.require(accountId);
  const cursor = Number(run.cursor);
  const counts = { done: 0, drift: 0, listed: 0, errors: 0 };
  let total = Number(run.total);
  let nextCursor = cursor;
  let finished = false;
  try {
    if (run.kind === 'sync') {
      if (cursor === 0) {
        if (account.flows.listing) counts.listed = (await requestListings(deps, accountId, null)).queued;
        total = Number((await rawRows<{ n: number }>(deps.knex, 'SELECT COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ?', [accountId]))[0]!.n);
      }
      const page = await listingsPage(deps.knex, accountId, cursor, PAGE_SIZE);
      if (page.length) {
        const ctx = await deps.desired.prepare(account, page);
        await enqueueMany(deps.knex, planDifferences(account, page, ctx, deps.desired));
      }
      counts.done = page.length;
      nextCursor = page.length ? page[page.length - 1]!.id : cursor;
      finished = page.length < PAGE_SIZE;
    } else {
      const adapter = await deps.adapters.get(accountId);
      const remote = await adapter.fetchListings({ page: cursor, size: PAGE_SIZE });
      if (cursor === 0) total = remote.totalElements ?? remote.items.length;
      const keys = remote.items.flatMap((r) => [r.barcode, r.sku].filter((k): k is string => !!k));
      const local: ListingRow[] = [];
      for (let i = 0; i < keys.length; i += 1000) {
        const chunk = keys.slice(i, i + 1000);
        const ids = await rawRows<{ id: number }>(
          deps.knex,
          `SELECT id FROM meschain_listings WHERE marketplace_id = ? AND (barcode IN (${chunk.map(() => '?').join(',')}) OR sku IN (${chunk.map(() => '?').join(',')}))`,
          [accountId, ...chunk, ...chunk],
        );
        if (ids.length) local.push(...(await listingsByIds(deps.knex, ids.map((r) => Number(r.id)))));
      }
      const byBarcode = new Map(local.filter((l) => l.barcode).map((l) => [l.barcode!, l]));
      const bySku = new Map(local.filter((l) => l.sku).map((l) => [l.sku!, l]));
      const drifted: Array<Record<string, unknown> & { id: number }> = [];
      const seen: ListingRow[] = [];
      for (const r of remote.items) {
        const l = (r.barcode ? byBarcode.get(r.barcode) : undefined) ?? (r.sku ? bySku.get(r.sku) : undefined);
        if (!l || l.state !== 'active') continue;
        seen.push(l);
        const quantityDrift = r.quantity !== undefined && r.quantity !== l.lastPushedQuantity;
        const priceDrift = r.price !== undefined && !samePrice(r.price, l.lastPushedPrice);
        const listDrift = r.listPrice !== undefined && !samePrice(r.listPrice, l.lastPushedListPrice);
        drifted.push({ id: l.id, rq: r.quantity ?? null, rp: r.price ?? null, rlp: r.listPrice ?? null, d: quantityDrift || priceDrift || listDrift ? 1 : 0 });
        if (quantityDrift || priceDrift || listDrift) {
          counts.drift++;
          // What the marketplace really shows is now the reference: the planner sees the real difference.
          if (quantityDrift) l.lastPushedQuantity = r.quantity!;
          if (priceDrift) l.lastPushedPrice = r.price!;
          if (listDrift) l.lastPushedListPrice = r.listPrice!;
        }
      }
      await bulkUpdateListings(deps.knex, drifted, {
        extra: ['rq', 'rp', 'rlp', 'd'],
        fixed: [
          'l.remote_quantity = v.rq',
          'l.remote_price = v.rp',
          'l.remote_checked_at = UTC_TIMESTAMP(3)',
          'l.last_pushed_quantity = IF(v.d = 1, COALESCE(v.rq, l.last_pushed_quantity), l.last_pushed_quantity)',
          'l.last_pushed_price = IF(v.d = 1, COALESCE(v.rp, l.last_pushed_price), l.last_pushed_price)',
          'l.last_pushed_list_price = IF(v.d = 1, COALESCE(v.rlp, l.last_pushed_list_price), l.last_pushed_list_price)',
        ],
      });
      if (seen.length) {
        const ctx = await deps.desired.prepare(account, seen);
        await enqueueMany(deps.knex, planDifferences(account, seen, ctx, deps.desired));
      }
      counts.done = remote.items.length;
      nextCursor = cursor + 1;
      finished = remote.items.length === 0 || (remote.totalPages !== undefined ? nextCursor >= remote.totalPages : remote.items.length < PAGE_SIZE);
    }
  } catch (err) {
    counts.errors++;
    await rawWrite(deps.knex, 'UPDATE meschain_sync_runs SET errors = errors + 1, error = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?', [String((err as Error).message).slice(0, 2000), runId]);
    throw err;
  }
  await rawWrite(
    deps.knex,
    `UPDATE meschain_sync_runs SET total = GREATEST(?, done + ?), done = done + ?, drift = drift + ?, listed = listed + ?, \`cursor\` = ?, updated_at = UTC_TIMESTAMP(3),
       state = IF(?, 'done', state), finished_at = IF(?, UTC_TIMESTAMP(3), finished_at) WHERE id = ? AND state = 'running'`,
    [total, counts.done, counts.done, counts.drift, counts.listed, nextCursor, finished, finished, runId],
  );
  if (run.kind === 'reconcile') await beat(deps, accountId, 'reconciliation', `run ${runId}: ${counts.done} listings checked, ${counts.drift} drifted`);
  const progress = await getRun(deps, runId);
  if (progress) {
    events?.emit('progress', progress);
    if (finished) events?.emit('finished', progress);
  }
  if (!finished && opts.queueNext !== false) {
    await enqueue(deps.knex, pageSpec(accountId, runId));
    deps.wake?.(queueOf(accountId));
  }
  deps.wake?.(queueOf(accountId));
  return !finished;
}
