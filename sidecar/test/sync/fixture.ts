import type { Knex } from 'knex';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { createOpencartTables } from '../../src/db/opencart/schema';
import { marketplacesModule } from '../../src/modules/marketplaces';
import type { SidecarModule } from '../../src/modules/types';
import { startTrendyolSandbox, DEFAULT_SELLER, BRANDS, type TrendyolSandbox, type TrendyolSandboxSettings } from '../../src/sandbox/trendyol';
import { createLogger, type Logger } from '../../src/util/logger';
import { seedDemo } from '../../../scripts/demo/seed';
import { getProducts, loadTaxRates, priceWithTax, shopToday, type OcContext } from '../../src/db/opencart';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * A demo shop (the deterministic seeder, non-default prefix, Turkish store language) + the Trendyol
 * sandbox over HTTP + the sidecar running only the marketplaces module, with a Trendyol account whose
 * categories, brands and attributes are mapped.
 */

export const PREFIX = 'ts_';
export const SECRET = 'e'.repeat(64);
/** Every OpenCart category goes to Dekorasyon, whose only attribute is an optional variant-defining Renk. */
export const REMOTE_CATEGORY = '1362';
export const RENK = '47';

export interface World {
  db: TestDatabase;
  sandbox: TrendyolSandbox;
  sidecar: Sidecar;
  accountId: number;
  colourOptionId: number;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function seedShop(products: number): Promise<TestDatabase> {
  const db = await createTestDatabase({ opencart: false, migrate: false, prefix: PREFIX });
  await createOpencartTables(db.knex, PREFIX);
  await seedDemo(db.knex, PREFIX, { products, customers: 3, orders: 5, days: 30, now: new Date() });
  return db;
}

export async function rows<T>(knex: Knex, sql: string, bindings: unknown[] = []): Promise<T[]> {
  const [r] = (await knex.raw(sql, bindings as Knex.RawBinding[])) as [T[]];
  return r;
}

/** The sidecar settings every sync test (and the Trendyol benchmark) runs with, as environment variables. */
export function sidecarEnv(db: Pick<TestDatabase, 'url'>): Record<string, string> {
  return {
    MESCHAIN_DATABASE_URL: db.url,
    MESCHAIN_SECRET_KEY: SECRET,
    MESCHAIN_HTTP_PORT: '0',
    MESCHAIN_CAPTURE_POLL_MS: '20',
    MESCHAIN_OC_PREFIX: PREFIX,
    MESCHAIN_OC_LANGUAGE: 'tr-tr',
    MESCHAIN_OC_STORE_URL: 'https://shop.example/',
  };
}

export async function startWorld(opts: {
  products: number;
  sandbox?: Partial<TrendyolSandboxSettings>;
  rules?: unknown;
  db?: TestDatabase;
  logger?: Logger;
  /** Instead of the marketplaces module alone (it must come first: later modules use its service). */
  modules?: SidecarModule[];
}): Promise<World> {
  const db = opts.db ?? (await seedShop(opts.products));
  const sandbox = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 }, ...opts.sandbox } });
  const config = loadConfig(sidecarEnv(db));
  const sidecar = await startSidecar(config, { logger: opts.logger ?? createLogger('silent'), modules: opts.modules ?? [marketplacesModule] });
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sidecar.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  };
  const created = await api<{ account: { id: number } }>('POST', '/api/marketplaces', {
    code: 'trendyol',
    name: 'Trendyol test',
    enabled: true,
    baseUrl: sandbox.baseUrl,
    credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret },
    flows: { listing: true, stock: true, price: true },
    settings: { sync: { currency: 'TRY', push: { lingerMs: 20 } } },
  });
  if (created.status !== 201) throw new Error(`account not created: ${JSON.stringify(created.body)}`);
  const accountId = created.body.account.id;
  const cats = await rows<{ category_id: number }>(db.knex, `SELECT category_id FROM ${PREFIX}category`);
  await api('PUT', `/api/marketplaces/${accountId}/mappings/categories`, cats.map((c) => ({ ocCategoryId: c.category_id, remoteCategoryId: REMOTE_CATEGORY })));
  const makers = await rows<{ manufacturer_id: number; name: string }>(db.knex, `SELECT manufacturer_id, name FROM ${PREFIX}manufacturer`);
  await api(
    'PUT',
    `/api/marketplaces/${accountId}/mappings/brands`,
    makers.map((m) => {
      const b = BRANDS.find((x) => x.name.toLowerCase() === m.name.toLowerCase()) ?? BRANDS.find((x) => x.name === 'Generic')!;
      return { manufacturerId: m.manufacturer_id, remoteBrandId: String(b.id), remoteBrandName: b.name };
    }),
  );
  const [colour] = await rows<{ option_id: number }>(db.knex, `SELECT option_id FROM ${PREFIX}option_description WHERE name = 'Renk' LIMIT 1`);
  await api('PUT', `/api/marketplaces/${accountId}/mappings/attributes`, [
    { remoteCategoryId: REMOTE_CATEGORY, remoteAttributeId: RENK, sourceType: 'option', sourceRef: String(colour!.option_id) },
  ]);
  if (opts.rules) {
    const r = await api('PUT', `/api/marketplaces/${accountId}/rules`, opts.rules);
    if (r.status !== 200) throw new Error(`rules refused: ${JSON.stringify(r.body)}`);
  }
  return {
    db,
    sandbox,
    sidecar,
    accountId,
    colourOptionId: colour!.option_id,
    api,
    async close() {
      await sidecar.close();
      await sandbox.close();
      await db.drop();
    },
  };
}

