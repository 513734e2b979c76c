import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { assertValidPrefix, OPENCART_TABLE_NAMES, type OpencartTableName } from '../../sidecar/src/db/opencart/schema';
import { seedCatalogBase } from './catalog-base';
import type { SeedContext } from './context';
import { seedOrders } from './orders';
import { seedCustomers } from './people';
import { Rng } from './prng';
import { seedProducts } from './products';
import { seedReference } from './reference';
import { seedSettings, seedUsers, token, type DemoCredentials } from './settings';
import { shopClock } from './time';

/**
 * Seeds an empty OpenCart schema (as createOpencartTables makes it) with a Turkish/English demo shop:
 * reference data, settings, users, a catalogue and a year of orders ending now. Deterministic for a
 * given seed and "now" (apart from secrets: passwords, salts and keys come from node:crypto).
 *
 * A marker row in oc_setting (code 'meschain_demo') is written first with state 'seeding' and set to
 * 'complete' at the end, so an interrupted seed is recognised: OpenCart tables are MyISAM, nothing
 * rolls back.
 */

export const DEMO_MARKER_CODE = 'meschain_demo';
export const DEMO_MARKER_KEY = 'meschain_demo_seed';
const SEED_VERSION = 1;

export interface DemoSeedOptions {
  /** PRNG seed; the same seed and `now` give the same shop. */
  seed?: number;
  products?: number;
  customers?: number;
  /** Expected number of orders over `days` (the real count is Poisson around it). */
  orders?: number;
  days?: number;
  /** The shop's "now"; default the current time. */
  now?: Date;
  /** config_timezone; order and product times are written in it. */
  timezone?: string;
  /** The shop's URL as orders record it (OpenCart's HTTP_SERVER). */
  storeUrl?: string;
  /** Passwords for the admin user 'admin' and the staff user 'personel'; random when not given. */
  adminPassword?: string;
  staffPassword?: string;
  /**
   * When the schema already holds data: 'refuse' (default) throws DemoSeedRefused; 'reuse' leaves it
   * and reports what is there; 'replace' empties every OpenCart table and seeds again, but only when the
   * data is the demo's own (marker present), never a real shop's. With the sidecar's capture triggers
   * installed every seeded row is logged as a change; scripts/demo.ts removes them before a reseed.
   */
  existing?: 'refuse' | 'reuse' | 'replace';
  log?: (message: string) => void;
}

export const DEMO_DEFAULTS = { seed: 20261125, products: 300, customers: 400, orders: 3000, days: 365, timezone: 'Europe/Istanbul', storeUrl: 'http://localhost/' } as const;

export interface DemoMarker {
  state: 'seeding' | 'complete';
  version: number;
  seed: number;
  now: string;
  sizes: { products: number; customers: number; orders: number; days: number };
}

export interface DemoSeedResult {
  status: 'seeded' | 'reused';
  /** Rows per OpenCart table (inserted when seeded, present when reused). */
  counts: Record<string, number>;
  /** Only when this call seeded: the passwords are not stored anywhere else in plain text. */
  credentials?: DemoCredentials;
  marker: DemoMarker | null;
  ms: number;
}

/** Refusal to touch a database that already holds data; `message` says what and what to do. */
export class DemoSeedRefused extends Error {
  override name = 'DemoSeedRefused';
}

export interface DemoState {
  missingTables: string[];
  /** Tables that have rows. */
  nonEmpty: string[];
  marker: DemoMarker | null;
}

export async function readDemoState(knex: Knex, prefix: string): Promise<DemoState> {
  assertValidPrefix(prefix);
  const present = new Set(
    ((await knex('information_schema.TABLES').pluck('TABLE_NAME').whereRaw('TABLE_SCHEMA = DATABASE()').whereIn('TABLE_NAME', OPENCART_TABLE_NAMES.map((n) => prefix + n))) as string[]),
  );
  const missingTables = OPENCART_TABLE_NAMES.filter((n) => !present.has(prefix + n));
  const nonEmpty: string[] = [];
  for (const name of OPENCART_TABLE_NAMES) {
    if (!present.has(prefix + name)) continue;
    const [row] = (await knex(prefix + name).select(knex.raw('1 AS x')).limit(1)) as unknown[];
    if (row) nonEmpty.push(name);
  }
  let marker: DemoMarker | null = null;
  if (present.has(`${prefix}setting`)) {
    const row = (await knex(`${prefix}setting`).where({ store_id: 0, code: DEMO_MARKER_CODE, key: DEMO_MARKER_KEY }).first('value')) as { value: string } | undefined;
    if (row) marker = JSON.parse(row.value) as DemoMarker;
  }
  return { missingTables, nonEmpty, marker };
}

