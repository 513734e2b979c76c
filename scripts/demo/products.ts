import { encodeOcText } from '../../sidecar/src/db/opencart/text';
import { insert, LANG, LANGUAGE_IDS, inLanguage, type Bilingual, type SeedContext } from './context';
import { uniqueKeyword, type CatalogBase, type KindSlot } from './catalog-base';
import { DEPARTMENT_STYLE, type Season } from './catalog-tree';
import type { OptionKey } from './catalog-options';
import { CUSTOMER_GROUP, LENGTH_CLASS, STOCK_STATUS, TAX_CLASS, WEIGHT_CLASS } from './reference';
import { addDays, addSeconds, atTime } from './time';
import { charmPrice, dec4, ean13, slug, units } from './util';
import { ZERO_DATE } from '../../sidecar/src/db/opencart/schema/types';

/** Products with descriptions, images, options (own stock per value), specials, discounts and attributes. */

export interface SeededOptionValue {
  productOptionValueId: number;
  optionValueId: number;
  name: Bilingual;
  /** Price modifier in 0.0001 units, already signed. */
  price: number;
  demand: number;
}

export interface SeededProductOption {
  productOptionId: number;
  optionId: number;
  key: OptionKey;
  type: string;
  name: Bilingual;
  required: boolean;
  values: SeededOptionValue[];
}

export interface PriceRule {
  customerGroupId: number;
  priority: number;
  /** 0.0001 units */
  price: number;
  start: string;
  end: string;
  quantity: number;
}

export interface SeededProduct {
  id: number;
  name: Bilingual;
  model: string;
  /** Price excluding tax, 0.0001 units. */
  price: number;
  taxClassId: number;
  popularity: number;
  season: Season;
  dateAdded: string;
  dateAvailable: string;
  enabled: boolean;
  options: SeededProductOption[];
  specials: PriceRule[];
  discounts: PriceRule[];
}

const TAX_CLASS_IDS = { standard: TAX_CLASS.standard, reduced: TAX_CLASS.reduced, basic: TAX_CLASS.basic } as const;

function productName(ctx: SeedContext, slot: KindSlot, used: Set<string>): { brand: string; name: Bilingual } {
  const style = DEPARTMENT_STYLE[slot.department];
  for (let attempt = 0; ; attempt++) {
    const brand = ctx.rng.pick(style.brands);
    const series = ctx.rng.pick(style.styles);
    // Electronics read "Brand Product Series"; everything else "Brand Style Product".
    const name: Bilingual =
      slot.department === 'electronics'
        ? { tr: `${brand} ${slot.kind.name.tr} ${series.tr}`, en: `${brand} ${slot.kind.name.en} ${series.en}` }
        : { tr: `${brand} ${series.tr} ${slot.kind.name.tr}`, en: `${brand} ${series.en} ${slot.kind.name.en}` };
    if (!used.has(name.tr) || attempt > 20) {
      if (used.has(name.tr)) {
        name.tr += ` ${attempt}`;
        name.en += ` ${attempt}`;
      }
      used.add(name.tr);
      return { brand, name };
    }
  }
}

/** A contiguous run of values (sizes), or a random handful (colours). */
function chooseValues(ctx: SeedContext, key: OptionKey, count: number): number[] {
  const all = [...Array(count).keys()];
  switch (key) {
    case 'size':
    case 'shoeSize':
    case 'waist':
    case 'storage': {
      const len = Math.min(count, key === 'storage' ? ctx.rng.int(2, 3) : ctx.rng.int(Math.ceil(count * 0.6), count));
      const start = ctx.rng.int(0, count - len);
      return all.slice(start, start + len);
    }
    case 'colour':
      return ctx.rng.sample(all, ctx.rng.int(1, 4)).sort((a, b) => a - b);
    default:
      return all;
  }
}

export function descriptionHtml(name: string, intro: string, features: string[]): string {
  return encodeOcText(`<p><strong>${name}</strong></p>\r\n<p>${intro}</p>\r\n<ul>\r\n${features.map((f) => `<li>${f}</li>`).join('\r\n')}\r\n</ul>`);
}

