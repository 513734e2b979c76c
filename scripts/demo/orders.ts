import { encodeOcText } from '../../sidecar/src/db/opencart/text';
import { insert, inLanguage, type SeedContext } from './context';
import { TURKEY_ID } from './geo';
import { hasActiveSpecial, makeLine, orderTotals, shippingFor, type OrderLine } from './order-lines';
import { statusHistory, type PaymentCode } from './order-status';
import { addressFormat, countryName, makePerson, zoneName, type Person, type SeededCustomer } from './people';
import { WeightedTable, type Rng } from './prng';
import type { SeededProduct } from './products';
import { CURRENCY, CUSTOMER_GROUP, STATUS, TRY_PER_UNIT } from './reference';
import { dayWeight, HOUR_WEIGHTS, seasonFactor } from './seasonality';
import { STORE_NAME } from './settings';
import { addDays, atTime, parseDay } from './time';
import { dec4, units } from './util';

/**
 * A year of orders ending now, written the way OpenCart's checkout writes them: oc_order with every
 * column valued, lines, options, totals that add up, and the status history that led to the current
 * status. Volume follows seasonality.ts; the product mix follows each kind's season and live specials.
 */

const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
];
const COMMENTS = ['Lütfen zile basmayın, bebek uyuyor.', 'Kapıcıya bırakabilirsiniz.', 'Hediye paketi olursa çok sevinirim :)', 'İş yeri adresidir, 09:00-18:00 arası teslim ediniz.', 'Kargo gelmeden önce arar mısınız?'];

export interface OrderSeedInput {
  products: SeededProduct[];
  customers: SeededCustomer[];
  /** Expected number of orders over the period. */
  target: number;
  days: number;
  usedEmails: Set<string>;
}

interface Buyer {
  person: Person;
  customerId: number;
  groupId: number;
}

