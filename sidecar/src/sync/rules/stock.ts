import type { StockRule } from './schema';

/**
 * What quantity a listing should show: the combination's stock, less what is reserved for marketplace
 * orders awaiting payment, through the account's stock rule. A product the store does not sell (disabled,
 * not in this store, deleted, not yet available, its option value gone) shows 0. Pure.
 */

export type StockReason =
  | 'ok'
  | 'capped'
  | 'out_of_stock'
  | 'below_minimum'
  | 'disabled'
  | 'not_in_store'
  | 'deleted'
  | 'not_available_yet'
  | 'variant_gone'
  | 'variant_inactive';

export interface StockInput {
  /** Combination stock (see variants/stock.ts). */
  available: number;
  /** Units held for marketplace orders awaiting payment. */
  reserved: number;
  /** Why the store would not sell it at all; null when it would. */
  unsellable: Exclude<StockReason, 'ok' | 'capped' | 'out_of_stock' | 'below_minimum'> | null;
}

export interface StockResult {
  quantity: number;
  reason: StockReason;
}

export function computeQuantity(rule: StockRule, input: StockInput): StockResult {
  if (input.unsellable) return { quantity: 0, reason: input.unsellable };
  const free = Math.max(0, Math.trunc(input.available) - Math.max(0, Math.trunc(input.reserved)) - rule.buffer);
  if (free === 0) return { quantity: 0, reason: 'out_of_stock' };
  // Rounded down: showing 1 of 1 unit at 90% would promise a unit that is not meant for this channel.
  let quantity = Math.floor((free * rule.percent) / 100 + 1e-9);
  if (quantity === 0) return { quantity: 0, reason: 'out_of_stock' };
  if (quantity < rule.minQuantity) return { quantity: 0, reason: 'below_minimum' };
  if (rule.maxQuantity !== null && quantity > rule.maxQuantity) {
    quantity = rule.maxQuantity;
    return { quantity, reason: 'capped' };
  }
  return { quantity, reason: 'ok' };
}
