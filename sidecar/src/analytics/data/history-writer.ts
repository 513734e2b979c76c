import type { Knex } from 'knex';
import { encodeOcText, type OcContext } from '../../db/opencart';
import { opencartTable, type OpencartTableName } from '../../db/opencart/schema';
import type { ColumnDef } from '../../db/opencart/schema';
import { rawRows } from '../../db/raw';
import type { HistoryOrder, HistoryOrderState, SalesHistory } from './history';

/**
 * Writes a SalesHistory into a shop's OpenCart tables in bulk: categories (with path and store rows),
 * products (description per language, store link, categories, specials, images) and orders with their
 * lines, totals and status history, every NOT NULL column given a value the way OpenCart's checkout
 * would. It is a data loader (public dataset, test fixtures), not an order import: no stock is taken,
 * nothing is journaled, and ids continue after the highest ones already in the tables.
 */

export interface WriteHistoryResult {
  productIds: Map<string, number>;
  categoryIds: Map<string, number>;
  /** In the order of history.orders. */
  orderIds: number[];
  rows: Record<string, number>;
}

const ZERO_DATETIME = '0000-00-00 00:00:00';

/** A value for every column that has no default, so MariaDB's strict mode accepts the row. */
function blank(column: ColumnDef): unknown {
  if (column.nullable) return null;
  if (column.default !== undefined) return column.default;
  const t = column.type;
  if (/^(int|tinyint|smallint|bigint|mediumint)/.test(t)) return 0;
  if (t.startsWith('decimal') || t.startsWith('double') || t.startsWith('float')) return 0;
  if (t === 'date') return '0000-00-00';
  if (t === 'datetime') return ZERO_DATETIME;
  return '';
}

const templates = new Map<string, Record<string, unknown>>();
function rowFor(table: OpencartTableName, values: Record<string, unknown>): Record<string, unknown> {
  let tpl = templates.get(table);
  if (!tpl) {
    tpl = {};
    for (const c of opencartTable(table).columns) tpl[c.name] = blank(c);
    templates.set(table, tpl);
  }
  for (const k of Object.keys(values)) if (!(k in tpl)) throw new Error(`${table} has no column ${k}`);
  return { ...tpl, ...values };
}

async function insertAll(knex: Knex, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<number> {
  if (rows.length === 0) return 0;
  const width = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.min(2000, Math.floor(60_000 / width)));
  for (let i = 0; i < rows.length; i += size) await knex(table).insert(rows.slice(i, i + size));
  return rows.length;
}

async function nextId(knex: Knex, table: string, column: string): Promise<number> {
  const [row] = await rawRows<{ m: number | null }>(knex, `SELECT MAX(\`${column}\`) AS m FROM \`${table}\``);
  return Number(row?.m ?? 0) + 1;
}

const dec = (x: number, places = 4): string => x.toFixed(places);

/** The shop's own status id for each history state (its configured processing/complete lists). */
export function statusIds(ctx: Pick<OcContext, 'processingStatuses' | 'completeStatuses' | 'settings'>): Record<HistoryOrderState, number> {
  const complete = ctx.completeStatuses[0] ?? 5;
  const processing = ctx.processingStatuses.includes(2) ? 2 : (ctx.processingStatuses.find((s) => !ctx.completeStatuses.includes(s)) ?? 2);
  const orderStatus = Number(ctx.settings.get('config_order_status_id') ?? 1) || 1;
  return { complete, processing, pending: orderStatus, canceled: 7, missing: 0 };
}

