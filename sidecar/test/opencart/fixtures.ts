import type { Knex } from 'knex';
import type { CreateOrderInput } from '../../src/db/opencart/order-input';

/** Shared fixtures for the order tests: a marketplace-style guest order over OpenCart's demo catalog. */

export const ADDRESS = {
  firstname: 'Ayşe',
  lastname: "O'Brien & Co",
  company: '',
  address1: 'Bağdat Cd. No:5 <Daire 3>',
  address2: '',
  city: 'Kadıköy',
  postcode: '34710',
  countryId: 215,
  zoneId: 3354,
};

/**
 * Product 42 ×2 with Small (radio pov 5, subtract 1), Checkbox 1 (pov 8, subtract 1), Blue (select pov 3,
 * subtract 0) and a typed text; product 40 ×1 (subtract 1); product 47 ×1 (subtract 0, a date option).
 */
export function guestOrder(overrides: Partial<CreateOrderInput> = {}): CreateOrderInput {
  return {
    customer: { firstname: 'Ayşe', lastname: "O'Brien & Co", email: 'ayse@example.com', telephone: '+90 555 000 00 00' },
    paymentAddress: ADDRESS,
    shippingAddress: ADDRESS,
    paymentMethod: { title: 'Trendyol', code: 'meschain.trendyol' },
    shippingMethod: { title: 'Flat Shipping Rate', code: 'flat.flat' },
    comment: 'Leave at the "blue" door & ring',
    products: [
      {
        productId: 42,
        quantity: 2,
        price: '113.0000',
        tax: '24.6000',
        reward: 0,
        options: [
          { productOptionId: 218, productOptionValueId: 5 },
          { productOptionId: 223, productOptionValueId: 8 },
          { productOptionId: 217, productOptionValueId: 3 },
          { productOptionId: 208, value: 'Engrave: <Ayşe & Can>' },
        ],
      },
      { productId: 40, quantity: 1, price: '101.0000', tax: '22.2000' },
      { productId: 47, quantity: 1, price: '100.0000', tax: '22.0000', options: [{ productOptionId: 225, value: '2026-12-01' }] },
    ],
    totals: [
      { code: 'sub_total', title: 'Sub-Total', value: '427.0000', sortOrder: 1 },
      { code: 'shipping', title: 'Flat Shipping Rate', value: '5.0000', sortOrder: 3 },
      { code: 'tax', title: 'Eco Tax (-2.00)', value: '10.0000', sortOrder: 5 },
      { code: 'tax', title: 'VAT (20%)', value: '86.4000', sortOrder: 5 },
      { code: 'total', title: 'Total', value: '528.4000', sortOrder: 9 },
    ],
    ip: '203.0.113.7',
    ...overrides,
  };
}

export interface StockSnapshot {
  products: Record<number, number>;
  optionValues: Record<number, number>;
}

export async function stockSnapshot(knex: Knex, prefix: string): Promise<StockSnapshot> {
  const products = (await knex(`${prefix}product`).select('product_id', 'quantity')) as Array<{ product_id: number; quantity: number }>;
  const values = (await knex(`${prefix}product_option_value`).select('product_option_value_id', 'quantity')) as Array<{ product_option_value_id: number; quantity: number }>;
  return {
    products: Object.fromEntries(products.map((r) => [r.product_id, r.quantity])),
    optionValues: Object.fromEntries(values.map((r) => [r.product_option_value_id, r.quantity])),
  };
}

/** `base` with the given changes applied, for exact whole-table stock comparisons. */
export function withChanges(base: StockSnapshot, products: Record<number, number>, optionValues: Record<number, number> = {}): StockSnapshot {
  const out: StockSnapshot = { products: { ...base.products }, optionValues: { ...base.optionValues } };
  for (const [id, d] of Object.entries(products)) out.products[Number(id)] = (out.products[Number(id)] ?? 0) + d;
  for (const [id, d] of Object.entries(optionValues)) out.optionValues[Number(id)] = (out.optionValues[Number(id)] ?? 0) + d;
  return out;
}

/** What taking the guestOrder's stock changes: 42 and 40 subtract; 47 and Blue (pov 3) do not. */
export const ORDER_TAKES = { products: { 42: -2, 40: -1 }, optionValues: { 5: -2, 8: -2 } };

export async function orderRows(knex: Knex, prefix: string, orderId: number) {
  const byOrder = (table: string, order: string) => knex(`${prefix}${table}`).where('order_id', orderId).orderBy(order);
  return {
    order: (await knex(`${prefix}order`).where('order_id', orderId)) as Array<Record<string, unknown>>,
    products: (await byOrder('order_product', 'order_product_id')) as Array<Record<string, unknown>>,
    options: (await byOrder('order_option', 'order_option_id')) as Array<Record<string, unknown>>,
    totals: (await byOrder('order_total', 'order_total_id')) as Array<Record<string, unknown>>,
    history: (await byOrder('order_history', 'order_history_id')) as Array<Record<string, unknown>>,
  };
}

/** Order rows without their auto-increment ids, for comparing two orders written the same way. */
export function withoutIds(rows: Awaited<ReturnType<typeof orderRows>>) {
  const strip = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k)));
  const ids = ['order_id', 'order_product_id', 'order_option_id', 'order_total_id', 'order_history_id', 'user_agent'];
  return {
    order: rows.order.map((r) => strip(r, ids)),
    products: rows.products.map((r) => strip(r, ids)),
    options: rows.options.map((r) => strip(r, ids)),
    totals: rows.totals.map((r) => strip(r, ids)),
    history: rows.history.map((r) => strip(r, ids)),
  };
}
