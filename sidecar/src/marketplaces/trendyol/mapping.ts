import type {
  Brand,
  CategoryAttribute,
  ItemError,
  ItemResult,
  ListingItem,
  MarketplaceCategory,
  RemoteListing,
  StockPriceUpdate,
} from '../types';
import type { TrendyolSettings } from './config';
import { TRENDYOL_LIMITS, VAT_RATES } from './constants';
import type { TyBrand, TyCategory, TyCategoryAttributes, TyProduct } from './wire';

/** Normalised listings and stock/price updates ⇄ Trendyol product items. */

export type Prepared<T> = { ok: true; ref: string; key: string; item: T } | { ok: false; result: ItemResult };

const invalid = (ref: string, key: string, message: string, field?: string): { ok: false; result: ItemResult } => ({
  ok: false,
  result: { ref, key, status: 'failed', errors: [{ code: 'validation', message, retryable: false, ...(field ? { field } : {}) }] },
});

function money(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) / 100 : Number.NaN;
}

/** Builds a create/update item, or the reason it cannot be sent. */
export function toTrendyolProduct(item: ListingItem, mode: 'create' | 'update', settings: TrendyolSettings): Prepared<Record<string, unknown>> {
  const key = item.barcode ?? '';
  const fail = (message: string, field?: string) => invalid(item.ref, key, message, field);
  if (!item.barcode) return fail('Trendyol needs a barcode for every listing / Trendyol her ürün için barkod ister', 'barcode');
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(item.barcode)) return fail(`barcode "${item.barcode}" may only contain letters, digits, . - _ (at most 40)`, 'barcode');
  if (!item.brand?.id || !/^\d+$/.test(item.brand.id)) return fail(`brand "${item.brand?.name ?? ''}" is not mapped to a Trendyol brand id / marka eşleştirilmemiş`, 'brand');
  if (!/^\d+$/.test(item.categoryId)) return fail(`category "${item.categoryId}" is not a Trendyol category id / kategori eşleştirilmemiş`, 'categoryId');
  if (!VAT_RATES.includes(item.vatRate)) return fail(`VAT rate ${item.vatRate} is not one of ${VAT_RATES.join(', ')}`, 'vatRate');
  if (item.images.length === 0) return fail('at least one image is required / en az bir görsel gerekli', 'images');
  const base: Record<string, unknown> = {
    barcode: item.barcode,
    title: item.title.slice(0, 100),
    productMainId: item.groupId,
    brandId: Number(item.brand.id),
    categoryId: Number(item.categoryId),
    stockCode: item.sku,
    dimensionalWeight: item.dimensions?.dimensionalWeight ?? settings.defaultDimensionalWeight,
    description: item.description,
    vatRate: item.vatRate,
    cargoCompanyId: settings.cargoCompanyId,
    images: item.images.slice(0, 8).map((url) => ({ url })),
    attributes: item.attributes.map((a) =>
      a.valueId !== undefined ? { attributeId: Number(a.attributeId), attributeValueId: Number(a.valueId) } : { attributeId: Number(a.attributeId), customAttributeValue: a.customValue ?? '' },
    ),
  };
  if (mode === 'update') return { ok: true, ref: item.ref, key, item: base };
  const price = money(item.price);
  const listPrice = money(item.listPrice ?? item.price);
  if (item.currency !== 'TRY') return fail(`Trendyol lists in TRY, not ${item.currency}`, 'currency');
  if (!Number.isInteger(item.quantity) || item.quantity < 0 || item.quantity > TRENDYOL_LIMITS.maxQuantity) return fail(`quantity must be 0…${TRENDYOL_LIMITS.maxQuantity}`, 'quantity');
  if (!(price! > 0) || !(listPrice! > 0)) return fail('prices must be above zero', 'price');
  if (price! > listPrice!) return fail('sale price is above the list price / satış fiyatı liste fiyatından yüksek', 'price');
  return { ok: true, ref: item.ref, key, item: { ...base, quantity: item.quantity, currencyType: 'TRY', listPrice, salePrice: price } };
}

