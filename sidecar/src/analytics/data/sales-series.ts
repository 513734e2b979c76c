import { decodeOcText, type OcContext, stockHoldingStatuses } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import { dayIndex, dayString } from '../calendar';

/**
 * Daily sales series read straight from OpenCart's order tables, so every channel counts (storefront,
 * admin, imported marketplace orders). A sale is an order line whose order is in one of the shop's
 * processing or complete statuses (config_processing_status ∪ config_complete_status, the same set
 * OpenCart takes stock for); cancelled, refunded and missing orders are not sales. Days are shop-local:
 * OpenCart stores date_added in the shop's wall-clock time, so DATE(date_added) is the shop's day.
 * Every series covers [from, to] day by day, with zeros where nothing sold.
 */

export const SERIES_LEVELS = ['store', 'product', 'category', 'marketplace'] as const;
export type SeriesLevel = (typeof SERIES_LEVELS)[number];
export const MEASURES = ['units', 'revenue', 'orders'] as const;
export type Measure = (typeof MEASURES)[number];

export interface SeriesWindow {
  /** First day, 'YYYY-MM-DD' (shop-local). */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

export interface SeriesSet {
  level: SeriesLevel;
  measure: Measure;
  from: string;
  to: string;
  /** Series key ('store', product/category id, marketplace code or 'web') → daily values. */
  series: Map<string, number[]>;
}

/** The order statuses that count as sales for this shop. */
export function salesStatuses(ctx: Pick<OcContext, 'processingStatuses' | 'completeStatuses'>): number[] {
  const set = stockHoldingStatuses(ctx);
  return set.size > 0 ? [...set] : [1, 2, 3, 5, 12];
}

function keyExpression(level: SeriesLevel): string {
  switch (level) {
    case 'store':
      return "'store'";
    case 'product':
      return 'op.product_id';
    case 'category':
      return 'pc.category_id';
    case 'marketplace':
      return "COALESCE(mm.code, 'web')";
  }
}

function joins(ctx: OcContext, level: SeriesLevel): string {
  if (level === 'category') return `JOIN \`${ctx.table('product_to_category')}\` pc ON pc.product_id = op.product_id`;
  if (level === 'marketplace') {
    // An OpenCart order imported from a marketplace has a claim row pointing at it; the rest are the shop's own.
    return `LEFT JOIN (SELECT oc_order_id, MIN(marketplace_id) AS marketplace_id FROM meschain_orders WHERE oc_order_id IS NOT NULL GROUP BY oc_order_id) mo ON mo.oc_order_id = o.order_id
            LEFT JOIN meschain_marketplaces mm ON mm.id = mo.marketplace_id`;
  }
  return '';
}

function measureExpression(measure: Measure): string {
  switch (measure) {
    case 'units':
      return 'SUM(op.quantity)';
    case 'revenue':
      // Line totals exclude tax and are in the default currency.
      return 'SUM(op.total)';
    case 'orders':
      return 'COUNT(DISTINCT o.order_id)';
  }
}

export interface LoadSeriesOptions extends SeriesWindow {
  level: SeriesLevel;
  measure: Measure;
  /** Only these keys (product/category ids, marketplace codes). */
  keys?: ReadonlyArray<string | number>;
  /** Only orders imported from marketplaces (those with a meschain_orders claim). */
  marketplaceOnly?: boolean;
}

export async function loadSeries(ctx: OcContext, opts: LoadSeriesOptions): Promise<SeriesSet> {
  const start = dayIndex(opts.from);
  const end = dayIndex(opts.to);
  if (end < start) throw new RangeError(`series window ends (${opts.to}) before it starts (${opts.from})`);
  const statuses = salesStatuses(ctx);
  const key = keyExpression(opts.level);
  const bindings: unknown[] = [...statuses, ctx.storeId, `${opts.from} 00:00:00`, `${dayString(end + 1)} 00:00:00`];
  let filter = '';
  if (opts.keys && opts.keys.length > 0 && opts.level !== 'store') {
    filter = ` AND ${key} IN (${placeholders(opts.keys.length)})`;
    bindings.push(...opts.keys);
  }
  const channel = opts.marketplaceOnly && opts.level !== 'marketplace' ? 'JOIN (SELECT DISTINCT oc_order_id FROM meschain_orders WHERE oc_order_id IS NOT NULL) mpo ON mpo.oc_order_id = o.order_id' : '';
  if (opts.marketplaceOnly && opts.level === 'marketplace') filter += " AND mm.code IS NOT NULL";
  const sql = `SELECT DATE_FORMAT(o.date_added, '%Y-%m-%d') AS d, ${key} AS k, ${measureExpression(opts.measure)} AS v
    FROM \`${ctx.table('order')}\` o
    JOIN \`${ctx.table('order_product')}\` op ON op.order_id = o.order_id
    ${joins(ctx, opts.level)} ${channel}
    WHERE o.order_status_id IN (${placeholders(statuses.length)}) AND o.store_id = ? AND o.date_added >= ? AND o.date_added < ?${filter}
    GROUP BY d, k`;
  const rows = await rawRows<{ d: string; k: string | number; v: string | number }>(ctx.knex, sql, bindings);
  const n = end - start + 1;
  const series = new Map<string, number[]>();
  if (opts.level === 'store') series.set('store', new Array<number>(n).fill(0));
  for (const key of opts.keys ?? []) if (opts.level !== 'store') series.set(String(key), new Array<number>(n).fill(0));
  for (const r of rows) {
    const k = String(r.k);
    let values = series.get(k);
    if (!values) {
      values = new Array<number>(n).fill(0);
      series.set(k, values);
    }
    values[dayIndex(r.d) - start] = Number(r.v);
  }
  return { level: opts.level, measure: opts.measure, from: opts.from, to: opts.to, series };
}

/** First and last shop-local day with a sale, or null when the shop has sold nothing. */
export async function salesSpan(ctx: OcContext): Promise<{ first: string; last: string } | null> {
  const statuses = salesStatuses(ctx);
  const [row] = await rawRows<{ first: string | null; last: string | null }>(
    ctx.knex,
    `SELECT DATE_FORMAT(MIN(date_added), '%Y-%m-%d') AS first, DATE_FORMAT(MAX(date_added), '%Y-%m-%d') AS last
       FROM \`${ctx.table('order')}\` WHERE order_status_id IN (${placeholders(statuses.length)}) AND store_id = ?`,
    [...statuses, ctx.storeId],
  );
  return row?.first && row.last ? { first: row.first, last: row.last } : null;
}

export interface ProductFacts {
  productId: number;
  name: string;
  model: string;
  listPrice: number;
  quantity: number;
  status: boolean;
  categoryIds: number[];
}

/** Catalogue facts the analytics need (name in the context language, list price, stock, categories). */
export async function loadProductFacts(ctx: OcContext, productIds?: readonly number[]): Promise<Map<number, ProductFacts>> {
  const filter = productIds && productIds.length ? ` WHERE p.product_id IN (${placeholders(productIds.length)})` : '';
  const rows = await rawRows<{ product_id: number; name: string | null; model: string; price: string; quantity: number; status: number }>(
    ctx.knex,
    `SELECT p.product_id, pd.name, p.model, p.price, p.quantity, p.status
       FROM \`${ctx.table('product')}\` p
       LEFT JOIN \`${ctx.table('product_description')}\` pd ON pd.product_id = p.product_id AND pd.language_id = ?${filter}`,
    [ctx.languageId, ...(productIds ?? [])],
  );
  const cats = await rawRows<{ product_id: number; category_id: number }>(
    ctx.knex,
    `SELECT product_id, category_id FROM \`${ctx.table('product_to_category')}\`${productIds && productIds.length ? ` WHERE product_id IN (${placeholders(productIds.length)})` : ''}`,
    [...(productIds ?? [])],
  );
  const out = new Map<number, ProductFacts>();
  for (const r of rows) {
    out.set(r.product_id, {
      productId: r.product_id,
      name: decodeOcText(r.name ?? r.model),
      model: r.model,
      listPrice: Number(r.price),
      quantity: Number(r.quantity),
      status: Number(r.status) === 1,
      categoryIds: [],
    });
  }
  for (const c of cats) out.get(c.product_id)?.categoryIds.push(c.category_id);
  return out;
}
