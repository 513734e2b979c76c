import type { OcContext } from './context';
import { shopNow } from './clock';
import { charLength, encodeOcText, phpJsonEncode } from './text';
import { fromUnits, toUnits } from './money';
import { OrderInputError, type CreateOrderData } from './order-input';
import { inChunks } from './sql';

/**
 * Turns a validated createOrder input into the exact rows OpenCart's checkout would write (confirm
 * controller + model addOrder): every NOT NULL column valued, user text entity-encoded, names taken from
 * the shop's own data as stored, shop-local timestamps, status 0. The plan is self-contained JSON so a
 * recovery can finish the write without the caller or the input.
 */

export type Row = Record<string, string | number>;

export interface CreatePlan {
  order: Row;
  products: Array<{ row: Row; options: Row[] }>;
  totals: Row[];
}

export const userAgentTag = (version: string, token: string): string => `MesChain-Sync/${version} (write ${token})`;

/** VARCHAR sizes of the oc_order columns we fill from input (characters, after encoding). */
const ORDER_LIMITS: Record<string, number> = {
  firstname: 32, lastname: 32, email: 96, telephone: 32, fax: 32,
  payment_firstname: 32, payment_lastname: 32, payment_company: 60, payment_address_1: 128, payment_address_2: 128,
  payment_city: 128, payment_postcode: 10, payment_country: 128, payment_zone: 128, payment_method: 128, payment_code: 128,
  shipping_firstname: 32, shipping_lastname: 32, shipping_company: 60, shipping_address_1: 128, shipping_address_2: 128,
  shipping_city: 128, shipping_postcode: 10, shipping_country: 128, shipping_zone: 128, shipping_method: 128, shipping_code: 128,
  tracking: 64, ip: 40, forwarded_ip: 40, user_agent: 255, accept_language: 255, invoice_prefix: 26, store_name: 64, store_url: 255,
};

function checkLengths(row: Row, limits: Record<string, number>, table: string, where: string, issues: string[]): void {
  for (const [col, max] of Object.entries(limits)) {
    const v = row[col];
    const n = typeof v === 'string' ? charLength(v) : 0;
    if (n > max) issues.push(`${where}${col}: ${n} characters after HTML encoding, but ${table}.${col} holds ${max}`);
  }
}

/** PHP's json_encode of a custom field array: [] when empty, a list for 0..n-1 keys, an object otherwise. */
function customFieldJson(value: Record<string, unknown> | undefined): string {
  if (!value) return '[]';
  const keys = Object.keys(value);
  if (keys.length === 0) return '[]';
  if (keys.every((k, i) => k === String(i))) return phpJsonEncode(keys.map((k) => value[k]));
  return phpJsonEncode(value);
}

interface CountryRow { country_id: number; name: string; address_format: string }
interface ZoneRow { zone_id: number; country_id: number; name: string }

/** Every shop row a set of plans names, read once (one query per table) for all of them. */
export interface PlanCatalog {
  countries: Map<number, CountryRow>;
  zones: Map<number, ZoneRow>;
  currencies: Map<string, { currency_id: number; value: number | string }>;
  /** Keyed `${languageId}|${id}`: names are per language. */
  products: Map<string, { product_id: number; model: string; name: string | null }>;
  options: Map<string, { product_option_id: number; product_id: number; value: string; type: string | null; name: string | null }>;
  values: Map<string, { product_option_value_id: number; product_option_id: number; name: string | null }>;
}

const languageOf = (ctx: OcContext, data: CreateOrderData): number => data.languageId ?? ctx.languageId;

