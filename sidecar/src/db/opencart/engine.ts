import type { OcContext } from './context';

/**
 * OpenCart creates its tables as MyISAM, but some shops convert them (NOTES §1). When every table a
 * write touches is InnoDB, the write also runs inside a real transaction; with even one MyISAM table
 * a transaction would only pretend (ROLLBACK leaves MyISAM changes), so the journal alone is used.
 */
export async function tablesAreTransactional(ctx: OcContext, names: readonly string[]): Promise<boolean> {
  const tables = names.map((n) => ctx.table(n));
  const rows = (await ctx
    .knex('information_schema.TABLES')
    .select('TABLE_NAME as name', 'ENGINE as engine')
    .whereRaw('TABLE_SCHEMA = DATABASE()')
    .whereIn('TABLE_NAME', tables)) as Array<{ name: string; engine: string | null }>;
  if (rows.length !== tables.length) return false;
  return rows.every((r) => (r.engine ?? '').toLowerCase() === 'innodb');
}

/** The oc_* tables order writes touch. */
export const ORDER_WRITE_TABLES = ['order', 'order_product', 'order_option', 'order_total', 'order_history', 'product', 'product_option_value'] as const;
