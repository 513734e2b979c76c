import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';
import type { MarketplaceOrder, OrderPackage } from '../../marketplaces/types';

/**
 * Rows the order import keeps in its own InnoDB tables:
 *  - meschain_orders (migration 001): ONE ROW PER PACKAGE, claimed under the unique key
 *    (marketplace_id, remote_order_id, remote_package_id) before anything touches OpenCart, with the
 *    latest copy of the package (and its order header) in `raw`;
 *  - meschain_order_groups: one row per marketplace order number, holding the OpenCart order every
 *    package of that number is merged into;
 *  - meschain_order_lines: the OpenCart order's lines as the sidecar wrote them.
 */

export const PACKAGES = 'meschain_orders';
export const GROUPS = 'meschain_order_groups';
export const LINES = 'meschain_order_lines';

export type OrderHeader = Omit<MarketplaceOrder, 'packages' | 'complete'>;

/** What meschain_orders.raw holds for one package. */
export interface StoredPackage {
  header: OrderHeader;
  package: OrderPackage;
}

export type PackageState = 'claimed' | 'writing' | 'imported' | 'held' | 'reserved' | 'cancelled';

export interface PackageRow {
  id: number;
  marketplaceId: number;
  remoteOrderId: string;
  remotePackageId: string;
  state: PackageState;
  claimToken: string | null;
  ocOrderId: number | null;
  remoteStatus: string | null;
  holdReason: string | null;
  stored: StoredPackage;
}

export type GroupState = 'open' | 'reserved' | 'imported' | 'held' | 'cancelled';

export interface GroupRow {
  id: number;
  marketplaceId: number;
  remoteOrderId: string;
  ocOrderId: number | null;
  state: GroupState;
  status: string | null;
  ocStatusId: number | null;
  lastHistoryId: number;
  revision: number;
  pendingStatusId: number | null;
}

