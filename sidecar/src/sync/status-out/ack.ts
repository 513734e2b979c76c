import type { Knex } from 'knex';
import { getMarketplace } from '../../marketplaces/registry';
import type { OrderSettings } from '../orders/settings';
import type { PackageRow } from '../orders/store';
import { addAcks } from './shipments';

/**
 * Acknowledge on import (order setting `acknowledgeOnImport`, off by default): once a package is part of
 * an imported OpenCart order, the marketplace is told the seller has taken it (adapter.acknowledge;
 * Trendyol "Picking"). On Trendyol that also takes away the buyer's own cancel button, which is why it
 * is the store owner's choice.
 *
 * The ack is a package action in meschain_shipments, queued in the same transaction that marks the
 * package imported (process.ts, batch.ts), so a crash cannot lose it and a re-delivered order cannot
 * queue it twice (unique key). Status out sends it (sendPending) and retries it until answered; by then
 * it may be pointless — the marketplace reports the package past Created or cancelled, or the store has
 * shipped or cancelled it itself — and it is then skipped, not sent (ackObsolete).
 */

/** Whether the marketplace has an acknowledge step at all (declared capability). */
export function acknowledges(code: string): boolean {
  try {
    return getMarketplace(code).capabilities?.orders.acknowledge === true;
  } catch {
    return false;
  }
}

/** A package worth acknowledging: the marketplace still reports it just created (Trendyol "Created"). */
export function awaitsAck(p: PackageRow): boolean {
  return p.stored.package.status === 'created';
}

/**
 * Queues the acks of packages that have just become part of an imported OpenCart order, on the
 * caller's transaction. Only while the account's status-out flow (which sends them) is on: otherwise
 * nothing, so switching it on later never acknowledges old orders. The flag is required, and anything
 * but `true` (an untyped caller that left it out) counts as off.
 */
export async function queueAcks(
  trx: Knex,
  settings: Pick<OrderSettings, 'acknowledgeOnImport'>,
  account: { code: string; statusOut: boolean },
  orders: ReadonlyArray<{ groupId: number; ocOrderId: number; packages: readonly PackageRow[] }>,
): Promise<number> {
  if (!settings.acknowledgeOnImport || account.statusOut !== true || !acknowledges(account.code)) return 0;
  const rows = orders.flatMap((o) => o.packages.filter(awaitsAck).map((p) => ({ groupId: o.groupId, ocOrderId: o.ocOrderId, packageId: p.remotePackageId })));
  await addAcks(trx, rows);
  return rows.length;
}

/** Why a queued ack is no longer sent, or null to send it. */
export function ackObsolete(settings: Pick<OrderSettings, 'acknowledgeOnImport'>, pkg: PackageRow | undefined, storeActed: boolean): string | null {
  if (!settings.acknowledgeOnImport) return 'acknowledgeOnImport was switched off before it was sent';
  if (!pkg) return 'the package is no longer known';
  if (!awaitsAck(pkg)) return `the marketplace already reports the package ${pkg.stored.package.rawStatus}`;
  if (storeActed) return 'the store already shipped or cancelled the package';
  return null;
}
