import type { Knex } from 'knex';
import { rawWrite } from '../../db/raw';

export interface BulkUpdate {
  /** Columns of meschain_listings set to the row's value. */
  set?: readonly string[];
  /** Further values carried in the derived table `v`, used by `fixed` expressions. */
  extra?: readonly string[];
  /** Assignments written out in SQL, e.g. "l.item_retries = 0" or "l.state = IF(v.qr IS NULL, l.state, 'quarantined')". */
  fixed?: readonly string[];
  /** Narrows which joined rows change, e.g. only while they still point at this batch. */
  guard?: { sql: string; bindings: unknown[] };
}

/** Updates many meschain_listings rows by id in one statement per 500 rows: a derived table `v` of values joined on id. */
export async function bulkUpdateListings(db: Knex | Knex.Transaction, rows: ReadonlyArray<Record<string, unknown> & { id: number }>, u: BulkUpdate): Promise<number> {
  const set = u.set ?? [];
  const columns = [...set, ...(u.extra ?? [])];
  let changed = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const select = chunk.map((_, j) => (j === 0 ? `SELECT ? AS id${columns.map((c) => `, ? AS ${c}`).join('')}` : `SELECT ?${', ?'.repeat(columns.length)}`)).join(' UNION ALL ');
    const bindings = chunk.flatMap((r) => [r.id, ...columns.map((c) => (r[c] === undefined ? null : r[c]))]);
    const sets = [...set.map((c) => `l.${c} = v.${c}`), ...(u.fixed ?? []), 'l.updated_at = UTC_TIMESTAMP(3)'];
    const res = await rawWrite(
      db,
      `UPDATE meschain_listings l JOIN (${select}) v ON v.id = l.id SET ${sets.join(', ')}${u.guard ? ` WHERE ${u.guard.sql}` : ''}`,
      [...bindings, ...(u.guard?.bindings ?? [])],
    );
    changed += res.affectedRows;
  }
  return changed;
}
