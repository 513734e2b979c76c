import { datetime, decimal, flag, int, money, NULLABLE, serial, table, text, varchar, type ColumnDef, type TableDef } from './types';

/** Customers and orders (OpenCart 3.0.x, NOTES §3). */

const customer = table(
  'customer',
  [
    serial('customer_id'),
    int('customer_group_id'),
    int('store_id', 11, 0),
    int('language_id'),
    varchar('firstname', 32),
    varchar('lastname', 32),
    varchar('email', 96),
    varchar('telephone', 32),
    varchar('fax', 32),
    // SHA1(salt . SHA1(salt . SHA1(plain))), like admin users.
    varchar('password', 40),
    varchar('salt', 9),
    text('cart', NULLABLE),
    text('wishlist', NULLABLE),
    flag('newsletter', 0),
    int('address_id', 11, 0),
    text('custom_field'),
    varchar('ip', 40),
    flag('status'),
    flag('safe'),
    text('token'),
    varchar('code', 40),
    datetime('date_added'),
  ],
  { primary: ['customer_id'] },
);

const customerGroup = table('customer_group', [serial('customer_group_id'), int('approval', 1), int('sort_order', 3)], {
  primary: ['customer_group_id'],
});

const customerGroupDescription = table(
  'customer_group_description',
  [int('customer_group_id'), int('language_id'), varchar('name', 32), text('description')],
  { primary: ['customer_group_id', 'language_id'] },
);

const address = table(
  'address',
  [
    serial('address_id'),
    int('customer_id'),
    varchar('firstname', 32),
    varchar('lastname', 32),
    // 40 here but 60 in oc_order's address blocks.
    varchar('company', 40),
    varchar('address_1', 128),
    varchar('address_2', 128),
    varchar('city', 128),
    varchar('postcode', 10),
    int('country_id', 11, 0),
    int('zone_id', 11, 0),
    text('custom_field'),
  ],
  { primary: ['address_id'], indexes: { customer_id: ['customer_id'] } },
);

/** oc_order repeats one address block twice, for payment_* and shipping_*. */
const addressBlock = (p: 'payment' | 'shipping'): ColumnDef[] => [
  varchar(`${p}_firstname`, 32),
  varchar(`${p}_lastname`, 32),
  varchar(`${p}_company`, 60),
  varchar(`${p}_address_1`, 128),
  varchar(`${p}_address_2`, 128),
  varchar(`${p}_city`, 128),
  varchar(`${p}_postcode`, 10),
  varchar(`${p}_country`, 128),
  int(`${p}_country_id`),
  varchar(`${p}_zone`, 128),
  int(`${p}_zone_id`),
  text(`${p}_address_format`),
  text(`${p}_custom_field`),
  varchar(`${p}_method`, 128),
  varchar(`${p}_code`, 128),
];

const order = table(
  'order',
  [
    serial('order_id'),
    int('invoice_no', 11, 0),
    varchar('invoice_prefix', 26),
    int('store_id', 11, 0),
    varchar('store_name', 64),
    varchar('store_url', 255),
    int('customer_id', 11, 0),
    int('customer_group_id', 11, 0),
    varchar('firstname', 32),
    varchar('lastname', 32),
    varchar('email', 96),
    varchar('telephone', 32),
    varchar('fax', 32),
    text('custom_field'),
    ...addressBlock('payment'),
    ...addressBlock('shipping'),
    text('comment'),
    money('total'),
    // 0 = "missing order": created at checkout, never confirmed by a payment step.
    int('order_status_id', 11, 0),
    int('affiliate_id'),
    decimal('commission', 15, 4),
    int('marketing_id'),
    varchar('tracking', 64),
    int('language_id'),
    int('currency_id'),
    varchar('currency_code', 3),
    decimal('currency_value', 15, 8, '1.00000000'),
    varchar('ip', 40),
    varchar('forwarded_ip', 40),
    varchar('user_agent', 255),
    varchar('accept_language', 255),
    datetime('date_added'),
    datetime('date_modified'),
  ],
  { primary: ['order_id'] },
);

// price and total exclude tax; tax is per unit.
const orderProduct = table(
  'order_product',
  [
    serial('order_product_id'),
    int('order_id'),
    int('product_id'),
    varchar('name', 255),
    varchar('model', 64),
    int('quantity', 4),
    money('price'),
    money('total'),
    money('tax'),
    int('reward', 8),
  ],
  { primary: ['order_product_id'], indexes: { order_id: ['order_id'] } },
);

const orderOption = table(
  'order_option',
  [
    serial('order_option_id'),
    int('order_id'),
    int('order_product_id'),
    int('product_option_id'),
    // 0 for text/textarea/file/date options: those take no part in stock handling.
    int('product_option_value_id', 11, 0),
    varchar('name', 255),
    text('value'),
    varchar('type', 32),
  ],
  { primary: ['order_option_id'] },
);

const orderTotal = table(
  'order_total',
  [serial('order_total_id', 10), int('order_id'), varchar('code', 32), varchar('title', 255), money('value'), int('sort_order', 3)],
  { primary: ['order_total_id'], indexes: { order_id: ['order_id'] } },
);

const orderHistory = table(
  'order_history',
  [serial('order_history_id'), int('order_id'), int('order_status_id'), flag('notify', 0), text('comment'), datetime('date_added')],
  { primary: ['order_history_id'] },
);

export const SALES_TABLES: TableDef[] = [
  customer,
  customerGroup,
  customerGroupDescription,
  address,
  order,
  orderProduct,
  orderOption,
  orderTotal,
  orderHistory,
];