export async function writeHistory(ctx: OcContext, history: SalesHistory, opts: { now?: string } = {}): Promise<WriteHistoryResult> {
  const { knex } = ctx;
  const t = (name: OpencartTableName) => ctx.table(name);
  const rows: Record<string, number> = {};
  const count = (name: string, n: number) => (rows[name] = (rows[name] ?? 0) + n);
  const firstOrderAt = history.orders.reduce((min, o) => (o.placedAt < min ? o.placedAt : min), opts.now ?? '9999-12-31 23:59:59');
  const now = opts.now ?? firstOrderAt;

  // Categories: top-level, visible in store 0.
  const categoryIds = new Map<string, number>();
  let categoryId = await nextId(knex, t('category'), 'category_id');
  const cat: Record<string, Array<Record<string, unknown>>> = { category: [], description: [], path: [], store: [] };
  for (const c of history.categories) {
    const id = categoryId++;
    categoryIds.set(c.key, id);
    cat.category!.push(rowFor('category', { category_id: id, image: '', parent_id: 0, top: 1, column: 1, sort_order: 0, status: 1, date_added: now, date_modified: now }));
    for (const lang of ctx.languages) {
      const name = encodeOcText(c.name);
      cat.description!.push(rowFor('category_description', { category_id: id, language_id: lang.languageId, name, description: '', meta_title: name, meta_description: '', meta_keyword: '' }));
    }
    cat.path!.push(rowFor('category_path', { category_id: id, path_id: id, level: 0 }));
    cat.store!.push(rowFor('category_to_store', { category_id: id, store_id: ctx.storeId }));
  }
  count('category', await insertAll(knex, t('category'), cat.category!));
  count('category_description', await insertAll(knex, t('category_description'), cat.description!));
  count('category_path', await insertAll(knex, t('category_path'), cat.path!));
  count('category_to_store', await insertAll(knex, t('category_to_store'), cat.store!));

  const productIds = new Map<string, number>();
  let productId = await nextId(knex, t('product'), 'product_id');
  const prod: Record<string, Array<Record<string, unknown>>> = { product: [], description: [], store: [], category: [], special: [], image: [] };
  for (const p of history.products) {
    if (productIds.has(p.key)) throw new Error(`product key ${p.key} appears twice in the history`);
    const id = productId++;
    productIds.set(p.key, id);
    const added = p.dateAdded ?? firstOrderAt;
    prod.product!.push(
      rowFor('product', {
        product_id: id,
        model: p.key.slice(0, 64),
        sku: p.key.slice(0, 64),
        location: '',
        quantity: p.quantity ?? 0,
        stock_status_id: 5,
        image: `catalog/products/${id}.jpg`,
        manufacturer_id: 0,
        shipping: 1,
        price: dec(p.price),
        points: 0,
        tax_class_id: 0,
        date_available: added.slice(0, 10),
        weight: 0,
        weight_class_id: 1,
        length: 0,
        width: 0,
        height: 0,
        length_class_id: 1,
        subtract: 1,
        minimum: 1,
        sort_order: 0,
        status: 1,
        viewed: 0,
        date_added: added,
        date_modified: added,
      }),
    );
    const name = encodeOcText(p.name);
    for (const lang of ctx.languages) {
      prod.description!.push(rowFor('product_description', { product_id: id, language_id: lang.languageId, name, description: '', tag: '', meta_title: name, meta_description: '', meta_keyword: '' }));
    }
    prod.store!.push(rowFor('product_to_store', { product_id: id, store_id: ctx.storeId }));
    for (const key of p.categoryKeys ?? []) {
      const cid = categoryIds.get(key);
      if (cid === undefined) throw new Error(`product ${p.key}: unknown category ${key}`);
      prod.category!.push(rowFor('product_to_category', { product_id: id, category_id: cid }));
    }
    for (const s of p.specials ?? []) {
      prod.special!.push(rowFor('product_special', { product_id: id, customer_group_id: ctx.customerGroupId, priority: 1, price: dec(s.price), date_start: s.start, date_end: s.end }));
    }
    for (let i = 0; i < (p.extraImages ?? 0); i++) prod.image!.push(rowFor('product_image', { product_id: id, image: `catalog/products/${id}-${i + 1}.jpg`, sort_order: i + 1 }));
  }
  count('product', await insertAll(knex, t('product'), prod.product!));
  count('product_description', await insertAll(knex, t('product_description'), prod.description!));
  count('product_to_store', await insertAll(knex, t('product_to_store'), prod.store!));
  count('product_to_category', await insertAll(knex, t('product_to_category'), prod.category!));
  count('product_special', await insertAll(knex, t('product_special'), prod.special!));
  count('product_image', await insertAll(knex, t('product_image'), prod.image!));

  const orderIds = await writeOrders(ctx, history.orders, productIds, history, count);
  return { productIds, categoryIds, orderIds, rows };
}

async function countryIds(ctx: OcContext): Promise<Map<string, number>> {
  const list = await rawRows<{ country_id: number; name: string }>(ctx.knex, `SELECT country_id, name FROM \`${ctx.table('country')}\``);
  return new Map(list.map((c) => [c.name.toLowerCase(), c.country_id]));
}

