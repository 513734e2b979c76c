import type { Knex } from 'knex';
import { z } from 'zod';
import { rawRows } from '../../db/raw';
import type { CategoryAttribute, MarketplaceAdapter } from '../../marketplaces/contract';

/**
 * What the owner mapped for one account: OpenCart category → marketplace category, manufacturer →
 * brand, and OpenCart option/attribute/field → marketplace attribute (with value maps). Plus a cache of
 * each marketplace category's attributes (Trendyol allows ~50 such calls a minute).
 */

export const categoryMappingSchema = z.strictObject({
  ocCategoryId: z.number().int().min(1),
  remoteCategoryId: z.string().min(1).max(64),
  remoteCategoryPath: z.string().max(512).default(''),
});
export const brandMappingSchema = z.strictObject({
  manufacturerId: z.number().int().min(1),
  remoteBrandId: z.string().min(1).max(64),
  remoteBrandName: z.string().max(255).default(''),
});
const valueTarget = z.union([z.string().min(1), z.strictObject({ valueId: z.string().min(1).optional(), customValue: z.string().min(1).optional() })]);
export const attributeMappingSchema = z
  .strictObject({
    remoteCategoryId: z.string().min(1).max(64),
    remoteAttributeId: z.string().min(1).max(64),
    /** option: an OpenCart option (source_ref = option_id); attribute: a product attribute (attribute_id);
     *  field: a product column (model, sku, mpn, upc, ean, jan, isbn, weight, manufacturer); fixed: fixedValue. */
    sourceType: z.enum(['option', 'attribute', 'field', 'fixed']),
    sourceRef: z.string().max(64).default(''),
    /** OpenCart value text → remote value id (or { valueId } / { customValue }). */
    valueMap: z.record(z.string(), valueTarget).default({}),
    fixedValue: z.string().max(255).nullable().default(null),
    required: z.boolean().default(false),
  })
  .refine((m) => m.sourceType !== 'fixed' || (m.fixedValue !== null && m.fixedValue !== ''), { message: 'fixedValue is required for a fixed mapping', path: ['fixedValue'] })
  .refine((m) => m.sourceType === 'fixed' || m.sourceRef !== '', { message: 'sourceRef is required (option_id, attribute_id or field name)', path: ['sourceRef'] });

export type CategoryMapping = z.output<typeof categoryMappingSchema>;
export type BrandMapping = z.output<typeof brandMappingSchema>;
export type AttributeMapping = z.output<typeof attributeMappingSchema>;
export type ValueTarget = z.output<typeof valueTarget>;

export const PRODUCT_FIELDS = ['model', 'sku', 'mpn', 'upc', 'ean', 'jan', 'isbn', 'weight', 'manufacturer'] as const;

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

export interface AccountMappings {
  categories: Map<number, CategoryMapping>;
  brands: Map<number, BrandMapping>;
  /** remote category id → its attribute mappings. */
  attributes: Map<string, AttributeMapping[]>;
}

export class MappingStore {
  constructor(private readonly knex: Knex) {}

  async load(marketplaceId: number): Promise<AccountMappings> {
    const [cats, brands, attrs] = await Promise.all([
      rawRows<{ oc_category_id: number; remote_category_id: string; remote_category_path: string }>(
        this.knex,
        'SELECT oc_category_id, remote_category_id, remote_category_path FROM meschain_category_mappings WHERE marketplace_id = ?',
        [marketplaceId],
      ),
      rawRows<{ manufacturer_id: number; remote_brand_id: string; remote_brand_name: string }>(
        this.knex,
        'SELECT manufacturer_id, remote_brand_id, remote_brand_name FROM meschain_brand_mappings WHERE marketplace_id = ?',
        [marketplaceId],
      ),
      rawRows<{ remote_category_id: string; remote_attribute_id: string; source_type: string; source_ref: string; value_map: unknown; fixed_value: string | null; required: number }>(
        this.knex,
        'SELECT remote_category_id, remote_attribute_id, source_type, source_ref, value_map, fixed_value, required FROM meschain_attribute_mappings WHERE marketplace_id = ? ORDER BY id',
        [marketplaceId],
      ),
    ]);
    const attributes = new Map<string, AttributeMapping[]>();
    for (const a of attrs) {
      const m: AttributeMapping = {
        remoteCategoryId: a.remote_category_id,
        remoteAttributeId: a.remote_attribute_id,
        sourceType: a.source_type as AttributeMapping['sourceType'],
        sourceRef: a.source_ref,
        valueMap: (json(a.value_map) ?? {}) as AttributeMapping['valueMap'],
        fixedValue: a.fixed_value,
        required: Number(a.required) === 1,
      };
      const list = attributes.get(m.remoteCategoryId);
      if (list) list.push(m);
      else attributes.set(m.remoteCategoryId, [m]);
    }
    return {
      categories: new Map(cats.map((c) => [Number(c.oc_category_id), { ocCategoryId: Number(c.oc_category_id), remoteCategoryId: c.remote_category_id, remoteCategoryPath: c.remote_category_path }])),
      brands: new Map(brands.map((b) => [Number(b.manufacturer_id), { manufacturerId: Number(b.manufacturer_id), remoteBrandId: b.remote_brand_id, remoteBrandName: b.remote_brand_name }])),
      attributes,
    };
  }

