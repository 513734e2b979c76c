import type { Bilingual } from './context';

/**
 * The shop's global options (OpenCart option / option_value). Products attach a subset of the values,
 * each with its own stock (there is no per-combination stock in OpenCart).
 */

export type OptionKey = 'size' | 'colour' | 'shoeSize' | 'waist' | 'age' | 'storage' | 'bedSize' | 'giftWrap' | 'giftNote';

export interface OptionValueDef {
  name: Bilingual;
  /** Price added by this value (storage, bed size), in lira. */
  price?: number;
  /** Relative demand among the values (M and L sell more than XS). */
  demand?: number;
}

export interface OptionDef {
  key: OptionKey;
  type: 'select' | 'radio' | 'checkbox' | 'text';
  name: Bilingual;
  values: OptionValueDef[];
}

const same = (s: string): Bilingual => ({ tr: s, en: s });

export const OPTIONS: OptionDef[] = [
  {
    key: 'size',
    type: 'select',
    name: { tr: 'Beden', en: 'Size' },
    values: [
      { name: same('XS'), demand: 0.5 },
      { name: same('S'), demand: 1 },
      { name: same('M'), demand: 1.6 },
      { name: same('L'), demand: 1.5 },
      { name: same('XL'), demand: 0.9 },
      { name: same('XXL'), demand: 0.4 },
    ],
  },
  {
    key: 'colour',
    type: 'select',
    name: { tr: 'Renk', en: 'Colour' },
    values: [
      { name: { tr: 'Siyah', en: 'Black' }, demand: 2 },
      { name: { tr: 'Beyaz', en: 'White' }, demand: 1.5 },
      { name: { tr: 'Lacivert', en: 'Navy' }, demand: 1.2 },
      { name: { tr: 'Gri', en: 'Grey' }, demand: 1 },
      { name: { tr: 'Bej', en: 'Beige' }, demand: 0.9 },
      { name: { tr: 'Kırmızı', en: 'Red' }, demand: 0.6 },
      { name: { tr: 'Haki', en: 'Khaki' }, demand: 0.6 },
      { name: { tr: 'Mavi', en: 'Blue' }, demand: 0.8 },
      { name: { tr: 'Pembe', en: 'Pink' }, demand: 0.5 },
      { name: { tr: 'Yeşil', en: 'Green' }, demand: 0.5 },
    ],
  },
  {
    key: 'shoeSize',
    type: 'select',
    name: { tr: 'Numara', en: 'Shoe Size' },
    values: ['36', '37', '38', '39', '40', '41', '42', '43', '44', '45'].map((n, i) => ({ name: same(n), demand: [0.4, 0.8, 1.1, 1.2, 1.2, 1.3, 1.3, 1.1, 0.7, 0.4][i] })),
  },
  {
    key: 'waist',
    type: 'select',
    name: { tr: 'Bel', en: 'Waist' },
    values: ['28', '29', '30', '31', '32', '33', '34', '36'].map((n, i) => ({ name: same(n), demand: [0.4, 0.6, 1, 1.2, 1.3, 1.1, 0.9, 0.5][i] })),
  },
  {
    key: 'age',
    type: 'select',
    name: { tr: 'Yaş', en: 'Age' },
    values: ['2-3', '4-5', '6-7', '8-9', '10-11'].map((n) => ({ name: { tr: `${n} Yaş`, en: `${n} Years` }, demand: 1 })),
  },
  {
    key: 'storage',
    type: 'radio',
    name: { tr: 'Kapasite', en: 'Storage' },
    values: [
      { name: same('128 GB'), price: 0, demand: 1.4 },
      { name: same('256 GB'), price: 2500, demand: 1.2 },
      { name: same('512 GB'), price: 6000, demand: 0.5 },
      { name: same('1 TB'), price: 11000, demand: 0.2 },
    ],
  },
  {
    key: 'bedSize',
    type: 'select',
    name: { tr: 'Ölçü', en: 'Bed Size' },
    values: [
      { name: { tr: 'Tek Kişilik', en: 'Single' }, price: 0, demand: 0.8 },
      { name: { tr: 'Çift Kişilik', en: 'Double' }, price: 300, demand: 1.5 },
      { name: { tr: 'King Size', en: 'King Size' }, price: 600, demand: 0.5 },
    ],
  },
  {
    key: 'giftWrap',
    type: 'checkbox',
    name: { tr: 'Hediye Paketi', en: 'Gift Wrap' },
    values: [{ name: { tr: 'Hediye paketi yapılsın', en: 'Gift-wrap this item' }, price: 29.9 }],
  },
  { key: 'giftNote', type: 'text', name: { tr: 'Hediye Notu', en: 'Gift Note' }, values: [] },
];

export interface NumberedOption extends OptionDef {
  optionId: number;
  /** option_value_id of each value, in order. */
  valueIds: number[];
}

/** Options with their OpenCart ids: options 1…n, values numbered across all options. */
export function numberOptions(): NumberedOption[] {
  let valueId = 0;
  return OPTIONS.map((o, i) => ({ ...o, optionId: i + 1, valueIds: o.values.map(() => ++valueId) }));
}

export const GIFT_NOTES: string[] = [
  'İyi ki doğdun canım kardeşim!',
  'Yeni evinizde mutluluklar dileriz.',
  'Anneler Günün kutlu olsun anneciğim ❤',
  'Happy birthday, love you!',
  'Geçmiş olsun, en kısa zamanda iyileş.',
  'Yeni yılın kutlu olsun!',
  'Tebrikler mezun!',
];
