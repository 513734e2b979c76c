import type { Knex } from 'knex';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import { requestReplan } from '../pump/replan';

/**
 * Stock reserved for marketplace orders that are not confirmed yet (Trendyol "Awaiting": payment not
 * approved). OpenCart's quantities are NOT touched — the order may never be paid — but every other
 * listing must stop offering those units at once, so reservations live here and the stock planner
 * subtracts them (ReservedStockSource). Life of a reservation row:
 *
 *   active ──(marketplace confirms; the OpenCart order took the stock)──▶ converted
 *   active ──(cancelled before payment)──────────────────────────────────▶ released
 *
 * A conversion happens only after the OpenCart order has taken its stock, so for a moment the units are
 * counted twice (shown too low, never too high); a release makes them available again. Every change of
 * an active total writes change-log rows for the products concerned, so the change pump re-plans their
 * stock on every marketplace exactly as for a stock UPDATE in OpenCart.
 */

export const RESERVATIONS = 'meschain_reservations';

/** One reserved unit count: product level (productOptionValueId 0) or one option value. */
export interface ReservationTarget {
  productId: number;
  productOptionValueId: number;
  quantity: number;
}

export interface ReservedQuantities {
  /** Units reserved against each product's own quantity (oc_product.quantity). */
  byProduct: Map<number, number>;
  /** Units reserved against each option value's quantity (oc_product_option_value.quantity). */
  byOptionValue: Map<number, number>;
}

/**
 * What the stock planner asks: reserved units per product and per option value, for the given products
 * (all products with reservations when `productIds` is omitted). Pass the pump's transaction to read
 * consistently with the change being planned.
 */
export type ReservedStockSource = (db: Knex | Knex.Transaction, productIds?: readonly number[]) => Promise<ReservedQuantities>;

export const reservedStock: ReservedStockSource = async (db, productIds) => {
  const out: ReservedQuantities = { byProduct: new Map(), byOptionValue: new Map() };
  if (productIds && productIds.length === 0) return out;
  const rows = await rawRows<{ product_id: number; product_option_value_id: number; qty: number | string }>(
    db,
    `SELECT product_id, product_option_value_id, SUM(quantity) AS qty FROM ${RESERVATIONS} WHERE state = 'active'` +
      (productIds ? ` AND product_id IN (${placeholders(productIds.length)})` : '') +
      ' GROUP BY product_id, product_option_value_id',
    productIds ? [...productIds] : [],
  );
  for (const r of rows) {
    const qty = Number(r.qty);
    if (r.product_option_value_id === 0) out.byProduct.set(r.product_id, qty);
    else out.byOptionValue.set(r.product_option_value_id, qty);
  }
  return out;
};

/**
 * Units a variant (product + option values) can still sell after reservations, given its raw
 * quantities: the smallest of the product's and each option value's free stock, as OpenCart takes an
 * order line from all of them.
 */
export function freeQuantity(
  reserved: ReservedQuantities,
  productId: number,
  productQuantity: number,
  optionValues: ReadonlyArray<{ productOptionValueId: number; quantity: number }>,
): number {
  let free = productQuantity - (reserved.byProduct.get(productId) ?? 0);
  for (const v of optionValues) free = Math.min(free, v.quantity - (reserved.byOptionValue.get(v.productOptionValueId) ?? 0));
  return free;
}

export interface PackageReservation {
  marketplaceId: number;
  remoteOrderId: string;
  remotePackageId: string;
  targets: ReservationTarget[];
}

/**
 * Makes the active reservation of one package exactly `targets` (idempotent: repeating it changes
 * nothing; a changed package replaces its rows). Returns the products whose reserved total changed.
 */
