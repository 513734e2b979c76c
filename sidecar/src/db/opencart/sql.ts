import type { Knex } from 'knex';

/** Small helpers shared by this folder's queries. */

/** Runs `load` over `ids` in chunks so IN (...) lists stay a sane size; results concatenated. */
export async function inChunks<T>(ids: readonly number[], load: (chunk: number[]) => Promise<T[]>, size = 1000): Promise<T[]> {
  const unique = [...new Set(ids)];
  const out: T[] = [];
  for (let i = 0; i < unique.length; i += size) out.push(...(await load(unique.slice(i, i + size))));
  return out;
}

export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

export { rawRows, rawWrite, type WriteResult } from '../raw';

export const flag = (v: unknown): boolean => Number(v) === 1;

/** `CASE column WHEN ? THEN ? … END` for a multi-row UPDATE, with its bindings. */
export function caseOf(column: string, pairs: ReadonlyArray<readonly [unknown, unknown]>): [string, unknown[]] {
  return [`CASE \`${column}\` ${pairs.map(() => 'WHEN ? THEN ?').join(' ')} END`, pairs.flatMap(([k, v]) => [k, v])];
}
