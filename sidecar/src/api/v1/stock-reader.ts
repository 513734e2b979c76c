import type { Knex } from 'knex';
import type { OcContext } from '../../db/opencart';

/**
 * The hot read of the API, GET /stock/{productId}: a product's quantity, its link to this store and its
 * option values in one indexed query, sent as a prepared statement straight on a pooled mysql2
 * connection (no query builder: knex's per-query work cost as much CPU as the rest of the request).
 *
 * Reads that arrive in the same turn of the event loop share one query (`product_id IN (…)`). The query
 * is sent only after every read in it arrived, so each answer still reflects the database as of a
 * moment after its request came in: a stock write answered before the read was sent is always seen.
 * Nothing is cached between queries.
 */

export interface StockRow {
  product_id: number;
  quantity: number;
  pov_id: number | null;
  pov_quantity: number | null;
  option: string | null;
  value: string | null;
}

/** The callback API of a mysql2 connection, as knex's pool hands it out. */
interface RawConnection {
  execute(sql: string, values: unknown[], cb: (err: Error | null, rows: unknown) => void): void;
}

interface PoolClient {
  acquireConnection(): Promise<RawConnection>;
  releaseConnection(conn: RawConnection): Promise<unknown>;
}

interface Waiter {
  resolve(rows: StockRow[]): void;
  reject(err: unknown): void;
}

/** Largest IN list; larger batches are split. Lists are padded to a power of two (few distinct statements to prepare). */
const MAX_BATCH = 64;

function paddedSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

export class StockReader {
  private waiting = new Map<number, Waiter[]>();
  private scheduled = false;
  private readonly sqlBySize = new Map<number, string>();
  private readonly pool: PoolClient;

  constructor(private readonly ctx: OcContext) {
    this.pool = (ctx.knex as Knex & { client: PoolClient }).client;
  }

  /** Rows of one product (one per option value, or one without options); empty when not in this store. */
  read(productId: number): Promise<StockRow[]> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(productId);
      if (list) list.push({ resolve, reject });
      else this.waiting.set(productId, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.waiting;
    this.waiting = new Map();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += MAX_BATCH) void this.run(ids.slice(i, i + MAX_BATCH), batch);
  }

  private async run(ids: number[], batch: Map<number, Waiter[]>): Promise<void> {
    try {
      const rows = await this.query(ids);
      const byProduct = new Map<number, StockRow[]>();
      for (const r of rows) {
        const list = byProduct.get(r.product_id);
        if (list) list.push(r);
        else byProduct.set(r.product_id, [r]);
      }
      for (const id of ids) for (const w of batch.get(id)!) w.resolve(byProduct.get(id) ?? []);
    } catch (err) {
      for (const id of ids) for (const w of batch.get(id)!) w.reject(err);
    }
  }

  private async query(ids: number[]): Promise<StockRow[]> {
    const size = paddedSize(ids.length);
    const values: unknown[] = [this.ctx.storeId, this.ctx.languageId, this.ctx.languageId, ...ids];
    for (let i = ids.length; i < size; i++) values.push(ids[ids.length - 1]);
    const sql = this.sql(size);
    const conn = await this.pool.acquireConnection();
    try {
      return await new Promise<StockRow[]>((resolve, reject) => conn.execute(sql, values, (err, rows) => (err ? reject(err) : resolve(rows as StockRow[]))));
    } finally {
      await this.pool.releaseConnection(conn);
    }
  }

  private sql(size: number): string {
    let sql = this.sqlBySize.get(size);
    if (!sql) {
      const t = (name: string) => `\`${this.ctx.table(name)}\``;
      sql = `SELECT p.product_id, p.quantity, pov.product_option_value_id AS pov_id, pov.quantity AS pov_quantity, od.name AS \`option\`, ovd.name AS value
        FROM ${t('product')} p
        JOIN ${t('product_to_store')} ps ON ps.product_id = p.product_id AND ps.store_id = ?
        LEFT JOIN ${t('product_option_value')} pov ON pov.product_id = p.product_id
        LEFT JOIN ${t('product_option')} po ON po.product_option_id = pov.product_option_id
        LEFT JOIN ${t('option')} o ON o.option_id = po.option_id
        LEFT JOIN ${t('option_description')} od ON od.option_id = po.option_id AND od.language_id = ?
        LEFT JOIN ${t('option_value')} ov ON ov.option_value_id = pov.option_value_id
        LEFT JOIN ${t('option_value_description')} ovd ON ovd.option_value_id = pov.option_value_id AND ovd.language_id = ?
        WHERE p.product_id IN (${new Array<string>(size).fill('?').join(',')})
        ORDER BY p.product_id, o.sort_order, po.product_option_id, ov.sort_order, pov.product_option_value_id`;
      this.sqlBySize.set(size, sql);
    }
    return sql;
  }
}
