import type { OcContext } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import { dayIndex, dayString } from '../calendar';
import { salesStatuses } from '../data/sales-series';

/**
 * Best sellers for a product the recommendations run stored no list for (a new or slow seller outside
 * the run's products): the popularity fallback, read at request time over the model's last 90 days —
 * first the best sellers of the product's own categories, then of the shop, never the product itself.
 * One grouped query on the order lines of that window; only this rare path pays for it.
 */

export interface PopularItem {
  productId: number;
  kind: 'popular';
  score: number;
  reason: { en: string; tr: string };
}

const WINDOW_DAYS = 90;

export async function popularFallback(ctx: OcContext, productId: number, dataTo: string, limit: number): Promise<PopularItem[]> {
  const statuses = salesStatuses(ctx);
  const from = dayString(dayIndex(dataTo) - WINDOW_DAYS + 1);
  const toExclusive = dayString(dayIndex(dataTo) + 1);
  const rows = await rawRows<{ product_id: number; units: string; same: number }>(
    ctx.knex,
    `SELECT op.product_id, SUM(op.quantity) AS units,
            -- EXISTS, not a join: a join would repeat each order line once per shared category and inflate its units.
            MAX(EXISTS (SELECT 1 FROM \`${ctx.table('product_to_category')}\` pc
                          JOIN \`${ctx.table('product_to_category')}\` mine ON mine.category_id = pc.category_id AND mine.product_id = ?
                         WHERE pc.product_id = op.product_id)) AS same
       FROM \`${ctx.table('order')}\` o
       JOIN \`${ctx.table('order_product')}\` op ON op.order_id = o.order_id
      WHERE o.order_status_id IN (${placeholders(statuses.length)}) AND o.store_id = ? AND o.date_added >= ? AND o.date_added < ?
        AND op.product_id <> ? AND op.quantity > 0
      GROUP BY op.product_id
      ORDER BY same DESC, units DESC, op.product_id
      LIMIT ?`,
    [productId, ...statuses, ctx.storeId, `${from} 00:00:00`, `${toExclusive} 00:00:00`, productId, limit],
  );
  return rows.map((r) =>
    Number(r.same) === 1
      ? {
          productId: Number(r.product_id),
          kind: 'popular',
          score: 0,
          reason: { en: 'A best seller in the same category (this product has no sales to pair yet).', tr: 'Aynı kategorinin çok satanlarından (bu ürünün eşleştirilecek satışı henüz yok).' },
        }
      : {
          productId: Number(r.product_id),
          kind: 'popular',
          score: 0,
          reason: { en: 'One of the shop’s best sellers (popularity fallback).', tr: 'Mağazanın çok satanlarından (popülerlik yedeği).' },
        },
  );
}
