import type { Knex } from 'knex';
import type { OcProduct } from '../../db/opencart/products';
import { placeholders, rawRows } from '../../db/raw';
import { inTransaction } from '../queue/sql';
import { baseSku, DEFAULT_GS1_PREFIX, ean13, prefixCapacity, productBarcode, variantSku } from './codes';
import { combinations, TooManyCombinationsError, type Combination } from './combos';
import type { StockSource } from './stock';

/** The sidecar's variant table (meschain_variants): product + option-value combination → SKU, barcode, stock source, cost. */

export interface VariantOptionRef {
  productOptionValueId: number;
  optionId: number;
  optionValueId: number;
}

export interface VariantRow {
  id: number;
  productId: number;
  variantKey: string;
  optionValues: VariantOptionRef[];
  sku: string | null;
  barcode: string | null;
  stockSource: StockSource;
  fixedQuantity: number | null;
  cost: string | null;
  minPrice: string | null;
  maxPrice: string | null;
  origin: 'generated' | 'imported' | 'manual';
  active: boolean;
}

interface DbRow {
  id: number | string;
  product_id: number;
  variant_key: string;
  option_values: unknown;
  sku: string | null;
  barcode: string | null;
  stock_source: string;
  fixed_quantity: number | null;
  cost: string | null;
  min_price: string | null;
  max_price: string | null;
  origin: string;
  active: number;
}

export const VARIANT_COLUMNS = 'id, product_id, variant_key, option_values, sku, barcode, stock_source, fixed_quantity, cost, min_price, max_price, origin, active';

export function toVariant(r: DbRow): VariantRow {
  return {
    id: Number(r.id),
    productId: Number(r.product_id),
    variantKey: r.variant_key,
    optionValues: (typeof r.option_values === 'string' ? JSON.parse(r.option_values) : r.option_values) as VariantOptionRef[],
    sku: r.sku,
    barcode: r.barcode,
    stockSource: r.stock_source as StockSource,
    fixedQuantity: r.fixed_quantity === null ? null : Number(r.fixed_quantity),
    cost: r.cost,
    minPrice: r.min_price,
    maxPrice: r.max_price,
    origin: r.origin as VariantRow['origin'],
    active: Number(r.active) === 1,
  };
}

export interface EnsureResult {
  variants: Map<number, VariantRow[]>;
  created: number;
  /** Products whose variants could not be made, with why. */
  errors: Map<number, string>;
}

const SETTING_PREFIX = 'variants.gs1Prefix';
const SETTING_NEXT = 'variants.eanNext';

async function readSetting(db: Knex | Knex.Transaction, name: string, lock = false): Promise<unknown> {
  const [row] = await rawRows<{ value: unknown }>(db, `SELECT value FROM meschain_settings WHERE name = ?${lock ? ' FOR UPDATE' : ''}`, [name]);
  if (!row) return undefined;
  // Wrapped in { v }: the driver may hand JSON back parsed or as text, and a bare string is ambiguous.
  const doc = (typeof row.value === 'string' ? JSON.parse(row.value) : row.value) as { v?: unknown } | null;
  return doc && typeof doc === 'object' ? doc.v : undefined;
}

async function writeSetting(db: Knex | Knex.Transaction, name: string, value: unknown): Promise<void> {
  await db.raw('INSERT INTO meschain_settings (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = UTC_TIMESTAMP(3)', [name, JSON.stringify({ v: value })]);
}

export class VariantStore {
  constructor(readonly knex: Knex) {}

  async gs1Prefix(): Promise<string> {
    const v = await readSetting(this.knex, SETTING_PREFIX);
    return typeof v === 'string' && /^\d{6,11}$/.test(v) ? v : DEFAULT_GS1_PREFIX;
  }

  /** Sets the GS1 company prefix generated barcodes use (6-11 digits), restarting the item sequence. */
  async setGs1Prefix(prefix: string): Promise<void> {
    if (!/^\d{6,11}$/.test(prefix)) throw new RangeError('GS1 prefix must be 6-11 digits / GS1 firma öneki 6-11 haneli olmalı');
    await inTransaction(this.knex, async (trx) => {
      await writeSetting(trx, SETTING_PREFIX, prefix);
      await writeSetting(trx, SETTING_NEXT, 1);
    });
  }

  /** Allocates `n` EAN-13 codes not used by any variant, from the prefix's sequence. */
  async allocateBarcodes(n: number): Promise<string[]> {
    if (n === 0) return [];
    const prefix = await this.gs1Prefix();
    const out: string[] = [];
    while (out.length < n) {
      const want = n - out.length;
      const codes = await inTransaction(this.knex, async (trx) => {
        const next = Number((await readSetting(trx, SETTING_NEXT, true)) ?? 1);
        if (next + want > prefixCapacity(prefix)) throw new RangeError(`GS1 prefix ${prefix} has no item references left; set a longer-range prefix`);
        await writeSetting(trx, SETTING_NEXT, next + want);
        return Array.from({ length: want }, (_, i) => ean13(prefix, next + i));
      });
      const taken = new Set(
        (await rawRows<{ barcode: string }>(this.knex, `SELECT barcode FROM meschain_variants WHERE barcode IN (${placeholders(codes.length)})`, codes)).map((r) => r.barcode),
      );
      out.push(...codes.filter((c) => !taken.has(c)));
    }
    return out;
  }

