import { date, datetime, decimal, flag, int, money, NULLABLE, serial, table, text, varchar, ZERO_DATE, type TableDef } from './types';

/** Products, options, attributes, categories and manufacturers (OpenCart 3.0.x, NOTES §2). */

// The identity columns sku/upc/ean/jan/isbn/mpn/location are NOT NULL with no default, so every
// insert must value them (the sidecar's strict session would otherwise reject it).
const product = table(
  'product',
  [
    serial('product_id'),
    varchar('model', 64),
    varchar('sku', 64),
    varchar('upc', 12),
    varchar('ean', 14),
    varchar('jan', 13),
    varchar('isbn', 17),
    varchar('mpn', 64),
    varchar('location', 128),
    int('quantity', 4, 0),
    int('stock_status_id'),
    varchar('image', 255, NULLABLE),
    int('manufacturer_id'),
    flag('shipping', 1),
    money('price'),
    int('points', 8, 0),
    int('tax_class_id'),
    date('date_available', ZERO_DATE),
    decimal('weight', 15, 8, '0.00000000'),
    int('weight_class_id', 11, 0),
    decimal('length', 15, 8, '0.00000000'),
    decimal('width', 15, 8, '0.00000000'),
    decimal('height', 15, 8, '0.00000000'),
    int('length_class_id', 11, 0),
    flag('subtract', 1),
    int('minimum', 11, 1),
    int('sort_order', 11, 0),
    // Disabled unless told otherwise: a product inserted without status is invisible.
    flag('status', 0),
    int('viewed', 5, 0),
    datetime('date_added'),
    datetime('date_modified'),
  ],
  { primary: ['product_id'] },
);

const productDescription = table(
  'product_description',
  [
    int('product_id'),
    int('language_id'),
    varchar('name', 255),
    text('description'),
    text('tag'),
    varchar('meta_title', 255),
    varchar('meta_description', 255),
    varchar('meta_keyword', 255),
  ],
  { primary: ['product_id', 'language_id'], indexes: { name: ['name'] } },
);

const productToStore = table('product_to_store', [int('product_id'), int('store_id', 11, 0)], { primary: ['product_id', 'store_id'] });

const productToCategory = table('product_to_category', [int('product_id'), int('category_id')], {
  primary: ['product_id', 'category_id'],
  indexes: { category_id: ['category_id'] },
});

const productImage = table(
  'product_image',
  [serial('product_image_id'), int('product_id'), varchar('image', 255, NULLABLE), int('sort_order', 3, 0)],
  { primary: ['product_image_id'], indexes: { product_id: ['product_id'] } },
);

const productOption = table(
  'product_option',
  [serial('product_option_id'), int('product_id'), int('option_id'), text('value'), flag('required')],
  { primary: ['product_option_id'] },
);

// No column here has a default: each option value carries its own stock, subtract flag and modifiers.
const productOptionValue = table(
  'product_option_value',
  [
    serial('product_option_value_id'),
    int('product_option_id'),
    int('product_id'),
    int('option_id'),
    int('option_value_id'),
    int('quantity', 3),
    flag('subtract'),
    decimal('price', 15, 4),
    varchar('price_prefix', 1),
    int('points', 8),
    varchar('points_prefix', 1),
    decimal('weight', 15, 8),
    varchar('weight_prefix', 1),
  ],
  { primary: ['product_option_value_id'] },
);

const option = table('option', [serial('option_id'), varchar('type', 32), int('sort_order', 3)], { primary: ['option_id'] });

const optionDescription = table('option_description', [int('option_id'), int('language_id'), varchar('name', 128)], {
  primary: ['option_id', 'language_id'],
});

const optionValue = table(
  'option_value',
  [serial('option_value_id'), int('option_id'), varchar('image', 255), int('sort_order', 3)],
  { primary: ['option_value_id'] },
);

const optionValueDescription = table(
  'option_value_description',
  [int('option_value_id'), int('language_id'), int('option_id'), varchar('name', 128)],
  { primary: ['option_value_id', 'language_id'] },
);

const productSpecial = table(
  'product_special',
  [
    serial('product_special_id'),
    int('product_id'),
    int('customer_group_id'),
    int('priority', 5, 1),
    money('price'),
    date('date_start', ZERO_DATE),
    date('date_end', ZERO_DATE),
  ],
  { primary: ['product_special_id'], indexes: { product_id: ['product_id'] } },
);

const productDiscount = table(
  'product_discount',
  [
    serial('product_discount_id'),
    int('product_id'),
    int('customer_group_id'),
    int('quantity', 4, 0),
    int('priority', 5, 1),
    money('price'),
    date('date_start', ZERO_DATE),
    date('date_end', ZERO_DATE),
  ],
  { primary: ['product_discount_id'], indexes: { product_id: ['product_id'] } },
);

const productAttribute = table('product_attribute', [int('product_id'), int('attribute_id'), int('language_id'), text('text')], {
  primary: ['product_id', 'attribute_id', 'language_id'],
});

const attribute = table('attribute', [serial('attribute_id'), int('attribute_group_id'), int('sort_order', 3)], { primary: ['attribute_id'] });

const attributeDescription = table('attribute_description', [int('attribute_id'), int('language_id'), varchar('name', 64)], {
  primary: ['attribute_id', 'language_id'],
});

const attributeGroup = table('attribute_group', [serial('attribute_group_id'), int('sort_order', 3)], { primary: ['attribute_group_id'] });

const attributeGroupDescription = table(
  'attribute_group_description',
  [int('attribute_group_id'), int('language_id'), varchar('name', 64)],
  { primary: ['attribute_group_id', 'language_id'] },
);

const category = table(
  'category',
  [
    serial('category_id'),
    varchar('image', 255, NULLABLE),
    int('parent_id', 11, 0),
    flag('top'),
    int('column', 3),
    int('sort_order', 3, 0),
    flag('status'),
    datetime('date_added'),
    datetime('date_modified'),
  ],
  { primary: ['category_id'], indexes: { parent_id: ['parent_id'] } },
);

const categoryDescription = table(
  'category_description',
  [
    int('category_id'),
    int('language_id'),
    varchar('name', 255),
    text('description'),
    varchar('meta_title', 255),
    varchar('meta_description', 255),
    varchar('meta_keyword', 255),
  ],
  { primary: ['category_id', 'language_id'], indexes: { name: ['name'] } },
);

// Closure table: one row per (category, ancestor-or-self); level 0 is the root ancestor.
const categoryPath = table('category_path', [int('category_id'), int('path_id'), int('level')], { primary: ['category_id', 'path_id'] });

const categoryToStore = table('category_to_store', [int('category_id'), int('store_id')], { primary: ['category_id', 'store_id'] });

const manufacturer = table(
  'manufacturer',
  [serial('manufacturer_id'), varchar('name', 64), varchar('image', 255, NULLABLE), int('sort_order', 3)],
  { primary: ['manufacturer_id'] },
);

const manufacturerToStore = table('manufacturer_to_store', [int('manufacturer_id'), int('store_id')], {
  primary: ['manufacturer_id', 'store_id'],
});

export const CATALOG_TABLES: TableDef[] = [
  product,
  productDescription,
  productToStore,
  productToCategory,
  productImage,
  productOption,
  productOptionValue,
  option,
  optionDescription,
  optionValue,
  optionValueDescription,
  productSpecial,
  productDiscount,
  productAttribute,
  attribute,
  attributeDescription,
  attributeGroup,
  attributeGroupDescription,
  category,
  categoryDescription,
  categoryPath,
  categoryToStore,
  manufacturer,
  manufacturerToStore,
];
