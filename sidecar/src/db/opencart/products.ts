import type { OcContext } from './context';
import { decodeOcText } from './text';
import { flag, groupBy, inChunks } from './sql';
import { loadProductOptions, type OcProductOption } from './options';
import { loadDiscounts, loadSpecials, storefrontPrice, type OcDiscount, type OcSpecial } from './pricing';
import { loadCategories, loadProductCategoryIds, type OcCategory } from './categories';
import { shopNow } from './clock';

/**
 * Catalog reads for sync: one product, many by id, or the whole catalog in id-ordered pages. Every
 * related table is loaded with one query per page (by id list), never per product. Products are returned
 * whatever their status or store links (a disabled product must still reach the listing logic so it can
 * be taken down); `status`, `inStore` and `dateAvailable` say what the storefront would show.
 */

export interface OcProductDescription {
  languageId: number;
  languageCode: string;
  name: string;
  /** Decoded HTML. */
  description: string;
  tag: string;
  metaTitle: string;
  metaDescription: string;
  metaKeyword: string;
}

export interface OcProduct {
  productId: number;
  /** In the context language (decoded); '' when that language has no description row. */
  name: string;
  description: string;
  /** One entry per language that has a row. */
  descriptions: OcProductDescription[];
  model: string;
  sku: string;
  upc: string;
  ean: string;
  jan: string;
  isbn: string;
  mpn: string;
  location: string;
  quantity: number;
  subtract: boolean;
  minimum: number;
  status: boolean;
  /** Linked to the context store in product_to_store. */
  inStore: boolean;
  storeIds: number[];
  dateAvailable: string;
  stockStatusId: number;
  /** Label shown when quantity <= 0, in the context language. */
  stockStatus: string | null;
  /** DECIMAL(15,4) text, excluding tax, default currency. */
  price: string;
  taxClassId: number;
  points: number;
  shipping: boolean;
  manufacturerId: number;
  manufacturer: string | null;
  /** Main image path under image/, or null. */
  image: string | null;
  /** Extra images in display order. */
  images: string[];
  weight: string;
  weightClassId: number;
  weightUnit: string | null;
  length: string;
  width: string;
  height: string;
  lengthClassId: number;
  lengthUnit: string | null;
  sortOrder: number;
  dateAdded: string;
  dateModified: string;
  /** Every special row of the product (all groups, all dates). */
  specials: OcSpecial[];
  discounts: OcDiscount[];
  /** Active special for the context's customer group at the shop's current time. */
  special: OcSpecial | null;
  /** Active quantity-1 discount (replaces price in the storefront when there is no special). */
  discount: OcDiscount | null;
  /** special ?? discount ?? price: what a guest pays per unit before options and tax. */
  effectivePrice: string;
  options: OcProductOption[];
  categories: OcCategory[];
}

interface ProductRow {
  product_id: number;
  model: string;
  sku: string;
  upc: string;
  ean: string;
  jan: string;
  isbn: string;
  mpn: string;
  location: string;
  quantity: number;
  stock_status_id: number;
  image: string | null;
  manufacturer_id: number;
  shipping: number;
  price: string;
  points: number;
  tax_class_id: number;
  date_available: string;
  weight: string;
  weight_class_id: number;
  length: string;
  width: string;
  height: string;
  length_class_id: number;
  subtract: number;
  minimum: number;
  sort_order: number;
  status: number;
  date_added: string;
  date_modified: string;
  manufacturer: string | null;
  stock_status: string | null;
  weight_unit: string | null;
  length_unit: string | null;
}

interface DescriptionRow {
  product_id: number;
  language_id: number;
  name: string;
  description: string;
  tag: string;
  meta_title: string;
  meta_description: string;
  meta_keyword: string;
}

export interface ProductReadOptions {
  /** Customer group for special/discount selection (default: the context's). */
  customerGroupId?: number;
  /**
   * Skip descriptions and extra images (name, description and descriptions come back empty, images
   * []): stock and price work needs neither, and decoding every description's HTML is most of the cost
   * of a read.
   */
  lean?: boolean;
}

