import type { Knex } from 'knex';
import { errno, ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, placeholders } from '../../db/raw';
import type { ClaimedJob, Lease } from './types';

export const JOBS = 'meschain_jobs';

export { errno, ER_DUP_ENTRY, placeholders } from '../../db/raw';

/** A DATETIME(3) literal in UTC, as the sidecar's tables store times. */
export function toDbTime(d: Date): string {
  return d.toISOString().slice(0, 23).replace('T', ' ');
}

/** The connection returns DATETIME columns as strings (dateStrings); ours are UTC. */
export function fromDbTime(s: string): Date {
  return new Date(`${s.replace(' ', 'T')}Z`);
}


/**
 * Runs fn in an InnoDB transaction at READ COMMITTED: locking reads then lock only the rows they return
 * (no gap locks), so a claim or a pump batch never blocks the capture triggers' inserts (which would
 * stall OpenCart, whose MyISAM table stays locked while its trigger waits). Deadlocks and lock-wait
 * timeouts roll the whole transaction back; it is simply run again. Inside a caller's transaction, fn
 * joins it instead.
 */
export async function inTransaction<T>(db: Knex, fn: (trx: Knex.Transaction) => Promise<T>, retries = 5): Promise<T> {
  if (db.isTransaction) return fn(db as Knex.Transaction);
  return retryDeadlocks(() => db.transaction(fn, { isolationLevel: 'read committed' }), retries);
}

/** Runs one autocommit statement again when InnoDB picked it as a deadlock victim. */
export async function retryDeadlocks<T>(fn: () => Promise<T>, retries = 5): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code = errno(err);
      if (attempt >= retries || (code !== ER_LOCK_DEADLOCK && code !== ER_LOCK_WAIT_TIMEOUT)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
    }
  }
}

export interface JobRow {
  id: number | string;
  queue: string;
  type: string;
  payload: unknown;
  dedupe_key: string | null;
  priority: number;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
}

/** Payloads are selected as CAST(payload AS CHAR), so the driver never half-parses them. */
export function parsePayload(raw: unknown): unknown {
  if (Buffer.isBuffer(raw)) return JSON.parse(raw.toString('utf8'));
  return JSON.parse(String(raw));
}

/** A row just claimed: the claim has bumped attempts and set the lease. */
export function claimedJob(row: JobRow, lease: Lease, lockedUntil: Date): ClaimedJob {
  return {
    id: Number(row.id),
    queue: row.queue,
    type: row.type,
    payload: parsePayload(row.payload),
    dedupeKey: row.dedupe_key,
    priority: Number(row.priority),
    attempts: Number(row.attempts) + 1,
    maxAttempts: Number(row.max_attempts),
    runAt: fromDbTime(row.run_at),
    createdAt: fromDbTime(row.created_at),
    lastError: row.last_error,
    lockedUntil,
    lease,
  };
}

/** Groups leases by claim token, so one statement can fence a whole claimed batch. */
export function byToken(leases: readonly Lease[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const l of leases) {
    const ids = groups.get(l.token);
    if (ids) ids.push(l.id);
    else groups.set(l.token, [l.id]);
  }
  return groups;
}

/** `(locked_by = ? AND id IN (...)) OR ...` for a set of leases, with its bindings. */
export function leaseCondition(leases: readonly Lease[]): { sql: string; bindings: unknown[] } {
  const parts: string[] = [];
  const bindings: unknown[] = [];
  for (const [token, ids] of byToken(leases)) {
    parts.push(`(locked_by = ? AND id IN (${placeholders(ids.length)}))`);
    bindings.push(token, ...ids);
  }
  return { sql: `(${parts.join(' OR ')})`, bindings };
}

/** Error text as stored in last_error: bounded, one error per job. */
export function errorText(err: unknown): string {
  const e = err as { name?: string; message?: string } | null;
  const text = e && typeof e.message === 'string' ? `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}` : String(err);
  return text.length > 4000 ? `${text.slice(0, 3997)}...` : text;
}
