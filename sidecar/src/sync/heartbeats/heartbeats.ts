import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';

/**
 * Heartbeats: every flow records when it last did work, per marketplace account, so silence can be told
 * apart from "nothing to do" and raised as an alert (monitor.ts) instead of failing quietly — the most
 * common complaint about peer integrations (research/peers.md §3, "silent failures").
 *
 * "Did work" means the flow ran its loop, even when it found nothing to change: a poll that found no new
 * orders is a heartbeat, a poll that could not reach the marketplace is not.
 */

export const HEARTBEATS = 'meschain_heartbeats';

export const FLOWS = ['ordersIn', 'stockOut', 'statusOut', 'reconciliation'] as const;
export type Flow = (typeof FLOWS)[number];

const FLOW_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,31}$/;

export interface Heartbeat {
  marketplaceId: number;
  flow: string;
  lastAt: Date;
  beats: number;
  detail: string | null;
}

/**
 * Records that `flow` of account `accountId` just did work (0 = not tied to one account). Cheap: one
 * upsert. `detail` is a short note for operators (e.g. "3 orders imported").
 */
export async function recordHeartbeat(knex: Knex, accountId: number, flow: Flow | string, detail?: string): Promise<void> {
  if (!Number.isInteger(accountId) || accountId < 0) throw new TypeError(`heartbeat account id must be 0 or a marketplace id, got ${accountId}`);
  if (!FLOW_RE.test(flow)) throw new TypeError(`heartbeat flow ${JSON.stringify(flow)} must be a short name such as ordersIn`);
  await rawWrite(
    knex,
    `INSERT INTO ${HEARTBEATS} (marketplace_id, flow, last_at, beats, detail) VALUES (?, ?, UTC_TIMESTAMP(3), 1, ?)
     ON DUPLICATE KEY UPDATE last_at = UTC_TIMESTAMP(3), beats = beats + 1, detail = VALUES(detail)`,
    [accountId, flow, detail === undefined ? null : detail.slice(0, 255)],
  );
}

interface HeartbeatRow {
  marketplace_id: number;
  flow: string;
  last_at: string;
  beats: number | string;
  detail: string | null;
}

export const utcDate = (s: string): Date => new Date(`${s.replace(' ', 'T')}Z`);

export async function listHeartbeats(knex: Knex, accountId?: number): Promise<Heartbeat[]> {
  const rows = await rawRows<HeartbeatRow>(
    knex,
    `SELECT marketplace_id, flow, last_at, beats, detail FROM ${HEARTBEATS}${accountId === undefined ? '' : ' WHERE marketplace_id = ?'} ORDER BY marketplace_id, flow`,
    accountId === undefined ? [] : [accountId],
  );
  return rows.map((r) => ({ marketplaceId: r.marketplace_id, flow: r.flow, lastAt: utcDate(r.last_at), beats: Number(r.beats), detail: r.detail }));
}
