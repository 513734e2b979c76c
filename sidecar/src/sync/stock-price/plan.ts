import type { JobSpec } from '../queue/types';
import { toUnits } from '../rules/decimal';
import type { AccountView } from '../accounts/store';
import type { Desired, DesiredContext } from './desired';
import type { DesiredCalculator } from './desired';
import { inFlight, type ListingRow } from './listings';
import { JOB, PRIORITY, queueOf } from './deps';

/**
 * Decides which listings need a stock/price push: only real differences against what the marketplace
 * last confirmed (Trendyol refuses a repeat of the same request within minutes), and not while an earlier
 * push of the listing is still being processed (its completion plans the listing again).
 */

export function samePrice(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return toUnits(a) === toUnits(b);
}

export interface Difference {
  listing: ListingRow;
  desired: Desired;
  quantityChanged: boolean;
  priceChanged: boolean;
  priority: number;
}

export function difference(account: AccountView, listing: ListingRow, desired: Desired): Difference | null {
  const quantityChanged = account.flows.stock && desired.quantity !== listing.lastPushedQuantity;
  const priceChanged =
    account.flows.price && desired.price !== null && (!samePrice(desired.price.salePrice, listing.lastPushedPrice) || !samePrice(desired.price.listPrice, listing.lastPushedListPrice));
  if (!quantityChanged && !priceChanged) return null;
  const last = listing.lastPushedQuantity;
  let priority: number = PRIORITY.price;
  if (quantityChanged) {
    if (desired.quantity === 0) priority = PRIORITY.zeroOut;
    else if (last !== null && desired.quantity < last) priority = PRIORITY.decrease;
    else priority = PRIORITY.increase;
  }
  return { listing, desired, quantityChanged, priceChanged, priority };
}

export function pushSpec(accountId: number, listingId: number, priority: number, runAt?: Date): JobSpec {
  return {
    queue: queueOf(accountId),
    type: JOB.stockPricePush,
    payload: { listingId },
    dedupeKey: `sp:${listingId}`,
    priority,
    ...(runAt ? { runAt } : {}),
    maxAttempts: 12,
  };
}

/** Jobs for every listing (of one account) whose values differ from what was last confirmed. */
export function planDifferences(account: AccountView, listings: readonly ListingRow[], ctx: DesiredContext, calc: DesiredCalculator): JobSpec[] {
  if (!account.enabled || (!account.flows.stock && !account.flows.price)) return [];
  const specs: JobSpec[] = [];
  for (const l of listings) {
    if (l.state !== 'active' || inFlight(l, account.settings.sync.push.staleAfterMs)) continue;
    const diff = difference(account, l, calc.compute(ctx, l));
    if (diff) specs.push(pushSpec(account.id, l.id, diff.priority));
  }
  return specs;
}