async function writeOrders(
  ctx: OcContext,
  orders: readonly HistoryOrder[],
  productIds: Map<string, number>,
  history: SalesHistory,
  count: (name: string, n: number) => void,
): Promise<number[]> {
  const { knex } = ctx;
  const status = statusIds(ctx);
  const countries = await countryIds(ctx);
  const names = new Map(history.products.map((p) => [p.key, encodeOcText(p.name)]));
  let orderId = await nextId(knex, ctx.table('order'), 'order_id');
  let orderProductId = await nextId(knex, ctx.table('order_product'), 'order_product_id');
  const ids: number[] = [];
  const CHUNK = 5000;
  for (let start = 0; start < orders.length; start += CHUNK) {
    const out: Record<string, Array<Record<string, unknown>>> = { order: [], product: [], total: [], history: [] };
    for (const o of orders.slice(start, start + CHUNK)) {
      const id = orderId++;
      ids.push(id);
      const subTotal = o.lines.reduce((s, l) => s + l.price * l.quantity, 0);
      const shipping = o.shipping ?? 0;
      const total = subTotal + shipping;
      const statusId = status[o.state];
      const modified = o.modifiedAt ?? o.placedAt;
      const countryName = o.country ?? '';
      const address = {
        firstname: 'Guest',
        lastname: o.customerRef ? `#${o.customerRef}` : 'Customer',
        company: '',
        address_1: '',
        address_2: '',
        city: '',
        postcode: '',
        country: encodeOcText(countryName),
        country_id: countries.get(countryName.toLowerCase()) ?? 0,
        zone: '',
        zone_id: 0,
        address_format: '',
        custom_field: '[]',
      };
      const prefixed = (p: string) => Object.fromEntries(Object.entries(address).map(([k, v]) => [`${p}_${k}`, v]));
      out.order!.push(
        rowFor('order', {
          order_id: id,
          invoice_no: 0,
          invoice_prefix: ctx.invoicePrefix,
          store_id: ctx.storeId,
          store_name: ctx.storeName,
          store_url: ctx.storeUrl,
          customer_id: 0,
          customer_group_id: ctx.customerGroupId,
          firstname: address.firstname,
          lastname: address.lastname,
          email: o.customerRef ? `customer-${o.customerRef}@example.invalid` : `guest-${id}@example.invalid`,
          telephone: '',
          fax: '',
          custom_field: '[]',
          ...prefixed('payment'),
          payment_method: 'Bank Transfer',
          payment_code: 'bank_transfer',
          ...prefixed('shipping'),
          shipping_method: shipping > 0 ? 'Flat Shipping Rate' : 'Free Shipping',
          shipping_code: shipping > 0 ? 'flat.flat' : 'free.free',
          comment: '',
          total: dec(total),
          order_status_id: statusId,
          affiliate_id: 0,
          commission: '0.0000',
          marketing_id: 0,
          tracking: '',
          language_id: ctx.languageId,
          currency_id: ctx.defaultCurrencyId,
          currency_code: ctx.defaultCurrency,
          currency_value: '1.00000000',
          ip: '192.0.2.1',
          forwarded_ip: '',
          user_agent: 'meschain-history-loader',
          accept_language: 'en-GB,en;q=0.9',
          date_added: o.placedAt,
          date_modified: modified,
        }),
      );
      for (const l of o.lines) {
        const pid = productIds.get(l.productKey);
        if (pid === undefined) throw new Error(`order at ${o.placedAt}: unknown product ${l.productKey}`);
        out.product!.push(
          rowFor('order_product', {
            order_product_id: orderProductId++,
            order_id: id,
            product_id: pid,
            name: names.get(l.productKey) ?? '',
            model: l.productKey.slice(0, 64),
            quantity: l.quantity,
            price: dec(l.price),
            total: dec(l.price * l.quantity),
            tax: '0.0000',
            reward: 0,
          }),
        );
      }
      out.total!.push(rowFor('order_total', { order_id: id, code: 'sub_total', title: 'Sub-Total', value: dec(subTotal), sort_order: 1 }));
      if (shipping > 0) out.total!.push(rowFor('order_total', { order_id: id, code: 'shipping', title: 'Flat Shipping Rate', value: dec(shipping), sort_order: 3 }));
      out.total!.push(rowFor('order_total', { order_id: id, code: 'total', title: 'Total', value: dec(total), sort_order: 9 }));
      // The status history that led here: every order passes the initial status first.
      if (o.state !== 'missing') {
        out.history!.push(rowFor('order_history', { order_id: id, order_status_id: status.pending, notify: 0, comment: '', date_added: o.placedAt }));
        if (statusId !== status.pending) out.history!.push(rowFor('order_history', { order_id: id, order_status_id: statusId, notify: 0, comment: '', date_added: modified }));
      }
    }
    count('order', await insertAll(knex, ctx.table('order'), out.order!));
    count('order_product', await insertAll(knex, ctx.table('order_product'), out.product!));
    count('order_total', await insertAll(knex, ctx.table('order_total'), out.total!));
    count('order_history', await insertAll(knex, ctx.table('order_history'), out.history!));
  }
  return ids;
}