export async function seedOrders(ctx: SeedContext, input: OrderSeedInput): Promise<void> {
  const { rng, clock } = ctx;
  // 1. When: Poisson counts per day, times from the hour profile, nothing after now.
  const days = Array.from({ length: input.days }, (_, i) => parseDay(addDays(clock.today.date, i - input.days + 1)));
  const weights = days.map((d, i) => dayWeight(d, input.days > 1 ? i / (input.days - 1) : 1));
  const scale = input.target / weights.reduce((s, w) => s + w, 0);
  const hours = [...HOUR_WEIGHTS.keys()];
  const stamps: string[] = [];
  days.forEach((d, i) => {
    const n = rng.poisson(weights[i]! * scale);
    for (let k = 0; k < n; k++) {
      const at = atTime(d.date, rng.weighted(hours, (h) => HOUR_WEIGHTS[h]!), rng.int(0, 59), rng.int(0, 59));
      if (at <= clock.now) stamps.push(at);
    }
  });
  stamps.sort();

  // 2. What: one weighted product table per month (popularity × season).
  const sellable = input.products.filter((p) => p.enabled);
  const byMonth = new Map<number, WeightedTable<SeededProduct>>();
  // Cheaper things sell more often: a 150 ₺ T-shirt about 30 times as often as a 50 000 ₺ laptop.
  const priceFactor = (p: SeededProduct) => Math.pow(p.price / units(500), -0.6);
  for (let m = 1; m <= 12; m++) byMonth.set(m, new WeightedTable(sellable, (p) => p.popularity * seasonFactor(p.season, m) * priceFactor(p)));
  const loyal = new WeightedTable(input.customers, (c) => c.loyalty);

  const rows = { order: [] as Array<Record<string, unknown>>, product: [] as Array<Record<string, unknown>>, option: [] as Array<Record<string, unknown>>, total: [] as Array<Record<string, unknown>>, history: [] as Array<Record<string, unknown>> };
  const invoiceCounters = new Map<string, number>();
  let orderProductId = 0;

  stamps.forEach((placed, index) => {
    const orderId = index + 1;
    const date = placed.slice(0, 10);
    const buyer = chooseBuyer(ctx, input, loyal, placed);
    const { person, groupId } = buyer;
    const domestic = person.address.countryId === TURKEY_ID;
    const wholesale = groupId === CUSTOMER_GROUP.wholesale;

    const lines: OrderLine[] = [];
    const lineCount = rng.weighted([1, 2, 3, 4], (n) => [0.6, 0.25, 0.1, 0.05][n - 1]!);
    const table = byMonth.get(parseDay(date).month)!;
    for (let tries = 0; lines.length < lineCount && tries < 40; tries++) {
      const p = table.draw(rng);
      if (p.dateAdded > placed || p.dateAvailable > date || lines.some((l) => l.product.id === p.id)) continue;
      // Products on special sell about twice as well while the special runs.
      if (!hasActiveSpecial(p, groupId, date) && rng.chance(0.45)) continue;
      const quantity = wholesale ? wholesaleQuantity(rng, p.price) : rng.weighted([1, 2, 3], (q) => [0.8, 0.15, 0.05][q - 1]!);
      lines.push(makeLine(rng, p, groupId, date, quantity, domestic));
    }
    if (lines.length === 0) lines.push(makeLine(rng, sellable[0]!, groupId, date, 1, domestic));

    const subTotal = lines.reduce((s, l) => s + l.price * l.quantity, 0);
    const shipping = shippingFor(subTotal);
    const { totals, total } = orderTotals(lines, shipping, domestic, person.languageId);
    const payment: PaymentCode = domestic && rng.chance(0.35) ? 'cod' : 'bank_transfer';
    // A few checkouts never reach a payment step: "missing orders" with status 0 and no history.
    const missing = rng.chance(0.01);
    const history = missing ? [] : statusHistory(rng, { placed, now: clock.now, payment, languageId: person.languageId, domestic });
    const last = history[history.length - 1];
    const year = placed.slice(0, 4);
    const invoicePrefix = `INV-${year}-00`;
    let invoiceNo = 0;
    if (history.some((h) => h.status === STATUS.shipped)) {
      invoiceNo = (invoiceCounters.get(invoicePrefix) ?? 0) + 1;
      invoiceCounters.set(invoicePrefix, invoiceNo);
    }
    const currency = orderCurrency(person, placed, clock.today.date);
    const address = addressColumns(person);
    const paymentTitle = payment === 'cod' ? { tr: 'Kapıda Ödeme', en: 'Cash On Delivery' } : { tr: 'Banka Havalesi / EFT', en: 'Bank Transfer' };

    rows.order.push({
      order_id: orderId,
      invoice_no: invoiceNo,
      invoice_prefix: invoicePrefix,
      store_id: 0,
      store_name: encodeOcText(STORE_NAME),
      store_url: ctx.storeUrl,
      customer_id: buyer.customerId,
      customer_group_id: groupId,
      firstname: encodeOcText(person.firstname),
      lastname: encodeOcText(person.lastname),
      email: person.email,
      telephone: person.telephone,
      fax: '',
      custom_field: '[]',
      ...prefixed('payment', address),
      payment_method: encodeOcText(inLanguage(paymentTitle, person.languageId)),
      payment_code: payment,
      ...prefixed('shipping', address),
      shipping_method: encodeOcText(inLanguage(shipping.title, person.languageId)),
      shipping_code: shipping.code,
      comment: rng.chance(0.05) ? encodeOcText(rng.pick(COMMENTS)) : '',
      total: dec4(total),
      order_status_id: last?.status ?? 0,
      affiliate_id: 0,
      commission: '0.0000',
      marketing_id: 0,
      tracking: '',
      language_id: person.languageId,
      currency_id: CURRENCY[currency.code],
      currency_code: currency.code,
      currency_value: currency.value,
      ip: `198.51.100.${rng.int(1, 254)}`,
      forwarded_ip: '',
      user_agent: rng.pick(USER_AGENTS),
      accept_language: person.foreign?.acceptLanguage ?? 'tr-TR,tr;q=0.9,en-US;q=0.8,en;q=0.7',
      date_added: placed,
      date_modified: last?.at ?? placed,
    });
    for (const line of lines) {
      const id = ++orderProductId;
      rows.product.push({
        order_product_id: id,
        order_id: orderId,
        product_id: line.product.id,
        name: encodeOcText(inLanguage(line.product.name, person.languageId)),
        model: line.product.model,
        quantity: line.quantity,
        price: dec4(line.price),
        total: dec4(line.price * line.quantity),
        tax: dec4(line.tax),
        reward: 0,
      });
      for (const o of line.options) {
        rows.option.push({
          order_option_id: rows.option.length + 1,
          order_id: orderId,
          order_product_id: id,
          product_option_id: o.productOptionId,
          product_option_value_id: o.productOptionValueId,
          name: encodeOcText(inLanguage(o.name, person.languageId)),
          value: encodeOcText(inLanguage(o.value, person.languageId)),
          type: o.type,
        });
      }
    }
    for (const t of totals) {
      rows.total.push({ order_total_id: rows.total.length + 1, order_id: orderId, code: t.code, title: encodeOcText(t.title), value: dec4(t.value), sort_order: t.sort_order });
    }
    for (const h of history) {
      rows.history.push({ order_history_id: rows.history.length + 1, order_id: orderId, order_status_id: h.status, notify: h.notify, comment: encodeOcText(h.comment), date_added: h.at });
    }
  });

  await insert(ctx, 'order', rows.order);
  await insert(ctx, 'order_product', rows.product);
  await insert(ctx, 'order_option', rows.option);
  await insert(ctx, 'order_total', rows.total);
  await insert(ctx, 'order_history', rows.history);
}

