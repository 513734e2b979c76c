import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import { claimedJob, fromDbTime, inTransaction, JOBS, leaseCondition, placeholders, toDbTime, type JobRow } from './sql';
import { rawWrite, rawRows } from '../../db/raw';
import type { ClaimedJob, Lease } from './types';

/** A readable, practically unique name for one worker: host, pid and a random tag. */
export function defaultWorkerId(): string {
  return `${hostname().slice(0, 24)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** locked_by holds worker id + a random tag per claim: the fence every later step checks. */
function claimToken(workerId: string): string {
  return `${workerId.slice(0, 48)}#${randomBytes(6).toString('base64url')}`;
}

export interface ClaimOptions {
  queue: string;
  /** Most jobs to take in this one claim. */
  limit: number;
  visibilityTimeoutMs: number;
  workerId: string;
}

/**
 * Claims up to `limit` due jobs, lowest priority number first, then oldest run time, then id.
 * SKIP LOCKED lets any number of processes claim at once without waiting on, or taking, each other's
 * rows. A job whose dedupe key has a running job in the same queue waits, so two versions of one
 * product's update are never pushed concurrently (an older one could land last).
 * Each claim counts as an attempt; the lease lasts visibilityTimeoutMs unless extended.
 */
export async function claimJobs(db: Knex, opts: ClaimOptions): Promise<ClaimedJob[]> {
  if (opts.limit < 1) return [];
  const token = claimToken(opts.workerId);
  return inTransaction(db, async (trx) => {
    const rows = await rawRows<JobRow & { now: string }>(
      trx,
      `SELECT j.id, j.queue, j.type, CAST(j.payload AS CHAR) AS payload, j.dedupe_key, j.priority, j.state, j.attempts, j.max_attempts, j.run_at,
              j.locked_by, j.locked_until, j.last_error, j.created_at, UTC_TIMESTAMP(3) AS now
         FROM ${JOBS} j
        WHERE j.queue = ? AND j.state = 'ready' AND j.run_at <= UTC_TIMESTAMP(3)
          AND (j.dedupe_key IS NULL OR NOT EXISTS (
                SELECT 1 FROM ${JOBS} r WHERE r.queue = j.queue AND r.dedupe_key = j.dedupe_key AND r.state = 'running'))
        ORDER BY j.priority, j.run_at, j.id
        LIMIT ?
        FOR UPDATE SKIP LOCKED`,
      [opts.queue, Math.floor(opts.limit)],
    );
    const first = rows[0];
    if (!first) return [];
    const lockedUntil = new Date(fromDbTime(first.now).getTime() + opts.visibilityTimeoutMs);
    const ids = rows.map((r) => Number(r.id));
    await rawWrite(
      trx,
      `UPDATE ${JOBS} SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?, updated_at = UTC_TIMESTAMP(3)
        WHERE id IN (${placeholders(ids.length)})`,
      [token, toDbTime(lockedUntil), ...ids],
    );
    return rows.map((r) => claimedJob(r, { id: Number(r.id), token }, lockedUntil));
  });
}

/** Which of `leases` are no longer held (completed elsewhere, expired and re-claimed, recovered). */
export async function lostLeases(db: Knex, leases: readonly Lease[]): Promise<Lease[]> {
  if (leases.length === 0) return [];
  const ids = [...new Set(leases.map((l) => l.id))];
  const rows = await rawRows<{ id: number; state: string; locked_by: string | null }>(
    db,
    `SELECT id, state, locked_by FROM ${JOBS} WHERE id IN (${placeholders(ids.length)})`,
    ids,
  );
  const held = new Set(rows.filter((r) => r.state === 'running').map((r) => `${Number(r.id)}|${r.locked_by ?? ''}`));
  return leases.filter((l) => !held.has(`${l.id}|${l.token}`));
}

/**
 * Pushes the leases' expiry to now + ms (for long jobs, and for jobs claimed in a batch that are
 * still waiting their turn in the worker). Returns the leases that were NOT extended because they are
 * no longer held: their work must stop.
 */
export async function extendLeases(db: Knex, leases: readonly Lease[], ms: number): Promise<Lease[]> {
  if (leases.length === 0) return [];
  const cond = leaseCondition(leases);
  const res = await rawWrite(
    db,
    `UPDATE ${JOBS} SET locked_until = DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ? MICROSECOND), updated_at = UTC_TIMESTAMP(3)
      WHERE state = 'running' AND ${cond.sql}`,
    [Math.round(ms * 1000), ...cond.bindings],
  );
  if (res.affectedRows === leases.length) return [];
  return lostLeases(db, leases);
}
