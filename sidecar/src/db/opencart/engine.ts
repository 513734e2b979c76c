import type { OcContext } from './context';

/**
 * OpenCart creates its tables as MyISAM, but some shops convert them (NOTES §1). When every table a
 * write touches is InnoDB, the write also runs inside a real transaction; with even one MyISAM table
 * a transaction would only pretend (ROLLBACK leaves MyISAM changes), so the journal alone is used.
 */
export async function tablesAreTransactional(ctx: OcContext, names: readonly string[]): Promise<boolean> {
  // Asked on every order write; engines change only when someone converts a table. A stale answer for
  // up to a minute is harmless: the journal carries every write either way (the transaction is extra).
  const key = `${ctx.prefix}|${names.join(',')}`;
  let perDb = answers.get(ctx.knex);
  if (!perDb) answers.set(ctx.knex, (perDb = new Map()));
  const known = perDb.get(key);
  if (known && known.until > Date.now()) return known.value;
  const value = await askEngines(ctx, names);
  perDb.set(key, { value, until: Date.now() + ANSWER_TTL_MS });
  return value;
}

const ANSWER_TTL_MS = 60_000;
const answers = new WeakMap<object, Map<string, { value: boolean; until: number }>>();

async function askEngines(ctx: OcContext, names: readonly string[]): Promise<boolean> {
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