export async function seedProducts(ctx: SeedContext, base: CatalogBase, count: number): Promise<SeededProduct[]> {
  const { rng, clock } = ctx;
  const today = clock.today.date;
  const rows = {
    product: [] as Array<Record<string, unknown>>,
    description: [] as Array<Record<string, unknown>>,
    store: [] as Array<Record<string, unknown>>,
    category: [] as Array<Record<string, unknown>>,
    image: [] as Array<Record<string, unknown>>,
    option: [] as Array<Record<string, unknown>>,
    optionValue: [] as Array<Record<string, unknown>>,
    special: [] as Array<Record<string, unknown>>,
    discount: [] as Array<Record<string, unknown>>,
    attribute: [] as Array<Record<string, unknown>>,
    seo: [] as Array<Record<string, unknown>>,
  };
  const products: SeededProduct[] = [];
  const usedNames = new Set<string>();
  // Round-robin over shuffled kinds, so even a small demo spans every department.
  const kinds = rng.sample(base.kinds, base.kinds.length);
  let productOptionId = 0;
  let productOptionValueId = 0;

  for (let id = 1; id <= count; id++) {
    const slot = kinds[(id - 1) % kinds.length]!;
    const kind = slot.kind;
    const style = DEPARTMENT_STYLE[slot.department];
    const { brand, name } = productName(ctx, slot, usedNames);
    const taxClassId = TAX_CLASS_IDS[kind.taxClass ?? style.taxClass];
    const price = units(charmPrice(kind.price[0] + rng.next() * (kind.price[1] - kind.price[0])));
    const brandId = base.manufacturers.get(brand)!;
    // Most products have been around for a while; a few arrived this month.
    const ageDays = rng.chance(0.06) ? rng.int(1, 30) : rng.int(31, 730);
    const dateAdded = atTime(addDays(today, -ageDays), rng.int(9, 18), rng.int(0, 59), rng.int(0, 59));
    const modifiedAfter = rng.int(0, Math.max(0, ageDays - 1)) * 86_400 + rng.int(0, 3600);
    const dateModified = addSeconds(dateAdded, modifiedAfter) < clock.now ? addSeconds(dateAdded, modifiedAfter) : dateAdded;
    const comingSoon = rng.chance(0.02);
    const dateAvailable = comingSoon ? addDays(today, rng.int(5, 30)) : dateAdded.slice(0, 10);
    const enabled = rng.chance(0.96);

    // Options: each chosen value carries its own stock; the first option's stock is the product's.
    const options: SeededProductOption[] = [];
    let stockFromOptions: number | null = null;
    for (const key of kind.options) {
      const def = base.options.get(key)!;
      const poId = ++productOptionId;
      const picked = def.type === 'text' ? [] : chooseValues(ctx, key, def.values.length);
      const values: SeededOptionValue[] = picked.map((i) => {
        const v = def.values[i]!;
        return { productOptionValueId: ++productOptionValueId, optionValueId: def.valueIds[i]!, name: v.name, price: units(v.price ?? 0), demand: v.demand ?? 1 };
      });
      const required = def.type === 'select' || def.type === 'radio';
      options.push({ productOptionId: poId, optionId: def.optionId, key, type: def.type, name: def.name, required, values });
      rows.option.push({ product_option_id: poId, product_id: id, option_id: def.optionId, value: '', required: required ? 1 : 0 });
      const unlimited = def.type === 'checkbox';
      let optionStock = 0;
      for (const v of values) {
        const quantity = unlimited ? 9999 : rng.chance(0.1) ? 0 : Math.round(rng.int(2, 40) * v.demand);
        optionStock += quantity;
        rows.optionValue.push({
          product_option_value_id: v.productOptionValueId,
          product_option_id: poId,
          product_id: id,
          option_id: def.optionId,
          option_value_id: v.optionValueId,
          quantity,
          subtract: unlimited ? 0 : 1,
          price: dec4(Math.abs(v.price)),
          price_prefix: v.price < 0 ? '-' : '+',
          points: 0,
          points_prefix: '+',
          weight: '0.00000000',
          weight_prefix: '+',
        });
      }
      if (stockFromOptions === null && values.length > 0 && !unlimited) stockFromOptions = optionStock;
    }
    // Shops usually keep the product's quantity at the sum of its main option's stock.
    const quantity = stockFromOptions ?? (rng.chance(0.1) ? 0 : rng.int(3, 250));

    const imageBase = `catalog/demo/meschain/${slot.department}/${slug(name.en)}-${id}`;
    const [wMin, wMax] = kind.weightKg;
    const ean = ean13(`869${String(1000 + brandId * 37).padStart(4, '0')}${String(id).padStart(5, '0')}`);
    rows.product.push({
      product_id: id,
      model: `${style.code}-${String(slot.kindIndex).padStart(2, '0')}${String(id).padStart(4, '0')}`,
      sku: `MC-${style.code}-${String(id).padStart(5, '0')}`,
      upc: '',
      ean,
      jan: '',
      isbn: '',
      mpn: slot.department === 'electronics' ? `${slug(brand).toUpperCase().slice(0, 4)}${rng.digits(6)}` : '',
      location: rng.chance(0.3) ? `Raf ${String.fromCharCode(65 + rng.int(0, 7))}-${rng.int(1, 24)}` : '',
      quantity,
      stock_status_id: comingSoon ? STOCK_STATUS.preOrder : rng.chance(0.2) ? STOCK_STATUS.twoThreeDays : STOCK_STATUS.outOfStock,
      image: `${imageBase}.jpg`,
      manufacturer_id: brandId,
      shipping: 1,
      price: dec4(price),
      points: 0,
      tax_class_id: taxClassId,
      date_available: dateAvailable,
      weight: (wMin + rng.next() * (wMax - wMin)).toFixed(8),
      weight_class_id: WEIGHT_CLASS.kg,
      length: rng.int(10, 60).toFixed(8),
      width: rng.int(5, 40).toFixed(8),
      height: rng.int(2, 30).toFixed(8),
      length_class_id: LENGTH_CLASS.cm,
      subtract: rng.chance(0.95) ? 1 : 0,
      minimum: 1,
      sort_order: 0,
      status: enabled ? 1 : 0,
      viewed: Math.round(rng.int(20, 3000) * (kind.popularity ?? 1)),
      date_added: dateAdded,
      date_modified: dateModified,
    });
    rows.store.push({ product_id: id, store_id: 0 });
    for (const categoryId of slot.categoryIds) rows.category.push({ product_id: id, category_id: categoryId });
    for (let k = 1; k <= rng.int(1, 4); k++) rows.image.push({ product_image_id: rows.image.length + 1, product_id: id, image: `${imageBase}-${k + 1}.jpg`, sort_order: k });

    const features = rng.sample(style.features, 3);
    const material = rng.pick(style.material);
    for (const lang of LANGUAGE_IDS) {
      const n = inLanguage(name, lang);
      rows.description.push({
        product_id: id,
        language_id: lang,
        name: encodeOcText(n),
        description: descriptionHtml(n, inLanguage(style.intro, lang), features.map((f) => inLanguage(f, lang))),
        tag: encodeOcText([brand, inLanguage(slot.kind.name, lang)].join(', ').toLocaleLowerCase(lang === LANG.tr ? 'tr-TR' : 'en-GB')),
        meta_title: encodeOcText(n),
        meta_description: encodeOcText(inLanguage(style.intro, lang)),
        meta_keyword: '',
      });
      rows.seo.push({ store_id: 0, language_id: lang, query: `product_id=${id}`, keyword: uniqueKeyword(base, `product_id=${id}`, n, id) });
      const origin: Bilingual = slot.department === 'electronics' ? { tr: 'Çin', en: 'China' } : { tr: 'Türkiye', en: 'Turkey' };
      for (const [attributeId, text] of [
        [base.attributes.material, material],
        [base.attributes.warranty, style.warranty],
        [base.attributes.origin, origin],
      ] as Array<[number, Bilingual]>) {
        rows.attribute.push({ product_id: id, attribute_id: attributeId, language_id: lang, text: encodeOcText(inLanguage(text, lang)) });
      }
    }

    const specials = makeSpecials(ctx, price);
    const discounts = rng.chance(0.1) ? makeDiscounts(price) : [];
    for (const s of specials) rows.special.push({ product_special_id: rows.special.length + 1, product_id: id, customer_group_id: s.customerGroupId, priority: s.priority, price: dec4(s.price), date_start: s.start, date_end: s.end });
    for (const d of discounts) rows.discount.push({ product_discount_id: rows.discount.length + 1, product_id: id, customer_group_id: d.customerGroupId, quantity: d.quantity, priority: d.priority, price: dec4(d.price), date_start: d.start, date_end: d.end });

    products.push({ id, name, model: String(rows.product[rows.product.length - 1]!.model), price, taxClassId, popularity: kind.popularity ?? 1, season: kind.season, dateAdded, dateAvailable, enabled, options, specials, discounts });
  }

  await insert(ctx, 'product', rows.product);
  await insert(ctx, 'product_description', rows.description);
  await insert(ctx, 'product_to_store', rows.store);
  await insert(ctx, 'product_to_category', rows.category);
  await insert(ctx, 'product_image', rows.image);
  await insert(ctx, 'product_option', rows.option);
  await insert(ctx, 'product_option_value', rows.optionValue);
  await insert(ctx, 'product_special', rows.special);
  await insert(ctx, 'product_discount', rows.discount);
  await insert(ctx, 'product_attribute', rows.attribute);
  await insert(ctx, 'seo_url', rows.seo);
  return products;
}

