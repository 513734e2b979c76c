import { ATTRIBUTES, BRANDS, CARGO_PROVIDERS, CATEGORY_ATTRIBUTES, CATEGORY_TREE, indexCategories } from './catalog-data';
import type { Product, ProductAttribute } from './model';

/**
 * Per-item validation of product and stock/price requests, with failure reasons worded like
 * Trendyol's (Turkish). Returns the reasons; empty = valid.
 */

export const VAT_RATES = [0, 1, 10, 20];
const CATEGORIES = indexCategories(CATEGORY_TREE);
const ATTRIBUTE_BY_ID = new Map(ATTRIBUTES.map((a) => [a.id, a]));
const BRAND_BY_ID = new Map(BRANDS.map((b) => [b.id, b]));
const CARGO_IDS = new Set(CARGO_PROVIDERS.map((c) => c.id));

export const REASON = {
  required: (field: string) => `${field} alanı zorunludur.`,
  barcodeExists: (barcode: string) => `${barcode} barkodlu ürün zaten mevcut. Güncellemek için ürün güncelleme servisini kullanınız.`,
  barcodeDuplicateInRequest: (barcode: string) => `${barcode} barkodu istek içinde birden fazla kez gönderilmiş.`,
  notFound: (barcode: string) => `${barcode} barkodlu ürün bulunamadı.`,
  salePrice: 'Satış fiyatı (salePrice) liste fiyatından (listPrice) büyük olamaz.',
  price: 'Fiyat alanları 0’dan büyük olmalıdır.',
  vat: `KDV oranı (vatRate) ${VAT_RATES.join(', ')} değerlerinden biri olmalıdır.`,
  quantity: (max: number) => `Stok adedi (quantity) 0 ile ${max} arasında bir tam sayı olmalıdır.`,
  category: (id: unknown) => `${String(id)} id’li kategori bulunamadı veya alt kategori değil.`,
  brand: (id: unknown) => `${String(id)} id’li marka bulunamadı.`,
  cargo: (id: unknown) => `${String(id)} id’li kargo firması bulunamadı.`,
  missingAttribute: (name: string) => `Zorunlu kategori özellik bilgisi eksiktir. Eksik alan: ${name}`,
  badAttributeValue: (name: string) => `${name} özelliği için gönderilen değer geçersizdir.`,
  unknownAttribute: (id: unknown) => `${String(id)} id’li özellik bu kategoride bulunmamaktadır.`,
  currency: 'Para birimi (currencyType) TRY olmalıdır.',
  title: 'Ürün adı (title) en fazla 100 karakter olabilir.',
  images: 'En az 1, en fazla 8 görsel gönderilmelidir ve görsel adresleri https ile başlamalıdır.',
  barcodeFormat: 'Barkod en fazla 40 karakter olabilir ve yalnız harf, rakam, nokta, tire ve alt çizgi içerebilir.',
  transient: 'Beklenmeyen bir hata oluştu, lütfen tekrar deneyiniz.',
} as const;

export interface ValidProduct {
  fields: Omit<Product, 'id' | 'sellerId' | 'approved' | 'archived' | 'rejected' | 'productCode' | 'batchRequestId' | 'createDateTime' | 'lastUpdateDate'>;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Validates one create/update item. `mode` 'update' ignores stock and price fields as Trendyol does. */
export function validateProductItem(item: Record<string, unknown>, mode: 'create' | 'update', maxQuantity: number): { reasons: string[]; product?: ValidProduct['fields'] } {
  const reasons: string[] = [];
  const required = mode === 'create'
    ? ['barcode', 'title', 'productMainId', 'brandId', 'categoryId', 'quantity', 'stockCode', 'dimensionalWeight', 'description', 'currencyType', 'listPrice', 'salePrice', 'vatRate', 'cargoCompanyId', 'images', 'attributes']
    : ['barcode', 'title', 'productMainId', 'brandId', 'categoryId', 'stockCode', 'dimensionalWeight', 'description', 'vatRate', 'cargoCompanyId', 'images', 'attributes'];
  for (const field of required) {
    const v = item[field];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) reasons.push(REASON.required(field));
  }
  if (reasons.length > 0) return { reasons };

