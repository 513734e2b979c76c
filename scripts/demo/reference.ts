import { encodeOcText } from '../../sidecar/src/db/opencart/text';
import { insert, LANG, LANGUAGE_IDS, type Bilingual, type SeedContext } from './context';
import { COUNTRIES, FOREIGN_ZONES, TURKEY_ID, TURKISH_ZONES } from './geo';
import { addDays } from './time';

/**
 * Reference data of a Turkish OpenCart shop: languages, currencies, statuses, countries and zones,
 * KDV taxes, units and customer groups. Ids follow OpenCart's defaults where OpenCart has them, so
 * code that (wrongly) assumes e.g. order status 5 = Complete is exercised the way real shops would.
 */

export const CURRENCY = { GBP: 1, USD: 2, EUR: 3, TRY: 4 } as const;
export type CurrencyCode = keyof typeof CURRENCY;

/** Lira per unit of foreign currency today and a year ago (the lira keeps losing value). */
export const TRY_PER_UNIT: Record<'USD' | 'EUR' | 'GBP', { now: number; yearAgo: number }> = {
  USD: { now: 42.45, yearAgo: 34.4 },
  EUR: { now: 49.1, yearAgo: 36.5 },
  GBP: { now: 55.9, yearAgo: 43.8 },
};

/** OpenCart's default order status ids (NOTES §3); 4 and 6 do not exist. */
export const STATUS = {
  pending: 1,
  processing: 2,
  shipped: 3,
  complete: 5,
  canceled: 7,
  denied: 8,
  canceledReversal: 9,
  failed: 10,
  refunded: 11,
  reversed: 12,
  chargeback: 13,
  expired: 14,
  processed: 15,
  voided: 16,
} as const;

const ORDER_STATUS_NAMES: Array<[number, Bilingual]> = [
  [STATUS.pending, { en: 'Pending', tr: 'Beklemede' }],
  [STATUS.processing, { en: 'Processing', tr: 'Hazırlanıyor' }],
  [STATUS.shipped, { en: 'Shipped', tr: 'Kargoya Verildi' }],
  [STATUS.complete, { en: 'Complete', tr: 'Tamamlandı' }],
  [STATUS.canceled, { en: 'Canceled', tr: 'İptal Edildi' }],
  [STATUS.denied, { en: 'Denied', tr: 'Reddedildi' }],
  [STATUS.canceledReversal, { en: 'Canceled Reversal', tr: 'İptal Geri Alındı' }],
  [STATUS.failed, { en: 'Failed', tr: 'Başarısız' }],
  [STATUS.refunded, { en: 'Refunded', tr: 'İade Edildi' }],
  [STATUS.reversed, { en: 'Reversed', tr: 'Geri Çevrildi' }],
  [STATUS.chargeback, { en: 'Chargeback', tr: 'Ters İbraz' }],
  [STATUS.expired, { en: 'Expired', tr: 'Süresi Doldu' }],
  [STATUS.processed, { en: 'Processed', tr: 'İşlendi' }],
  [STATUS.voided, { en: 'Voided', tr: 'Geçersiz Kılındı' }],
];

export const STOCK_STATUS = { outOfStock: 5, twoThreeDays: 6, inStock: 7, preOrder: 8 } as const;

const STOCK_STATUS_NAMES: Array<[number, Bilingual]> = [
  [STOCK_STATUS.outOfStock, { en: 'Out Of Stock', tr: 'Stokta Yok' }],
  [STOCK_STATUS.twoThreeDays, { en: '2-3 Days', tr: '2-3 Gün' }],
  [STOCK_STATUS.inStock, { en: 'In Stock', tr: 'Stokta' }],
  [STOCK_STATUS.preOrder, { en: 'Pre-Order', tr: 'Ön Sipariş' }],
];

/** KDV classes: general 20 %, reduced 10 % (clothing, shoes, home textiles), 1 % (basic food). */
export const TAX_CLASS = { standard: 9, reduced: 11, basic: 12 } as const;
export type TaxClassId = (typeof TAX_CLASS)[keyof typeof TAX_CLASS];

export interface TaxRate {
  id: number;
  classId: TaxClassId;
  name: string;
  /** Percent. */
  rate: number;
}

export const TAX_RATES: TaxRate[] = [
  { id: 1, classId: TAX_CLASS.standard, name: 'KDV (%20)', rate: 20 },
  { id: 2, classId: TAX_CLASS.reduced, name: 'KDV (%10)', rate: 10 },
  { id: 3, classId: TAX_CLASS.basic, name: 'KDV (%1)', rate: 1 },
];

