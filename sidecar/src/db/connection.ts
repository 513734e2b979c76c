import knexFactory, { type Knex } from 'knex';
import { describeDbUrl } from '../util/logger';
import { StartupError } from '../util/errors';

export type { Knex };

/**
 * The session settings every sidecar connection runs with.
 * - time_zone UTC: the sidecar's own tables keep UTC; OpenCart times are computed in JS in the shop's
 *   zone (see opencart/clock.ts) and written as literals, so the session zone never leaks into them.
 * - sql_mode: strict, so our own bugs surface, but never NO_ZERO_DATE / NO_ZERO_IN_DATE, which
 *   OpenCart's '0000-00-00' defaults break. Writes to oc_* give every NOT NULL column a value, which is
 *   what OpenCart's non-strict session mode would otherwise paper over.
 */
export const SESSION_SQL_MODE = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';

export class DatabaseUnavailableError extends StartupError {
  override name = 'DatabaseUnavailableError';
}

export interface DbOptions {
  poolMax?: number;
}

export function connectionFromUrl(url: string): Knex.MySql2ConnectionConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
    charset: 'utf8mb4',
    timezone: 'Z',
    // DATETIME columns come back as strings: OpenCart's are shop-local, ours UTC; no silent JS Date shifts.
    dateStrings: true,
    supportBigNumbers: true,
    // DECIMAL money stays a string: never a float.
    decimalNumbers: false,
  };
}

export function createDb(url: string, options: DbOptions = {}): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: connectionFromUrl(url),
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      afterCreate(conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        conn.query(`SET time_zone = '+00:00', sql_mode = '${SESSION_SQL_MODE}'`, (err) => done(err, conn));
      },
    },
    acquireConnectionTimeout: 10_000,
  });
}

/** Fails with one clear line (no stack, no password) when the database cannot be reached. */
export async function assertReachable(db: Knex, url: string): Promise<void> {
  try {
    await db.raw('SELECT 1');
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const reason = e.code ? `${e.code}: ${e.message ?? ''}` : (e.message ?? String(err));
    throw new DatabaseUnavailableError(`cannot connect to database ${describeDbUrl(url)} (${reason.split('\n')[0]})`);
  }
}
