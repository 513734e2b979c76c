import type { Knex } from 'knex';
import { placeholders, rawRows } from '../../db/raw';

/** Rows of meschain_listings as the sync engine reads them. */

export interface ListingRow {
  id: number;
  marketplaceId: number;
  productId: number;
  variantKey: string;
  variantId: number | null;
  sku: string | null;
  barcode: string | null;
  remoteId: string | null;
  state: string;
  groupKey: string | null;
  listingHash: string | null;
  lastPushedQuantity: number | null;
  lastPushedPrice: string | null;
  lastPushedListPrice: string | null;
  pendingBatchId: number | null;
  /** State of the pending batch, when there is one. */
  pendingBatchState: string | null;
  pendingAgeMs: number | null;
  rejections: number;
  itemRetries: number;
  approvedPrice: string | null;
  heldPrice: string | null;
  /** A change reached the listing while a push of it was in flight (re-plan once that push settles). */
  replanWanted: boolean;
  /** Database time of the read, µs since the epoch: values computed after it are at least this fresh. */
  readAt: number;
  /** When a push of the listing was last prepared (µs since the epoch, ms precision), if ever. */
  desiredAt: number | null;
}

interface Row {
  id: number | string;
  marketplace_id: number;
  product_id: number;
  variant_key: string;
  variant_id: number | string | null;
  sku: string | null;
  barcode: string | null;
  remote_id: string | null;
  state: string;
  group_key: string | null;
  listing_hash: string | null;
  last_pushed_quantity: number | null;
  last_pushed_price: string | null;
  last_pushed_list_price: string | null;
  pending_batch_id: number | string | null;
  batch_state: string | null;
  pending_age_ms: number | string | null;
  rejections: number;
  item_retries: number;
  approved_price: string | null;
  held_price: string | null;
  replan_wanted: number;
  read_at: string;
  desired_at: string | null;
}

const SELECT = `SELECT l.id, l.marketplace_id, l.product_id, l.variant_key, l.variant_id, l.sku, l.barcode, l.remote_id, l.state, l.group_key,
    l.listing_hash, l.last_pushed_quantity, l.last_pushed_price, l.last_pushed_list_price, l.pending_batch_id, b.state AS batch_state,
    TIMESTAMPDIFF(MICROSECOND, l.pending_at, UTC_TIMESTAMP(3)) / 1000 AS pending_age_ms, l.rejections, l.item_retries, l.approved_price, l.held_price,
    l.replan_wanted, UTC_TIMESTAMP(6) AS read_at, DATE_FORMAT(l.desired_at, '%Y-%m-%d %H:%i:%s.%f') AS desired_at
  FROM meschain_listings l LEFT JOIN meschain_push_batches b ON b.id = l.pending_batch_id`;

function toListing(r: Row): ListingRow {
  return {
    id: Number(r.id),
    marketplaceId: Number(r.marketplace_id),
    productId: Number(r.product_id),
    variantKey: r.variant_key,
    variantId: r.variant_id === null ? null : Number(r.variant_id),
    sku: r.sku,
    barcode: r.barcode,
    remoteId: r.remote_id,
    state: r.state,
    groupKey: r.group_key,
    listingHash: r.listing_hash,
    lastPushedQuantity: r.last_pushed_quantity === null ? null : Number(r.last_pushed_quantity),
    lastPushedPrice: r.last_pushed_price,
    lastPushedListPrice: r.last_pushed_list_price,
    pendingBatchId: r.pending_batch_id === null ? null : Number(r.pending_batch_id),
    pendingBatchState: r.batch_state,
    pendingAgeMs: r.pending_age_ms === null ? null : Number(r.pending_age_ms),
    rejections: Number(r.rejections),
    itemRetries: Number(r.item_retries),
    approvedPrice: r.approved_price,
    heldPrice: r.held_price,
    replanWanted: Number(r.replan_wanted) === 1,
    readAt: dbMicros(r.read_at),
    desiredAt: r.desired_at === null ? null : dbMicros(r.desired_at),
  };
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) → µs since the epoch. */
export function dbMicros(s: string): number {
  const dot = s.indexOf('.');
  const whole = Date.parse(`${(dot < 0 ? s : s.slice(0, dot)).replace(' ', 'T')}Z`);
  const frac = dot < 0 ? 0 : Number(s.slice(dot + 1).padEnd(6, '0').slice(0, 6));
  return whole * 1000 + frac;
}

export async function listingsByIds(db: Knex | Knex.Transaction, ids: readonly number[], lock = false): Promise<ListingRow[]> {
  const out: ListingRow[] = [];
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    const rows = await rawRows<Row>(db, `${SELECT} WHERE l.id IN (${placeholders(chunk.length)}) ORDER BY l.id${lock ? ' FOR UPDATE' : ''}`, chunk);
    out.push(...rows.map(toListing));
  }
  return out;
}

export async function listingsOfProducts(db: Knex | Knex.Transaction, productIds: readonly number[], marketplaceIds: readonly number[]): Promise<ListingRow[]> {
  if (productIds.length === 0 || marketplaceIds.length === 0) return [];
  const out: ListingRow[] = [];
  const unique = [...new Set(productIds)];
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    const rows = await rawRows<Row>(
      db,
      `${SELECT} WHERE l.product_id IN (${placeholders(chunk.length)}) AND l.marketplace_id IN (${placeholders(marketplaceIds.length)}) ORDER BY l.id`,
      [...chunk, ...marketplaceIds],
    );
    out.push(...rows.map(toListing));
  }
  return out;
}

/** One page of an account's listings in id order (reconciliation, sync runs). */
export async function listingsPage(db: Knex, marketplaceId: number, afterId: number, limit: number, states?: readonly string[]): Promise<ListingRow[]> {
  const rows = await rawRows<Row>(
    db,
    `${SELECT} WHERE l.marketplace_id = ? AND l.id > ?${states ? ` AND l.state IN (${placeholders(states.length)})` : ''} ORDER BY l.id LIMIT ?`,
    [marketplaceId, afterId, ...(states ?? []), limit],
  );
  return rows.map(toListing);
}

/**
 * A batch sent but not yet settled: a newer value waits for it (its poll re-plans the listing), so values
 * never land out of order. `holdingJob`: the caller runs this listing's push job, so no one else can be
 * sending it; a 'sending' batch then belongs to a sender that died mid-call and does not count.
 */
export function inFlight(l: ListingRow, staleAfterMs: number, holdingJob = false): boolean {
  if (l.pendingBatchId === null || (l.pendingAgeMs ?? 0) >= staleAfterMs) return false;
  return l.pendingBatchState === 'submitted' || (!holdingJob && l.pendingBatchState === 'sending');
}
