import type { Knex } from 'knex';
import type { MarketplaceAdapter } from '../../marketplaces/contract';
import type { MarketplaceReturn, OrderLine } from '../../marketplaces/types';
import { rawRows, rawWrite } from '../../db/raw';
import type { OrderAccount } from './access';
import type { PackageRow } from './store';

/**
 * Returns (Trendyol claims). A package reported as Returned may have been returned only in part, so the
 * returned units per order line come from the marketplace's returns; the units the buyer kept stay sold.
 * A returned package with no return lines known is taken as returned whole. Return lines that were
 * rejected or cancelled return nothing.
 */

export const RETURN_LINES = 'meschain_return_lines';

export const returnsCursorName = (accountId: number): string => `returns:${accountId}`;

export async function storeReturn(knex: Knex, accountId: number, r: MarketplaceReturn): Promise<void> {
  for (const l of r.lines) {
    await rawWrite(
      knex,
      `INSERT INTO ${RETURN_LINES} (marketplace_id, claim_id, claim_line_id, remote_order_id, remote_package_id, line_id, barcode, sku, quantity, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE quantity = VALUES(quantity), status = VALUES(status), updated_at = UTC_TIMESTAMP(3)`,
      [accountId, r.claimId, `${r.claimId}:${l.claimLineId}`.slice(0, 128), r.orderId, r.packageId ?? null, l.lineId ?? null, l.barcode ?? null, l.sku ?? null, l.quantity, l.status],
    );
  }
}

export interface ReturnedUnits {
  /** Units returned per `${packageId}|${lineId}` (package '' when the marketplace did not say). */
  byLine: Map<string, number>;
  packages: Set<string>;
  lineIds: Set<string>;
}

export async function returnedUnits(knex: Knex, accountId: number, remoteOrderId: string): Promise<ReturnedUnits> {
  const rows = await rawRows<{ remote_package_id: string | null; line_id: string | null; qty: number | string }>(
    knex,
    `SELECT remote_package_id, line_id, SUM(quantity) AS qty FROM ${RETURN_LINES}
      WHERE marketplace_id = ? AND remote_order_id = ? AND status NOT IN ('rejected', 'cancelled')
      GROUP BY remote_package_id, line_id`,
    [accountId, remoteOrderId],
  );
  const out: ReturnedUnits = { byLine: new Map(), packages: new Set(), lineIds: new Set() };
  for (const r of rows) {
    out.byLine.set(`${r.remote_package_id ?? ''}|${r.line_id ?? ''}`, Number(r.qty));
    if (r.remote_package_id) out.packages.add(r.remote_package_id);
    if (r.line_id) out.lineIds.add(r.line_id);
  }
  return out;
}

/**
 * The part of a returned package the buyer kept, as a package copy whose lines carry only the kept
 * units (null when nothing was kept, or nothing is known about the return: then it counts as returned whole).
 */
export function keptPart(p: PackageRow, returned: ReturnedUnits): PackageRow | null {
  const pkg = p.stored.package;
  const known = returned.packages.has(pkg.packageId) || pkg.lines.some((l) => returned.lineIds.has(l.lineId));
  if (!known) return null;
  const lines: OrderLine[] = [];
  for (const l of pkg.lines) {
    const back = (returned.byLine.get(`${pkg.packageId}|${l.lineId}`) ?? 0) + (returned.byLine.get(`|${l.lineId}`) ?? 0);
    const kept = l.quantity - Math.min(back, l.quantity);
    if (kept > 0) lines.push({ ...l, quantity: kept });
  }
  if (lines.length === 0) return null;
  return { ...p, stored: { ...p.stored, package: { ...pkg, status: 'delivered', rawStatus: 'Delivered', lines } } };
}

/**
 * Reads returns changed since the cursor and stores their lines; returns the order numbers touched (the
 * caller re-runs those orders). The cursor moves only after a page is stored.
 */
export async function pullReturns(knex: Knex, account: OrderAccount, adapter: MarketplaceAdapter, maxPages = 20): Promise<string[]> {
  const name = returnsCursorName(account.id);
  const [row] = await rawRows<{ value: string }>(knex, 'SELECT value FROM meschain_cursors WHERE name = ?', [name]);
  let cursor = row ? row.value : null;
  const touched = new Set<string>();
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await adapter.fetchReturns(cursor);
    for (const r of page.returns) {
      await storeReturn(knex, account.id, r);
      touched.add(r.orderId);
    }
    await rawWrite(knex, 'INSERT INTO meschain_cursors (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = UTC_TIMESTAMP(3)', [name, page.cursor]);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return [...touched];
}