/** Polls until `check` returns true (bounded; no timing assertions). */
/** `n` enabled, stock-tracked products sold as they are (no options): each has exactly one listing. */
export async function plainProducts(knex: Knex, n: number): Promise<number[]> {
  const ids = (
    await rows<{ product_id: number }>(
      knex,
      `SELECT p.product_id FROM ${PREFIX}product p WHERE p.status = 1 AND p.subtract = 1 AND p.date_available <= CURDATE()
          AND NOT EXISTS (SELECT 1 FROM ${PREFIX}product_option_value v WHERE v.product_id = p.product_id) ORDER BY p.product_id LIMIT ${n}`,
    )
  ).map((r) => Number(r.product_id));
  if (ids.length !== n) throw new Error(`the seeded shop has ${ids.length} products without options, ${n} wanted`);
  return ids;
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function queueIdle(knex: Knex, accountId: number): Promise<boolean> {
  const [r] = await rows<{ n: number }>(knex, "SELECT COUNT(*) AS n FROM meschain_jobs WHERE queue = ? AND state IN ('ready', 'running')", [`marketplace:${accountId}`]);
  return Number(r!.n) === 0;
}

export interface ListingRow {
  id: number;
  product_id: number;
  variant_key: string;
  barcode: string;
  state: string;
  last_error: string | null;
}

/** What the sandbox should hold per barcode, computed from OpenCart's rows independently of the engine. */
export async function expectedFor(world: World, oc: OcContext, listings: ListingRow[], rule: { buffer: number; price: (withTax: number) => number }) {
  const products = await getProducts(oc, [...new Set(listings.map((l) => l.product_id))]);
  const tax = await loadTaxRates(oc);
  const povs = await rows<{ product_option_value_id: number; quantity: number; subtract: number; price: string; price_prefix: string }>(
    world.db.knex,
    `SELECT product_option_value_id, quantity, subtract, price, price_prefix FROM ${PREFIX}product_option_value`,
  );
  const pov = new Map(povs.map((p) => [p.product_option_value_id, p]));
  return new Map(
    listings.map((l) => {
      const p = products.get(l.product_id)!;
      const values = l.variant_key === '' ? [] : l.variant_key.split('-').map((id) => pov.get(Number(id))!);
      const tracked = [...(p.subtract ? [p.quantity] : []), ...values.filter((v) => Number(v.subtract) === 1).map((v) => v.quantity)];
      const stock = tracked.length ? Math.min(...tracked) : p.quantity;
      // Not sold by the store (disabled, or available only from a later date) → 0.
      const quantity = p.status && p.dateAvailable <= shopToday(oc) ? Math.max(0, stock - rule.buffer) : 0;
      const delta = values.reduce((s, v) => s + (v.price_prefix === '-' ? -Number(v.price) : Number(v.price)), 0);
      const withTax = Number(priceWithTax(tax, (Number(p.special?.price ?? p.price) + delta).toFixed(4), p.taxClassId));
      return [l.barcode, { quantity, price: rule.price(withTax), product: p, values }] as const;
    }),
  );
}

