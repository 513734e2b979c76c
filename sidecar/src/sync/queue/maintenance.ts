import type { Knex } from 'knex';
import { returnToReady } from './settle';
import { inTransaction, JOBS, placeholders } from './sql';
import { rawWrite, rawRows } from '../../db/raw';
import { JOB_STATES, type QueueDepth } from './types';

export interface RecoverResult {
  retried: number;
  merged: number;
  dead: number;
}

/**
 * Takes back jobs whose lease ran out (their worker crashed, hung, or lost the database): they become
 * claimable again at once, or dead when that claim was their last attempt. Every worker calls this
 * now and then; SKIP LOCKED keeps two of them from handling the same row.
 */
export async function recoverExpired(db: Knex, opts: { queue?: string; limit?: number } = {}): Promise<RecoverResult> {
  const out: RecoverResult = { retried: 0, merged: 0, dead: 0 };
  await inTransaction(db, async (trx) => {
    const rows = await rawRows<{ id: number; queue: string; dedupe_key: string | null; priority: number; attempts: number; max_attempts: number; locked_by: string | null }>(
      trx,
      `SELECT id, queue, dedupe_key, priority, attempts, max_attempts, locked_by FROM ${JOBS}
        WHERE state = 'running' AND locked_until < UTC_TIMESTAMP(3) ${opts.queue ? 'AND queue = ?' : ''}
        ORDER BY locked_until LIMIT ? FOR UPDATE SKIP LOCKED`,
      [...(opts.queue ? [opts.queue] : []), opts.limit ?? 200],
    );
    for (const row of rows) {
      const worker = (row.locked_by ?? '?').split('#')[0];
      const message = `lease expired: worker ${worker} neither finished nor extended attempt ${row.attempts} of ${row.max_attempts} within its visibility timeout`;
      if (Number(row.attempts) >= Number(row.max_attempts)) {
        await rawWrite(
          trx,
          `UPDATE ${JOBS} SET state = 'dead', last_error = ?, locked_until = NULL, finished_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) WHERE id = ?`,
          [message, row.id],
        );
        out.dead++;
        continue;
      }
      const r = await returnToReady(trx, row, { runAtSql: 'UTC_TIMESTAMP(3)', runAtBindings: [], lastError: message });
      if (r.state === 'merged') out.merged++;
      else out.retried++;
    }
  });
  return out;
}

/** Jobs per state, every state present (0 when none). Used by /health and /metrics. */
export async function queueDepth(db: Knex, opts: { queue?: string } = {}): Promise<QueueDepth> {
  const rows = await rawRows<{ state: string; n: number }>(
    db,
    `SELECT state, COUNT(*) AS n FROM ${JOBS} ${opts.queue ? 'WHERE queue = ?' : ''} GROUP BY state`,
    opts.queue ? [opts.queue] : [],
  );
  const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueDepth;
  for (const r of rows) if ((JOB_STATES as readonly string[]).includes(r.state)) out[r.state as keyof QueueDepth] = Number(r.n);
  return out;
}

/** The same counts split by queue, for per-queue metrics. */
export async function queueDepthByQueue(db: Knex): Promise<Record<string, QueueDepth>> {
  const rows = await rawRows<{ queue: string; state: string; n: number }>(db, `SELECT queue, state, COUNT(*) AS n FROM ${JOBS} GROUP BY queue, state`);
  const out: Record<string, QueueDepth> = {};
  for (const r of rows) {
    const q = (out[r.queue] ??= Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as QueueDepth);
    if ((JOB_STATES as readonly string[]).includes(r.state)) q[r.state as keyof QueueDepth] = Number(r.n);
  }
  return out;
}

/**
 * Deletes finished jobs older than the given ages, in small batches so the table is never locked for
 * long. Dead jobs are kept unless deadOlderThanMs is given: they are the failures an operator reads.
 */
export async function pruneJobs(db: Knex, opts: { doneOlderThanMs: number; deadOlderThanMs?: number; batchSize?: number }): Promise<number> {
  const batch = opts.batchSize ?? 1000;
  let total = 0;
  const plans: Array<[string, number]> = [['done', opts.doneOlderThanMs]];
  if (opts.deadOlderThanMs !== undefined) plans.push(['dead', opts.deadOlderThanMs]);
  for (const [state, age] of plans) {
    for (;;) {
      const res = await rawWrite(
        db,
        `DELETE FROM ${JOBS} WHERE state = ? AND finished_at < DATE_SUB(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND) ORDER BY finished_at LIMIT ?`,
        [state, Math.round(age * 1000), batch],
      );
      total += res.affectedRows;
      if (res.affectedRows < batch) break;
    }
  }
  return total;
}

/** Gives dead jobs a fresh set of attempts (the operator's "retry failed"). Returns how many. */
export async function requeueDead(db: Knex, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  return inTransaction(db, async (trx) => {
    const rows = await rawRows<{ id: number; queue: string; dedupe_key: string | null; priority: number }>(
      trx,
      `SELECT id, queue, dedupe_key, priority FROM ${JOBS} WHERE state = 'dead' AND id IN (${placeholders(ids.length)}) FOR UPDATE`,
      [...ids],
    );
    for (const row of rows) {
      await rawWrite(trx, `UPDATE ${JOBS} SET attempts = 0, finished_at = NULL WHERE id = ?`, [row.id]);
      await returnToReady(trx, row, { runAtSql: 'UTC_TIMESTAMP(3)', runAtBindings: [] });
    }
    return rows.length;
  });
}
