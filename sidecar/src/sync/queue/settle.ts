import type { Knex } from 'knex';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { lostLeases } from './claim';
import { ER_DUP_ENTRY, errno, errorText, fromDbTime, inTransaction, JOBS, leaseCondition } from './sql';
import { rawWrite, rawRows } from '../../db/raw';
import { PermanentJobError, type Lease } from './types';

/**
 * Marks the leased jobs done in one statement. Fenced: only rows still running under that very claim
 * change, so a worker whose lease expired (and whose job someone else now runs) completes nothing.
 */
export async function completeJobs(db: Knex, leases: readonly Lease[]): Promise<{ completed: number; lost: Lease[] }> {
  if (leases.length === 0) return { completed: 0, lost: [] };
  const cond = leaseCondition(leases);
  const res = await rawWrite(
    db,
    `UPDATE ${JOBS} SET state = 'done', locked_until = NULL, finished_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3)
      WHERE state = 'running' AND ${cond.sql}`,
    cond.bindings,
  );
  const lost = res.affectedRows === leases.length ? [] : await lostLeases(db, leases);
  return { completed: res.affectedRows, lost };
}

export async function completeJob(db: Knex, lease: Lease): Promise<boolean> {
  return (await completeJobs(db, [lease])).completed === 1;
}

interface HeldRow {
  id: number;
  queue: string;
  dedupe_key: string | null;
  attempts: number;
  max_attempts: number;
  priority: number;
}

async function lockHeld(trx: Knex.Transaction, lease: Lease): Promise<HeldRow | undefined> {
  const [row] = await rawRows<HeldRow>(
    trx,
    `SELECT id, queue, dedupe_key, attempts, max_attempts, priority FROM ${JOBS}
      WHERE id = ? AND state = 'running' AND locked_by = ? FOR UPDATE`,
    [lease.id, lease.token],
  );
  return row;
}

export type ReadyOutcome = { state: 'ready' } | { state: 'merged'; into: number };

/**
 * Puts a locked running row back to 'ready'. If a newer job with the same dedupe key is already
 * waiting, the unique key refuses; the newer job then absorbs this one (it has the newer payload; it
 * takes the lower priority number and the earlier run time) and this row is deleted, exactly as if it
 * had been enqueued after the newer one.
 */
export async function returnToReady(
  trx: Knex.Transaction,
  row: Pick<HeldRow, 'id' | 'queue' | 'dedupe_key' | 'priority'>,
  opts: { runAtSql: string; runAtBindings: unknown[]; lastError?: string; refundAttempt?: boolean },
): Promise<ReadyOutcome> {
  const errorSet = opts.lastError === undefined ? '' : ', last_error = ?';
  const errorBinding = opts.lastError === undefined ? [] : [opts.lastError];
  for (let round = 0; round < 5; round++) {
    try {
      await rawWrite(
        trx,
        `UPDATE ${JOBS} SET state = 'ready', run_at = ${opts.runAtSql}, locked_until = NULL, updated_at = UTC_TIMESTAMP(3)${errorSet}
           ${opts.refundAttempt ? ', attempts = GREATEST(attempts - 1, 0)' : ''}
          WHERE id = ?`,
        [...opts.runAtBindings, ...errorBinding, row.id],
      );
      return { state: 'ready' };
    } catch (err) {
      if (errno(err) !== ER_DUP_ENTRY || row.dedupe_key === null) throw err;
    }
    const [waiting] = await rawRows<{ id: number }>(
      trx,
      `SELECT id FROM ${JOBS} WHERE queue = ? AND dedupe_pending = ? FOR UPDATE`,
      [row.queue, row.dedupe_key],
    );
    // Claimed in the meantime: the slot is free again, so try the plain update once more.
    if (!waiting) continue;
    await rawWrite(
      trx,
      `UPDATE ${JOBS} SET priority = LEAST(priority, ?), run_at = LEAST(run_at, ${opts.runAtSql}),
              last_error = COALESCE(last_error, ?), updated_at = UTC_TIMESTAMP(3)
        WHERE id = ?`,
      [row.priority, ...opts.runAtBindings, opts.lastError ?? null, waiting.id],
    );
    await rawWrite(trx, `DELETE FROM ${JOBS} WHERE id = ?`, [row.id]);
    return { state: 'merged', into: Number(waiting.id) };
  }
  throw new Error(`job ${row.id}: could not return it to the queue (dedupe slot kept changing)`);
}

export type FailOutcome =
  | { state: 'retry'; runAt: Date; delayMs: number }
  | { state: 'merged'; into: number }
  | { state: 'dead' }
  /** The lease was no longer held: someone else owns the job now; nothing was changed. */
  | { state: 'lost' };

/**
 * Records a failed attempt. The job is retried after an exponential, fully jittered delay, or goes to
 * 'dead' (keeping the error) when it has used up its attempts or the error is a PermanentJobError.
 */
export async function failJob(db: Knex, lease: Lease, error: unknown, opts: { backoff?: BackoffPolicy; permanent?: boolean } = {}): Promise<FailOutcome> {
  const message = errorText(error);
  const permanent = opts.permanent ?? error instanceof PermanentJobError;
  return inTransaction(db, async (trx) => {
    const row = await lockHeld(trx, lease);
    if (!row) return { state: 'lost' };
    if (permanent || Number(row.attempts) >= Number(row.max_attempts)) {
      await rawWrite(
        trx,
        `UPDATE ${JOBS} SET state = 'dead', last_error = ?, locked_until = NULL, finished_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3)
          WHERE id = ?`,
        [message, row.id],
      );
      return { state: 'dead' };
    }
    const delayMs = backoffDelayMs(Number(row.attempts), opts.backoff ?? DEFAULT_BACKOFF);
    const out = await returnToReady(trx, row, {
      runAtSql: 'DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND)',
      runAtBindings: [delayMs * 1000],
      lastError: message,
    });
    if (out.state === 'merged') return out;
    const [r] = await rawRows<{ run_at: string }>(trx, `SELECT run_at FROM ${JOBS} WHERE id = ?`, [row.id]);
    return { state: 'retry', delayMs, runAt: fromDbTime((r as { run_at: string }).run_at) };
  });
}

/**
 * Gives leased jobs back without finishing them (graceful shutdown). A job that never started gets
 * its attempt refunded; one interrupted mid-run (`started`) keeps it, so a job that always outlives
 * shutdown still ends up dead rather than looping. Returns how many were still held.
 */
export async function releaseJobs(db: Knex, leases: readonly Lease[], opts: { started?: boolean } = {}): Promise<number> {
  if (leases.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    let released = 0;
    for (const lease of leases) {
      const row = await lockHeld(trx, lease);
      if (!row) continue;
      await returnToReady(trx, row, { runAtSql: 'LEAST(run_at, UTC_TIMESTAMP(3))', runAtBindings: [], refundAttempt: !opts.started });
      released++;
    }
    return released;
  });
}
