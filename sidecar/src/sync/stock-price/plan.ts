import { z } from 'zod';
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
  desired: Pick<Desired, 'quantity' | 'price'> & { priceError?: string | null };
  quantityChanged: boolean;
  priceChanged: boolean;
  priority: number;
}

export function difference(account: AccountView, listing: ListingRow, desired: Difference['desired']): Difference | null {
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

/**
 * A push job's payload. With `planAt`, it carries the values the planner computed (so the push need not read
 * the products again): `planAt` is the database time of the listing read that preceded the product read,
 * `g` the generation of rules and rates they were computed under. The queue keeps the payload with the
 * newest `planAt` when two plans of one listing meet, and a plain one over any (see enqueue.ts).
 * Without `planAt`, the push computes the values itself.
 */
export interface PushPayload {
  listingId: number;
  planAt?: number;
  q?: number;
  p?: string | null;
  lp?: string | null;
  n?: string | null;
  g?: string;
}

export type Planned = Required<Omit<PushPayload, 'listingId'>>;

export function planned(listing: Pick<ListingRow, 'readAt'>, desired: Desired, generation: string): Planned {
  // Without a price, `n` carries why, so the listing can say it (price_note).
  return { planAt: listing.readAt, q: desired.quantity, p: desired.price?.salePrice ?? null, lp: desired.price?.listPrice ?? null, n: desired.price?.note ?? desired.priceError ?? null, g: generation };
}

// Carried values come back from the queue table, which anyone with database access can write: a price
// that is not a plain decimal is never sent.
const amount = z.string().regex(/^\d{1,12}(\.\d{1,4})?$/, 'not a plain decimal amount (up to 12 digits and 4 decimals)');
const carriedSchema = z.object({
  planAt: z.number().int().positive(),
  q: z.number().int().min(0),
  p: amount.nullable(),
  lp: amount.nullable().optional(),
  n: z.string().nullable().optional(),
  g: z.string(),
});
const CARRIED_KEYS = ['planAt', 'q', 'p', 'lp', 'n', 'g'] as const;

/**
 * The values a push job's payload carries, checked. None at all is a plain job. Values that fail the
 * check are dropped whole, with what was wrong (field paths and rules, never the values), and the push
 * computes them from OpenCart's rows as for a plain job: a bad plan costs a read, not the listing's push.
 */
export function readCarried(payload: Readonly<Record<string, unknown>>): { carried?: Planned; problem?: string } {
  if (!CARRIED_KEYS.some((k) => payload[k] !== undefined)) return {};
  const parsed = carriedSchema.safeParse(payload);
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ') };
  const { planAt, q, p, lp, n, g } = parsed.data;
  return { carried: { planAt, q, p, lp: lp ?? null, n: n ?? null, g } };
}

/** The values a payload carries, as the push uses them. */
export function carriedDesired(c: Planned): Difference['desired'] {
  return { quantity: c.q, price: c.p === null ? null : { salePrice: c.p, listPrice: c.lp ?? c.p, note: c.n, rulePrice: c.p, floor: null, ceiling: null }, priceError: c.p === null ? c.n : null };
}

export function pushSpec(accountId: number, listingId: number, priority: number, runAt?: Date, carried?: Planned): JobSpec {
  return {
    queue: queueOf(accountId),
    type: JOB.stockPricePush,
    payload: { listingId, ...carried } satisfies PushPayload,
    dedupeKey: `sp:${listingId}`,
    priority,
    ...(runAt ? { runAt } : {}),
    maxAttempts: 12,
  };
}

/**
 * Jobs for every listing (of one account) whose values differ from what was last confirmed, carrying
 * the values computed. A listing with a push in flight gets a plain job instead: the push finds it in
 * flight and marks it, and settling that push re-plans it (values never land out of order).
 */
export function planDifferences(account: AccountView, listings: readonly ListingRow[], ctx: DesiredContext, calc: DesiredCalculator): JobSpec[] {
  if (!account.enabled || (!account.flows.stock && !account.flows.price)) return [];
  const specs: JobSpec[] = [];
  for (const l of listings) {
    if (l.state !== 'active') continue;
    if (inFlight(l, account.settings.sync.push.staleAfterMs)) {
      specs.push(pushSpec(account.id, l.id, PRIORITY.increase));
      continue;
    }
    const desired = calc.compute(ctx, l);
    const diff = difference(account, l, desired);
    if (diff) specs.push(pushSpec(account.id, l.id, diff.priority, undefined, planned(l, desired, ctx.generation)));
  }
  return specs;
}
