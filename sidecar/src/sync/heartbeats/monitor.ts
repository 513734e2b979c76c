import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';
import { rawRows } from '../../db/raw';
import { HEARTBEATS, utcDate } from './heartbeats';
import { raiseAlert, resolveAlert } from './alerts';

/**
 * Compares heartbeats with how often each flow is expected to work and raises (or resolves) an alert per
 * silent flow: an alerts row, one warning log line when it opens, and `ok: false` in the module's
 * /health entry. A flow that never beat at all counts from `since` (normally when the monitor started),
 * so a flow that never starts is reported too, not only one that stops.
 */

export interface HeartbeatExpectation {
  accountId: number;
  accountName?: string;
  flow: string;
  /** Silence longer than this raises the alert. */
  expectedMs: number;
}

export interface FlowState {
  accountId: number;
  flow: string;
  lastAt: string | null;
  silentForMs: number;
  expectedMs: number;
  ok: boolean;
}

export interface MonitorReport {
  ok: boolean;
  flows: FlowState[];
}

export const HEARTBEAT_ALERT = 'heartbeat';

export async function checkHeartbeats(
  knex: Knex,
  expectations: readonly HeartbeatExpectation[],
  opts: { since: Date; logger?: Logger },
): Promise<MonitorReport> {
  const [clock] = await rawRows<{ now: string }>(knex, 'SELECT UTC_TIMESTAMP(3) AS now');
  const now = utcDate(clock!.now).getTime();
  const rows = await rawRows<{ marketplace_id: number; flow: string; last_at: string }>(knex, `SELECT marketplace_id, flow, last_at FROM ${HEARTBEATS}`);
  const last = new Map(rows.map((r) => [`${r.marketplace_id}|${r.flow}`, r.last_at]));
  const flows: FlowState[] = [];
  for (const e of expectations) {
    const lastAt = last.get(`${e.accountId}|${e.flow}`) ?? null;
    const from = lastAt ? utcDate(lastAt).getTime() : opts.since.getTime();
    const silentForMs = Math.max(0, now - from);
    const ok = silentForMs <= e.expectedMs;
    flows.push({ accountId: e.accountId, flow: e.flow, lastAt: lastAt ? utcDate(lastAt).toISOString() : null, silentForMs, expectedMs: e.expectedMs, ok });
    const who = e.accountName ? `${e.accountName} (#${e.accountId})` : `account #${e.accountId}`;
    if (!ok) {
      const message =
        `${e.flow} of ${who} has done no work for ${Math.round(silentForMs / 1000)} s (expected at least every ${Math.round(e.expectedMs / 1000)} s)` +
        ` / ${e.flow} akışı ${Math.round(silentForMs / 1000)} sn'dir çalışmadı (beklenen en fazla ${Math.round(e.expectedMs / 1000)} sn)`;
      if (await raiseAlert(knex, HEARTBEAT_ALERT, e.accountId, e.flow, message)) {
        opts.logger?.warn({ accountId: e.accountId, flow: e.flow, silentForMs, expectedMs: e.expectedMs, lastAt }, 'flow is silent: heartbeat alert raised');
      }
    } else if (await resolveAlert(knex, HEARTBEAT_ALERT, e.accountId, e.flow)) {
      opts.logger?.info({ accountId: e.accountId, flow: e.flow }, 'flow is working again: heartbeat alert resolved');
    }
  }
  return { ok: flows.every((f) => f.ok), flows };
}
