import type { OcProduct } from '../../db/opencart/products';
import type { OcProductOptionValue } from '../../db/opencart/options';

/**
 * Which option-value combinations of a product are variants. Choice options (select, radio, image) whose
 * product has values define variants; checkbox (add-ons such as gift wrap) and free-input options
 * (text, file, date…) do not. Every combination of one value per defining option is a variant, keyed
 * by its sorted product_option_value ids joined by '-' ('' when the product has no defining option).
 */

export const VARIANT_OPTION_TYPES = ['select', 'radio', 'image'] as const;
/** A product with more combinations than this is refused with a clear error rather than exploding. */
export const MAX_COMBINATIONS = 1000;

export interface ChosenValue {
  productOptionValueId: number;
  productOptionId: number;
  optionId: number;
  optionValueId: number;
  optionName: string;
  name: string;
}

export interface Combination {
  key: string;
  values: ChosenValue[];
}

export class TooManyCombinationsError extends Error {
  override name = 'TooManyCombinationsError';
}

export function variantKey(values: ReadonlyArray<{ productOptionValueId: number }>): string {
  return values
    .map((v) => v.productOptionValueId)
    .sort((a, b) => a - b)
    .join('-');
}

export function parseVariantKey(key: string): number[] | null {
  if (key === '') return [];
  if (!/^\d+(-\d+)*$/.test(key)) return null;
  return key.split('-').map(Number);
}

export function combinations(product: Pick<OcProduct, 'productId' | 'options'>): Combination[] {
  const dims = product.options.filter((o) => (VARIANT_OPTION_TYPES as readonly string[]).includes(o.type) && o.values.length > 0);
  const count = dims.reduce((n, d) => n * d.values.length, 1);
  if (count > MAX_COMBINATIONS) {
    throw new TooManyCombinationsError(`product ${product.productId} has ${count} option combinations (more than ${MAX_COMBINATIONS}); list fewer option values`);
  }
  let combos: ChosenValue[][] = [[]];
  for (const dim of dims) {
    const next: ChosenValue[][] = [];
    for (const combo of combos) {
      for (const v of dim.values) {
        next.push([...combo, { productOptionValueId: v.productOptionValueId, productOptionId: dim.productOptionId, optionId: dim.optionId, optionValueId: v.optionValueId, optionName: dim.name, name: v.name }]);
      }
    }
    combos = next;
  }
  return combos.map((values) => ({ key: variantKey(values), values }));
}

/** The product's option values by product_option_value_id (for stock and price of a stored variant). */
export function optionValueIndex(product: Pick<OcProduct, 'options'>): Map<number, OcProductOptionValue & { optionName: string; optionId: number }> {
  const out = new Map<number, OcProductOptionValue & { optionName: string; optionId: number }>();
  for (const o of product.options) for (const v of o.values) out.set(v.productOptionValueId, { ...v, optionName: o.name, optionId: o.optionId });
  return out;
}

/** "Renk: Kırmızı / Beden: M" */
export function describeCombination(values: ReadonlyArray<{ optionName: string; name: string }>): string {
  return values.map((v) => `${v.optionName}: ${v.name}`).join(' / ');
}
