import type { OcContext } from '../../db/opencart';
import { ORDER_WRITES_TABLE } from '../../db/opencart/orders';
import { placeholders, rawRows } from '../../db/raw';
import { isMarketplaceError } from '../../marketplaces/errors';
import type { ChangePlanner } from '../pump/planner';
import type { JobSpec } from '../queue/types';
import type { Logger } from '../../util/logger';
import { raiseAlert, recordHeartbeat, resolveAlert } from '../heartbeats';
import type { MarketplaceAccess, OrderAccount } from '../orders/access';
import { kindOf } from '../orders/build';
import { cancelledStatusOf, loadOrderSettings, shippedStatusOf } from '../orders/settings';
import { groupsByOcOrder, packagesOf, updateGroup, type GroupRow, type PackageRow } from '../orders/store';
import { ackObsolete } from './ack';
import { addCancels, addShipments, markAttempt, markSent, markSkipped, shipmentsOf, type ShipmentRow } from './shipments';
import { parseTracking } from './tracking';
import { withNamedLock } from '../../db/opencart/locks';

/**
 * Status out: the store marks an imported marketplace order shipped (an order-history row with the
 * account's shipped status and a tracking number in its comment) → the marketplace gets carrier +
 * tracking number for every live package of that order (adapter.ship).
 *
 * Trigger: the capture trigger on oc_order_history logs every new row; the change pump hands the
 * OrderChange to this module's planner, which queues one job per marketplace order (de-duplicated).
 * The job reads the order's history rows after the last one it handled, so a history row is acted on
 * once however often the job runs. Rows the sidecar wrote itself (status in from the marketplace: write
 * tokens 'mco-…' in the data layer's journal) are skipped, so a "Shipped" the marketplace reported is
 * never echoed back. A shipped row without a recognisable tracking number raises a 'tracking_missing'
 * alert naming the fix (write it in the comment, or POST /api/orders/:id/ship).
 *
 * A row with the cancelled status (the store cancelled the order in OpenCart, which restocks it) cancels
 * every package not yet shipped on the marketplace too (adapter.cancelLines, all lines, the account's
 * storeCancelReason), so the marketplace does not wait for a shipment that will never come.
 *
 * The same sending loop carries the acknowledgements the import queued (ack.ts, adapter.acknowledge).
 */

export const STATUS_OUT_JOB = 'orders.status-out';

export function createStatusOutPlanner(queue: string): ChangePlanner {
  return {
    async plan(changes, { trx }) {
      const orderIds = changes.flatMap((c) => (c.kind === 'order' ? [c.orderId] : []));
      if (orderIds.length === 0) return [];
      const groups = await groupsByOcOrder(trx, orderIds);
      return groups.map(
        (g): JobSpec => ({ queue, type: STATUS_OUT_JOB, dedupeKey: `status-out:${g.ocOrderId}`, payload: { ocOrderId: g.ocOrderId }, priority: 50 }),
      );
    },
  };
}

export interface StatusOutEnv {
  ctx: OcContext;
  access: MarketplaceAccess;
  logger: Logger;
}

export interface StatusOutResult {
  queued: number;
  sent: number;
  failed: number;
  /** Attempts that failed for a reason worth retrying (the job is retried with backoff). */
  retrying: number;
  /** Acks not sent because the package moved on first. */
  skipped: number;
}

/** History rows the sidecar itself wrote (their write tokens start with 'mco-'). */
async function ownHistoryIds(ctx: OcContext, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await rawRows<{ history_id: number }>(
    ctx.knex,
    `SELECT history_id FROM ${ORDER_WRITES_TABLE} WHERE oc_prefix = ? AND kind = 'history' AND token LIKE 'mco-%' AND history_id IN (${placeholders(ids.length)})`,
    [ctx.prefix, ...ids],
  );
  return new Set(rows.map((r) => Number(r.history_id)));
}

/** Packages a tracking number goes to: live ones the marketplace does not already report as shipped. */
export function shippablePackages(packages: readonly PackageRow[]): PackageRow[] {
  return packages.filter((p) => {
    const s = p.stored.package.status;
    return kindOf(s) === 'live' && s !== 'shipped' && s !== 'delivered';
  });
}

