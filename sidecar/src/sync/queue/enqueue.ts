import type { Knex } from 'knex';
import { validateJobSpec, type NormalisedSpec, type SpecDefaults } from './spec';
import { inTransaction, JOBS, retryDeadlocks, toDbTime } from './sql';
import { rawWrite } from '../../db/raw';
import type { JobSpec } from './types';

/**
 * A waiting duplicate (same queue, same dedupe key, state 'ready') is caught by the unique key on the
 * generated column dedupe_pending and merged: newest type and payload, lowest priority number, earliest
 * run time, newest max_attempts. `id = LAST_INSERT_ID(id)` makes the driver report the surviving id.
 * A running job has dedupe_pending NULL, so a newer change queues a fresh job behind it.
 *
 * Payloads that carry precomputed values say when those were read in a numeric `planAt` (stock/price
 * pushes). Two plans may commit in the other order than they read (two pump lanes), so a payload with
 * `planAt` only replaces one with an older `planAt`, and never one without (which means "compute when
 * run", always at least as fresh). Payloads without `planAt` replace as before.
 */
const INSERT = `INSERT INTO ${JOBS} (queue, type, dedupe_key, payload, priority, max_attempts, run_at) VALUES `;
const ROW = '(?, ?, ?, ?, ?, ?, COALESCE(?, UTC_TIMESTAMP(3)))';
const ON_DUPLICATE = ` ON DUPLICATE KEY UPDATE
  id = LAST_INSERT_ID(id),
  type = VALUES(type),
  payload = IF(JSON_VALUE(VALUES(payload), '$.planAt') IS NOT NULL
      AND (JSON_VALUE(payload, '$.planAt') IS NULL OR CAST(JSON_VALUE(payload, '$.planAt') AS DECIMAL(20, 0)) > CAST(JSON_VALUE(VALUES(payload), '$.planAt') AS DECIMAL(20, 0))),
    payload, VALUES(payload)),
  priority = LEAST(priority, VALUES(priority)),
  run_at = LEAST(run_at, VALUES(run_at)),
  max_attempts = VALUES(max_attempts),
  updated_at = UTC_TIMESTAMP(3)`;

function rowBindings(s: NormalisedSpec): unknown[] {
  return [s.queue, s.type, s.dedupeKey, s.payloadJson, s.priority, s.maxAttempts, s.runAt ? toDbTime(s.runAt) : null];
}

/** Adds one job (or merges it into its waiting duplicate). `merged` is true when no new row was made. */
export async function enqueue(db: Knex, spec: JobSpec, defaults: SpecDefaults = {}): Promise<{ id: number; merged: boolean }> {
  const s = validateJobSpec(spec, defaults);
  const run = () => rawWrite(db, INSERT + ROW + ON_DUPLICATE, rowBindings(s));
  // Concurrent upserts on one unique key can deadlock in InnoDB; inside a caller's transaction the
  // caller retries the whole transaction, outside it the statement alone is simply run again.
  const res = db.isTransaction ? await run() : await retryDeadlocks(run);
  // affectedRows: 1 for an insert, 2 for an update, 0 for an update that changed nothing.
  return { id: Number(res.insertId), merged: res.affectedRows !== 1 };
}

/**
 * Adds many jobs in multi-row inserts, all or nothing: every spec is validated first, and the inserts
 * run in one transaction (the caller's, when given one: the pump passes its own, so the jobs commit
 * together with the consumed change-log rows). Returns how many specs were written (inserted or merged).
 */
export async function enqueueMany(db: Knex, specs: readonly JobSpec[], defaults: SpecDefaults = {}, chunkSize = 500): Promise<number> {
  const rows = specs.map((spec) => validateJobSpec(spec, defaults));
  if (rows.length === 0) return 0;
  await inTransaction(db, async (trx) => {
    for (let i = 0; i < rows.length; i += chunkSize) {
      const chunk = rows.slice(i, i + chunkSize);
      await rawWrite(trx, INSERT + chunk.map(() => ROW).join(',') + ON_DUPLICATE, chunk.flatMap(rowBindings));
    }
  });
  return rows.length;
}