export async function countRows(knex: Knex, prefix: string, tables: readonly OpencartTableName[] = OPENCART_TABLE_NAMES): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of tables) {
    const [row] = (await knex(prefix + name).count({ n: '*' })) as Array<{ n: number | string }>;
    out[name] = Number(row?.n ?? 0);
  }
  return out;
}

function positiveInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`demo seed option ${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

export async function seedDemo(knex: Knex, prefix: string, options: DemoSeedOptions = {}): Promise<DemoSeedResult> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const sizes = {
    products: positiveInt('products', options.products ?? DEMO_DEFAULTS.products, 1, 99_999),
    customers: positiveInt('customers', options.customers ?? DEMO_DEFAULTS.customers, 0, 1_000_000),
    orders: positiveInt('orders', options.orders ?? DEMO_DEFAULTS.orders, 0, 1_000_000),
    days: positiveInt('days', options.days ?? DEMO_DEFAULTS.days, 1, 3650),
  };
  const seed = positiveInt('seed', options.seed ?? DEMO_DEFAULTS.seed, 0, 2 ** 32 - 1);
  const clock = shopClock(options.timezone ?? DEMO_DEFAULTS.timezone, options.now ?? new Date());

  const state = await readDemoState(knex, prefix);
  if (state.missingTables.length) {
    throw new DemoSeedRefused(`OpenCart tables missing (${state.missingTables.map((n) => prefix + n).join(', ')}): create them first with createOpencartTables`);
  }
  if (state.nonEmpty.length) {
    const what = `the OpenCart tables already hold data (${state.nonEmpty.slice(0, 6).map((n) => prefix + n).join(', ')}${state.nonEmpty.length > 6 ? ', …' : ''})`;
    const mode = options.existing ?? 'refuse';
    if (mode === 'reuse') {
      if (state.marker?.state === 'seeding') throw new DemoSeedRefused(`an earlier demo seed was interrupted: ${what}; seed again with existing: 'replace' (demo: --reseed)`);
      return { status: 'reused', counts: await countRows(knex, prefix), marker: state.marker, ms: Math.round(performance.now() - started) };
    }
    if (mode === 'refuse') throw new DemoSeedRefused(`${what}; refusing to seed. Use an empty database, or existing: 'reuse' / 'replace' (demo: --reseed)`);
    if (!state.marker) throw new DemoSeedRefused(`${what} and were not created by the demo seeder; refusing to empty them`);
    log(`emptying ${OPENCART_TABLE_NAMES.length} OpenCart tables for a fresh demo seed`);
    for (const name of OPENCART_TABLE_NAMES) await knex.raw(`TRUNCATE TABLE \`${prefix}${name}\``);
  }

  const marker: DemoMarker = { state: 'seeding', version: SEED_VERSION, seed, now: clock.now, sizes };
  await knex(`${prefix}setting`).insert({ store_id: 0, code: DEMO_MARKER_CODE, key: DEMO_MARKER_KEY, value: JSON.stringify(marker), serialized: 1 });

  const storeUrl = options.storeUrl ?? DEMO_DEFAULTS.storeUrl;
  const ctx: SeedContext = { knex, prefix, rng: new Rng(seed), clock, storeUrl, counts: {} };
  const credentials: DemoCredentials = {
    admin: { username: 'admin', password: options.adminPassword ?? token(16) },
    staff: { username: 'personel', password: options.staffPassword ?? token(16) },
  };
  const step = async (label: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    log(`${label} (${Math.round(performance.now() - t)} ms)`);
  };
  await step('reference data', () => seedReference(ctx));
  await step('settings and extensions', () => seedSettings(ctx, { timezone: clock.timezone, storeUrl }));
  await step('users', () => seedUsers(ctx, credentials));
  let products: Awaited<ReturnType<typeof seedProducts>> = [];
  let customers: Awaited<ReturnType<typeof seedCustomers>> = [];
  const usedEmails = new Set<string>();
  await step('catalogue', async () => {
    const base = await seedCatalogBase(ctx);
    products = await seedProducts(ctx, base, sizes.products);
  });
  await step('customers', async () => {
    customers = await seedCustomers(ctx, sizes.customers, usedEmails);
  });
  await step('orders', () => seedOrders(ctx, { products, customers, target: sizes.orders, days: sizes.days, usedEmails }));

  const done: DemoMarker = { ...marker, state: 'complete' };
  await knex(`${prefix}setting`).where({ store_id: 0, code: DEMO_MARKER_CODE, key: DEMO_MARKER_KEY }).update({ value: JSON.stringify(done) });
  ctx.counts.setting = (ctx.counts.setting ?? 0) + 1;
  return { status: 'seeded', counts: ctx.counts, credentials, marker: done, ms: Math.round(performance.now() - started) };
}