export async function reservePackage(knex: Knex, r: PackageReservation): Promise<number[]> {
  return knex.transaction(async (trx) => {
    const current = await rawRows<{ id: number; product_id: number; product_option_value_id: number; quantity: number; state: string }>(
      trx,
      `SELECT id, product_id, product_option_value_id, quantity, state FROM ${RESERVATIONS} WHERE marketplace_id = ? AND remote_package_id = ? FOR UPDATE`,
      [r.marketplaceId, r.remotePackageId],
    );
    // Once converted or released, a package's reservation is history: a late "Awaiting" copy of it must not revive it.
    if (current.some((c) => c.state !== 'active')) return [];
    const key = (p: number, v: number) => `${p}|${v}`;
    const wanted = new Map(r.targets.filter((t) => t.quantity > 0).map((t) => [key(t.productId, t.productOptionValueId), t]));
    const changed = new Set<number>();
    for (const c of current) {
      const w = wanted.get(key(c.product_id, c.product_option_value_id));
      if (!w) {
        await rawWrite(trx, `DELETE FROM ${RESERVATIONS} WHERE id = ?`, [c.id]);
        changed.add(c.product_id);
      } else if (w.quantity !== c.quantity) {
        await rawWrite(trx, `UPDATE ${RESERVATIONS} SET quantity = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?`, [w.quantity, c.id]);
        changed.add(c.product_id);
      }
      wanted.delete(key(c.product_id, c.product_option_value_id));
    }
    for (const t of wanted.values()) {
      await rawWrite(
        trx,
        `INSERT INTO ${RESERVATIONS} (marketplace_id, remote_order_id, remote_package_id, product_id, product_option_value_id, quantity, state) VALUES (?, ?, ?, ?, ?, ?, 'active')`,
        [r.marketplaceId, r.remoteOrderId, r.remotePackageId, t.productId, t.productOptionValueId, t.quantity],
      );
      changed.add(t.productId);
    }
    await requestReplan(trx, [...changed]);
    return [...changed].sort((a, b) => a - b);
  });
}

/** Ends the active reservation of a package: 'converted' (order confirmed) or 'released' (cancelled). */
export async function settlePackage(knex: Knex, marketplaceId: number, remotePackageId: string, outcome: 'converted' | 'released'): Promise<number[]> {
  return knex.transaction(async (trx) => {
    const rows = await rawRows<{ product_id: number }>(
      trx,
      `SELECT DISTINCT product_id FROM ${RESERVATIONS} WHERE marketplace_id = ? AND remote_package_id = ? AND state = 'active' FOR UPDATE`,
      [marketplaceId, remotePackageId],
    );
    if (rows.length === 0) return [];
    await rawWrite(trx, `UPDATE ${RESERVATIONS} SET state = ?, updated_at = UTC_TIMESTAMP(3) WHERE marketplace_id = ? AND remote_package_id = ? AND state = 'active'`, [
      outcome,
      marketplaceId,
      remotePackageId,
    ]);
    const products = rows.map((r) => r.product_id);
    await requestReplan(trx, products);
    return products;
  });
}

export interface ReservationRow {
  id: number;
  marketplaceId: number;
  remoteOrderId: string;
  remotePackageId: string;
  productId: number;
  productOptionValueId: number;
  quantity: number;
  state: 'active' | 'converted' | 'released';
}

export async function listReservations(knex: Knex, opts: { state?: string; remoteOrderId?: string; marketplaceId?: number } = {}): Promise<ReservationRow[]> {
  const q = knex(RESERVATIONS).select('*').orderBy('id');
  if (opts.state) q.where('state', opts.state);
  if (opts.remoteOrderId) q.where('remote_order_id', opts.remoteOrderId);
  if (opts.marketplaceId !== undefined) q.where('marketplace_id', opts.marketplaceId);
  const rows = (await q) as Array<Record<string, unknown>>;
  return rows.map((r) => ({
    id: Number(r.id),
    marketplaceId: Number(r.marketplace_id),
    remoteOrderId: String(r.remote_order_id),
    remotePackageId: String(r.remote_package_id),
    productId: Number(r.product_id),
    productOptionValueId: Number(r.product_option_value_id),
    quantity: Number(r.quantity),
    state: r.state as ReservationRow['state'],
  }));
}