export const GEO_ZONE_TURKEY = 1;
export const CUSTOMER_GROUP = { default: 1, wholesale: 2 } as const;
export const WEIGHT_CLASS = { kg: 1, g: 2, lb: 5, oz: 6 } as const;
export const LENGTH_CLASS = { cm: 1, mm: 2, inch: 3 } as const;

export function taxRateFor(classId: number): TaxRate {
  const r = TAX_RATES.find((t) => t.classId === classId);
  if (!r) throw new Error(`no demo tax rate for tax class ${classId}`);
  return r;
}

const bilingualRows = (rows: Array<[number, Bilingual]>, idColumn: string) =>
  rows.flatMap(([id, text]) => LANGUAGE_IDS.map((lang) => ({ [idColumn]: id, language_id: lang, name: encodeOcText(lang === LANG.tr ? text.tr : text.en) })));

export async function seedReference(ctx: SeedContext): Promise<void> {
  // The shop "opened" three years ago; reference rows carry that date.
  const opened = `${addDays(ctx.clock.today.date, -3 * 365)} 09:30:00`;
  const now = ctx.clock.now;

  await insert(ctx, 'language', [
    { language_id: LANG.en, name: 'English', code: 'en-gb', locale: 'en-US,en_US.UTF-8,en_US,en-gb,english', image: 'gb.png', directory: 'english', sort_order: 2, status: 1 },
    { language_id: LANG.tr, name: 'Türkçe', code: 'tr-tr', locale: 'tr-TR,tr_TR.UTF-8,tr_TR,tr-tr,turkish', image: 'tr.png', directory: 'turkish', sort_order: 1, status: 1 },
  ]);

  // value = units of the currency per 1 TRY, the default currency.
  const rate = (c: 'USD' | 'EUR' | 'GBP') => (1 / TRY_PER_UNIT[c].now).toFixed(8);
  await insert(ctx, 'currency', [
    { currency_id: CURRENCY.GBP, title: 'Pound Sterling', code: 'GBP', symbol_left: '£', symbol_right: '', decimal_place: '2', value: rate('GBP'), status: 0, date_modified: now },
    { currency_id: CURRENCY.USD, title: 'US Dollar', code: 'USD', symbol_left: '$', symbol_right: '', decimal_place: '2', value: rate('USD'), status: 1, date_modified: now },
    { currency_id: CURRENCY.EUR, title: 'Euro', code: 'EUR', symbol_left: '', symbol_right: '€', decimal_place: '2', value: rate('EUR'), status: 1, date_modified: now },
    { currency_id: CURRENCY.TRY, title: 'Türk Lirası', code: 'TRY', symbol_left: '', symbol_right: '₺', decimal_place: '2', value: '1.00000000', status: 1, date_modified: now },
  ]);

  await insert(ctx, 'order_status', bilingualRows(ORDER_STATUS_NAMES, 'order_status_id'));
  await insert(ctx, 'stock_status', bilingualRows(STOCK_STATUS_NAMES, 'stock_status_id'));

  await insert(ctx, 'country', COUNTRIES.map((c) => ({ ...c, status: 1 })));
  await insert(ctx, 'zone', [
    ...TURKISH_ZONES.map(([zone_id, name, code]) => ({ zone_id, country_id: TURKEY_ID, name, code, status: 1 })),
    ...FOREIGN_ZONES.map(([zone_id, country_id, name, code]) => ({ zone_id, country_id, name, code, status: 1 })),
  ]);

  await insert(ctx, 'geo_zone', [
    { geo_zone_id: GEO_ZONE_TURKEY, name: 'Türkiye', description: 'Türkiye KDV Bölgesi', date_added: opened, date_modified: opened },
  ]);
  // zone_id 0 = the whole country.
  await insert(ctx, 'zone_to_geo_zone', [
    { zone_to_geo_zone_id: 1, country_id: TURKEY_ID, zone_id: 0, geo_zone_id: GEO_ZONE_TURKEY, date_added: opened, date_modified: opened },
  ]);

  await insert(ctx, 'tax_class', [
    { tax_class_id: TAX_CLASS.standard, title: 'Taxable Goods', description: 'KDV %20 (genel oran)', date_added: opened, date_modified: opened },
    { tax_class_id: TAX_CLASS.reduced, title: 'Reduced Rate Goods', description: 'KDV %10 (giyim, ayakkabı, ev tekstili)', date_added: opened, date_modified: opened },
    { tax_class_id: TAX_CLASS.basic, title: 'Basic Food', description: 'KDV %1 (temel gıda)', date_added: opened, date_modified: opened },
  ]);
  await insert(
    ctx,
    'tax_rate',
    TAX_RATES.map((r) => ({ tax_rate_id: r.id, geo_zone_id: GEO_ZONE_TURKEY, name: r.name, rate: r.rate.toFixed(4), type: 'P', date_added: opened, date_modified: opened })),
  );
  // Based on the shipping address: exports outside Turkey carry no KDV.
  await insert(
    ctx,
    'tax_rule',
    TAX_RATES.map((r, i) => ({ tax_rule_id: i + 1, tax_class_id: r.classId, tax_rate_id: r.id, based: 'shipping', priority: 1 })),
  );
  await insert(
    ctx,
    'tax_rate_to_customer_group',
    TAX_RATES.flatMap((r) => Object.values(CUSTOMER_GROUP).map((g) => ({ tax_rate_id: r.id, customer_group_id: g }))),
  );

  await insert(ctx, 'weight_class', [
    { weight_class_id: WEIGHT_CLASS.kg, value: '1.00000000' },
    { weight_class_id: WEIGHT_CLASS.g, value: '1000.00000000' },
    { weight_class_id: WEIGHT_CLASS.lb, value: '2.20460000' },
    { weight_class_id: WEIGHT_CLASS.oz, value: '35.27400000' },
  ]);
  const weightNames: Array<[number, Bilingual, string]> = [
    [WEIGHT_CLASS.kg, { en: 'Kilogram', tr: 'Kilogram' }, 'kg'],
    [WEIGHT_CLASS.g, { en: 'Gram', tr: 'Gram' }, 'g'],
    [WEIGHT_CLASS.lb, { en: 'Pound', tr: 'Libre' }, 'lb'],
    [WEIGHT_CLASS.oz, { en: 'Ounce', tr: 'Ons' }, 'oz'],
  ];
  await insert(
    ctx,
    'weight_class_description',
    weightNames.flatMap(([id, title, unit]) => LANGUAGE_IDS.map((lang) => ({ weight_class_id: id, language_id: lang, title: lang === LANG.tr ? title.tr : title.en, unit }))),
  );
  await insert(ctx, 'length_class', [
    { length_class_id: LENGTH_CLASS.cm, value: '1.00000000' },
    { length_class_id: LENGTH_CLASS.mm, value: '10.00000000' },
    { length_class_id: LENGTH_CLASS.inch, value: '0.39370000' },
  ]);
  const lengthNames: Array<[number, Bilingual, string]> = [
    [LENGTH_CLASS.cm, { en: 'Centimeter', tr: 'Santimetre' }, 'cm'],
    [LENGTH_CLASS.mm, { en: 'Millimeter', tr: 'Milimetre' }, 'mm'],
    [LENGTH_CLASS.inch, { en: 'Inch', tr: 'İnç' }, 'in'],
  ];
  await insert(
    ctx,
    'length_class_description',
    lengthNames.flatMap(([id, title, unit]) => LANGUAGE_IDS.map((lang) => ({ length_class_id: id, language_id: lang, title: lang === LANG.tr ? title.tr : title.en, unit }))),
  );

  await insert(ctx, 'customer_group', [
    { customer_group_id: CUSTOMER_GROUP.default, approval: 0, sort_order: 1 },
    { customer_group_id: CUSTOMER_GROUP.wholesale, approval: 1, sort_order: 2 },
  ]);
  const groups: Array<[number, Bilingual, Bilingual]> = [
    [CUSTOMER_GROUP.default, { en: 'Default', tr: 'Bireysel' }, { en: 'Retail customers', tr: 'Bireysel müşteriler' }],
    [CUSTOMER_GROUP.wholesale, { en: 'Wholesale', tr: 'Toptan' }, { en: 'Approved trade customers & resellers', tr: 'Onaylı kurumsal müşteriler & bayiler' }],
  ];
  await insert(
    ctx,
    'customer_group_description',
    groups.flatMap(([id, name, description]) =>
      LANGUAGE_IDS.map((lang) => ({
        customer_group_id: id,
        language_id: lang,
        name: encodeOcText(lang === LANG.tr ? name.tr : name.en),
        description: encodeOcText(lang === LANG.tr ? description.tr : description.en),
      })),
    ),
  );
}
