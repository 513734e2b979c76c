import { createHash } from 'node:crypto';
import type { OcContext } from '../../db/opencart/context';
import type { OcProduct } from '../../db/opencart/products';
import type { TaxRateTable } from '../../db/opencart/tax';
import { decodeOcText } from '../../db/opencart/text';
import { placeholders, rawRows } from '../../db/raw';
import type { CategoryAttribute, ListingAttribute, ListingItem, MarketplaceCapabilities } from '../../marketplaces/contract';
import type { SyncSettings } from '../accounts/schema';
import { optionValueIndex } from '../variants/combos';
import type { VariantRow } from '../variants/store';
import type { AccountMappings, AttributeMapping, ValueTarget } from './mappings';

/**
 * Builds the normalised listing for one variant from OpenCart's data and the account's mappings, and
 * checks it before anything is sent: a category mapping, a brand, a barcode where the marketplace needs
 * one, and every required attribute of the marketplace category with a value it accepts. Problems come
 * back as plain sentences naming what is missing, e.g. "required attribute 'Renk' (id 47) has no value:
 * map it to an OpenCart option or attribute".
 */

export interface BuildInput {
  product: OcProduct;
  variant: VariantRow;
  settings: SyncSettings;
  mappings: AccountMappings;
  /** Attributes of the mapped remote category (from the cache). */
  categoryAttributes: CategoryAttribute[] | null;
  productAttributes: Map<number, string>;
  capabilities: MarketplaceCapabilities;
  taxRates: TaxRateTable;
  storeUrl: string;
  quantity: number;
  price: string;
  listPrice: string;
  currency: string;
  ref: string;
}

export type BuildResult = { ok: true; item: ListingItem; hash: string; groupId: string; remoteCategoryId: string } | { ok: false; problems: string[]; remoteCategoryId: string | null };

/** The deepest of the product's categories (or their parents) that has a mapping. */
export function mappedCategory(product: OcProduct, mappings: AccountMappings): { remoteCategoryId: string; depth: number } | null {
  let best: { remoteCategoryId: string; depth: number } | null = null;
  for (const c of product.categories) {
    const path = c.path.length ? c.path : [{ categoryId: c.categoryId, name: c.name }];
    for (let i = path.length - 1; i >= 0; i--) {
      const m = mappings.categories.get(path[i]!.categoryId);
      if (m) {
        if (!best || i > best.depth) best = { remoteCategoryId: m.remoteCategoryId, depth: i };
        break;
      }
    }
  }
  return best;
}

export function groupIdOf(product: Pick<OcProduct, 'productId' | 'model'>, settings: SyncSettings): string {
  const model = product.model.trim();
  return settings.listing.groupBy === 'model' && model ? model.slice(0, 128) : `P${product.productId}`;
}

function vatRateOf(product: OcProduct, settings: SyncSettings, taxRates: TaxRateTable): number {
  const own = settings.listing.vatRates[String(product.taxClassId)];
  if (own !== undefined) return own;
  const rates = taxRates.get(product.taxClassId) ?? [];
  return Math.round(rates.filter((r) => r.type === 'P').reduce((s, r) => s + Number(r.rate), 0));
}

const norm = (s: string) => s.trim().toLocaleLowerCase('tr-TR');

function fromMap(map: Record<string, ValueTarget>, raw: string): ValueTarget | undefined {
  if (raw in map) return map[raw];
  const key = Object.keys(map).find((k) => norm(k) === norm(raw));
  return key === undefined ? undefined : map[key];
}

/**
 * A mapped product field's value as the push sends it; null means nothing to send (a required
 * attribute is then blocked). Listing insights use it too, so they name what the push blocks on.
 */