export async function loadPlanCatalog(ctx: OcContext, all: readonly CreateOrderData[]): Promise<PlanCatalog> {
  const t = ctx.table.bind(ctx);
  const addresses = all.flatMap((d) => [d.paymentAddress, ...(d.shippingAddress ? [d.shippingAddress] : [])]);
  const countryIds = addresses.map((a) => a.countryId).filter((id) => id > 0);
  const zoneIds = addresses.map((a) => a.zoneId).filter((id) => id > 0);
  const catalog: PlanCatalog = {
    countries: new Map(
      (await inChunks(countryIds, (chunk) => ctx.knex(t('country')).select('country_id', 'name', 'address_format').whereIn('country_id', chunk) as Promise<CountryRow[]>)).map((c) => [c.country_id, c]),
    ),
    zones: new Map((await inChunks(zoneIds, (chunk) => ctx.knex(t('zone')).select('zone_id', 'country_id', 'name').whereIn('zone_id', chunk) as Promise<ZoneRow[]>)).map((z) => [z.zone_id, z])),
    currencies: new Map(),
    products: new Map(),
    options: new Map(),
    values: new Map(),
  };
  const codes = [...new Set(all.map((d) => d.currencyCode ?? ctx.defaultCurrency))];
  const currencies = (await ctx.knex(t('currency')).select('code', 'currency_id', 'value').whereIn('code', codes)) as Array<{ code: string; currency_id: number; value: number | string }>;
  // Keyed upper-case: the column's collation compares codes case-insensitively.
  for (const c of currencies) catalog.currencies.set(c.code.toUpperCase(), c);

  // Products and options: names as stored (already encoded), per language asked for.
  for (const languageId of new Set(all.map((d) => languageOf(ctx, d)))) {
    const lines = all.filter((d) => languageOf(ctx, d) === languageId).flatMap((d) => d.products);
    const productRows = await inChunks(lines.map((p) => p.productId), (chunk) =>
      ctx
        .knex(`${t('product')} as p`)
        .leftJoin(`${t('product_description')} as pd`, (j) => j.on('pd.product_id', 'p.product_id').andOnVal('pd.language_id', languageId))
        .select('p.product_id', 'p.model', 'pd.name')
        .whereIn('p.product_id', chunk) as Promise<Array<{ product_id: number; model: string; name: string | null }>>,
    );
    for (const r of productRows) catalog.products.set(`${languageId}|${r.product_id}`, r);
    const optionRows = await inChunks(lines.flatMap((p) => p.options.map((o) => o.productOptionId)), (chunk) =>
      ctx
        .knex(`${t('product_option')} as po`)
        .leftJoin(`${t('option')} as o`, 'o.option_id', 'po.option_id')
        .leftJoin(`${t('option_description')} as od`, (j) => j.on('od.option_id', 'po.option_id').andOnVal('od.language_id', languageId))
        .select('po.product_option_id', 'po.product_id', 'po.value', 'o.type', 'od.name')
        .whereIn('po.product_option_id', chunk) as Promise<Array<{ product_option_id: number; product_id: number; value: string; type: string | null; name: string | null }>>,
    );
    for (const r of optionRows) catalog.options.set(`${languageId}|${r.product_option_id}`, r);
    const valueIds = lines.flatMap((p) => p.options.map((o) => o.productOptionValueId)).filter((id) => id > 0);
    const valueRows = await inChunks(valueIds, (chunk) =>
      ctx
        .knex(`${t('product_option_value')} as pov`)
        .leftJoin(`${t('option_value_description')} as ovd`, (j) => j.on('ovd.option_value_id', 'pov.option_value_id').andOnVal('ovd.language_id', languageId))
        .select('pov.product_option_value_id', 'pov.product_option_id', 'ovd.name')
        .whereIn('pov.product_option_value_id', chunk) as Promise<Array<{ product_option_value_id: number; product_option_id: number; name: string | null }>>,
    );
    for (const r of valueRows) catalog.values.set(`${languageId}|${r.product_option_value_id}`, r);
  }
  return catalog;
}

export async function resolveCreatePlan(ctx: OcContext, data: CreateOrderData, token: string, version: string): Promise<CreatePlan> {
  return planFromCatalog(ctx, await loadPlanCatalog(ctx, [data]), data, token, version);
}