export async function handleStatusOut(env: StatusOutEnv, ocOrderId: number): Promise<StatusOutResult> {
  const { ctx } = env;
  const [group] = await groupsByOcOrder(ctx.knex, [ocOrderId]);
  if (!group) return { queued: 0, sent: 0, failed: 0, retrying: 0, skipped: 0 };
  const account = await env.access.account(group.marketplaceId);
  if (!account) return { queued: 0, sent: 0, failed: 0, retrying: 0, skipped: 0 };
  const settings = await loadOrderSettings(ctx.knex, account.id);
  const shipped = shippedStatusOf(settings);
  const cancelled = settings.storeCancelReason === null ? null : cancelledStatusOf(settings);

  const rows = await rawRows<{ order_history_id: number; order_status_id: number; comment: string }>(
    ctx.knex,
    `SELECT order_history_id, order_status_id, comment FROM \`${ctx.table('order_history')}\` WHERE order_id = ? AND order_history_id > ? ORDER BY order_history_id`,
    [ocOrderId, group.lastHistoryId],
  );
  let queued = 0;
  if (rows.length) {
    const own = await ownHistoryIds(ctx, rows.map((r) => r.order_history_id));
    const packages = await packagesOf(ctx.knex, account.id, group.remoteOrderId);
    for (const row of rows) {
      if (own.has(row.order_history_id)) continue;
      if (cancelled !== null && row.order_status_id === cancelled) {
        const targets = shippablePackages(packages).map((p) => p.remotePackageId);
        await addCancels(ctx.knex, { groupId: group.id, ocOrderId, packageIds: targets, orderHistoryId: row.order_history_id });
        queued += targets.length;
        continue;
      }
      if (shipped === null || row.order_status_id !== shipped) continue;
      const tracking = parseTracking(row.comment, settings);
      if (!tracking) {
        await raiseAlert(
          ctx.knex,
          'tracking_missing',
          account.id,
          `order:${ocOrderId}`,
          `OpenCart order ${ocOrderId} (${account.name} ${group.remoteOrderId}) was marked shipped without a tracking number: add "Tracking: <number>" to the history comment or POST /api/orders/${ocOrderId}/ship` +
            ` / ${ocOrderId} numaralı sipariş kargo takip numarası olmadan kargolandı: yoruma "Takip no: <numara>" yazın veya /api/orders/${ocOrderId}/ship kullanın`,
        );
        env.logger.warn({ ocOrderId, accountId: account.id }, 'order marked shipped without a tracking number; nothing sent');
        continue;
      }
      const targets = shippablePackages(packages).map((p) => p.remotePackageId);
      await addShipments(ctx.knex, { groupId: group.id, ocOrderId, packageIds: targets, ...tracking, source: 'history', orderHistoryId: row.order_history_id });
      await resolveAlert(ctx.knex, 'tracking_missing', account.id, `order:${ocOrderId}`);
      queued += targets.length;
    }
    await updateGroup(ctx.knex, group.id, { last_history_id: rows.at(-1)!.order_history_id });
  }
  const result = await sendPending(env, group, account);
  return { ...result, queued };
}

/** Sends every pending shipment of the order. Throws after recording when a retryable failure remains. */
export async function sendPending(env: StatusOutEnv, group: GroupRow, account: OrderAccount): Promise<StatusOutResult> {
  // One sender per order at a time (the import's own pass and the status-out job can meet here): the
  // other finds the lock taken and leaves the rows to the holder, which reads them under it, so no
  // action goes out twice. The lock is the session's: a crash frees it, and the sweep retries.
  const idle: StatusOutResult = { queued: 0, sent: 0, failed: 0, retrying: 0, skipped: 0 };
  return withNamedLock(env.ctx.knex, `${env.ctx.prefix}|status-out|${group.id}`, 0, () => sendPendingLocked(env, group, account), () => idle);
}

