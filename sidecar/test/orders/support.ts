import type { Knex } from 'knex';
import type { MarketplaceOrder, OrderLine, OrderStatus } from '../../src/marketplaces/types';
import { loadOcContext, type OcContext } from '../../src/db/opencart';
import type { AccountRef } from '../../src/sync/orders/create';
import type { OrderEnv } from '../../src/sync/orders/process';
import { createLogger } from '../../src/util/logger';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { decodeSecretKey } from '../../src/config/schema';
import { keyRing, type KeyRing } from '../../src/crypto/secrets';
import type { TrendyolSandbox } from '../../src/sandbox/trendyol';
import { AccountStore } from '../../src/sync/accounts';
import type { MarketplaceAccess, OrderAccount } from '../../src/sync/orders/access';
import { definitionOf, directAccess } from '../../src/sync/orders/wiring';

/**
 * Fixtures for the order-flow tests over OpenCart's demo catalog:
 *  - product 40 ("iPhone", 970 in stock, subtract 1) sold by its EAN 8680000000040 (no variants);
 *  - product 30 ("Canon EOS 5D", 7 in stock) with its select option 226: Red = pov 15 (2 in stock),
 *    Blue = pov 16 (5 in stock), sold by variant barcodes TY-CANON-RED / TY-CANON-BLUE;
 *  - TRY at 32 per USD (the shop's default currency is USD).
 */

export const IPHONE = { productId: 40, barcode: '8680000000040' };
export const CANON = { productId: 30, red: { pov: 15, productOptionId: 226, barcode: 'TY-CANON-RED' }, blue: { pov: 16, productOptionId: 226, barcode: 'TY-CANON-BLUE' } };

export async function setupShop(knex: Knex, prefix: string, opts: { variants?: boolean } = {}): Promise<void> {
  await knex(`${prefix}currency`).insert({ title: 'Türk Lirası', code: 'TRY', symbol_left: '', symbol_right: ' TL', decimal_place: '2', value: 32, status: 1, date_modified: '2026-01-01 00:00:00' });
  await knex(`${prefix}product`).where('product_id', IPHONE.productId).update({ ean: IPHONE.barcode });
  if (opts.variants !== false) {
    await knex('meschain_variants').insert([
      { product_id: 30, variant_key: '15', option_values: JSON.stringify([{ productOptionValueId: 15 }]), sku: 'CANON-RED', barcode: CANON.red.barcode },
      { product_id: 30, variant_key: '16', option_values: JSON.stringify([{ productOptionValueId: 16 }]), sku: 'CANON-BLUE', barcode: CANON.blue.barcode },
    ]);
  }
}

/** The flows addAccount switches on; an account reference for the import carries them as they are stored. */
export const ACCOUNT_FLOWS = { ordersIn: true, statusOut: true } as const;

export async function addAccount(knex: Knex, name = 'Trendyol test', code = 'trendyol'): Promise<number> {
  const [id] = (await knex('meschain_marketplaces').insert({
    code,
    name,
    store_id: 0,
    enabled: true,
    base_url: 'http://127.0.0.1:1/',
    settings: '{}',
    flows: JSON.stringify(ACCOUNT_FLOWS),
  })) as number[];
  return id as number;
}

/** A fresh test database with the fixture shop, its context, an import environment and one Trendyol account. */
export async function importFixture(prefix: string): Promise<{ db: TestDatabase; ctx: OcContext; env: OrderEnv; account: AccountRef }> {
  const db = await createTestDatabase({ prefix });
  await setupShop(db.knex, prefix);
  const ctx = await loadOcContext(db.knex, { prefix, storeUrl: 'http://shop.example/' });
  return { db, ctx, env: { ctx, logger: createLogger('silent') }, account: { id: await addAccount(db.knex), code: 'trendyol', name: 'Trendyol test', statusOut: ACCOUNT_FLOWS.statusOut } };
}

/** The sandbox's first seller as a stored Trendyol account (sealed credentials, orders in and status out on). */
export async function storeSandboxSeller(knex: Knex, sandbox: TrendyolSandbox): Promise<{ store: AccountStore; secrets: KeyRing; accountId: number }> {
  const secrets = keyRing(decodeSecretKey('f'.repeat(64))!);
  const store = new AccountStore(knex, secrets, definitionOf);
  const seller = sandbox.sellers[0]!;
  const created = await store.create({
    code: 'trendyol',
    name: 'Trendyol sandbox',
    enabled: true,
    baseUrl: sandbox.baseUrl,
    credentials: { sellerId: seller.sellerId, apiKey: seller.apiKey, apiSecret: seller.apiSecret },
    flows: { ordersIn: true, statusOut: true },
  });
  return { store, secrets, accountId: created.id };
}

