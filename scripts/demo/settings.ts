import { createHash, randomBytes } from 'node:crypto';
import { encodeOcText, phpJsonEncode } from '../../sidecar/src/db/opencart/text';
import { insert, LANG, type SeedContext } from './context';
import { TURKEY_ID } from './geo';
import { CUSTOMER_GROUP, LENGTH_CLASS, STATUS, TAX_CLASS, WEIGHT_CLASS } from './reference';
import { addDays } from './time';

/**
 * Store 0's settings (code 'config'), the installed extensions with their settings, the admin users and
 * groups and the API user: what OpenCart's installer and a shop owner's first afternoon would leave.
 */

export const STORE_NAME = 'MesChain Demo Mağaza';
export const FLAT_SHIPPING_COST = 49.9;
export const FREE_SHIPPING_OVER = 750;

/** OpenCart's password scheme for admin users and customers: SHA1(salt . SHA1(salt . SHA1(plain))). */
export function opencartPassword(plain: string, salt: string): string {
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
  return sha1(salt + sha1(salt + sha1(plain)));
}

/** OpenCart's token(n): letters and digits. Random (crypto), not from the seeded PRNG: these are secrets. */
export function token(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

type SettingValue = string | number | string[];

function settingRows(code: string, values: Record<string, SettingValue>): Array<Record<string, unknown>> {
  return Object.entries(values).map(([key, value]) => ({
    store_id: 0,
    code,
    key,
    // Arrays are JSON with serialized = 1 (not PHP serialize); scalars are saved as typed in the form.
    value: Array.isArray(value) ? phpJsonEncode(value) : typeof value === 'number' ? String(value) : encodeOcText(value),
    serialized: Array.isArray(value) ? 1 : 0,
  }));
}

export interface SettingsInput {
  timezone: string;
  storeUrl: string;
}

export async function seedSettings(ctx: SeedContext, input: SettingsInput): Promise<void> {
  const year = ctx.clock.today.year;
  const config: Record<string, SettingValue> = {
    config_name: STORE_NAME,
    config_owner: 'MesChain Demo Ticaret Ltd. Şti.',
    config_address: 'Caferağa Mah. Moda Cad. No:12/3\r\n34710 Kadıköy/İstanbul',
    config_geocode: '',
    config_email: 'magaza@meschain-demo.test',
    config_telephone: '+90 216 555 01 23',
    config_fax: '',
    config_image: '',
    config_open: 'Hafta içi 09:00-18:00',
    config_comment: '',
    // Only extra stores have config_url in OpenCart; store 0's URL is HTTP_SERVER. Kept for tools that look.
    config_url: input.storeUrl,
    config_meta_title: STORE_NAME,
    config_meta_description: 'Giyim, ayakkabı, elektronik ve ev ürünlerinde uygun fiyatlar',
    config_meta_keyword: 'giyim, ayakkabı, elektronik, ev, mutfak',
    config_theme: 'default',
    config_layout_id: 4,
    config_country_id: TURKEY_ID,
    config_zone_id: 3354,
    config_timezone: input.timezone,
    config_language: 'tr-tr',
    config_admin_language: 'tr-tr',
    config_currency: 'TRY',
    config_currency_auto: 0,
    config_length_class_id: LENGTH_CLASS.cm,
    config_weight_class_id: WEIGHT_CLASS.kg,
    config_product_count: 1,
    config_limit_admin: 25,
    config_review_status: 1,
    config_review_guest: 1,
    config_voucher_min: 1,
    config_voucher_max: 1000,
    config_tax: 1,
    config_tax_default: 'shipping',
    config_tax_customer: 'shipping',
    config_customer_online: 0,
    config_customer_activity: 0,
    config_customer_search: 0,
    config_customer_group_id: CUSTOMER_GROUP.default,
    config_customer_group_display: [String(CUSTOMER_GROUP.default), String(CUSTOMER_GROUP.wholesale)],
    config_customer_price: 0,
    config_login_attempts: 5,
    config_account_id: 3,
    config_invoice_prefix: `INV-${year}-00`,
    config_api_id: 1,
    config_cart_weight: 1,
    config_checkout_guest: 1,
    config_checkout_id: 5,
    config_order_status_id: STATUS.pending,
    config_processing_status: [STATUS.complete, STATUS.pending, STATUS.processing, STATUS.reversed, STATUS.shipped].map(String),
    config_complete_status: [STATUS.complete, STATUS.shipped].map(String),
    config_fraud_status_id: STATUS.pending,
    config_stock_display: 1,
    config_stock_warning: 1,
    config_stock_checkout: 0,
    config_affiliate_approval: 0,
    config_affiliate_auto: 0,
    config_affiliate_commission: 5,
    config_affiliate_id: 4,
    config_return_id: 0,
    config_return_status_id: 2,
    config_captcha: '',
    config_captcha_page: ['review', 'return', 'contact'],
    config_logo: 'catalog/meschain-logo.png',
    config_icon: 'catalog/cart.png',
    config_mail_engine: 'mail',
    config_mail_parameter: '',
    config_mail_smtp_hostname: '',
    config_mail_smtp_username: '',
    config_mail_smtp_password: '',
    config_mail_smtp_port: 25,
    config_mail_smtp_timeout: 5,
    config_mail_alert: ['order'],
    config_mail_alert_email: '',
    config_maintenance: 0,
    config_seo_url: 1,
    config_robots: '',
    config_compression: 0,
    config_secure: 0,
    config_password: 1,
    config_shared: 0,
    config_encryption: token(1024),
    config_file_max_size: 300000,
    config_file_ext_allowed: 'zip\r\ntxt\r\npng\r\njpe\r\njpeg\r\njpg\r\ngif\r\nbmp\r\nico\r\ntiff\r\ntif\r\nsvg\r\nsvgz\r\npdf',
    config_file_mime_allowed: 'text/plain\r\nimage/png\r\nimage/jpeg\r\nimage/gif\r\nimage/bmp\r\nimage/tiff\r\nimage/svg+xml\r\napplication/zip\r\napplication/pdf',
    config_error_display: 0,
    config_error_log: 1,
    config_error_filename: 'error.log',
  };

  const bankInstructions = {
    tr: 'Ödemenizi Demo Bankası TR00 0000 0000 0000 0000 0000 00 IBAN numarasına, açıklamaya sipariş numaranızı yazarak yapabilirsiniz. Siparişiniz ödeme onaylandıktan sonra kargoya verilir.',
    en: 'Please transfer the total to Demo Bank, IBAN TR00 0000 0000 0000 0000 0000 00, quoting your order number. Your order ships once the payment has cleared.',
  };

  const rows = [
    ...settingRows('config', config),
    ...settingRows('payment_cod', { payment_cod_status: 1, payment_cod_sort_order: 1, payment_cod_total: '0.01', payment_cod_order_status_id: STATUS.pending, payment_cod_geo_zone_id: 0 }),
    ...settingRows('payment_bank_transfer', {
      [`payment_bank_transfer_bank${LANG.tr}`]: bankInstructions.tr,
      [`payment_bank_transfer_bank${LANG.en}`]: bankInstructions.en,
      payment_bank_transfer_total: '',
      payment_bank_transfer_order_status_id: STATUS.pending,
      payment_bank_transfer_geo_zone_id: 0,
      payment_bank_transfer_status: 1,
      payment_bank_transfer_sort_order: 2,
    }),
    ...settingRows('shipping_flat', {
      shipping_flat_cost: FLAT_SHIPPING_COST.toFixed(2),
      shipping_flat_tax_class_id: TAX_CLASS.standard,
      shipping_flat_geo_zone_id: 0,
      shipping_flat_status: 1,
      shipping_flat_sort_order: 1,
    }),
    ...settingRows('shipping_free', { shipping_free_total: FREE_SHIPPING_OVER, shipping_free_geo_zone_id: 0, shipping_free_status: 1, shipping_free_sort_order: 2 }),
    ...settingRows('total_sub_total', { total_sub_total_status: 1, total_sub_total_sort_order: 1 }),
    ...settingRows('total_shipping', { total_shipping_status: 1, total_shipping_sort_order: 3, total_shipping_estimator: 1 }),
    ...settingRows('total_coupon', { total_coupon_status: 1, total_coupon_sort_order: 4 }),
    ...settingRows('total_tax', { total_tax_status: 1, total_tax_sort_order: 5 }),
    ...settingRows('total_total', { total_total_status: 1, total_total_sort_order: 9 }),
    ...settingRows('module_category', { module_category_status: 1 }),
    ...settingRows('module_account', { module_account_status: 1 }),
    ...settingRows('theme_default', { theme_default_directory: 'default', theme_default_status: 1, theme_default_product_limit: 15, theme_default_product_description_length: 100 }),
    ...settingRows('dashboard_sale', { dashboard_sale_status: 1, dashboard_sale_sort_order: 2, dashboard_sale_width: 3 }),
    ...settingRows('dashboard_order', { dashboard_order_status: 1, dashboard_order_sort_order: 1, dashboard_order_width: 3 }),
    ...settingRows('dashboard_chart', { dashboard_chart_status: 1, dashboard_chart_sort_order: 6, dashboard_chart_width: 6 }),
    ...settingRows('dashboard_recent', { dashboard_recent_status: 1, dashboard_recent_sort_order: 8, dashboard_recent_width: 8 }),
  ];
  await insert(ctx, 'setting', rows);

  const extensions: Array<[string, string]> = [
    ['payment', 'cod'],
    ['payment', 'bank_transfer'],
    ['shipping', 'flat'],
    ['shipping', 'free'],
    ['total', 'sub_total'],
    ['total', 'shipping'],
    ['total', 'coupon'],
    ['total', 'tax'],
    ['total', 'total'],
    ['module', 'category'],
    ['module', 'account'],
    ['theme', 'default'],
    ['dashboard', 'sale'],
    ['dashboard', 'order'],
    ['dashboard', 'chart'],
    ['dashboard', 'recent'],
  ];
  await insert(ctx, 'extension', extensions.map(([type, code], i) => ({ extension_id: i + 1, type, code })));
}

/** Core admin route keys (NOTES §5) the Administrator group may open and change. */
const ADMIN_ROUTES = [
  ...['attribute', 'attribute_group', 'category', 'download', 'filter', 'information', 'manufacturer', 'option', 'product', 'recurring', 'review'].map((r) => `catalog/${r}`),
  ...['column_left', 'developer', 'filemanager', 'profile', 'security'].map((r) => `common/${r}`),
  ...['custom_field', 'customer', 'customer_approval', 'customer_group'].map((r) => `customer/${r}`),
  ...['banner', 'layout', 'theme', 'translation', 'seo_url'].map((r) => `design/${r}`),
  ...['advertise', 'analytics', 'captcha', 'currency', 'dashboard', 'feed', 'fraud', 'menu', 'module', 'payment', 'report', 'shipping', 'theme', 'total'].map(
    (r) => `extension/extension/${r}`,
  ),
  ...['activity', 'chart', 'customer', 'map', 'online', 'order', 'recent', 'sale'].map((r) => `extension/dashboard/${r}`),
  'extension/module/account',
  'extension/module/category',
  'extension/payment/bank_transfer',
  'extension/payment/cod',
  'extension/shipping/flat',
  'extension/shipping/free',
  'extension/theme/default',
  ...['coupon', 'shipping', 'sub_total', 'tax', 'total'].map((r) => `extension/total/${r}`),
  ...['country', 'currency', 'geo_zone', 'language', 'length_class', 'location', 'order_status', 'return_action', 'return_reason', 'return_status', 'stock_status', 'tax_class', 'tax_rate', 'weight_class', 'zone'].map(
    (r) => `localisation/${r}`,
  ),
  ...['contact', 'coupon', 'marketing'].map((r) => `marketing/${r}`),
  ...['api', 'event', 'extension', 'install', 'installer', 'marketplace', 'modification'].map((r) => `marketplace/${r}`),
  ...['online', 'report', 'statistics'].map((r) => `report/${r}`),
  ...['order', 'recurring', 'return', 'voucher', 'voucher_theme'].map((r) => `sale/${r}`),
  'setting/setting',
  'setting/store',
  ...['backup', 'log', 'upload'].map((r) => `tool/${r}`),
  ...['api', 'user', 'user_permission'].map((r) => `user/${r}`),
];

/** What shop staff may do: the catalogue and orders, nothing in settings, extensions or users. */
const STAFF_ACCESS = ['catalog/product', 'catalog/category', 'catalog/option', 'catalog/manufacturer', 'sale/order', 'sale/return', 'customer/customer', 'report/report', 'common/filemanager'];
const STAFF_MODIFY = ['catalog/product', 'sale/order', 'sale/return', 'common/filemanager'];

export const USER_GROUP = { administrator: 1, demonstration: 10, staff: 11 } as const;

export interface DemoCredentials {
  admin: { username: string; password: string };
  staff: { username: string; password: string };
}

export async function seedUsers(ctx: SeedContext, credentials: DemoCredentials): Promise<void> {
  await insert(ctx, 'user_group', [
    { user_group_id: USER_GROUP.administrator, name: 'Administrator', permission: phpJsonEncode({ access: ADMIN_ROUTES, modify: ADMIN_ROUTES }) },
    { user_group_id: USER_GROUP.demonstration, name: 'Demonstration', permission: '' },
    { user_group_id: USER_GROUP.staff, name: 'Mağaza Personeli', permission: phpJsonEncode({ access: STAFF_ACCESS, modify: STAFF_MODIFY }) },
  ]);
  const since = `${addDays(ctx.clock.today.date, -3 * 365)} 09:00:00`;
  const user = (id: number, group: number, who: { username: string; password: string }, first: string, last: string, email: string) => {
    const salt = token(9);
    return {
      user_id: id,
      user_group_id: group,
      username: who.username,
      password: opencartPassword(who.password, salt),
      salt,
      firstname: encodeOcText(first),
      lastname: encodeOcText(last),
      email,
      image: '',
      code: '',
      ip: '127.0.0.1',
      status: 1,
      date_added: since,
    };
  };
  await insert(ctx, 'user', [
    user(1, USER_GROUP.administrator, credentials.admin, 'Demo', 'Yönetici', 'admin@meschain-demo.test'),
    user(2, USER_GROUP.staff, credentials.staff, 'Elif', 'Personel', 'personel@meschain-demo.test'),
  ]);
  // The user the admin's order pages act as (config_api_id = 1).
  await insert(ctx, 'api', [{ api_id: 1, username: 'Default', key: token(256), status: 1, date_added: since, date_modified: since }]);
}