function baseQuery(ctx: OcContext) {
  const t = ctx.table.bind(ctx);
  return ctx
    .knex(`${t('product')} as p`)
    .leftJoin(`${t('manufacturer')} as m`, 'm.manufacturer_id', 'p.manufacturer_id')
    .leftJoin(`${t('stock_status')} as ss`, (j) => j.on('ss.stock_status_id', 'p.stock_status_id').andOnVal('ss.language_id', ctx.languageId))
    .leftJoin(`${t('weight_class_description')} as wcd`, (j) => j.on('wcd.weight_class_id', 'p.weight_class_id').andOnVal('wcd.language_id', ctx.languageId))
    .leftJoin(`${t('length_class_description')} as lcd`, (j) => j.on('lcd.length_class_id', 'p.length_class_id').andOnVal('lcd.language_id', ctx.languageId))
    .select(
      'p.product_id', 'p.model', 'p.sku', 'p.upc', 'p.ean', 'p.jan', 'p.isbn', 'p.mpn', 'p.location', 'p.quantity', 'p.stock_status_id',
      'p.image', 'p.manufacturer_id', 'p.shipping', 'p.price', 'p.points', 'p.tax_class_id', 'p.date_available', 'p.weight',
      'p.weight_class_id', 'p.length', 'p.width', 'p.height', 'p.length_class_id', 'p.subtract', 'p.minimum', 'p.sort_order',
      'p.status', 'p.date_added', 'p.date_modified',
      'm.name as manufacturer', 'ss.name as stock_status', 'wcd.unit as weight_unit', 'lcd.unit as length_unit',
    )
    .orderBy('p.product_id');
}

/** Products by id (missing ids are simply absent from the map). */
export async function getProducts(ctx: OcContext, productIds: readonly number[], options: ProductReadOptions = {}): Promise<Map<number, OcProduct>> {
  const rows = await inChunks(productIds, (chunk) => baseQuery(ctx).whereIn('p.product_id', chunk) as Promise<ProductRow[]>);
  const products = await assemble(ctx, rows, options);
  return new Map(products.map((p) => [p.productId, p]));
}

export async function getProduct(ctx: OcContext, productId: number, options: ProductReadOptions = {}): Promise<OcProduct | null> {
  return (await getProducts(ctx, [productId], options)).get(productId) ?? null;
}

export interface ProductPage {
  items: OcProduct[];
  /** Pass as afterId for the next page; null when this was the last one. */
  nextAfterId: number | null;
}

/** The catalog in product_id order, `limit` at a time (keyset paging: stable while products change). */
export async function listProducts(ctx: OcContext, page: { afterId?: number; limit?: number } = {}, options: ProductReadOptions = {}): Promise<ProductPage> {
  const limit = page.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new RangeError(`limit must be 1-5000, got ${limit}`);
  const rows = (await baseQuery(ctx).where('p.product_id', '>', page.afterId ?? 0).limit(limit)) as ProductRow[];
  const items = await assemble(ctx, rows, options);
  const last = rows[rows.length - 1];
  return { items, nextAfterId: rows.length === limit && last ? last.product_id : null };
}