/** The plan of one order from rows read beforehand; throws OrderInputError naming every problem. */
export function planFromCatalog(ctx: OcContext, catalog: PlanCatalog, data: CreateOrderData, token: string, version: string): CreatePlan {
  const issues: string[] = [];
  const t = ctx.table.bind(ctx);
  const enc = encodeOcText;
  const addresses = { payment: data.paymentAddress, shipping: data.shippingAddress };
  const { countries, zones } = catalog;
  const addressColumns = (kind: 'payment' | 'shipping'): Row => {
    const a = addresses[kind];
    if (!a) {
      return {
        [`${kind}_firstname`]: '', [`${kind}_lastname`]: '', [`${kind}_company`]: '', [`${kind}_address_1`]: '', [`${kind}_address_2`]: '',
        [`${kind}_city`]: '', [`${kind}_postcode`]: '', [`${kind}_country`]: '', [`${kind}_country_id`]: 0, [`${kind}_zone`]: '',
        [`${kind}_zone_id`]: 0, [`${kind}_address_format`]: '', [`${kind}_custom_field`]: '[]',
      };
    }
    const country = countries.get(a.countryId);
    if (a.countryId > 0 && !country) issues.push(`${kind}Address.countryId: ${a.countryId} is not a country in ${t('country')}`);
    const zone = zones.get(a.zoneId);
    if (a.zoneId > 0 && !zone) issues.push(`${kind}Address.zoneId: ${a.zoneId} is not a zone in ${t('zone')}`);
    else if (zone && zone.country_id !== a.countryId) issues.push(`${kind}Address.zoneId: zone ${a.zoneId} belongs to country ${zone.country_id}, not ${a.countryId}`);
    return {
      [`${kind}_firstname`]: enc(a.firstname),
      [`${kind}_lastname`]: enc(a.lastname),
      [`${kind}_company`]: enc(a.company),
      [`${kind}_address_1`]: enc(a.address1),
      [`${kind}_address_2`]: enc(a.address2),
      [`${kind}_city`]: enc(a.city),
      [`${kind}_postcode`]: enc(a.postcode),
      [`${kind}_country`]: a.country !== undefined ? enc(a.country) : (country?.name ?? ''),
      [`${kind}_country_id`]: a.countryId,
      [`${kind}_zone`]: a.zone !== undefined ? enc(a.zone) : (zone?.name ?? ''),
      [`${kind}_zone_id`]: a.zoneId,
      [`${kind}_address_format`]: country?.address_format ?? '',
      [`${kind}_custom_field`]: customFieldJson(a.customField),
    };
  };

  const currencyCode = data.currencyCode ?? ctx.defaultCurrency;
  const currency = catalog.currencies.get(currencyCode.toUpperCase());
  if (!currency) issues.push(`currencyCode: ${currencyCode} is not a currency in ${t('currency')}`);
  let currencyValue = currency ? Number(currency.value) : 1;
  if (data.currencyValue !== undefined) {
    currencyValue = Number(data.currencyValue);
    if (!Number.isFinite(currencyValue) || currencyValue <= 0) issues.push('currencyValue: must be a positive number');
  }

  const languageId = languageOf(ctx, data);
  if (!ctx.languages.some((l) => l.languageId === languageId)) issues.push(`languageId: ${languageId} is not a language in ${t('language')}`);

  const productsById = { get: (id: number) => catalog.products.get(`${languageId}|${id}`) };
  const optionsById = { get: (id: number) => catalog.options.get(`${languageId}|${id}`) };
  const valuesById = { get: (id: number) => catalog.values.get(`${languageId}|${id}`) };

  const products = data.products.map((line, i) => {
    const where = `products.${i}.`;
    const product = productsById.get(line.productId);
    if (!product) issues.push(`${where}productId: ${line.productId} is not a product in ${t('product')}`);
    const name = line.name !== undefined ? enc(line.name) : product?.name;
    if (product && name === undefined) issues.push(`${where}name: product ${line.productId} has no name in language ${languageId}; give one`);
    if (name === null) issues.push(`${where}name: product ${line.productId} has no name in language ${languageId}; give one`);
    const computedTotal = fromUnits(toUnits(line.price) * BigInt(line.quantity));
    if (line.total !== undefined && line.total !== computedTotal) issues.push(`${where}total: ${line.total} is not price × quantity (${computedTotal})`);
    const row: Row = {
      product_id: line.productId,
      name: name ?? '',
      model: line.model !== undefined ? enc(line.model) : (product?.model ?? ''),
      quantity: line.quantity,
      price: line.price,
      total: computedTotal,
      tax: line.tax,
      reward: line.reward,
    };
    checkLengths(row, { name: 255, model: 64 }, t('order_product'), where, issues);
    const options = line.options.map((o, j): Row => {
      const ow = `${where}options.${j}.`;
      const option = optionsById.get(o.productOptionId);
      if (!option) issues.push(`${ow}productOptionId: ${o.productOptionId} is not a product option in ${t('product_option')}`);
      else if (option.product_id !== line.productId) issues.push(`${ow}productOptionId: ${o.productOptionId} belongs to product ${option.product_id}, not ${line.productId}`);
      const value = o.productOptionValueId > 0 ? valuesById.get(o.productOptionValueId) : undefined;
      if (o.productOptionValueId > 0 && !value) issues.push(`${ow}productOptionValueId: ${o.productOptionValueId} is not in ${t('product_option_value')}`);
      else if (value && value.product_option_id !== o.productOptionId) {
        issues.push(`${ow}productOptionValueId: ${o.productOptionValueId} belongs to product option ${value.product_option_id}, not ${o.productOptionId}`);
      }
      const out: Row = {
        product_option_id: o.productOptionId,
        product_option_value_id: o.productOptionValueId,
        name: o.name !== undefined ? enc(o.name) : (option?.name ?? ''),
        value: o.value !== undefined ? enc(o.value) : o.productOptionValueId > 0 ? (value?.name ?? '') : (option?.value ?? ''),
        type: o.type ?? option?.type ?? '',
      };
      checkLengths(out, { name: 255, type: 32 }, t('order_option'), ow, issues);
      return out;
    });
    return { row, options };
  });

  const totalLines = data.totals.filter((x) => x.code === 'total');
  if (totalLines.length !== 1) issues.push(`totals: must contain exactly one line with code 'total' (found ${totalLines.length})`);
  const totals = data.totals.map((x, i): Row => {
    const row: Row = { code: x.code, title: enc(x.title), value: x.value, sort_order: x.sortOrder };
    checkLengths(row, { title: 255 }, t('order_total'), `totals.${i}.`, issues);
    return row;
  });

  const at = shopNow(ctx);
  const order: Row = {
    invoice_no: 0,
    invoice_prefix: ctx.invoicePrefix,
    store_id: ctx.storeId,
    store_name: ctx.storeName,
    store_url: ctx.storeUrl,
    customer_id: data.customer.customerId,
    customer_group_id: data.customer.customerGroupId ?? ctx.customerGroupId,
    firstname: enc(data.customer.firstname),
    lastname: enc(data.customer.lastname),
    email: enc(data.customer.email),
    telephone: enc(data.customer.telephone),
    fax: enc(data.customer.fax),
    custom_field: customFieldJson(data.customer.customField),
    ...addressColumns('payment'),
    payment_method: enc(data.paymentMethod.title),
    payment_code: enc(data.paymentMethod.code),
    ...addressColumns('shipping'),
    shipping_method: data.shippingMethod ? enc(data.shippingMethod.title) : '',
    shipping_code: data.shippingMethod ? enc(data.shippingMethod.code) : '',
    comment: enc(data.comment),
    total: totalLines[0]?.value ?? '0.0000',
    order_status_id: 0,
    affiliate_id: data.affiliateId,
    commission: data.commission,
    marketing_id: data.marketingId,
    tracking: enc(data.tracking),
    language_id: languageId,
    currency_id: currency?.currency_id ?? 0,
    currency_code: currencyCode,
    currency_value: currencyValue.toFixed(8),
    ip: enc(data.ip),
    forwarded_ip: enc(data.forwardedIp),
    user_agent: userAgentTag(version, token),
    accept_language: enc(data.acceptLanguage),
    date_added: at,
    date_modified: at,
  };
  checkLengths(order, ORDER_LIMITS, t('order'), '', issues);

  if (issues.length) throw new OrderInputError(`invalid order: ${issues.join('; ')}`, issues);
  return { order, products, totals };
}