export function toTrendyolStockPrice(u: StockPriceUpdate): Prepared<Record<string, unknown>> {
  const key = u.barcode ?? '';
  const fail = (message: string, field?: string) => invalid(u.ref, key, message, field);
  if (!u.barcode) return fail('Trendyol updates stock and price by barcode; this listing has none', 'barcode');
  if (u.quantity === undefined && u.price === undefined) return fail('nothing to update (no quantity, no price)');
  const out: Record<string, unknown> = { barcode: u.barcode };
  if (u.quantity !== undefined) {
    if (!Number.isInteger(u.quantity) || u.quantity < 0 || u.quantity > TRENDYOL_LIMITS.maxQuantity) return fail(`quantity must be 0…${TRENDYOL_LIMITS.maxQuantity}`, 'quantity');
    out.quantity = u.quantity;
  }
  if (u.price !== undefined) {
    if (u.currency !== undefined && u.currency !== 'TRY') return fail(`Trendyol prices are in TRY, not ${u.currency}`, 'currency');
    const price = money(u.price);
    const listPrice = money(u.listPrice ?? u.price);
    if (!(price! > 0) || !(listPrice! > 0)) return fail('prices must be above zero', 'price');
    if (price! > listPrice!) return fail('sale price is above the list price / satış fiyatı liste fiyatından yüksek', 'price');
    out.salePrice = price;
    out.listPrice = listPrice;
  }
  return { ok: true, ref: u.ref, key: u.barcode, item: out };
}

/** Keeps the last update per barcode; earlier ones are answered as superseded. */
export function dedupeByKey<T>(prepared: Array<Extract<Prepared<T>, { ok: true }>>): { kept: typeof prepared; superseded: ItemResult[] } {
  const last = new Map<string, number>();
  prepared.forEach((p, i) => last.set(p.key, i));
  const kept: typeof prepared = [];
  const superseded: ItemResult[] = [];
  prepared.forEach((p, i) => {
    if (last.get(p.key) === i) kept.push(p);
    else {
      const error: ItemError = { code: 'conflict', message: `superseded by a later update of barcode ${p.key} in the same submission`, retryable: false };
      superseded.push({ ref: p.ref, key: p.key, status: 'failed', errors: [error] });
    }
  });
  return { kept, superseded };
}

/** A price as Money, or undefined when Trendyol's value is not a usable number (unknown, never 0). */
const price2 = (n: unknown): string | undefined => (typeof n === 'number' && Number.isFinite(n) ? n.toFixed(2) : undefined);

/**
 * What Trendyol shows for one product. A field the edge read as absent (missing, null or of the wrong
 * type) stays undefined here: reconciliation and the stock/price check take undefined as "not known"
 * and leave the listing's values alone, so one odd product never stops the rest of a page.
 */
export function toRemoteListing(p: TyProduct, clockOffsetMs: number): RemoteListing {
  // Without a readable approval flag the state is not known (not "pending", which would be a guess).
  const approval = typeof p.approved === 'boolean' ? (p.approved ? 'active' : 'pending') : 'unknown';
  const status = p.rejected || p.blacklisted ? 'rejected' : p.archived ? 'inactive' : approval;
  const reasons = (p.rejectReasonDetails ?? []).map((r) => [r.rejectReason, r.rejectReasonDetail].filter(Boolean).join(': ')).filter((r) => r !== '');
  return {
    sku: p.stockCode ?? p.barcode ?? '',
    barcode: p.barcode ?? undefined,
    remoteId: p.id ?? undefined,
    groupId: p.productMainId ?? undefined,
    title: p.title ?? undefined,
    quantity: p.quantity ?? undefined,
    price: price2(p.salePrice),
    listPrice: price2(p.listPrice),
    currency: 'TRY',
    status,
    rawStatus: p.rejected ? 'rejected' : p.blacklisted ? 'blacklisted' : p.archived ? 'archived' : p.approved ? (p.onSale ? 'onSale' : 'approved') : approval === 'unknown' ? 'unknown' : 'unapproved',
    ...(reasons.length > 0 ? { reasons } : {}),
    ...(typeof p.lastUpdateDate === 'number' ? { updatedAt: new Date(p.lastUpdateDate - clockOffsetMs).toISOString() } : {}),
  };
}

export function flattenCategories(tree: TyCategory[]): MarketplaceCategory[] {
  const out: MarketplaceCategory[] = [];
  const walk = (nodes: TyCategory[], parentId: string | null, path: string[]) => {
    for (const n of nodes) {
      const p = [...path, n.name];
      const children = n.subCategories ?? [];
      out.push({ id: String(n.id), name: n.name, parentId, path: p, leaf: children.length === 0 });
      walk(children, String(n.id), p);
    }
  };
  walk(tree, null, []);
  return out;
}

export function toCategoryAttributes(body: TyCategoryAttributes): CategoryAttribute[] {
  return (body.categoryAttributes ?? [])
    .filter((a) => a.attribute?.id != null)
    .map((a) => ({
      id: String(a.attribute?.id),
      name: a.attribute?.name ?? String(a.attribute?.id),
      required: a.required === true,
      allowCustom: a.allowCustom === true,
      varianter: a.varianter === true,
      values: (a.attributeValues ?? []).filter((v) => v.id != null).map((v) => ({ id: String(v.id), name: v.name ?? String(v.id) })),
    }));
}

export function toBrand(b: TyBrand): Brand {
  return { id: String(b.id), name: b.name };
}
