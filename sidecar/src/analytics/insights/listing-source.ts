import { decodeOcText, type OcContext } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import type { ListingQualityInput } from './listing-quality';

/**
 * Builds listing-quality inputs from the sidecar's listings (meschain_listings) and the OpenCart
 * product behind each: title and description in the shop language, main + extra images, and the
 * values the category's required attribute mappings would send. An attribute mapping's source is an
 * OpenCart attribute (product_attribute text), an option (the product has it), a product field
 * (sku, ean, mpn…) or a fixed value; a required mapping whose source is empty for the product is what
 * the marketplace would reject.
 */

const FIELDS = new Set(['model', 'sku', 'upc', 'ean', 'jan', 'isbn', 'mpn', 'location', 'weight', 'length', 'width', 'height', 'manufacturer_id']);

interface ListingRow {
  id: number;
  marketplace_id: number;
  code: string;
  product_id: number;
  state: string;
  last_error: string | null;
}

export async function loadListingInputs(ctx: OcContext, opts: { marketplace?: string; productIds?: number[]; limit?: number } = {}): Promise<ListingQualityInput[]> {
  const where: string[] = ['m.store_id = ?'];
  const bind: unknown[] = [ctx.storeId];
  if (opts.marketplace) (where.push('m.code = ?'), bind.push(opts.marketplace));
  if (opts.productIds?.length) (where.push(`l.product_id IN (${placeholders(opts.productIds.length)})`), bind.push(...opts.productIds));
  const listings = await rawRows<ListingRow>(
    ctx.knex,
    `SELECT l.id, l.marketplace_id, m.code, l.product_id, l.state, l.last_error
       FROM meschain_listings l JOIN meschain_marketplaces m ON m.id = l.marketplace_id
      WHERE ${where.join(' AND ')} AND l.variant_key = '' ORDER BY l.id LIMIT ?`,
    [...bind, opts.limit ?? 5000],
  );
  if (listings.length === 0) return [];
  const ids = [...new Set(listings.map((l) => l.product_id))];
  const t = ctx.table;
  const [products, images, categories, attrs, options] = await Promise.all([
    rawRows<Record<string, unknown> & { product_id: number; name: string | null; description: string | null; image: string | null }>(
      ctx.knex,
      `SELECT p.*, pd.name, pd.description FROM \`${t('product')}\` p
         LEFT JOIN \`${t('product_description')}\` pd ON pd.product_id = p.product_id AND pd.language_id = ?
        WHERE p.product_id IN (${placeholders(ids.length)})`,
      [ctx.languageId, ...ids],
    ),
    rawRows<{ product_id: number; n: number }>(ctx.knex, `SELECT product_id, COUNT(*) AS n FROM \`${t('product_image')}\` WHERE product_id IN (${placeholders(ids.length)}) GROUP BY product_id`, ids),
    rawRows<{ product_id: number; category_id: number }>(ctx.knex, `SELECT product_id, category_id FROM \`${t('product_to_category')}\` WHERE product_id IN (${placeholders(ids.length)})`, ids),
    rawRows<{ product_id: number; attribute_id: number; text: string }>(
      ctx.knex,
      `SELECT product_id, attribute_id, text FROM \`${t('product_attribute')}\` WHERE language_id = ? AND product_id IN (${placeholders(ids.length)})`,
      [ctx.languageId, ...ids],
    ),
    rawRows<{ product_id: number; option_id: number }>(ctx.knex, `SELECT product_id, option_id FROM \`${t('product_option')}\` WHERE product_id IN (${placeholders(ids.length)})`, ids),
  ]);
  const marketplaceIds = [...new Set(listings.map((l) => l.marketplace_id))];
  const [catMaps, attrMaps] = await Promise.all([
    rawRows<{ marketplace_id: number; oc_category_id: number; remote_category_id: string }>(
      ctx.knex,
      `SELECT marketplace_id, oc_category_id, remote_category_id FROM meschain_category_mappings WHERE marketplace_id IN (${placeholders(marketplaceIds.length)})`,
      marketplaceIds,
    ),
    rawRows<{ marketplace_id: number; remote_category_id: string; remote_attribute_id: string; source_type: string; source_ref: string; fixed_value: string | null; required: number }>(
      ctx.knex,
      `SELECT marketplace_id, remote_category_id, remote_attribute_id, source_type, source_ref, fixed_value, required FROM meschain_attribute_mappings
        WHERE marketplace_id IN (${placeholders(marketplaceIds.length)})`,
      marketplaceIds,
    ),
  ]);

  const productById = new Map(products.map((p) => [p.product_id, p]));
  const imageCount = new Map(images.map((i) => [i.product_id, Number(i.n)]));
  const catsOf = groupBy(categories, (c) => c.product_id);
  const attrText = new Map(attrs.map((a) => [`${a.product_id}:${a.attribute_id}`, decodeOcText(a.text)]));
  const optionSet = new Set(options.map((o) => `${o.product_id}:${o.option_id}`));

  const out: ListingQualityInput[] = [];
  for (const l of listings) {
    const p = productById.get(l.product_id);
    if (!p) continue;
    const productCats = new Set((catsOf.get(l.product_id) ?? []).map((c) => c.category_id));
    const remoteCats = new Set(catMaps.filter((c) => c.marketplace_id === l.marketplace_id && productCats.has(c.oc_category_id)).map((c) => c.remote_category_id));
    const mappings = attrMaps.filter((a) => a.marketplace_id === l.marketplace_id && remoteCats.has(a.remote_category_id));
    const attributes = mappings.map((a) => {
      let value: string | null = null;
      if (a.source_type === 'fixed') value = a.fixed_value;
      else if (a.source_type === 'attribute') value = attrText.get(`${l.product_id}:${a.source_ref}`) ?? null;
      else if (a.source_type === 'option') value = optionSet.has(`${l.product_id}:${a.source_ref}`) ? '(variant)' : null;
      else if (a.source_type === 'field' && FIELDS.has(a.source_ref)) {
        const v = p[a.source_ref];
        value = v === null || v === undefined || String(v).trim() === '' || Number(v) === 0 ? null : String(v);
      }
      return { id: a.remote_attribute_id, value };
    });
    out.push({
      marketplace: l.code,
      productId: l.product_id,
      listingId: Number(l.id),
      title: decodeOcText(p.name ?? ''),
      description: decodeOcText(p.description ?? ''),
      imageCount: (p.image ? 1 : 0) + (imageCount.get(l.product_id) ?? 0),
      attributes,
      requiredAttributes: mappings.filter((a) => Number(a.required) === 1).map((a) => ({ id: a.remote_attribute_id })),
      state: l.state,
      lastError: l.last_error,
    });
  }
  return out;
}

function groupBy<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}
