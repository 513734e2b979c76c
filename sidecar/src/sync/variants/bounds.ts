import { toUnits } from '../rules/decimal';

/**
 * A variant's stock source and price bounds judged as they would be stored: what a change (an API
 * patch, a CSV row) leaves out keeps its stored value. Only the pairs the change touches are judged,
 * so an older row that breaks a rule can still have its other fields edited.
 */

export interface BoundsValues {
  stockSource?: string | undefined;
  fixedQuantity?: number | null | undefined;
  minPrice?: string | null | undefined;
  maxPrice?: string | null | undefined;
}

export type BoundsProblem =
  | { kind: 'fixed_without_quantity'; field: 'fixedQuantity' | 'stockSource' }
  | { kind: 'min_above_max'; field: 'minPrice' | 'maxPrice'; min: string; max: string };

/** `change` holds only what is being set (undefined: not touched); `stored` what the variant holds now, if it exists. */
export function boundsProblem(change: BoundsValues, stored: BoundsValues | undefined): BoundsProblem | null {
  const pick = <K extends keyof BoundsValues>(k: K) => (change[k] !== undefined ? change[k] : stored?.[k]);
  if (change.stockSource !== undefined || change.fixedQuantity !== undefined) {
    const quantity = pick('fixedQuantity') ?? null;
    if (pick('stockSource') === 'fixed' && quantity === null) return { kind: 'fixed_without_quantity', field: change.fixedQuantity !== undefined ? 'fixedQuantity' : 'stockSource' };
  }
  if (change.minPrice !== undefined || change.maxPrice !== undefined) {
    const min = pick('minPrice') ?? null;
    const max = pick('maxPrice') ?? null;
    // Exact decimal comparison (Number() rounds near the 16-digit limit).
    if (min !== null && max !== null && toUnits(min) > toUnits(max)) return { kind: 'min_above_max', field: change.minPrice !== undefined ? 'minPrice' : 'maxPrice', min, max };
  }
  return null;
}
