import { char, datetime, decimal, double, flag, int, serial, table, text, varchar, type TableDef } from './types';

/** Languages, currencies, countries/zones, taxes, units and status labels (OpenCart 3.0.x). */

// Per-language label tables keyed (id, language_id) with AUTO_INCREMENT on the first key part:
// allowed because they are MyISAM, where the counter runs per remaining key prefix.
const labelled = (name: string, idColumn: string, nameLength: number): TableDef =>
  table(name, [serial(idColumn), int('language_id'), varchar('name', nameLength)], { primary: [idColumn, 'language_id'] });

const stockStatus = labelled('stock_status', 'stock_status_id', 32);
const orderStatus = labelled('order_status', 'order_status_id', 32);

const taxClass = table(
  'tax_class',
  [serial('tax_class_id'), varchar('title', 32), varchar('description', 255), datetime('date_added'), datetime('date_modified')],
  { primary: ['tax_class_id'] },
);

const taxRate = table(
  'tax_rate',
  [
    serial('tax_rate_id'),
    int('geo_zone_id', 11, 0),
    varchar('name', 32),
    decimal('rate', 15, 4, '0.0000'),
    // 'P' percentage, 'F' fixed amount.
    char('type', 1),
    datetime('date_added'),
    datetime('date_modified'),
  ],
  { primary: ['tax_rate_id'] },
);

const taxRule = table(
  'tax_rule',
  [serial('tax_rule_id'), int('tax_class_id'), int('tax_rate_id'), varchar('based', 10), int('priority', 5, 1)],
  { primary: ['tax_rule_id'] },
);

const taxRateToCustomerGroup = table('tax_rate_to_customer_group', [int('tax_rate_id'), int('customer_group_id')], {
  primary: ['tax_rate_id', 'customer_group_id'],
});

const geoZone = table(
  'geo_zone',
  [serial('geo_zone_id'), varchar('name', 32), varchar('description', 255), datetime('date_added'), datetime('date_modified')],
  { primary: ['geo_zone_id'] },
);

const zoneToGeoZone = table(
  'zone_to_geo_zone',
  [
    serial('zone_to_geo_zone_id'),
    int('country_id'),
    // 0 = every zone of the country.
    int('zone_id', 11, 0),
    int('geo_zone_id'),
    datetime('date_added'),
    datetime('date_modified'),
  ],
  { primary: ['zone_to_geo_zone_id'] },
);

const country = table(
  'country',
  [
    serial('country_id'),
    varchar('name', 128),
    varchar('iso_code_2', 2),
    varchar('iso_code_3', 3),
    text('address_format'),
    flag('postcode_required'),
    flag('status', 1),
  ],
  { primary: ['country_id'] },
);

const zone = table(
  'zone',
  [serial('zone_id'), int('country_id'), varchar('name', 128), varchar('code', 32), flag('status', 1)],
  { primary: ['zone_id'] },
);

const currency = table(
  'currency',
  [
    serial('currency_id'),
    varchar('title', 32),
    varchar('code', 3),
    varchar('symbol_left', 12),
    varchar('symbol_right', 12),
    char('decimal_place', 1),
    // Rate against the default currency; a DOUBLE, unlike every money column.
    double('value', 15, 8),
    flag('status'),
    datetime('date_modified'),
  ],
  { primary: ['currency_id'] },
);

const language = table(
  'language',
  [
    serial('language_id'),
    varchar('name', 32),
    varchar('code', 5),
    varchar('locale', 255),
    varchar('image', 64),
    varchar('directory', 32),
    int('sort_order', 3, 0),
    flag('status'),
  ],
  { primary: ['language_id'], indexes: { name: ['name'] } },
);

const weightClass = table('weight_class', [serial('weight_class_id'), decimal('value', 15, 8, '0.00000000')], {
  primary: ['weight_class_id'],
});

const weightClassDescription = table(
  'weight_class_description',
  [int('weight_class_id'), int('language_id'), varchar('title', 32), varchar('unit', 4)],
  { primary: ['weight_class_id', 'language_id'] },
);

// Unlike weight_class.value, this one has no default.
const lengthClass = table('length_class', [serial('length_class_id'), decimal('value', 15, 8)], { primary: ['length_class_id'] });

const lengthClassDescription = table(
  'length_class_description',
  [int('length_class_id'), int('language_id'), varchar('title', 32), varchar('unit', 4)],
  { primary: ['length_class_id', 'language_id'] },
);

export const LOCALISATION_TABLES: TableDef[] = [
  stockStatus,
  taxClass,
  taxRate,
  taxRule,
  taxRateToCustomerGroup,
  geoZone,
  zoneToGeoZone,
  country,
  zone,
  currency,
  language,
  orderStatus,
  weightClass,
  weightClassDescription,
  lengthClass,
  lengthClassDescription,
];
