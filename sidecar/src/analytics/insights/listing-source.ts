import { z } from 'zod';
import { decodeOcText, loadCategories, type OcCategory, type OcContext, type OcProduct } from '../../db/opencart';
import { placeholders, rawRows } from '../../db/raw';
import { attributeValue, mappedCategory, productFieldValue } from '../../sync/listing/build';
import { MappingStore, type AccountMappings, type AttributeMapping } from '../../sync/listing/mappings';
import type { ListingQualityInput } from './listing-quality';

/**
 * Builds listing-quality inputs from the sidecar's listings (meschain_listings) and the OpenCart
 * product behind them, one per account and product (a product listed as variants is one product to
 * fix): title and description in the shop language, main + extra images, and the attributes of the
 * marketplace category the listing push would choose (the deepest mapped one).
 *
 * Required attributes are the marketplace's own list for that category, read from the cache the push
 * keeps (meschain_remote_categories: analytics never calls the marketplace), plus the owner's mappings
 * marked required. Without a cached list (the push has not met the category yet) only the latter are
 * known, and `requiredAttributesSource` says so. A mapping's source is an OpenCart attribute, an
 * option (the product has it), a product field or a fixed value; a required attribute that is not
 * mapped, or whose source is empty for the product, is what the push blocks the listing for.
 */

/** Worst first: a blocked listing is never sent; a quarantined one is no longer retried. */
const HELD = ['blocked', 'quarantined', 'failed'];

/** The cache holds what an adapter returned; anything else is treated as no cache rather than trusted. */
const cachedAttributes = z.array(z.object({ id: z.string().min(1), name: z.string(), required: z.boolean() }));
type CachedAttribute = z.output<typeof cachedAttributes>[number];

interface ListingRow {
  id: number;
  marketplace_id: number;
  product_id: number;
  state: string;
  last_error: string | null;
}

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);
const pairKey = (marketplaceId: number, id: number | string) => `${marketplaceId}|${id}`;