  const barcode = item.barcode;
  if (!isStr(barcode) || !/^[A-Za-z0-9._-]{1,40}$/.test(barcode)) reasons.push(REASON.barcodeFormat);
  if (!isStr(item.title) || item.title.length > 100) reasons.push(REASON.title);
  const vatRate = item.vatRate;
  if (!isNum(vatRate) || !VAT_RATES.includes(vatRate)) reasons.push(REASON.vat);
  let quantity = 0;
  let listPrice = 0;
  let salePrice = 0;
  if (mode === 'create') {
    if (item.currencyType !== 'TRY') reasons.push(REASON.currency);
    if (!isNum(item.quantity) || !Number.isInteger(item.quantity) || item.quantity < 0 || item.quantity > maxQuantity) reasons.push(REASON.quantity(maxQuantity));
    else quantity = item.quantity;
    if (!isNum(item.listPrice) || !isNum(item.salePrice) || item.listPrice <= 0 || item.salePrice <= 0) reasons.push(REASON.price);
    else if (item.salePrice > item.listPrice) reasons.push(REASON.salePrice);
    else {
      listPrice = item.listPrice;
      salePrice = item.salePrice;
    }
  }
  const brand = isNum(item.brandId) ? BRAND_BY_ID.get(item.brandId) : undefined;
  if (!brand) reasons.push(REASON.brand(item.brandId));
  if (!isNum(item.cargoCompanyId) || !CARGO_IDS.has(item.cargoCompanyId)) reasons.push(REASON.cargo(item.cargoCompanyId));
  const images = item.images;
  if (!Array.isArray(images) || images.length < 1 || images.length > 8 || !images.every((i) => isStr((i as { url?: unknown })?.url) && String((i as { url: string }).url).startsWith('https://'))) {
    reasons.push(REASON.images);
  }
  const categoryId = item.categoryId;
  const category = isNum(categoryId) ? CATEGORIES.get(categoryId) : undefined;
  const categoryAttrs = isNum(categoryId) ? CATEGORY_ATTRIBUTES[categoryId] : undefined;
  const attributes: ProductAttribute[] = [];
  if (!category || category.category.subCategories.length > 0 || !categoryAttrs) {
    reasons.push(REASON.category(categoryId));
  } else {
    const sent = Array.isArray(item.attributes) ? (item.attributes as Array<Record<string, unknown>>) : [];
    const byId = new Map<number, Record<string, unknown>>();
    for (const a of sent) {
      const id = a?.attributeId;
      if (!isNum(id)) continue;
      const def = categoryAttrs.find((c) => c.attributeId === id);
      if (!def) {
        reasons.push(REASON.unknownAttribute(id));
        continue;
      }
      byId.set(id, a);
    }
    for (const def of categoryAttrs) {
      const attr = ATTRIBUTE_BY_ID.get(def.attributeId);
      if (!attr) continue;
      const a = byId.get(def.attributeId);
      if (!a) {
        if (def.required) reasons.push(REASON.missingAttribute(attr.name));
        continue;
      }
      if (a.attributeValueId !== undefined && a.attributeValueId !== null) {
        const value = attr.values.find((v) => v.id === a.attributeValueId);
        if (!value) reasons.push(REASON.badAttributeValue(attr.name));
        else attributes.push({ attributeId: attr.id, attributeName: attr.name, attributeValueId: value.id, attributeValue: value.name });
      } else if (isStr(a.customAttributeValue) && def.allowCustom) {
        attributes.push({ attributeId: attr.id, attributeName: attr.name, attributeValue: a.customAttributeValue });
      } else {
        reasons.push(REASON.badAttributeValue(attr.name));
      }
    }
  }
  if (reasons.length > 0) return { reasons };
  return {
    reasons,
    product: {
      barcode: barcode as string,
      title: item.title as string,
      productMainId: String(item.productMainId),
      brandId: brand!.id,
      brand: brand!.name,
      categoryId: categoryId as number,
      categoryName: category!.category.name,
      quantity,
      stockCode: String(item.stockCode),
      dimensionalWeight: Number(item.dimensionalWeight),
      description: String(item.description),
      currencyType: 'TRY',
      listPrice,
      salePrice,
      vatRate: vatRate as number,
      cargoCompanyId: item.cargoCompanyId as number,
      images: (images as Array<{ url: string }>).map((i) => ({ url: i.url })),
      attributes,
    },
  };
}

/** Validates one price-and-inventory item against the stored product. */
export function validateInventoryItem(item: Record<string, unknown>, product: Product | undefined, maxQuantity: number): string[] {
  const barcode = item.barcode;
  if (!isStr(barcode)) return [REASON.required('barcode')];
  if (!product) return [REASON.notFound(barcode)];
  const reasons: string[] = [];
  const { quantity, salePrice, listPrice } = item;
  if (quantity === undefined && salePrice === undefined && listPrice === undefined) reasons.push(REASON.required('quantity'));
  if (quantity !== undefined && (!isNum(quantity) || !Number.isInteger(quantity) || quantity < 0 || quantity > maxQuantity)) reasons.push(REASON.quantity(maxQuantity));
  if ((salePrice !== undefined && (!isNum(salePrice) || salePrice <= 0)) || (listPrice !== undefined && (!isNum(listPrice) || listPrice <= 0))) reasons.push(REASON.price);
  else {
    const sale = isNum(salePrice) ? salePrice : product.salePrice;
    const list = isNum(listPrice) ? listPrice : product.listPrice;
    if (sale > list) reasons.push(REASON.salePrice);
  }
  return reasons;
}