export function productFieldValue(ref: string, product: { manufacturer: string | null; weight: string | number } & Record<string, unknown>): string | null {
  if (ref === 'manufacturer') return product.manufacturer || null;
  if (ref === 'weight') return Number(product.weight) > 0 ? String(Number(product.weight)) : null;
  const v = product[ref];
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/** A mapped OpenCart attribute's text as the push sends it (blank is nothing). */
export const attributeValue = (text: string | undefined): string | null => text?.trim() || null;

function sourceValue(m: AttributeMapping, input: BuildInput): string | null {
  const { product, variant } = input;
  switch (m.sourceType) {
    case 'fixed':
      return m.fixedValue;
    case 'attribute':
      return attributeValue(input.productAttributes.get(Number(m.sourceRef)));
    case 'option': {
      const index = optionValueIndex(product);
      const chosen = variant.optionValues.find((o) => String(o.optionId) === m.sourceRef);
      if (chosen) return index.get(chosen.productOptionValueId)?.name ?? null;
      return null;
    }
    case 'field':
      return productFieldValue(m.sourceRef, product as unknown as Parameters<typeof productFieldValue>[1]);
  }
}

function resolveAttributes(input: BuildInput, remoteCategoryId: string, problems: string[]): ListingAttribute[] {
  const mappings = input.mappings.attributes.get(remoteCategoryId) ?? [];
  const remote = new Map((input.categoryAttributes ?? []).map((a) => [a.id, a]));
  const out: ListingAttribute[] = [];
  const done = new Set<string>();
  for (const m of mappings) {
    const attr = remote.get(m.remoteAttributeId);
    const label = `'${attr?.name ?? m.remoteAttributeId}' (id ${m.remoteAttributeId})`;
    const raw = sourceValue(m, input);
    if (raw === null) {
      if (m.required || attr?.required) problems.push(`required attribute ${label} has no value for this product (source ${m.sourceType} ${m.sourceRef || m.fixedValue})`);
      continue;
    }
    const mapped = fromMap(m.valueMap, raw);
    let value: ListingAttribute | null = null;
    if (typeof mapped === 'string') value = { attributeId: m.remoteAttributeId, valueId: mapped };
    else if (mapped) value = { attributeId: m.remoteAttributeId, ...(mapped.valueId ? { valueId: mapped.valueId } : {}), ...(mapped.customValue ? { customValue: mapped.customValue } : {}) };
    else if (attr && attr.values.length) {
      const hit = attr.values.find((v) => norm(v.name) === norm(raw));
      if (hit) value = { attributeId: m.remoteAttributeId, valueId: hit.id };
      else if (attr.allowCustom) value = { attributeId: m.remoteAttributeId, customValue: raw };
      else problems.push(`value '${raw}' of attribute ${label} is not in the marketplace's list; add it to the attribute's value map`);
    } else value = { attributeId: m.remoteAttributeId, customValue: raw };
    if (value) {
      if (attr?.name) value.name = attr.name;
      out.push(value);
      done.add(m.remoteAttributeId);
    }
  }
  for (const attr of input.categoryAttributes ?? []) {
    if (attr.required && !done.has(attr.id) && !mappings.some((m) => m.remoteAttributeId === attr.id)) {
      problems.push(`required attribute '${attr.name}' (id ${attr.id}) is not mapped: map it to an OpenCart option, attribute, field or a fixed value`);
    }
  }
  return out;
}

export function buildListing(input: BuildInput): BuildResult {
  const { product, variant, settings, mappings, capabilities } = input;
  const problems: string[] = [];
  const category = mappedCategory(product, mappings);
  if (!category) {
    const names = product.categories.map((c) => `'${c.pathName || c.name}' (${c.categoryId})`);
    problems.push(names.length ? `no category mapping for ${names.join(', ')}` : 'the product is in no category, so no marketplace category can be chosen');
  }
  let brand: ListingItem['brand'];
  if (capabilities.brands === 'free_text') {
    if (product.manufacturer) brand = { name: product.manufacturer };
  } else {
    const m = mappings.brands.get(product.manufacturerId);
    if (m) brand = { id: m.remoteBrandId, name: m.remoteBrandName || product.manufacturer || '' };
    else if (settings.listing.defaultBrandId) brand = { id: settings.listing.defaultBrandId, name: product.manufacturer ?? '' };
    else problems.push(product.manufacturerId ? `manufacturer '${product.manufacturer ?? product.manufacturerId}' (${product.manufacturerId}) has no brand mapping` : 'the product has no manufacturer and the account has no default brand');
  }
  if (!variant.sku) problems.push('the variant has no SKU');
  if (capabilities.requiresBarcode && !variant.barcode) problems.push('the variant has no barcode (the marketplace requires one)');
  if (!product.name.trim()) problems.push('the product has no name in the store language');
  const vatRate = vatRateOf(product, settings, input.taxRates);
  if (capabilities.vatRates && !capabilities.vatRates.includes(vatRate)) {
    problems.push(`VAT rate ${vatRate}% of tax class ${product.taxClassId} is not one the marketplace accepts (${capabilities.vatRates.join(', ')}); set listing.vatRates`);
  }
  const attributes = category ? resolveAttributes(input, category.remoteCategoryId, problems) : [];
  if (problems.length || !category) return { ok: false, problems, remoteCategoryId: category?.remoteCategoryId ?? null };

  const imageBase = settings.listing.imageBaseUrl ?? `${input.storeUrl.replace(/\/?$/, '/')}image/`;
  const images = [product.image, ...product.images].filter((i): i is string => !!i).map((i) => imageBase + i.split('/').map(encodeURIComponent).join('/'));
  const index = optionValueIndex(product);
  const suffix = variant.optionValues.map((o) => index.get(o.productOptionValueId)?.name).filter(Boolean).join(' / ');
  const dims: NonNullable<ListingItem['dimensions']> = {};
  const unit = (product.weightUnit ?? '').toLowerCase();
  if (Number(product.weight) > 0 && unit === 'kg') dims.weightKg = Number(product.weight);
  if ((product.lengthUnit ?? '').toLowerCase() === 'cm' && Number(product.length) > 0 && Number(product.width) > 0 && Number(product.height) > 0) {
    dims.lengthCm = Number(product.length);
    dims.widthCm = Number(product.width);
    dims.heightCm = Number(product.height);
    dims.dimensionalWeight = Math.max(1, Math.round((dims.lengthCm * dims.widthCm * dims.heightCm) / 3000));
  }
  const groupId = groupIdOf(product, settings);
  const content: Omit<ListingItem, 'ref' | 'quantity' | 'price' | 'listPrice'> = {
    sku: variant.sku!,
    ...(variant.barcode ? { barcode: variant.barcode } : {}),
    groupId,
    title: (suffix ? `${product.name} - ${suffix}` : product.name).slice(0, 200),
    description: product.description || product.name,
    ...(brand ? { brand } : {}),
    categoryId: category.remoteCategoryId,
    attributes,
    images,
    currency: input.currency,
    vatRate,
    ...(Object.keys(dims).length ? { dimensions: dims } : {}),
    condition: 'new',
  };
  const hash = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  return {
    ok: true,
    item: { ref: input.ref, ...content, quantity: input.quantity, price: input.price, listPrice: input.listPrice },
    hash,
    groupId,
    remoteCategoryId: category.remoteCategoryId,
  };
}

/** product id → attribute id → text, in the context language (decoded). */
export async function loadProductAttributes(oc: OcContext, productIds: readonly number[]): Promise<Map<number, Map<number, string>>> {
  const out = new Map<number, Map<number, string>>();
  const ids = [...new Set(productIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await rawRows<{ product_id: number; attribute_id: number; text: string }>(
      oc.knex,
      `SELECT product_id, attribute_id, text FROM \`${oc.table('product_attribute')}\` WHERE language_id = ? AND product_id IN (${placeholders(chunk.length)})`,
      [oc.languageId, ...chunk],
    );
    for (const r of rows) {
      let m = out.get(r.product_id);
      if (!m) out.set(r.product_id, (m = new Map()));
      m.set(r.attribute_id, decodeOcText(r.text));
    }
  }
  return out;
}
