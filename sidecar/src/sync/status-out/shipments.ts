import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';

/**
 * Package actions waiting to reach the marketplace (meschain_shipments): a tracking number ('ship', one
 * row per package and number), a cancellation the store made ('cancel', one row per package, no number)
 * or the acknowledgement of an imported package ('ack', Trendyol "Picking", one row per package, no
 * number; see ack.ts). The unique key includes the action (migration 013).
 */

export type PackageAction = 'ship' | 'cancel' | 'ack';

export const SHIPMENTS = 'meschain_shipments';

export interface ShipmentRow {
  id: number;
  groupId: number;
  ocOrderId: number;
  remotePackageId: string;
  action: PackageAction;
  /** '' for a cancellation or an acknowledgement. */
  trackingNumber: string;
  carrier: string | null;
  /** import: queued by the order import (an ack). */
  source: 'history' | 'api' | 'import';
  orderHistoryId: number | null;
  /** skipped: an ack no longer worth sending (the package moved on before it went out). */
  state: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
}

function toRow(r: Record<string, unknown>): ShipmentRow {
  return {
    id: Number(r.id),
    groupId: Number(r.group_id),
    ocOrderId: Number(r.oc_order_id),
    remotePackageId: String(r.remote_package_id),
    action: r.action === 'cancel' || r.action === 'ack' ? r.action : 'ship',
    trackingNumber: String(r.tracking_number),
    carrier: (r.carrier as string | null) ?? null,
    source: r.source as ShipmentRow['source'],
    orderHistoryId: r.order_history_id === null ? null : Number(r.order_history_id),
    state: r.state as ShipmentRow['state'],
    attempts: Number(r.attempts),
    lastError: (r.last_error as string | null) ?? null,
    sentAt: (r.sent_at as string | null) ?? null,
  };
}

/** Records a tracking number for each package (idempotent: the same number for a package is one row). */
export async function addShipments(
  knex: Knex,
  fields: { groupId: number; ocOrderId: number; packageIds: readonly string[]; trackingNumber: string; carrier?: string; source: 'history' | 'api'; orderHistoryId?: number },
): Promise<void> {
  for (const packageId of fields.packageIds) {
    await rawWrite(
      knex,
      `INSERT INTO ${SHIPMENTS} (group_id, oc_order_id, remote_package_id, tracking_number, carrier, source, order_history_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE carrier = COALESCE(VALUES(carrier), carrier), updated_at = UTC_TIMESTAMP(3)`,
      [fields.groupId, fields.ocOrderId, packageId, fields.trackingNumber, fields.carrier ?? null, fields.source, fields.orderHistoryId ?? null],
    );
  }
}

/** Records a store-side cancellation for each package (idempotent: one per package). */
export async function addCancels(knex: Knex, fields: { groupId: number; ocOrderId: number; packageIds: readonly string[]; orderHistoryId: number }): Promise<void> {
  for (const packageId of fields.packageIds) {
    await rawWrite(
      knex,
      `INSERT INTO ${SHIPMENTS} (group_id, oc_order_id, remote_package_id, action, tracking_number, source, order_history_id)
       VALUES (?, ?, ?, 'cancel', '', 'history', ?)
       ON DUPLICATE KEY UPDATE updated_at = UTC_TIMESTAMP(3)`,
      [fields.groupId, fields.ocOrderId, packageId, fields.orderHistoryId],
    );
  }
}

/**
 * Queues an acknowledgement per package, on the caller's connection or transaction (the import's
 * bookkeeping one, so the package is never marked imported without it). Idempotent: the unique key
 * makes a repeat a no-op, whatever state the first one reached.
 */
export async function addAcks(knex: Knex, rows: ReadonlyArray<{ groupId: number; ocOrderId: number; packageId: string }>): Promise<void> {
  if (rows.length === 0) return;
  await rawWrite(
    knex,
    `INSERT INTO ${SHIPMENTS} (group_id, oc_order_id, remote_package_id, action, tracking_number, source)
     VALUES ${rows.map(() => "(?, ?, ?, 'ack', '', 'import')").join(', ')}
     ON DUPLICATE KEY UPDATE id = id`,
    rows.flatMap((r) => [r.groupId, r.ocOrderId, r.packageId]),
  );
}

export async function shipmentsOf(knex: Knex, groupId: number, state?: ShipmentRow['state']): Promise<ShipmentRow[]> {
  const q = knex(SHIPMENTS).select('*').where({ group_id: groupId }).orderBy('id');
  if (state) q.where({ state });
  return ((await q) as Array<Record<string, unknown>>).map(toRow);
}

export async function shipmentsOfOrder(knex: Knex, ocOrderId: number): Promise<ShipmentRow[]> {
  return ((await knex(SHIPMENTS).select('*').where({ oc_order_id: ocOrderId }).orderBy('id')) as Array<Record<string, unknown>>).map(toRow);
}

export async function markSent(knex: Knex, id: number): Promise<void> {
  await rawWrite(knex, `UPDATE ${SHIPMENTS} SET state = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = UTC_TIMESTAMP(3), updated_at = UTC_TIMESTAMP(3) WHERE id = ?`, [id]);
}

/** An ack the package outran (already past Created, cancelled, or the store shipped/cancelled it): not sent. */
export async function markSkipped(knex: Knex, id: number, reason: string): Promise<void> {
  await rawWrite(knex, `UPDATE ${SHIPMENTS} SET state = 'skipped', last_error = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?`, [reason.slice(0, 2000), id]);
}

export async function markAttempt(knex: Knex, id: number, error: string, final: boolean): Promise<void> {
  await rawWrite(knex, `UPDATE ${SHIPMENTS} SET state = ?, attempts = attempts + 1, last_error = ?, updated_at = UTC_TIMESTAMP(3) WHERE id = ?`, [
    final ? 'failed' : 'pending',
    error.slice(0, 2000),
    id,
  ]);
}

/**
 * Groups with shipments still to send (the periodic sweep retries them), of the given accounts only: rows
 * of an account whose status out is off wait there and must not crowd the others out of the sweep.
 */
export async function groupsWithPending(knex: Knex, accountIds: readonly number[], limit = 200): Promise<Array<{ groupId: number; ocOrderId: number }>> {
  if (accountIds.length === 0) return [];
  const rows = await rawRows<{ group_id: number; oc_order_id: number }>(
    knex,
    `SELECT DISTINCT s.group_id, s.oc_order_id FROM ${SHIPMENTS} s JOIN meschain_order_groups g ON g.id = s.group_id
      WHERE s.state = 'pending' AND g.marketplace_id IN (${accountIds.map(() => '?').join(',')}) ORDER BY s.group_id LIMIT ?`,
    [...accountIds, limit],
  );
  return rows.map((r) => ({ groupId: Number(r.group_id), ocOrderId: Number(r.oc_order_id) }));
}
