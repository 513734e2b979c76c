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

/** Rows read ahead for a batch of lines (prefetch): what the per-line queries would have returned. */
interface Prefetched {
  keys: Set<string>;
  listings: Array<{ product_id: number; variant_key: string; barcode: string | null; sku: string | null }>;
  variants: Array<{ product_id: number; variant_key: string; barcode: string | null; sku: string | null }>;
  products: Array<Record<(typeof PRODUCT_CODE_COLUMNS)[number], string> & { product_id: number }>;
  existing: Set<number>;
  values: Map<number, { product_option_value_id: number; product_option_id: number; product_id: number }>;
}

/** Codes compare as the columns' case-insensitive collation does (closely enough: a miss falls back to SQL). */
const fold = (v: string | null | undefined): string => (v ?? '').trim().toLowerCase();

export class LineMatcher {
  private pre: Prefetched | null = null;

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

  /**
   * Reads, for many lines at once, every row match() would look at, so matching a poll page costs a few
   * queries instead of a few per line. Lines not covered, and any line the rows read ahead do not match,
   * still go to SQL, so the answer is always the per-line one.
   */
  async prefetch(lines: ReadonlyArray<Pick<OrderLine, 'barcode' | 'sku'>>): Promise<void> {
    const keys = [...new Set(lines.flatMap(keysOf))];
    if (keys.length === 0) return;
    const tables = await this.present();
    const k = this.ctx.knex;
    const byCodes = <T>(sql: (n: number) => string, head: unknown[], repeat: number): Promise<T[]> =>
      rawRows<T>(k, sql(keys.length), [...head, ...Array.from({ length: repeat }, () => keys).flat()]);
    const listings = tables.listings
      ? await byCodes<Prefetched['listings'][number]>(
          (n) => `SELECT product_id, variant_key, barcode, sku FROM meschain_listings WHERE marketplace_id = ? AND (barcode IN (${placeholders(n)}) OR sku IN (${placeholders(n)}))`,
          [this.accountId],
          2,
        )
      : [];
    const variants = tables.variants
      ? await byCodes<Prefetched['variants'][number]>(
          (n) => `SELECT product_id, variant_key, barcode, sku FROM meschain_variants WHERE active = 1 AND (barcode IN (${placeholders(n)}) OR sku IN (${placeholders(n)}))`,
          [],
          2,
        )
      : [];
    const product = this.ctx.table('product');
    const products = await byCodes<Prefetched['products'][number]>(
      (n) => `SELECT product_id, ${PRODUCT_CODE_COLUMNS.map((c) => `\`${c}\``).join(', ')} FROM \`${product}\` WHERE ${PRODUCT_CODE_COLUMNS.map((c) => `\`${c}\` IN (${placeholders(n)})`).join(' OR ')}`,
      [],
      PRODUCT_CODE_COLUMNS.length,
    );
    const mapped = [...listings, ...variants];
    const productIds = [...new Set(mapped.map((r) => r.product_id))];
    const existing = new Set(
      productIds.length ? (await rawRows<{ product_id: number }>(k, `SELECT product_id FROM \`${product}\` WHERE product_id IN (${placeholders(productIds.length)})`, productIds)).map((r) => r.product_id) : [],
    );
    const valueIds = [...new Set(mapped.flatMap((r) => splitKey(r.variant_key)))];
    const values = new Map(
      (valueIds.length
        ? await rawRows<{ product_option_value_id: number; product_option_id: number; product_id: number }>(
            k,
            `SELECT product_option_value_id, product_option_id, product_id FROM \`${this.ctx.table('product_option_value')}\` WHERE product_option_value_id IN (${placeholders(valueIds.length)})`,
            valueIds,
          )
        : []
      ).map((r) => [r.product_option_value_id, r]),
    );
    this.pre = { keys: new Set(keys.map(fold)), listings, variants, products, existing, values };
  }

  async match(line: Pick<OrderLine, 'barcode' | 'sku' | 'title'>): Promise<MatchResult> {
    const keys = keysOf(line);
    if (this.pre && keys.length > 0 && keys.every((key) => this.pre!.keys.has(fold(key)))) {
      const found = this.matchPrefetched(this.pre, line, keys);
      if (found) return found;
    }
    return this.matchBySql(line, keys);
  }

  /** The per-line answer from the rows read ahead; null when they hold nothing for the line (SQL decides). */
  private matchPrefetched(pre: Prefetched, line: Pick<OrderLine, 'barcode' | 'sku' | 'title'>, keys: string[]): MatchResult | null {
    const label = `"${line.title}" (barcode ${line.barcode ?? '-'}, SKU ${line.sku ?? '-'})`;
    const wanted = new Set(keys.map(fold));
    const distinct = (rows: Prefetched['listings']) => [
      ...new Map(rows.filter((r) => wanted.has(fold(r.barcode)) || wanted.has(fold(r.sku))).map((r) => [`${r.product_id}|${r.variant_key}`, r])).values(),
    ];
    const listings = distinct(pre.listings);
    if (listings.length > 1) return { ok: false, reason: `line ${label} matches ${listings.length} listings of this account; fix the duplicate barcode/SKU` };
    const variants = listings.length ? [] : distinct(pre.variants);
    if (variants.length > 1) return { ok: false, reason: `line ${label} matches ${variants.length} variants; fix the duplicate barcode/SKU` };
    const mapped = listings[0] ?? variants[0];
    if (mapped) {
      const via = listings.length ? 'listing' : 'variant';
      if (!pre.existing.has(mapped.product_id)) return { ok: false, reason: `line ${label} is mapped to product ${mapped.product_id}, which no longer exists` };
      const valueIds = splitKey(mapped.variant_key);
      const options: MatchedLine['options'] = [];
      for (const id of valueIds) {
        const r = pre.values.get(id);
        if (!r || r.product_id !== mapped.product_id) return { ok: false, reason: `line ${label} is mapped to option value ${id}, which is not an option value of product ${mapped.product_id}` };
        options.push({ productOptionId: r.product_option_id, productOptionValueId: id });
      }
      return { ok: true, line: { productId: mapped.product_id, variantKey: valueIds.length ? variantKeyOf(valueIds) : '', options, via } };
    }
    const products = new Set(pre.products.filter((p) => PRODUCT_CODE_COLUMNS.some((c) => wanted.has(fold(p[c])))).map((p) => p.product_id));
    if (products.size > 1) return { ok: false, reason: `line ${label}: several products carry this code in ${this.ctx.table('product')}; map it in the variant table` };
    if (products.size === 1) return { ok: true, line: { productId: [...products][0]!, variantKey: '', options: [], via: 'product' } };
    return null;
  }

  private async matchBySql(line: Pick<OrderLine, 'barcode' | 'sku' | 'title'>, keys: string[]): Promise<MatchResult> {
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