  async putCategories(marketplaceId: number, input: unknown[]): Promise<number> {
    const rows = input.map((i) => categoryMappingSchema.parse(i));
    for (const r of rows) {
      await this.knex.raw(
        `INSERT INTO meschain_category_mappings (marketplace_id, oc_category_id, remote_category_id, remote_category_path) VALUES (?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE remote_category_id = VALUES(remote_category_id), remote_category_path = VALUES(remote_category_path), updated_at = UTC_TIMESTAMP(3)`,
        [marketplaceId, r.ocCategoryId, r.remoteCategoryId, r.remoteCategoryPath],
      );
    }
    return rows.length;
  }

  async putBrands(marketplaceId: number, input: unknown[]): Promise<number> {
    const rows = input.map((i) => brandMappingSchema.parse(i));
    for (const r of rows) {
      await this.knex.raw(
        `INSERT INTO meschain_brand_mappings (marketplace_id, manufacturer_id, remote_brand_id, remote_brand_name) VALUES (?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE remote_brand_id = VALUES(remote_brand_id), remote_brand_name = VALUES(remote_brand_name), updated_at = UTC_TIMESTAMP(3)`,
        [marketplaceId, r.manufacturerId, r.remoteBrandId, r.remoteBrandName],
      );
    }
    return rows.length;
  }

  async putAttributes(marketplaceId: number, input: unknown[]): Promise<number> {
    const rows = input.map((i) => attributeMappingSchema.parse(i));
    for (const r of rows) {
      await this.knex.raw(
        `INSERT INTO meschain_attribute_mappings (marketplace_id, remote_category_id, remote_attribute_id, source_type, source_ref, value_map, fixed_value, required)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE source_type = VALUES(source_type), source_ref = VALUES(source_ref), value_map = VALUES(value_map),
           fixed_value = VALUES(fixed_value), required = VALUES(required)`,
        [marketplaceId, r.remoteCategoryId, r.remoteAttributeId, r.sourceType, r.sourceRef, JSON.stringify(r.valueMap), r.fixedValue, r.required],
      );
    }
    return rows.length;
  }

  /** A marketplace category's attributes, from the cache when younger than maxAgeMs, else from the adapter. */
  async categoryAttributes(marketplaceId: number, remoteCategoryId: string, adapter: Pick<MarketplaceAdapter, 'fetchCategoryAttributes'>, maxAgeMs = 24 * 3600_000): Promise<CategoryAttribute[]> {
    const [row] = await rawRows<{ attributes: unknown; age_ms: number }>(
      this.knex,
      'SELECT attributes, TIMESTAMPDIFF(MICROSECOND, fetched_at, UTC_TIMESTAMP(3)) / 1000 AS age_ms FROM meschain_remote_categories WHERE marketplace_id = ? AND remote_category_id = ?',
      [marketplaceId, remoteCategoryId],
    );
    if (row && Number(row.age_ms) < maxAgeMs) return json(row.attributes) as CategoryAttribute[];
    const attributes = await adapter.fetchCategoryAttributes(remoteCategoryId);
    await this.knex.raw(
      `INSERT INTO meschain_remote_categories (marketplace_id, remote_category_id, attributes) VALUES (?, ?, ?)
       ON DUPLICATE KEY UPDATE attributes = VALUES(attributes), fetched_at = UTC_TIMESTAMP(3)`,
      [marketplaceId, remoteCategoryId, JSON.stringify(attributes)],
    );
    return attributes;
  }
}
