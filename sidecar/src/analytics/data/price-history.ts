import type { OcContext } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import { dayIndex, dayString } from '../calendar';
import { salesStatuses, type SeriesWindow } from './sales-series';

/**
 * What each product cost on each day, for demand and price models. OpenCart keeps no price history
 * apart from what orders charged, so the offered price of a day is: the highest unit price charged
 * that day (quantity discounts only ever lower a line's price, and a day's average would fall whenever
 * a trade buyer bought in bulk, faking a price reaction); on a day without sales, the active special's
 * price if one ran, else the last price charged outside a special, else today's list price.
 * Specials are the default customer group's rows of product_special (start day inclusive, end day
 * exclusive, '0000-00-00' = open), as OpenCart's storefront applies them.
 */

export interface PriceHistory {
  price: number[];
  /** 1 on days a special was active. */
  special: number[];
  listPrice: number;
}

export async function loadPriceHistory(ctx: OcContext, productIds: readonly number[], window: SeriesWindow): Promise<Map<number, PriceHistory>> {
  const out = new Map<number, PriceHistory>();
  if (productIds.length === 0) return out;
  const start = dayIndex(window.from);
  const end = dayIndex(window.to);
  const n = end - start + 1;
  const statuses = salesStatuses(ctx);
  const ids = [...productIds];
  const [charged, specials, list] = await Promise.all([
    rawRows<{ d: string; product_id: number; price: string }>(
      ctx.knex,
      `SELECT DATE_FORMAT(o.date_added, '%Y-%m-%d') AS d, op.product_id, MAX(op.price) AS price
         FROM \`${ctx.table('order')}\` o JOIN \`${ctx.table('order_product')}\` op ON op.order_id = o.order_id
        WHERE o.order_status_id IN (${placeholders(statuses.length)}) AND o.store_id = ? AND o.date_added >= ? AND o.date_added < ?
          AND op.product_id IN (${placeholders(ids.length)}) AND op.quantity > 0
        GROUP BY d, op.product_id`,
      [...statuses, ctx.storeId, `${window.from} 00:00:00`, `${dayString(end + 1)} 00:00:00`, ...ids],
    ),
    rawRows<{ product_id: number; price: string; date_start: string; date_end: string; priority: number }>(
      ctx.knex,
      `SELECT product_id, price, DATE_FORMAT(date_start, '%Y-%m-%d') AS date_start, DATE_FORMAT(date_end, '%Y-%m-%d') AS date_end, priority
         FROM \`${ctx.table('product_special')}\` WHERE customer_group_id = ? AND product_id IN (${placeholders(ids.length)})
        ORDER BY priority, price`,
      [ctx.customerGroupId, ...ids],
    ),
    rawRows<{ product_id: number; price: string }>(ctx.knex, `SELECT product_id, price FROM \`${ctx.table('product')}\` WHERE product_id IN (${placeholders(ids.length)})`, ids),
  ]);

  const listPrice = new Map(list.map((r) => [r.product_id, Number(r.price)]));
  const specialPrice = new Map<number, Array<number | null>>();
  for (const s of specials) {
    let days = specialPrice.get(s.product_id);
    if (!days) {
      days = new Array<number | null>(n).fill(null);
      specialPrice.set(s.product_id, days);
    }
    // MariaDB returns '0000-00-00' for the zero date under this session's sql_mode; DATE_FORMAT gives it back as such or NULL.
    const from = s.date_start && s.date_start !== '0000-00-00' ? Math.max(0, dayIndex(s.date_start) - start) : 0;
    const to = s.date_end && s.date_end !== '0000-00-00' ? Math.min(n, dayIndex(s.date_end) - start) : n;
    // Rows come best first (priority, price): the first to claim a day wins, as on the storefront.
    for (let d = from; d < to; d++) if (days[d] === null) days[d] = Number(s.price);
  }
  const realised = new Map<number, Array<number | null>>();
  for (const r of charged) {
    let days = realised.get(r.product_id);
    if (!days) {
      days = new Array<number | null>(n).fill(null);
      realised.set(r.product_id, days);
    }
    const price = Number(r.price);
    if (price > 0) days[dayIndex(r.d) - start] = price;
  }
  for (const id of ids) {
    const lp = listPrice.get(id) ?? 0;
    const sp = specialPrice.get(id);
    const rp = realised.get(id);
    const price = new Array<number>(n);
    const special = new Array<number>(n);
    let lastRegular: number | null = null;
    for (let d = 0; d < n; d++) {
      const onSpecial = sp?.[d] ?? null;
      special[d] = onSpecial !== null ? 1 : 0;
      const charged = rp?.[d] ?? null;
      if (charged !== null) {
        price[d] = charged;
        if (onSpecial === null) lastRegular = charged;
      } else price[d] = onSpecial ?? lastRegular ?? lp;
    }
    out.set(id, { price, special, listPrice: lp });
  }
  return out;
}