  async byProducts(productIds: readonly number[]): Promise<Map<number, VariantRow[]>> {
    const out = new Map<number, VariantRow[]>();
    const ids = [...new Set(productIds)];
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const rows = await rawRows<DbRow>(this.knex, `SELECT ${VARIANT_COLUMNS} FROM meschain_variants WHERE product_id IN (${placeholders(chunk.length)}) ORDER BY product_id, id`, chunk);
      for (const r of rows) {
        const v = toVariant(r);
        const list = out.get(v.productId);
        if (list) list.push(v);
        else out.set(v.productId, [v]);
      }
    }
    return out;
  }

  async byIds(ids: readonly number[]): Promise<Map<number, VariantRow>> {
    const out = new Map<number, VariantRow>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 1000) {
      const chunk = unique.slice(i, i + 1000);
      const rows = await rawRows<DbRow>(this.knex, `SELECT ${VARIANT_COLUMNS} FROM meschain_variants WHERE id IN (${placeholders(chunk.length)})`, chunk);
      for (const r of rows) out.set(Number(r.id), toVariant(r));
    }
    return out;
  }

  async page(opts: { productId?: number; afterId?: number; limit?: number } = {}): Promise<{ items: VariantRow[]; nextAfterId: number | null }> {
    const limit = Math.min(Math.max(opts.limit ?? 500, 1), 5000);
    const where = ['id > ?'];
    const bindings: unknown[] = [opts.afterId ?? 0];
    if (opts.productId !== undefined) {
      where.push('product_id = ?');
      bindings.push(opts.productId);
    }
    const rows = await rawRows<DbRow>(this.knex, `SELECT ${VARIANT_COLUMNS} FROM meschain_variants WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`, [...bindings, limit]);
    const items = rows.map(toVariant);
    return { items, nextAfterId: items.length === limit ? items[items.length - 1]!.id : null };
  }

  /**
   * Makes sure every current combination of these products has a variant row, generating SKUs and
   * barcodes for new ones (rules in codes.ts). Existing rows are never changed: an owner's imported or
   * edited codes stay. A combination that disappeared from OpenCart keeps its row (listings point at it);
   * its stock then counts as gone.
   */
  async ensureForProducts(products: readonly OcProduct[]): Promise<EnsureResult> {
    const errors = new Map<number, string>();
    const existing = await this.byProducts(products.map((p) => p.productId));
    const wanted: Array<{ product: OcProduct; combo: Combination }> = [];
    for (const product of products) {
      let combos: Combination[];
      try {
        combos = combinations(product);
      } catch (err) {
        if (err instanceof TooManyCombinationsError) {
          errors.set(product.productId, err.message);
          continue;
        }
        throw err;
      }
      const have = new Set((existing.get(product.productId) ?? []).map((v) => v.variantKey));
      for (const combo of combos) if (!have.has(combo.key)) wanted.push({ product, combo });
    }
    let created = 0;
    if (wanted.length) created = await this.insertGenerated(wanted);
    const variants = created ? await this.byProducts(products.map((p) => p.productId)) : existing;
    return { variants, created, errors };
  }

  private async insertGenerated(wanted: Array<{ product: OcProduct; combo: Combination }>): Promise<number> {
    const needsCode = wanted.filter(({ product, combo }) => combo.key !== '' || productBarcode(product) === null).length;
    const generated = await this.allocateBarcodes(needsCode);
    const ownBarcodes = wanted.flatMap(({ product, combo }) => (combo.key === '' && productBarcode(product) ? [productBarcode(product)!] : []));
    const takenOwn = new Set(
      ownBarcodes.length
        ? (await rawRows<{ barcode: string }>(this.knex, `SELECT barcode FROM meschain_variants WHERE barcode IN (${placeholders(ownBarcodes.length)})`, ownBarcodes)).map((r) => r.barcode)
        : [],
    );
    const rows = wanted.map(({ product, combo }) => {
      const own = combo.key === '' ? productBarcode(product) : null;
      // A product EAN already used elsewhere (two products sharing one code) cannot be reused.
      const barcode = own && !takenOwn.has(own) ? (takenOwn.add(own), own) : (generated.shift() ?? null);
      const sku = combo.key === '' ? baseSku(product) : variantSku(product, combo.values);
      return {
        product_id: product.productId,
        variant_key: combo.key,
        option_values: JSON.stringify(combo.values.map((v) => ({ productOptionValueId: v.productOptionValueId, optionId: v.optionId, optionValueId: v.optionValueId }))),
        sku,
        barcode,
      };
    });
    // SKUs clash when two products share a model: later ones get their variant key (or product id) appended.
    const skus = rows.map((r) => r.sku);
    const taken = new Set(
      (await rawRows<{ sku: string }>(this.knex, `SELECT sku FROM meschain_variants WHERE sku IN (${placeholders(skus.length)})`, skus)).map((r) => r.sku),
    );
    for (const r of rows) {
      if (taken.has(r.sku)) r.sku = `${r.sku.slice(0, 40)}-${r.variant_key || `P${r.product_id}`}`.slice(0, 64);
      if (taken.has(r.sku)) r.sku = `P${r.product_id}-${r.variant_key || 'BASE'}`.slice(0, 64);
      taken.add(r.sku);
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      // IGNORE: a concurrent ensure made the same combination (or took a code) first; the reload sees it.
      const res = await this.knex.raw(
        `INSERT IGNORE INTO meschain_variants (product_id, variant_key, option_values, sku, barcode) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(',')}`,
        chunk.flatMap((r) => [r.product_id, r.variant_key, r.option_values, r.sku, r.barcode]),
      );
      inserted += Number((res as unknown as [{ affectedRows: number }])[0].affectedRows);
    }
    return inserted;
  }
}