async function sendPendingLocked(env: StatusOutEnv, group: GroupRow, account: OrderAccount): Promise<StatusOutResult> {
  const { ctx } = env;
  const all = await shipmentsOf(ctx.knex, group.id);
  const pending = all.filter((s) => s.state === 'pending');
  const result: StatusOutResult = { queued: 0, sent: 0, failed: 0, retrying: 0, skipped: 0 };
  if (pending.length === 0 || !account.enabled || !account.statusOut) return result;
  const adapter = await env.access.adapter(account.id);
  const settings = await loadOrderSettings(ctx.knex, account.id);
  const packages = pending.some((s) => s.action !== 'ship') ? await packagesOf(ctx.knex, account.id, group.remoteOrderId) : [];
  const packageOf = (s: ShipmentRow) => packages.find((p) => p.remotePackageId === s.remotePackageId);
  const linesOf = (s: ShipmentRow) => (packageOf(s)?.stored.package.lines ?? []).map((l) => ({ lineId: l.lineId, quantity: l.quantity }));
  // An ack after the store has shipped or cancelled the package would be refused (or undo nothing useful).
  const storeActed = new Set(all.filter((s) => s.action !== 'ack').map((s) => s.remotePackageId));
  let retryError: unknown;
  for (const s of pending) {
    const ref = { orderId: group.remoteOrderId, packageId: s.remotePackageId };
    try {
      if (s.action === 'ack') {
        const obsolete = ackObsolete(settings, packageOf(s), storeActed.has(s.remotePackageId));
        if (obsolete !== null) {
          await markSkipped(ctx.knex, s.id, obsolete);
          result.skipped++;
          continue;
        }
        const lines = linesOf(s);
        await adapter.acknowledge(ref, lines.length ? lines : undefined);
      } else if (s.action === 'cancel') {
        const lines = linesOf(s);
        if (lines.length) await adapter.cancelLines(ref, lines, settings.storeCancelReason ?? 'other');
      } else {
        await adapter.ship(ref, { trackingNumber: s.trackingNumber, ...(s.carrier ? { carrier: s.carrier } : {}) });
      }
      await markSent(ctx.knex, s.id);
      result.sent++;
      env.logger.info({ accountId: account.id, orderId: group.remoteOrderId, packageId: s.remotePackageId, action: s.action }, SENT_TEXT[s.action]);
    } catch (err) {
      const retryable = !isMarketplaceError(err) || err.retryable;
      await markAttempt(ctx.knex, s.id, (err as Error).message, !retryable);
      if (retryable) {
        result.retrying++;
        retryError = err;
      } else {
        result.failed++;
        await raiseAlert(ctx.knex, 'shipment_failed', account.id, `package:${s.remotePackageId}`, refusalText(account, group, s, (err as Error).message));
        env.logger.warn({ err, accountId: account.id, packageId: s.remotePackageId, action: s.action }, 'marketplace refused the package action');
      }
    }
  }
  // A pass the marketplace could not be reached in is not a heartbeat: silence must stay visible.
  if (retryError) throw retryError;
  await recordHeartbeat(ctx.knex, account.id, 'statusOut', `${result.sent} sent, ${result.failed} failed`);
  return result;
}

const SENT_TEXT: Record<ShipmentRow['action'], string> = {
  ship: 'tracking number sent to the marketplace',
  cancel: 'store cancellation sent to the marketplace',
  ack: 'imported package acknowledged on the marketplace',
};

function refusalText(account: OrderAccount, group: GroupRow, s: ShipmentRow, reason: string): string {
  if (s.action === 'ack') {
    return `${account.name} refused to acknowledge (Picking) order ${group.remoteOrderId} package ${s.remotePackageId}: ${reason}; nothing to do if the buyer cancelled it meanwhile` +
      ` / pazaryeri paketi "hazırlanıyor" (Picking) yapmadı; alıcı paketi bu arada iptal ettiyse bir şey yapmanız gerekmez`;
  }
  return s.action === 'cancel'
    ? `${account.name} refused to cancel order ${group.remoteOrderId} package ${s.remotePackageId}: ${reason} / pazaryeri iptali reddetti; siparişi pazaryeri panelinden iptal edin`
    : `${account.name} refused tracking ${s.trackingNumber} for order ${group.remoteOrderId} package ${s.remotePackageId}: ${reason} / pazaryeri takip numarasını reddetti`;
}
