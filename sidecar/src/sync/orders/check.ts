import { z } from 'zod';
import { MarketplaceError } from '../../marketplaces/errors';
import type { MarketplaceOrder } from '../../marketplaces/types';

/**
 * The edge between every marketplace adapter and the order import: a normalised order is checked
 * before anything of it is written. Ids must fit the columns they key (64 characters: a longer one
 * would be cut and could meet another order's), quantities must be whole and positive, money must be
 * a decimal amount. Adapters map loosely (the marketplaces' JSON evolves); this is where a reply that
 * lacks what an OpenCart order needs is refused, with what was wrong, for all six marketplaces alike.
 */

const id = (what: string) => z.string().trim().min(1, `${what} is empty`).max(64, `${what} is longer than 64 characters`);
const money = (what: string) => z.string().regex(/^-?\d{1,12}(\.\d{1,4})?$/, `${what} is not an amount`);
const currency = z.string().regex(/^[A-Z]{3}$/, 'currency is not a 3-letter code');

const lineSchema = z.object({
  lineId: id('line id'),
  quantity: z.number().int('quantity is not a whole number').min(1, 'quantity is below 1').max(1_000_000, 'quantity is above 1,000,000'),
  unitPrice: money('unit price'),
  discount: money('discount'),
  currency,
});

const idsSchema = z.object({
  orderId: id('order id'),
  packages: z.array(z.object({ packageId: id('package id') })).min(1, 'the order has no packages'),
});

const orderSchema = idsSchema.extend({
  // A package without lines is a reply that lost them, not an empty order: importing it could strip an order's lines.
  packages: z.array(z.object({ packageId: id('package id'), lines: z.array(lineSchema).min(1, 'the package has no lines') })).min(1, 'the order has no packages'),
  totals: z.object({ gross: money('gross total'), discount: money('discount total'), shipping: money('shipping'), total: money('total'), currency }),
});

function describe(error: z.ZodError, order: Pick<MarketplaceOrder, 'orderId'>): string {
  const issues = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'order'}: ${i.message}`);
  return `marketplace order ${JSON.stringify(String(order.orderId).slice(0, 64))} cannot be imported: ${issues.join('; ')} / sipariş içe aktarılamaz`;
}

/** What is wrong with the order's ids, or null: with bad ids nothing of it may be stored, not even as held. */
export function orderIdsProblem(order: MarketplaceOrder): string | null {
  const r = idsSchema.safeParse(order);
  return r.success ? null : describe(r.error, order);
}

/** What is wrong with the order, or null when it can be imported. */
export function orderProblem(order: MarketplaceOrder): string | null {
  const r = orderSchema.safeParse(order);
  return r.success ? null : describe(r.error, order);
}

/** Throws a validation MarketplaceError naming what is wrong (the caller holds or skips the order). */
export function assertImportable(order: MarketplaceOrder): void {
  const problem = orderProblem(order);
  if (problem) throw new MarketplaceError('validation', problem, { marketplace: order.marketplace });
}