export async function loadListingInputs(ctx: OcContext, opts: { marketplace?: string; productIds?: number[]; limit?: number } = {}): Promise<ListingQualityInput[]> {
  const where: string[] = ['m.store_id = ?'];
  const bind: unknown[] = [ctx.storeId];
  if (opts.marketplace) (where.push('m.code = ?'), bind.push(opts.marketplace));
  if (opts.productIds?.length) (where.push(`l.product_id IN (${placeholders(opts.productIds.length)})`), bind.push(...opts.productIds));
  const groups = await rawRows<{ marketplace_id: number; code: string; product_id: number }>(
    ctx.knex,
    `SELECT l.marketplace_id, m.code, l.product_id
       FROM meschain_listings l JOIN meschain_marketplaces m ON m.id = l.marketplace_id
      WHERE ${where.join(' AND ')} GROUP BY l.marketplace_id, m.code, l.product_id ORDER BY MIN(l.id) LIMIT ?`,
    [...bind, opts.limit ?? 5000],
  );
  if (groups.length === 0) return [];
  const ids = [...new Set(groups.map((g) => g.product_id))];
  const marketplaceIds = [...new Set(groups.map((g) => g.marketplace_id))];
  const t = ctx.table;
  const [listings, products, images, productCategories, attrs, options] = await Promise.all([
    rawRows<ListingRow>(
      ctx.knex,
      // A live listing keeps last_error while the marketplace refuses its updates (cleared on the next success).
      `SELECT id, marketplace_id, product_id, state, IF(state IN (${placeholders(HELD.length)}, 'active'), last_error, NULL) AS last_error FROM meschain_listings
        WHERE marketplace_id IN (${placeholders(marketplaceIds.length)}) AND product_id IN (${placeholders(ids.length)}) ORDER BY id`,
      [...HELD, ...marketplaceIds, ...ids],
    ),
    rawRows<Record<string, unknown> & { product_id: number; name: string | null; description: string | null; image: string | null }>(
      ctx.knex,
      `SELECT p.*, pd.name, pd.description, m.name AS manufacturer FROM \`${t('product')}\` p
         LEFT JOIN \`${t('product_description')}\` pd ON pd.product_id = p.product_id AND pd.language_id = ?
         LEFT JOIN \`${t('manufacturer')}\` m ON m.manufacturer_id = p.manufacturer_id
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
  const store = new MappingStore(ctx.knex);
  const [categories, mappingsBy] = await Promise.all([
    loadCategories(ctx, [...new Set(productCategories.map((c) => c.category_id))]),
    Promise.all(marketplaceIds.map(async (id) => [id, await store.load(id)] as const)).then((e) => new Map<number, AccountMappings>(e)),
  ]);

  const productById = new Map(products.map((p) => [p.product_id, p]));
  const imageCount = new Map(images.map((i) => [i.product_id, Number(i.n)]));
  const catsOf = groupBy(productCategories, (c) => c.product_id);
  const listingsOf = groupBy(listings, (l) => pairKey(l.marketplace_id, l.product_id));
  const attrText = new Map(attrs.map((a) => [`${a.product_id}:${a.attribute_id}`, decodeOcText(a.text)]));
  const optionSet = new Set(options.map((o) => `${o.product_id}:${o.option_id}`));

  const categoryOf = new Map<string, string | null>();
  for (const g of groups) {
    const cats = (catsOf.get(g.product_id) ?? []).map((c) => categories.get(c.category_id)).filter((c): c is OcCategory => !!c);
    // mappedCategory reads only the product's categories: the same choice the push makes.
    categoryOf.set(pairKey(g.marketplace_id, g.product_id), mappedCategory({ categories: cats } as OcProduct, mappingsBy.get(g.marketplace_id)!)?.remoteCategoryId ?? null);
  }
  const remote = await loadCachedCategories(ctx, [...categoryOf.entries()].flatMap(([k, c]) => (c ? [{ marketplaceId: Number(k.split('|')[0]), remoteCategoryId: c }] : [])));

  const out: ListingQualityInput[] = [];
  for (const g of groups) {
    const p = productById.get(g.product_id);
    const rows = listingsOf.get(pairKey(g.marketplace_id, g.product_id)) ?? [];
    if (!p || rows.length === 0) continue;
    // Then, below the held states: live listings whose last update the marketplace refused.
    const held = [...HELD, 'active'].map((s) => rows.filter((r) => r.state === s && (s !== 'active' || r.last_error?.trim()))).find((r) => r.length > 0);
    const shown = held?.[0] ?? rows[0]!;
    const category = categoryOf.get(pairKey(g.marketplace_id, g.product_id)) ?? null;
    const cached = category ? remote.get(pairKey(g.marketplace_id, category)) : undefined;
    const names = new Map((cached?.attributes ?? []).filter((a) => a.name).map((a) => [a.id, a.name]));
    const named = (id: string) => ({ id, ...(names.has(id) ? { name: names.get(id)! } : {}) });
    const mappings = category ? (mappingsBy.get(g.marketplace_id)!.attributes.get(category) ?? []) : [];
    const required = new Map<string, { id: string; name?: string }>();
    for (const a of cached?.attributes ?? []) if (a.required) required.set(a.id, named(a.id));
    for (const m of mappings) if (m.required && !required.has(m.remoteAttributeId)) required.set(m.remoteAttributeId, named(m.remoteAttributeId));
    out.push({
      marketplace: g.code,
      productId: g.product_id,
      listingId: Number(shown.id),
      title: decodeOcText(p.name ?? ''),
      description: decodeOcText(p.description ?? ''),
      imageCount: (p.image ? 1 : 0) + (imageCount.get(g.product_id) ?? 0),
      attributes: mappings.map((m) => ({ ...named(m.remoteAttributeId), value: sourceValue(m, p, attrText, optionSet) })),
      requiredAttributes: [...required.values()],
      ...(category ? { requiredAttributesSource: cached ? { from: 'marketplace' as const, fetchedAt: cached.fetchedAt } : { from: 'mappings' as const } } : {}),
      state: shown.state,
      lastError: held?.find((r) => r.last_error?.trim())?.last_error ?? null,
      listingCount: rows.length,
      stateCount: held?.length ?? rows.filter((r) => r.state === shown.state).length,
    });
  }
  return out;
}

function sourceValue(m: AttributeMapping, p: Record<string, unknown> & { product_id: number }, attrText: Map<string, string>, optionSet: Set<string>): string | null {
  if (m.sourceType === 'fixed') return m.fixedValue;
  if (m.sourceType === 'attribute') return attributeValue(attrText.get(`${p.product_id}:${m.sourceRef}`));
  if (m.sourceType === 'option') return optionSet.has(`${p.product_id}:${m.sourceRef}`) ? '(variant)' : null;
  // What the push itself would send (sync/listing/build.ts), the manufacturer by its decoded name.
  const manufacturer = typeof p.manufacturer === 'string' ? decodeOcText(p.manufacturer) : null;
  return productFieldValue(m.sourceRef, { ...p, manufacturer, weight: String(p.weight ?? '0') });
}

/** The marketplace's attribute lists the listing push cached, whatever their age: the newest there is. */
async function loadCachedCategories(ctx: OcContext, wanted: Array<{ marketplaceId: number; remoteCategoryId: string }>): Promise<Map<string, { attributes: CachedAttribute[]; fetchedAt: string }>> {
  const out = new Map<string, { attributes: CachedAttribute[]; fetchedAt: string }>();
  if (wanted.length === 0) return out;
  const marketplaceIds = [...new Set(wanted.map((w) => w.marketplaceId))];
  const categoryIds = [...new Set(wanted.map((w) => w.remoteCategoryId))];
  const rows = await rawRows<{ marketplace_id: number; remote_category_id: string; attributes: unknown; fetched_at: string }>(
    ctx.knex,
    `SELECT marketplace_id, remote_category_id, attributes, DATE_FORMAT(fetched_at, '%Y-%m-%dT%H:%i:%sZ') AS fetched_at FROM meschain_remote_categories
      WHERE marketplace_id IN (${placeholders(marketplaceIds.length)}) AND remote_category_id IN (${placeholders(categoryIds.length)})`,
    [...marketplaceIds, ...categoryIds],
  );
  for (const r of rows) {
    let parsed: ReturnType<typeof cachedAttributes.safeParse>;
    try {
      parsed = cachedAttributes.safeParse(json(r.attributes));
    } catch {
      continue;
    }
    if (parsed.success) out.set(pairKey(r.marketplace_id, r.remote_category_id), { attributes: parsed.data, fetchedAt: r.fetched_at });
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