/** Specials: some running now, some over, some still to come; mostly for retail, some for wholesale. */
function makeSpecials(ctx: SeedContext, price: number): PriceRule[] {
  const { rng } = ctx;
  const today = ctx.clock.today.date;
  if (!rng.chance(0.25)) return [];
  const out: PriceRule[] = [];
  const groups = rng.chance(0.15) ? [CUSTOMER_GROUP.default, CUSTOMER_GROUP.wholesale] : [rng.chance(0.9) ? CUSTOMER_GROUP.default : CUSTOMER_GROUP.wholesale];
  for (const customerGroupId of groups) {
    const off = rng.int(10, 40) / 100;
    const specialPrice = units(charmPrice((price / 10_000) * (1 - off)));
    const phase = rng.weighted(['current', 'expired', 'future'] as const, (p) => ({ current: 0.45, expired: 0.35, future: 0.2 })[p]);
    let start: string;
    let end: string;
    if (phase === 'current') {
      start = rng.chance(0.2) ? ZERO_DATE : addDays(today, -rng.int(1, 30));
      end = rng.chance(0.25) ? ZERO_DATE : addDays(today, rng.int(3, 45));
    } else if (phase === 'expired') {
      start = addDays(today, -rng.int(45, 330));
      end = addDays(start, rng.int(7, 30));
    } else {
      start = addDays(today, rng.int(3, 30));
      end = addDays(start, rng.int(7, 21));
    }
    out.push({ customerGroupId, priority: 1, price: specialPrice, start, end, quantity: 1 });
  }
  return out;
}

/** Quantity breaks for trade customers. */
function makeDiscounts(price: number): PriceRule[] {
  return [
    { customerGroupId: CUSTOMER_GROUP.wholesale, quantity: 5, priority: 1, price: units(charmPrice((price / 10_000) * 0.9)), start: ZERO_DATE, end: ZERO_DATE },
    { customerGroupId: CUSTOMER_GROUP.wholesale, quantity: 20, priority: 1, price: units(charmPrice((price / 10_000) * 0.8)), start: ZERO_DATE, end: ZERO_DATE },
  ];
}
