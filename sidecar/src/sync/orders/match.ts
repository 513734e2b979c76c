import type { OcContext } from '../../db/opencart';
import type { OrderLine } from '../../marketplaces/types';
import { rawRows, placeholders } from '../../db/raw';

/**
 * Marketplace order line → OpenCart product and option values. OpenCart's option values carry no SKU or
 * barcode, so the sidecar's own tables are asked first, most specific first:
 *  1. this account's listing (meschain_listings.barcode / sku): what we listed under that key;
 *  2. the variant table (meschain_variants, active rows): barcode / SKU per option-value combination;
 *  3. the product's own codes (oc_product ean, sku, upc, jan, isbn, mpn, model) for products without
 *     variants — only when exactly one product carries the code, never a guess between several.
 * A line that matches nothing (or matches ambiguously) is reported with the reason, and the order is
 * held instead of being imported with a wrong or missing line.
 */

export interface MatchedLine {
  productId: number;
  /** Sorted product_option_value ids joined by '-' ('' without options). */
  variantKey: string;
  options: Array<{ productOptionId: number; productOptionValueId: number }>;
  via: 'listing' | 'variant' | 'product';
}

export type MatchResult = { ok: true; line: MatchedLine } | { ok: false; reason: string };

const PRODUCT_CODE_COLUMNS = ['ean', 'sku', 'upc', 'jan', 'isbn', 'mpn', 'model'] as const;

function keysOf(line: Pick<OrderLine, 'barcode' | 'sku'>): string[] {
  return [...new Set([line.barcode, line.sku].map((k) => (k ?? '').trim()).filter((k) => k.length > 0))];
}

export function variantKeyOf(valueIds: number[]): string {
  return [...new Set(valueIds)].sort((a, b) => a - b).join('-');
}

/** Which of the sidecar's own tables exist, per database handle (asked once; migrations do not vanish). */
const presentTables = new WeakMap<object, Promise<{ listings: boolean; variants: boolean }>>();

export class LineMatcher {

  constructor(
    private readonly ctx: OcContext,
    private readonly accountId: number,
  ) {}

  private present(): Promise<{ listings: boolean; variants: boolean }> {
    let known = presentTables.get(this.ctx.knex);
    if (!known) {
      known = rawRows<{ TABLE_NAME: string }>(
        this.ctx.knex,
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('meschain_listings', 'meschain_variants')",
      ).then((rows) => {
        const names = new Set(rows.map((r) => r.TABLE_NAME));
        return { listings: names.has('meschain_listings'), variants: names.has('meschain_variants') };
      });
      known.catch(() => presentTables.delete(this.ctx.knex));
      presentTables.set(this.ctx.knex, known);
    }
    return known;
  }

  async match(line: Pick<OrderLine, 'barcode' | 'sku' | 'title'>): Promise<MatchResult> {
    const keys = keysOf(line);
    const label = `"${line.title}" (barcode ${line.barcode ?? '-'}, SKU ${line.sku ?? '-'})`;
    if (keys.length === 0) return { ok: false, reason: `line ${label} has neither barcode nor SKU` };
    const tables = await this.present();

    if (tables.listings) {
      const rows = await rawRows<{ product_id: number; variant_key: string }>(
        this.ctx.knex,
        `SELECT DISTINCT product_id, variant_key FROM meschain_listings WHERE marketplace_id = ? AND (barcode IN (${placeholders(keys.length)}) OR sku IN (${placeholders(keys.length)}))`,
        [this.accountId, ...keys, ...keys],
      );
      if (rows.length > 1) return { ok: false, reason: `line ${label} matches ${rows.length} listings of this account; fix the duplicate barcode/SKU` };
      if (rows.length === 1) return this.resolve(rows[0]!.product_id, splitKey(rows[0]!.variant_key), 'listing', label);
    }
    if (tables.variants) {
      const rows = await rawRows<{ product_id: number; variant_key: string }>(
        this.ctx.knex,
        `SELECT DISTINCT product_id, variant_key FROM meschain_variants WHERE active = 1 AND (barcode IN (${placeholders(keys.length)}) OR sku IN (${placeholders(keys.length)}))`,
        [...keys, ...keys],
      );
      if (rows.length > 1) return { ok: false, reason: `line ${label} matches ${rows.length} variants; fix the duplicate barcode/SKU` };
      if (rows.length === 1) return this.resolve(rows[0]!.product_id, splitKey(rows[0]!.variant_key), 'variant', label);
    }
    const product = this.ctx.table('product');
    const where = PRODUCT_CODE_COLUMNS.map((c) => `\`${c}\` IN (${placeholders(keys.length)})`).join(' OR ');
    const found = await rawRows<{ product_id: number }>(
      this.ctx.knex,
      `SELECT product_id FROM \`${product}\` WHERE ${where} LIMIT 3`,
      PRODUCT_CODE_COLUMNS.flatMap(() => keys),
    );
    if (found.length > 1) return { ok: false, reason: `line ${label}: several products carry this code in ${product}; map it in the variant table` };
    if (found.length === 1) return this.resolve(found[0]!.product_id, [], 'product', label);
    return {
      ok: false,
      reason: `line ${label} matches no product: add the barcode/SKU to the variant table (meschain variants import) or to the product / satır hiçbir ürünle eşleşmedi: barkodu varyant tablosuna veya ürüne ekleyin`,
    };
  }

  private async resolve(productId: number, valueIds: number[], via: MatchedLine['via'], label: string): Promise<MatchResult> {
    const product = await this.ctx.knex(this.ctx.table('product')).first('product_id').where('product_id', productId);
    if (!product) return { ok: false, reason: `line ${label} is mapped to product ${productId}, which no longer exists` };
    if (valueIds.length === 0) return { ok: true, line: { productId, variantKey: '', options: [], via } };
    const rows = await rawRows<{ product_option_value_id: number; product_option_id: number; product_id: number }>(
      this.ctx.knex,
      `SELECT product_option_value_id, product_option_id, product_id FROM \`${this.ctx.table('product_option_value')}\` WHERE product_option_value_id IN (${placeholders(valueIds.length)})`,
      valueIds,
    );
    const byId = new Map(rows.map((r) => [r.product_option_value_id, r]));
    const options: MatchedLine['options'] = [];
    for (const id of valueIds) {
      const r = byId.get(id);
      if (!r || r.product_id !== productId) return { ok: false, reason: `line ${label} is mapped to option value ${id}, which is not an option value of product ${productId}` };
      options.push({ productOptionId: r.product_option_id, productOptionValueId: id });
    }
    return { ok: true, line: { productId, variantKey: variantKeyOf(valueIds), options, via } };
  }
}

function splitKey(key: string): number[] {
  return key
    .split('-')
    .map((s) => Number(s))
    .filter((n) => Number.isInteger(n) && n > 0);
}
