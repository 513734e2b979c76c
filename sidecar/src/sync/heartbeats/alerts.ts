import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';
import { utcDate } from './heartbeats';

/**
 * Alerts: problems the sidecar raises rather than swallows. At most one OPEN alert per (kind, account,
 * subject) — a unique generated column refuses a second — so a condition that persists refreshes its
 * alert (last_seen_at, message) instead of piling up rows; resolving closes it and a later recurrence
 * opens a new one, which keeps the history.
 */

export const ALERTS = 'meschain_alerts';

export interface Alert {
  id: number;
  kind: string;
  marketplaceId: number;
  subject: string;
  message: string;
  state: 'open' | 'resolved';
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
}

/** Opens the alert, or refreshes the open one. Returns true when it was newly opened. */
export async function raiseAlert(knex: Knex, kind: string, marketplaceId: number, subject: string, message: string): Promise<boolean> {
  const res = await rawWrite(
    knex,
    `INSERT INTO ${ALERTS} (kind, marketplace_id, subject, message, state) VALUES (?, ?, ?, ?, 'open')
     ON DUPLICATE KEY UPDATE message = VALUES(message), last_seen_at = UTC_TIMESTAMP(3)`,
    [kind, marketplaceId, subject.slice(0, 64), message],
  );
  return res.affectedRows === 1;
}

/** Closes the open alert, if any. Returns true when one was closed. */
export async function resolveAlert(knex: Knex, kind: string, marketplaceId: number, subject: string): Promise<boolean> {
  const res = await rawWrite(
    knex,
    `UPDATE ${ALERTS} SET state = 'resolved', resolved_at = UTC_TIMESTAMP(3) WHERE state = 'open' AND kind = ? AND marketplace_id = ? AND subject = ?`,
    [kind, marketplaceId, subject],
  );
  return res.affectedRows > 0;
}

interface AlertRow {
  id: number;
  kind: string;
  marketplace_id: number;
  subject: string;
  message: string;
  state: 'open' | 'resolved';
  opened_at: string;
  last_seen_at: string;
  resolved_at: string | null;
}

export async function listAlerts(knex: Knex, opts: { state?: 'open' | 'resolved'; kind?: string; limit?: number } = {}): Promise<Alert[]> {
  const where: string[] = [];
  const bind: unknown[] = [];
  if (opts.state) {
    where.push('state = ?');
    bind.push(opts.state);
  }
  if (opts.kind) {
    where.push('kind = ?');
    bind.push(opts.kind);
  }
  const rows = await rawRows<AlertRow>(
    knex,
    `SELECT * FROM ${ALERTS}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
    [...bind, Math.min(Math.max(opts.limit ?? 100, 1), 1000)],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    marketplaceId: r.marketplace_id,
    subject: r.subject,
    message: r.message,
    state: r.state,
    openedAt: utcDate(r.opened_at),
    lastSeenAt: utcDate(r.last_seen_at),
    resolvedAt: r.resolved_at ? utcDate(r.resolved_at) : null,
  }));
}