/** Trade customers buy cheap things by the dozen and expensive ones a few at a time. */
function wholesaleQuantity(rng: Rng, price: number): number {
  if (price < units(1000)) return rng.int(5, 25);
  if (price < units(5000)) return rng.int(2, 8);
  return rng.int(1, 3);
}

function chooseBuyer(ctx: SeedContext, input: OrderSeedInput, loyal: WeightedTable<SeededCustomer>, placed: string): Buyer {
  // About two thirds of orders come from registered customers who had signed up by then.
  if (loyal.size > 0 && ctx.rng.chance(0.65)) {
    for (let i = 0; i < 5; i++) {
      const c = loyal.draw(ctx.rng);
      if (c.dateAdded <= placed) return { person: c, customerId: c.id, groupId: c.groupId };
    }
  }
  return { person: makePerson(ctx.rng, input.usedEmails), customerId: 0, groupId: CUSTOMER_GROUP.default };
}

/** Buyers abroad pay in their currency; the rate is the one of the order day (the lira slid all year). */
function orderCurrency(person: Person, placed: string, today: string): { code: 'TRY' | 'USD' | 'EUR'; value: string } {
  const code = person.foreign?.currency ?? 'TRY';
  if (code === 'TRY') return { code, value: '1.00000000' };
  const daysAgo = Math.max(0, Math.min(365, Math.round((Date.parse(today) - Date.parse(placed.slice(0, 10))) / 86_400_000)));
  const r = TRY_PER_UNIT[code];
  const tryPerUnit = r.now + ((r.yearAgo - r.now) * daysAgo) / 365;
  return { code, value: (1 / tryPerUnit).toFixed(8) };
}

interface AddressColumns {
  firstname: string;
  lastname: string;
  company: string;
  address_1: string;
  address_2: string;
  city: string;
  postcode: string;
  country: string;
  country_id: number;
  zone: string;
  zone_id: number;
  address_format: string;
  custom_field: string;
}

function addressColumns(person: Person): AddressColumns {
  const a = person.address;
  return {
    firstname: encodeOcText(a.firstname),
    lastname: encodeOcText(a.lastname),
    company: encodeOcText(a.company),
    address_1: encodeOcText(a.address_1),
    address_2: encodeOcText(a.address_2),
    city: encodeOcText(a.city),
    postcode: a.postcode,
    country: countryName(a.countryId),
    country_id: a.countryId,
    zone: zoneName(a.zoneId),
    zone_id: a.zoneId,
    address_format: addressFormat(a.countryId),
    custom_field: '[]',
  };
}

function prefixed(prefix: 'payment' | 'shipping', columns: AddressColumns): Record<string, unknown> {
  return Object.fromEntries(Object.entries(columns).map(([k, v]) => [`${prefix}_${k}`, v]));
}