/** storeSandboxSeller in a shop set up by setupShop, with the direct access and the import environment over it. */
export async function connectSandboxSeller(
  knex: Knex,
  prefix: string,
  sandbox: TrendyolSandbox,
): Promise<{ access: MarketplaceAccess; account: OrderAccount; env: OrderEnv }> {
  const { secrets, accountId } = await storeSandboxSeller(knex, sandbox);
  const logger = createLogger('silent');
  const access = directAccess({ knex, secrets, logger });
  return { access, account: (await access.account(accountId))!, env: { ctx: await loadOcContext(knex, { prefix }), logger } };
}

export interface LineSpec {
  lineId: string;
  barcode: string;
  quantity: number;
  /** TRY per unit, tax included. */
  unitPrice: string;
  vatRate?: number;
  title?: string;
}

export interface PackageSpec {
  packageId: string;
  status: OrderStatus;
  rawStatus?: string;
  lines: LineSpec[];
  updatedAt?: string;
  trackingNumber?: string;
  carrier?: string;
}

const RAW: Partial<Record<OrderStatus, string>> = {
  awaiting_payment: 'Awaiting',
  created: 'Created',
  processing: 'Picking',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
};

export function order(orderId: string, packages: PackageSpec[], opts: { shipping?: string; complete?: boolean; city?: string; district?: string } = {}): MarketplaceOrder {
  const at = packages.map((p) => p.updatedAt ?? '2026-11-25T10:00:00.000Z').sort().at(-1)!;
  const address = {
    firstName: 'Ayşe',
    lastName: 'Yılmaz & Co',
    line1: 'Bağdat Cd. No:5 <Daire 3>',
    district: opts.district ?? 'Kadıköy',
    city: opts.city ?? 'İSTANBUL',
    postalCode: '34710',
    countryCode: 'TR',
    phone: '+90 555 000 00 00',
  };
  const lineOf = (l: LineSpec): OrderLine => ({
    lineId: l.lineId,
    barcode: l.barcode,
    title: l.title ?? `Ürün ${l.barcode}`,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    discount: '0',
    vatRate: l.vatRate ?? 20,
    currency: 'TRY',
  });
  const gross = packages.flatMap((p) => p.lines).reduce((s, l) => s + Number(l.unitPrice) * l.quantity, 0);
  return {
    marketplace: 'trendyol',
    orderId,
    createdAt: '2026-11-25T09:00:00.000Z',
    updatedAt: at,
    status: packages[0]?.status ?? 'created',
    rawStatus: RAW[packages[0]?.status ?? 'created'] ?? 'Created',
    customer: { firstName: 'Ayşe', lastName: 'Yılmaz & Co', email: 'ayse@example.com', phone: '+90 555 000 00 00' },
    shippingAddress: address,
    billingAddress: address,
    totals: { gross: gross.toFixed(2), discount: '0', shipping: opts.shipping ?? '0', total: gross.toFixed(2), currency: 'TRY' },
    packages: packages.map((p) => ({
      packageId: p.packageId,
      status: p.status,
      rawStatus: p.rawStatus ?? RAW[p.status] ?? p.status,
      lines: p.lines.map(lineOf),
      updatedAt: p.updatedAt ?? '2026-11-25T10:00:00.000Z',
      ...(p.trackingNumber ? { trackingNumber: p.trackingNumber } : {}),
      ...(p.carrier ? { carrier: p.carrier } : {}),
    })),
    complete: opts.complete ?? false,
  };
}

export async function stockOf(knex: Knex, prefix: string): Promise<{ iphone: number; canon: number; red: number; blue: number }> {
  const p = (await knex(`${prefix}product`).select('product_id', 'quantity').whereIn('product_id', [30, 40])) as Array<{ product_id: number; quantity: number }>;
  const v = (await knex(`${prefix}product_option_value`).select('product_option_value_id', 'quantity').whereIn('product_option_value_id', [15, 16])) as Array<{
    product_option_value_id: number;
    quantity: number;
  }>;
  const pq = (id: number) => p.find((r) => r.product_id === id)!.quantity;
  const vq = (id: number) => v.find((r) => r.product_option_value_id === id)!.quantity;
  return { iphone: pq(40), canon: pq(30), red: vq(15), blue: vq(16) };
}

export async function orderCount(knex: Knex, prefix: string): Promise<number> {
  const [[row]] = (await knex.raw(`SELECT COUNT(*) AS n FROM \`${prefix}order\``)) as [[{ n: number }]];
  return Number(row.n);
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, { tries = 300, everyMs = 50 } = {}): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}
