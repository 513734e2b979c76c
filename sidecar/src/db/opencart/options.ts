import type { OcContext } from './context';
import { decodeOcText } from './text';
import { flag, groupBy, inChunks } from './sql';

/**
 * Product options (variants). Each option value has its own stock and its own `subtract` flag; OpenCart
 * has no per-combination stock (NOTES §2). Ordered as the storefront lists them (option sort order, then
 * value sort order); names are in the context language and entity-decoded.
 */

export interface OcProductOptionValue {
  productOptionValueId: number;
  productOptionId: number;
  optionValueId: number;
  name: string;
  image: string;
  quantity: number;
  subtract: boolean;
  /** DECIMAL(15,4) text; added to or taken from the product price per price_prefix. */
  price: string;
  pricePrefix: string;
  points: number;
  pointsPrefix: string;
  weight: string;
  weightPrefix: string;
}

export interface OcProductOption {
  productOptionId: number;
  productId: number;
  optionId: number;
  name: string;
  /** select, radio, checkbox, text, textarea, file, date, time, datetime, image */
  type: string;
  required: boolean;
  /** Default value for text-like types (decoded). */
  value: string;
  sortOrder: number;
  values: OcProductOptionValue[];
}

interface OptionRow {
  product_option_id: number;
  product_id: number;
  option_id: number;
  value: string;
  required: number;
  type: string | null;
  sort_order: number | null;
  name: string | null;
}

interface ValueRow {
  product_option_value_id: number;
  product_option_id: number;
  product_id: number;
  option_value_id: number;
  quantity: number;
  subtract: number;
  price: string;
  price_prefix: string;
  points: number;
  points_prefix: string;
  weight: string;
  weight_prefix: string;
  image: string | null;
  sort_order: number | null;
  name: string | null;
}

/** Options with their values for many products at once: two queries, whatever the number of products. */
export async function loadProductOptions(ctx: OcContext, productIds: readonly number[]): Promise<Map<number, OcProductOption[]>> {
  const t = ctx.table.bind(ctx);
  const optionRows = await inChunks(productIds, (chunk) =>
    ctx
      .knex(`${t('product_option')} as po`)
      .leftJoin(`${t('option')} as o`, 'o.option_id', 'po.option_id')
      .leftJoin(`${t('option_description')} as od`, (j) => j.on('od.option_id', 'po.option_id').andOnVal('od.language_id', ctx.languageId))
      .select('po.product_option_id', 'po.product_id', 'po.option_id', 'po.value', 'po.required', 'o.type', 'o.sort_order', 'od.name')
      .whereIn('po.product_id', chunk)
      .orderBy([{ column: 'po.product_id' }, { column: 'o.sort_order' }, { column: 'po.product_option_id' }]) as Promise<OptionRow[]>,
  );
  const valueRows = await inChunks(productIds, (chunk) =>
    ctx
      .knex(`${t('product_option_value')} as pov`)
      .leftJoin(`${t('option_value')} as ov`, 'ov.option_value_id', 'pov.option_value_id')
      .leftJoin(`${t('option_value_description')} as ovd`, (j) =>
        j.on('ovd.option_value_id', 'pov.option_value_id').andOnVal('ovd.language_id', ctx.languageId),
      )
      .select(
        'pov.product_option_value_id',
        'pov.product_option_id',
        'pov.product_id',
        'pov.option_value_id',
        'pov.quantity',
        'pov.subtract',
        'pov.price',
        'pov.price_prefix',
        'pov.points',
        'pov.points_prefix',
        'pov.weight',
        'pov.weight_prefix',
        'ov.image',
        'ov.sort_order',
        'ovd.name',
      )
      .whereIn('pov.product_id', chunk)
      .orderBy([{ column: 'pov.product_option_id' }, { column: 'ov.sort_order' }, { column: 'pov.product_option_value_id' }]) as Promise<ValueRow[]>,
  );
  const valuesByOption = groupBy(valueRows.map(toValue), (v) => v.productOptionId);
  const options = optionRows.map(
    (r): OcProductOption => ({
      productOptionId: r.product_option_id,
      productId: r.product_id,
      optionId: r.option_id,
      name: decodeOcText(r.name ?? ''),
      type: r.type ?? '',
      required: flag(r.required),
      value: decodeOcText(r.value),
      sortOrder: r.sort_order ?? 0,
      values: valuesByOption.get(r.product_option_id) ?? [],
    }),
  );
  return groupBy(options, (o) => o.productId);
}

function toValue(r: ValueRow): OcProductOptionValue {
  return {
    productOptionValueId: r.product_option_value_id,
    productOptionId: r.product_option_id,
    optionValueId: r.option_value_id,
    name: decodeOcText(r.name ?? ''),
    image: r.image ?? '',
    quantity: r.quantity,
    subtract: flag(r.subtract),
    price: r.price,
    pricePrefix: r.price_prefix,
    points: r.points,
    pointsPrefix: r.points_prefix,
    weight: r.weight,
    weightPrefix: r.weight_prefix,
  };
}
