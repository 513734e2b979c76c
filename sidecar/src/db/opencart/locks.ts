import type { Knex } from 'knex';

/**
 * Server-side named locks (GET_LOCK) held on a connection of their own. They mark "a live sidecar is
 * working on this": if that process dies, the server drops its connection and the lock with it, so
 * recovery can tell a crashed write (lock free) from a slow one (lock held) without any timeout guess.
 * They also serialise our own writers on one order or one stock row across processes. OpenCart ignores
 * them; nothing here relies on OpenCart honouring them.
 * Cost: the lock occupies one pooled connection while the guarded work uses others, so a write needs
 * two connections at once (three while it finishes another process's crashed write). Keep the number
 * of concurrent writers under half the pool; a shortage shows up as knex's acquire timeout, not a hang.
 */

export class LockBusyError extends Error {
  override name = 'LockBusyError';
}

/** Lock names are server-wide: hash the schema name and the key so shops on one server never collide. */
const NAME_SQL = "CONCAT('mc:', LEFT(SHA1(CONCAT(DATABASE(), '|', ?)), 40))";

interface PoolClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(conn: unknown): Promise<unknown>;
}

/**
 * Runs fn while holding the named lock. timeoutSeconds 0 = try once. Throws LockBusyError when the lock
 * stays taken, unless `onBusy` is given, whose value is returned instead.
 */
export async function withNamedLock<T>(knex: Knex, key: string, timeoutSeconds: number, fn: () => Promise<T>, onBusy?: () => T): Promise<T> {
  const client = knex.client as unknown as PoolClient;
  const conn = await client.acquireConnection();
  let locked = false;
  try {
    const [rows] = (await knex.raw(`SELECT GET_LOCK(${NAME_SQL}, ?) AS got`, [key, timeoutSeconds]).connection(conn)) as unknown as [Array<{ got: number | null }>];
    locked = Number(rows[0]?.got) === 1;
    if (!locked) {
      if (onBusy) return onBusy();
      throw new LockBusyError(`another sidecar process is working on ${key}`);
    }
    return await fn();
  } finally {
    try {
      if (locked) await knex.raw(`SELECT RELEASE_LOCK(${NAME_SQL})`, [key]).connection(conn);
    } finally {
      await client.releaseConnection(conn);
    }
  }
}

export const orderLockKey = (prefix: string, orderId: number): string => `${prefix}|order|${orderId}`;
export const writeLockKey = (prefix: string, token: string): string => `${prefix}|write|${token}`;
export const stockLockKey = (prefix: string, target: string, id: number): string => `${prefix}|stock|${target}|${id}`;
