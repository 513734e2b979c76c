/**
 * Stock of one variant. OpenCart keeps stock per option value (and per product), never per combination,
 * and each level has its own `subtract` flag (orders only lower levels whose subtract is on). A
 * combination can be sold as many times as its scarcest tracked level allows:
 *   computed  min(product.quantity if product.subtract, each chosen value's quantity if its subtract);
 *             when no level is tracked, the product's quantity as the store shows it
 *   product   the product's quantity alone
 *   fixed     the variant's fixed quantity (the owner's number, e.g. made to order)
 * Negative stock (OpenCart lets it go below zero) counts as 0.
 */

export type StockSource = 'computed' | 'product' | 'fixed';
export const STOCK_SOURCES: readonly StockSource[] = ['computed', 'product', 'fixed'];

export interface StockLevel {
  quantity: number;
  subtract: boolean;
}

export function combinationStock(product: StockLevel, values: readonly StockLevel[], source: StockSource = 'computed', fixedQuantity: number | null = null): number {
  let q: number;
  if (source === 'fixed') q = fixedQuantity ?? 0;
  else if (source === 'product') q = product.quantity;
  else {
    const tracked = [product, ...values].filter((l) => l.subtract).map((l) => l.quantity);
    q = tracked.length ? Math.min(...tracked) : product.quantity;
  }
  return Math.max(0, Math.trunc(q));
}
