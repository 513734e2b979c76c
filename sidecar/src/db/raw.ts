import type { Knex } from 'knex';

/**
 * Thin helpers over knex.raw for hand-written SQL (SKIP LOCKED claims, multi-table UPDATEs, triggers'
 * tables) where the query builder would only get in the way. mysql2 resolves knex.raw to
 * [rows, fields] for a SELECT and [ResultSetHeader, undefined] for a write.
 */

export interface WriteResult {
  affectedRows: number;
  insertId: number;
}

export async function rawRows<T>(db: Knex | Knex.Transaction, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const [rows] = (await db.raw(sql, bindings as Knex.RawBinding[])) as unknown as [T[]];
  return rows;
}

export async function rawWrite(db: Knex | Knex.Transaction, sql: string, bindings: readonly unknown[] = []): Promise<WriteResult> {
  const [result] = (await db.raw(sql, bindings as Knex.RawBinding[])) as unknown as [WriteResult];
  return result;
}

/** `?,?,?` for an IN (...) list of n values. */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(',');
}

/** The MariaDB error number of a driver error, if it has one. */
export function errno(err: unknown): number | undefined {
  return (err as { errno?: number } | null)?.errno;
}

export const ER_DUP_ENTRY = 1062;
export const ER_LOCK_WAIT_TIMEOUT = 1205;
export const ER_LOCK_DEADLOCK = 1213;