export interface LineRow {
  id: number;
  groupId: number;
  ocOrderId: number;
  ocOrderProductId: number;
  productId: number;
  variantKey: string;
  options: Array<{ productOptionId: number; productOptionValueId: number }>;
  barcode: string | null;
  sku: string | null;
  quantityOrdered: number;
  quantity: number;
  unitPrice: string;
  unitTax: string;
  taxRate: string;
  taxTitle: string;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function toPackage(r: Record<string, unknown>): PackageRow {
  return {
    id: Number(r.id),
    marketplaceId: Number(r.marketplace_id),
    remoteOrderId: String(r.remote_order_id),
    remotePackageId: String(r.remote_package_id),
    state: r.state as PackageState,
    claimToken: (r.claim_token as string | null) ?? null,
    ocOrderId: r.oc_order_id === null ? null : Number(r.oc_order_id),
    remoteStatus: (r.remote_status as string | null) ?? null,
    holdReason: (r.hold_reason as string | null) ?? null,
    stored: json<StoredPackage>(r.raw),
  };
}

function toGroup(r: Record<string, unknown>): GroupRow {
  return {
    id: Number(r.id),
    marketplaceId: Number(r.marketplace_id),
    remoteOrderId: String(r.remote_order_id),
    ocOrderId: r.oc_order_id === null ? null : Number(r.oc_order_id),
    state: r.state as GroupState,
    status: (r.status as string | null) ?? null,
    ocStatusId: r.oc_status_id === null ? null : Number(r.oc_status_id),
    lastHistoryId: Number(r.last_history_id),
    revision: Number(r.revision),
    pendingStatusId: r.pending_status_id === null || r.pending_status_id === undefined ? null : Number(r.pending_status_id),
  };
}

function toLine(r: Record<string, unknown>): LineRow {
  return {
    id: Number(r.id),
    groupId: Number(r.group_id),
    ocOrderId: Number(r.oc_order_id),
    ocOrderProductId: Number(r.oc_order_product_id),
    productId: Number(r.product_id),
    variantKey: String(r.variant_key),
    options: json(r.option_values),
    barcode: (r.barcode as string | null) ?? null,
    sku: (r.sku as string | null) ?? null,
    quantityOrdered: Number(r.quantity_ordered),
    quantity: Number(r.quantity),
    unitPrice: String(r.unit_price),
    unitTax: String(r.unit_tax),
    taxRate: String(r.tax_rate),
    taxTitle: String(r.tax_title),
  };
}

/** The group row of an order number, created on first sight. */
export async function ensureGroup(knex: Knex, marketplaceId: number, remoteOrderId: string): Promise<GroupRow> {
  await rawWrite(knex, `INSERT IGNORE INTO ${GROUPS} (marketplace_id, remote_order_id) VALUES (?, ?)`, [marketplaceId, remoteOrderId]);
  return (await findGroup(knex, marketplaceId, remoteOrderId))!;
}

export async function findGroup(knex: Knex, marketplaceId: number, remoteOrderId: string): Promise<GroupRow | undefined> {
  const row = (await knex(GROUPS).first('*').where({ marketplace_id: marketplaceId, remote_order_id: remoteOrderId })) as Record<string, unknown> | undefined;
  return row ? toGroup(row) : undefined;
}

export async function groupById(knex: Knex, id: number): Promise<GroupRow | undefined> {
  const row = (await knex(GROUPS).first('*').where({ id })) as Record<string, unknown> | undefined;
  return row ? toGroup(row) : undefined;
}

export async function groupsByOcOrder(db: Knex | Knex.Transaction, ocOrderIds: readonly number[]): Promise<GroupRow[]> {
  if (ocOrderIds.length === 0) return [];
  const rows = (await db(GROUPS).select('*').whereIn('oc_order_id', [...ocOrderIds])) as Array<Record<string, unknown>>;
  return rows.map(toGroup);
}

export async function updateGroup(knex: Knex, id: number, fields: Record<string, unknown>): Promise<void> {
  await knex(GROUPS).where({ id }).update({ ...fields, updated_at: knex.raw('UTC_TIMESTAMP(3)') });
}

/** Whether `a` is a later copy of the package than `b`: newer change time, then longer status history. */
export function isNewer(a: OrderPackage, b: OrderPackage): boolean {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return (a.history?.length ?? 0) > (b.history?.length ?? 0);
}

/**
 * Claims (or refreshes) one package under the unique key. A copy older than the stored one (webhooks
 * and polls can cross) only fills in a missing row; it never overwrites newer data. Callers hold the
 * order's lock, so the read and the write cannot interleave with another delivery of the same order.
 */
export async function upsertPackage(knex: Knex, marketplaceId: number, header: OrderHeader, pkg: OrderPackage): Promise<void> {
  const raw = JSON.stringify({ header, package: pkg } satisfies StoredPackage);
  const existing = (await knex(PACKAGES).first('raw').where({ marketplace_id: marketplaceId, remote_order_id: header.orderId, remote_package_id: pkg.packageId })) as
    | { raw: unknown }
    | undefined;
  if (existing) {
    const stored = json<StoredPackage>(existing.raw).package;
    if (!isNewer(pkg, stored) && JSON.stringify(stored) !== JSON.stringify(pkg)) return;
  }
  await rawWrite(
    knex,
    `INSERT INTO ${PACKAGES} (marketplace_id, remote_order_id, remote_package_id, state, claimed_at, remote_status, raw)
     VALUES (?, ?, ?, 'claimed', UTC_TIMESTAMP(3), ?, ?)
     ON DUPLICATE KEY UPDATE remote_status = VALUES(remote_status), raw = VALUES(raw), updated_at = UTC_TIMESTAMP(3)`,
    [marketplaceId, header.orderId, pkg.packageId, pkg.rawStatus, raw],
  );
}

export async function packagesOf(knex: Knex, marketplaceId: number, remoteOrderId: string): Promise<PackageRow[]> {
  const rows = (await knex(PACKAGES).select('*').where({ marketplace_id: marketplaceId, remote_order_id: remoteOrderId }).orderBy('id')) as Array<Record<string, unknown>>;
  return rows.map(toPackage);
}

export async function packageById(knex: Knex, id: number): Promise<PackageRow | undefined> {
  const row = (await knex(PACKAGES).first('*').where({ id })) as Record<string, unknown> | undefined;
  return row ? toPackage(row) : undefined;
}

export async function setPackages(knex: Knex, ids: readonly number[], fields: Record<string, unknown>): Promise<void> {
  if (ids.length === 0) return;
  await knex(PACKAGES).whereIn('id', [...ids]).update({ ...fields, updated_at: knex.raw('UTC_TIMESTAMP(3)') });
}

export async function linesOf(db: Knex | Knex.Transaction, groupId: number): Promise<LineRow[]> {
  const rows = (await db(LINES).select('*').where({ group_id: groupId }).orderBy('oc_order_product_id')) as Array<Record<string, unknown>>;
  return rows.map(toLine);
}

/** Records lines as written (one statement for all); a line recorded already keeps its larger ordered quantity. */
export async function insertLines(knex: Knex | Knex.Transaction, rows: Array<Omit<LineRow, 'id'>>): Promise<void> {
  if (rows.length === 0) return;
  await rawWrite(
    knex,
    `INSERT INTO ${LINES} (group_id, oc_order_id, oc_order_product_id, product_id, variant_key, option_values, barcode, sku, quantity_ordered, quantity, unit_price, unit_tax, tax_rate, tax_title)
     VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
     ON DUPLICATE KEY UPDATE oc_order_product_id = VALUES(oc_order_product_id), quantity = VALUES(quantity), quantity_ordered = GREATEST(quantity_ordered, VALUES(quantity_ordered))`,
    rows.flatMap((r) => [
      r.groupId,
      r.ocOrderId,
      r.ocOrderProductId,
      r.productId,
      r.variantKey,
      JSON.stringify(r.options),
      r.barcode,
      r.sku,
      r.quantityOrdered,
      r.quantity,
      r.unitPrice,
      r.unitTax,
      r.taxRate,
      r.taxTitle,
    ]),
  );
}

export interface HeldOrder {
  id: number;
  groupId: number | null;
  marketplaceId: number;
  remoteOrderId: string;
  remotePackageId: string;
  remoteStatus: string | null;
  reason: string;
  heldAt: string;
}

export async function listHeld(knex: Knex, marketplaceId?: number): Promise<HeldOrder[]> {
  const rows = await rawRows<Record<string, unknown>>(
    knex,
    `SELECT o.id, g.id AS group_id, o.marketplace_id, o.remote_order_id, o.remote_package_id, o.remote_status, o.hold_reason, o.updated_at
       FROM ${PACKAGES} o LEFT JOIN ${GROUPS} g ON g.marketplace_id = o.marketplace_id AND g.remote_order_id = o.remote_order_id
      WHERE o.state = 'held'${marketplaceId === undefined ? '' : ' AND o.marketplace_id = ?'}
      ORDER BY o.id`,
    marketplaceId === undefined ? [] : [marketplaceId],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    groupId: r.group_id === null ? null : Number(r.group_id),
    marketplaceId: Number(r.marketplace_id),
    remoteOrderId: String(r.remote_order_id),
    remotePackageId: String(r.remote_package_id),
    remoteStatus: (r.remote_status as string | null) ?? null,
    reason: String(r.hold_reason ?? ''),
    heldAt: new Date(`${String(r.updated_at).replace(' ', 'T')}Z`).toISOString(),
  }));
}
