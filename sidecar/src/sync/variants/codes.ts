/**
 * SKU and barcode rules for variants.
 *
 * SKU: the product's model, then one code per chosen option value, joined by '-': "TSH-0042-KIRMIZI-M".
 * A value's code is its name transliterated to A-Z/0-9 (Turkish letters folded: ç→C, ğ→G, ı→I, İ→I,
 * ö→O, ş→S, ü→U), at most 12 characters, or "V<option_value_id>" when nothing is left. A product
 * without variant options keeps its own SKU (oc_product.sku, else its model). An empty model becomes
 * "P<product_id>". At most 64 characters; a clash with another variant appends the variant key.
 *
 * Barcode: a product without variant options uses its own EAN (then UPC, then JAN) from oc_product when
 * its GTIN check digit is valid. Every variant (and a product with no valid code) gets a generated
 * EAN-13: the configured GS1 company prefix, a sequential item reference, and the GS1 mod-10 check
 * digit. The default prefix 2000000 lies in GS1's restricted-circulation range (20-29, for use inside
 * one company): fine for the sandbox and for marketplaces that accept internal codes, but a store
 * selling on Trendyol should set its own GS1 prefix (meschain_settings 'variants.gs1Prefix').
 */

export const DEFAULT_GS1_PREFIX = '2000000';

/** GS1 mod-10 check digit of the digits before it (any GTIN length). */
export function gtinCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why a barcode is not a valid GTIN-8/12/13/14, or null when it is. */
export function gtinProblem(code: string): string | null {
  if (!/^\d+$/.test(code)) return 'must contain digits only';
  if (![8, 12, 13, 14].includes(code.length)) return `must be 8, 12, 13 or 14 digits (GTIN), got ${code.length}`;
  const expected = gtinCheckDigit(code.slice(0, -1));
  if (Number(code[code.length - 1]) !== expected) return `check digit is wrong (expected ${expected})`;
  return null;
}

export const isValidGtin = (code: string): boolean => gtinProblem(code) === null;

export function ean13(prefix: string, itemReference: number): string {
  const width = 12 - prefix.length;
  if (!/^\d{6,11}$/.test(prefix)) throw new RangeError('GS1 prefix must be 6-11 digits');
  const ref = String(itemReference);
  if (itemReference < 0 || !Number.isInteger(itemReference) || ref.length > width) {
    throw new RangeError(`item reference ${itemReference} does not fit the ${width} digits left by GS1 prefix ${prefix}`);
  }
  const body = prefix + ref.padStart(width, '0');
  return body + String(gtinCheckDigit(body));
}

/** How many item references a prefix leaves (10^(12 - prefix length)). */
export function prefixCapacity(prefix: string): number {
  return 10 ** (12 - prefix.length);
}

const FOLD: Record<string, string> = { ç: 'c', ğ: 'g', ı: 'i', ö: 'o', ş: 's', ü: 'u', â: 'a', î: 'i', û: 'u' };

export function valueCode(name: string, optionValueId: number): string {
  const folded = name
    .toLocaleLowerCase('tr-TR')
    .split('')
    .map((c) => FOLD[c] ?? c)
    .join('')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '');
  return folded.slice(0, 12) || `V${optionValueId}`;
}

export const SKU_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$/;

export function skuProblem(sku: string): string | null {
  if (sku.length > 64) return 'must be at most 64 characters';
  if (!SKU_RE.test(sku)) return 'may only contain letters, digits and . _ - / (starting with a letter or digit)';
  return null;
}

function cleanPart(text: string): string {
  return text.replace(/[^A-Za-z0-9._\-/]+/g, '-').replace(/^-+|-+$/g, '');
}

export function baseSku(product: { productId: number; sku: string; model: string }): string {
  const own = cleanPart(product.sku);
  if (own && !skuProblem(own)) return own;
  return cleanPart(product.model) || `P${product.productId}`;
}

export function variantSku(product: { productId: number; model: string }, values: ReadonlyArray<{ name: string; optionValueId: number }>): string {
  const model = cleanPart(product.model) || `P${product.productId}`;
  return [model, ...values.map((v) => valueCode(v.name, v.optionValueId))].join('-').slice(0, 64).replace(/-+$/, '');
}

/** The product's own GTIN when one of its code columns holds a valid one. */
export function productBarcode(product: { ean: string; upc: string; jan: string }): string | null {
  for (const code of [product.ean, product.upc, product.jan]) {
    const c = code.trim();
    if (c && isValidGtin(c)) return c;
  }
  return null;
}