async function assemble(ctx: OcContext, rows: ProductRow[], options: ProductReadOptions): Promise<OcProduct[]> {
  if (rows.length === 0) return [];
  const t = ctx.table.bind(ctx);
  const ids = rows.map((r) => r.product_id);
  const byChunk = <T>(table: string, columns: string[], order: string[]) =>
    inChunks(ids, (chunk) => ctx.knex(t(table)).select(columns).whereIn('product_id', chunk).orderBy(order) as Promise<T[]>);

  const [descriptions, images, stores, specials, discounts, optionsBy, categoryIdsBy] = await Promise.all([
    options.lean
      ? ([] as DescriptionRow[])
      : byChunk<DescriptionRow>('product_description', ['product_id', 'language_id', 'name', 'description', 'tag', 'meta_title', 'meta_description', 'meta_keyword'], ['product_id', 'language_id']),
    options.lean ? ([] as Array<{ product_id: number; image: string }>) : byChunk<{ product_id: number; image: string }>('product_image', ['product_id', 'image'], ['product_id', 'sort_order', 'product_image_id']),
    byChunk<{ product_id: number; store_id: number }>('product_to_store', ['product_id', 'store_id'], ['product_id', 'store_id']),
    loadSpecials(ctx, ids),
    loadDiscounts(ctx, ids),
    loadProductOptions(ctx, ids),
    loadProductCategoryIds(ctx, ids),
  ]);
  const categories = await loadCategories(ctx, [...categoryIdsBy.values()].flat());
  const descriptionsBy = groupBy(descriptions, (d) => d.product_id);
  const imagesBy = groupBy(images, (i) => i.product_id);
  const storesBy = groupBy(stores, (s) => s.product_id);
  const languageCode = new Map(ctx.languages.map((l) => [l.languageId, l.code]));
  const at = shopNow(ctx);

  return rows.map((r): OcProduct => {
    const descs = (descriptionsBy.get(r.product_id) ?? []).map(
      (d): OcProductDescription => ({
        languageId: d.language_id,
        languageCode: languageCode.get(d.language_id) ?? '',
        name: decodeOcText(d.name),
        description: decodeOcText(d.description),
        tag: decodeOcText(d.tag),
        metaTitle: decodeOcText(d.meta_title),
        metaDescription: decodeOcText(d.meta_description),
        metaKeyword: decodeOcText(d.meta_keyword),
      }),
    );
    const own = descs.find((d) => d.languageId === ctx.languageId);
    const storeIds = (storesBy.get(r.product_id) ?? []).map((s) => s.store_id);
    const productSpecials = specials.get(r.product_id) ?? [];
    const productDiscounts = discounts.get(r.product_id) ?? [];
    const price = storefrontPrice(ctx, r.price, productSpecials, productDiscounts, { customerGroupId: options.customerGroupId, at });
    return {
      productId: r.product_id,
      name: own?.name ?? '',
      description: own?.description ?? '',
      descriptions: descs,
      model: decodeOcText(r.model),
      sku: decodeOcText(r.sku),
      upc: decodeOcText(r.upc),
      ean: decodeOcText(r.ean),
      jan: decodeOcText(r.jan),
      isbn: decodeOcText(r.isbn),
      mpn: decodeOcText(r.mpn),
      location: decodeOcText(r.location),
      quantity: r.quantity,
      subtract: flag(r.subtract),
      minimum: r.minimum,
      status: flag(r.status),
      inStore: storeIds.includes(ctx.storeId),
      storeIds,
      dateAvailable: r.date_available,
      stockStatusId: r.stock_status_id,
      stockStatus: r.stock_status === null ? null : decodeOcText(r.stock_status),
      price: r.price,
      taxClassId: r.tax_class_id,
      points: r.points,
      shipping: flag(r.shipping),
      manufacturerId: r.manufacturer_id,
      manufacturer: decodeOcText(r.manufacturer),
      image: r.image === '' ? null : r.image,
      images: (imagesBy.get(r.product_id) ?? []).map((i) => i.image).filter((i) => i !== ''),
      weight: r.weight,
      weightClassId: r.weight_class_id,
      weightUnit: r.weight_unit,
      length: r.length,
      width: r.width,
      height: r.height,
      lengthClassId: r.length_class_id,
      lengthUnit: r.length_unit,
      sortOrder: r.sort_order,
      dateAdded: r.date_added,
      dateModified: r.date_modified,
      specials: productSpecials,
      discounts: productDiscounts,
      special: price.special,
      discount: price.discount,
      effectivePrice: price.effectivePrice,
      options: optionsBy.get(r.product_id) ?? [],
      categories: (categoryIdsBy.get(r.product_id) ?? []).flatMap((id) => {
        const c = categories.get(id);
        return c ? [c] : [];
      }),
    };
  });
}
