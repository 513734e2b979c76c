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
    if (locked) await knex.raw(`SELECT RELEASE_LOCK(${NAME_SQL})`, [key]).connection(conn).catch(() => dropSession(conn));
    await client.releaseConnection(conn);
  }
}

/**
 * A release that failed would leave named locks on a connection going back to the pool, held for as
 * long as it lives: close the session instead (the server frees its locks with it; the pool sees the
 * connection is gone and opens a new one).
 */
function dropSession(conn: unknown): void {
  (conn as { destroy?: () => void }).destroy?.();
}

export const orderLockKey = (prefix: string, orderId: number): string => `${prefix}|order|${orderId}`;
export const writeLockKey = (prefix: string, token: string): string => `${prefix}|write|${token}`;
export const stockLockKey = (prefix: string, target: string, id: number): string => `${prefix}|stock|${target}|${id}`;

/**
 * Many named locks held together on one pooled connection, for batch writes: a batch of N orders would
 * otherwise pin N connections. Keys are tried without waiting (a key someone holds is simply not got,
 * and its work goes the single-write way); close() releases every lock and the connection.
 */
export class NamedLockSet {
  private readonly held = new Set<string>();

  private constructor(
    private readonly knex: Knex,
    private readonly conn: unknown,
  ) {}

  static async open(knex: Knex): Promise<NamedLockSet> {
    const client = knex.client as unknown as PoolClient;
    return new NamedLockSet(knex, await client.acquireConnection());
  }

  /** Tries every key once; returns the keys now held (including ones held already). */
  async tryMany(keys: readonly string[]): Promise<Set<string>> {
    const wanted = [...new Set(keys)].filter((k) => !this.held.has(k));
    // One statement per hundred keys: each GET_LOCK is a column of the same SELECT.
    for (let i = 0; i < wanted.length; i += 100) {
      const chunk = wanted.slice(i, i + 100);
      const sql = `SELECT ${chunk.map((_, j) => `GET_LOCK(${NAME_SQL}, 0) AS l${j}`).join(', ')}`;
      const [rows] = (await this.knex.raw(sql, chunk).connection(this.conn)) as unknown as [Array<Record<string, number | null>>];
      chunk.forEach((key, j) => {
        if (Number(rows[0]?.[`l${j}`]) === 1) this.held.add(key);
      });
    }
    return new Set(keys.filter((k) => this.held.has(k)));
  }

  async close(): Promise<void> {
    const client = this.knex.client as unknown as PoolClient;
    if (this.held.size) await this.knex.raw('SELECT RELEASE_ALL_LOCKS()').connection(this.conn).catch(() => dropSession(this.conn));
    this.held.clear();
    await client.releaseConnection(this.conn);
  }
}
