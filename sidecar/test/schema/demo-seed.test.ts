import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { createTestDatabase, databaseUrl, serverConnection, type TestDatabase } from '../support/db';
import { createOpencartTables } from '../../src/db/opencart/schema';
import { shopDateTime } from '../../src/db/opencart/clock';
import { countRows, DemoSeedRefused, seedDemo, type DemoSeedResult } from '../../../scripts/demo/seed';
import { addDays } from '../../../scripts/demo/time';
import { isValidEan13 } from '../../../scripts/demo/util';

const run = promisify(execFile);

// 22:30 UTC on 10 March is already 11 March in Istanbul and still 10 March in New York: shop-local
// times are told apart from UTC ones.
const NOW = new Date('2026-03-10T22:30:00Z');
const SIZES = { products: 40, customers: 30, orders: 500, days: 365 };

async function rows<T>(knex: Knex, sql: string, bindings: unknown[] = []): Promise<T[]> {
  const [result] = (await knex.raw(sql, bindings as Knex.RawBinding[])) as [T[]];
  return result;
}

async function checksum(knex: Knex, table: string): Promise<string> {
  const [r] = await rows<{ Checksum: string | number }>(knex, `CHECKSUM TABLE \`${table}\``);
  return String(r!.Checksum);
}

describe('demo seed (Europe/Istanbul, prefix oc_)', () => {
  let db: TestDatabase;
  let result: DemoSeedResult;
  const t = (name: string) => `\`oc_${name}\``;
  const localNow = shopDateTime('Europe/Istanbul', NOW);

  before(async () => {
    db = await createTestDatabase({ opencart: false, migrate: false });
    await createOpencartTables(db.knex, db.prefix);
    result = await seedDemo(db.knex, db.prefix, { ...SIZES, now: NOW });
  });
  after(async () => db?.drop());

  it('reports what it wrote, and the counts match the tables', async () => {
    assert.equal(result.status, 'seeded');
    assert.equal(result.marker?.state, 'complete');
    assert.equal(result.marker?.now, localNow);
    assert.ok(result.credentials?.admin.password);
    const counts = await countRows(db.knex, db.prefix);
    for (const [table, n] of Object.entries(result.counts)) assert.equal(counts[table], n, table);
    assert.equal(counts.product, SIZES.products);
    assert.equal(counts.customer, SIZES.customers);
    assert.ok(counts.order! > SIZES.orders * 0.8 && counts.order! < SIZES.orders * 1.2, `orders ${counts.order}`);
  });

  it('writes the reference data and settings a Turkish shop needs', async () => {
    const langs = await rows<{ language_id: number; code: string }>(db.knex, `SELECT language_id, code FROM ${t('language')} ORDER BY language_id`);
    assert.deepEqual(langs.map((l) => [l.language_id, l.code]), [[1, 'en-gb'], [2, 'tr-tr']]);
    const settings = new Map(
      (await rows<{ key: string; value: string; serialized: number }>(db.knex, `SELECT \`key\`, value, serialized FROM ${t('setting')} WHERE code = 'config' AND store_id = 0`)).map((r) => [r.key, r]),
    );
    assert.equal(settings.get('config_language')?.value, 'tr-tr');
    assert.equal(settings.get('config_currency')?.value, 'TRY');
    assert.equal(settings.get('config_timezone')?.value, 'Europe/Istanbul');
    assert.deepEqual(JSON.parse(settings.get('config_complete_status')!.value), ['5', '3']);
    assert.equal(settings.get('config_complete_status')?.serialized, 1);
    const [tr] = await rows<{ value: string }>(db.knex, `SELECT value FROM ${t('currency')} WHERE code = 'TRY'`);
    assert.equal(Number(tr!.value), 1);
    const [ist] = await rows<{ name: string; code: string }>(db.knex, `SELECT name, code FROM ${t('zone')} WHERE zone_id = 3354 AND country_id = 215`);
    assert.deepEqual({ ...ist }, { name: 'İstanbul', code: 'IST' });
    const statuses = await rows<{ order_status_id: number; n: number }>(db.knex, `SELECT order_status_id, COUNT(*) AS n FROM ${t('order_status')} GROUP BY order_status_id`);
    assert.deepEqual(statuses.map((s) => s.order_status_id).sort((a, b) => a - b), [1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    assert.ok(statuses.every((s) => Number(s.n) === 2), 'every status in both languages');
  });

  it('gives every product a description per language and a store 0 link', async () => {
    const bad = await rows(
      db.knex,
      `SELECT p.product_id FROM ${t('product')} p
        LEFT JOIN ${t('product_to_store')} s ON s.product_id = p.product_id AND s.store_id = 0
        WHERE s.product_id IS NULL
           OR (SELECT COUNT(*) FROM ${t('product_description')} d JOIN ${t('language')} l ON l.language_id = d.language_id WHERE d.product_id = p.product_id) <> (SELECT COUNT(*) FROM ${t('language')})`,
    );
    assert.deepEqual(bad, []);
    // Stored as OpenCart stores form input: HTML entity-encoded.
    const [d] = await rows<{ description: string }>(db.knex, `SELECT description FROM ${t('product_description')} LIMIT 1`);
    assert.match(d!.description, /^&lt;p&gt;/);
    // Friendly URLs: one per product and language, and no keyword pointing at two pages.
    const [seo] = await rows<{ n: number }>(db.knex, `SELECT COUNT(*) AS n FROM ${t('seo_url')} WHERE query LIKE 'product_id=%'`);
    assert.equal(Number(seo!.n), SIZES.products * 2);
    assert.deepEqual(await rows(db.knex, `SELECT keyword FROM ${t('seo_url')} GROUP BY store_id, keyword HAVING COUNT(DISTINCT query) > 1`), []);
  });

  it('keeps oc_category_path equal to the closure of parent_id', async () => {
    const cats = await rows<{ category_id: number; parent_id: number }>(db.knex, `SELECT category_id, parent_id FROM ${t('category')}`);
    const parent = new Map(cats.map((c) => [c.category_id, c.parent_id]));
    const expected: string[] = [];
    for (const c of cats) {
      const chain: number[] = [];
      for (let id = c.category_id; id !== 0; id = parent.get(id)!) chain.unshift(id);
      chain.forEach((pathId, level) => expected.push(`${c.category_id}:${pathId}:${level}`));
    }
    const actual = (await rows<{ category_id: number; path_id: number; level: number }>(db.knex, `SELECT category_id, path_id, level FROM ${t('category_path')}`)).map(
      (r) => `${r.category_id}:${r.path_id}:${r.level}`,
    );
    assert.ok(cats.some((c) => c.parent_id !== 0 && parent.get(c.parent_id) !== 0), 'the tree is at least three levels deep');
    assert.deepEqual(actual.sort(), expected.sort());
  });

  it('gives products valid, unique EAN-13 barcodes', async () => {
    const eans = (await rows<{ ean: string }>(db.knex, `SELECT ean FROM ${t('product')}`)).map((r) => r.ean);
    assert.ok(eans.every(isValidEan13), eans.filter((e) => !isValidEan13(e)).join(','));
    assert.equal(new Set(eans).size, eans.length);
  });

  it('makes order totals add up like OpenCart: lines, sub_total, tax lines, total = oc_order.total', async () => {
    const bad = await rows(
      db.knex,
      `SELECT o.order_id FROM ${t('order')} o
        LEFT JOIN (SELECT order_id, SUM(IF(code = 'total', 0, value)) AS parts, SUM(IF(code = 'total', value, 0)) AS total,
                          SUM(code = 'total') AS n_total, SUM(IF(code = 'sub_total', value, 0)) AS sub_total, SUM(code = 'sub_total') AS n_sub
                     FROM ${t('order_total')} GROUP BY order_id) ot ON ot.order_id = o.order_id
        LEFT JOIN (SELECT order_id, SUM(total) AS lines_total, SUM(total <> price * quantity) AS bad_lines FROM ${t('order_product')} GROUP BY order_id) op ON op.order_id = o.order_id
        WHERE ot.order_id IS NULL OR op.order_id IS NULL OR ot.n_total <> 1 OR ot.n_sub <> 1 OR ot.parts <> ot.total OR ot.total <> o.total
           OR ot.sub_total <> op.lines_total OR op.bad_lines > 0`,
    );
    assert.deepEqual(bad, []);
    // Product tax: unit tax × quantity per line, plus the taxed flat shipping, equals the tax lines.
    const taxBad = await rows(
      db.knex,
      `SELECT o.order_id FROM ${t('order')} o
        JOIN (SELECT order_id, SUM(tax * quantity) AS line_tax FROM ${t('order_product')} GROUP BY order_id) op ON op.order_id = o.order_id
        JOIN (SELECT order_id, SUM(IF(code = 'tax', value, 0)) AS tax, SUM(IF(code = 'shipping', value, 0)) AS shipping FROM ${t('order_total')} GROUP BY order_id) ot ON ot.order_id = o.order_id
        WHERE ot.tax <> op.line_tax + IF(o.shipping_country_id = 215, ROUND(ot.shipping * 0.2, 4), 0)`,
    );
    assert.deepEqual(taxBad, []);
  });

  it('fills orders like OpenCart checkout does and keeps options consistent with the catalogue', async () => {
    const [empty] = await rows<{ n: number }>(
      db.knex,
      `SELECT COUNT(*) AS n FROM ${t('order')} WHERE store_name = '' OR store_url = '' OR email = '' OR firstname = '' OR payment_country = '' OR shipping_zone = ''
          OR payment_method = '' OR shipping_code = '' OR currency_code = '' OR invoice_prefix = '' OR user_agent = '' OR custom_field = ''`,
    );
    assert.equal(Number(empty!.n), 0);
    const badOptions = await rows(
      db.knex,
      `SELECT oo.order_option_id FROM ${t('order_option')} oo
         JOIN ${t('order_product')} op ON op.order_product_id = oo.order_product_id AND op.order_id = oo.order_id
         LEFT JOIN ${t('product_option')} po ON po.product_option_id = oo.product_option_id AND po.product_id = op.product_id
         LEFT JOIN ${t('product_option_value')} pov ON pov.product_option_value_id = oo.product_option_value_id AND pov.product_option_id = po.product_option_id
        WHERE po.product_option_id IS NULL OR (oo.product_option_value_id <> 0 AND pov.product_option_value_id IS NULL)
           OR (oo.product_option_value_id = 0 AND oo.type <> 'text')`,
    );
    assert.deepEqual(badOptions, []);
    // Clothing is sold in a size and a colour, each value with its own stock and subtract flag.
    const [clothes] = await rows<{ n: number }>(db.knex, `SELECT COUNT(DISTINCT product_id) AS n FROM ${t('product_option_value')} WHERE subtract = 1 AND option_id IN (1, 2)`);
    assert.ok(Number(clothes!.n) > 0);
  });

  it('writes shop-local dates within the last year, and a history that leads to each order status', async () => {
    const since = `${addDays(localNow.slice(0, 10), -365)} 00:00:00`;
    const [range] = await rows<{ first: string; last: string; lastHistory: string }>(
      db.knex,
      `SELECT MIN(date_added) AS first, MAX(date_added) AS last, (SELECT MAX(date_added) FROM ${t('order_history')}) AS lastHistory FROM ${t('order')}`,
    );
    assert.ok(range!.first >= since, `${range!.first} < ${since}`);
    assert.ok(range!.last <= localNow && range!.lastHistory <= localNow, `${range!.last} / ${range!.lastHistory} after ${localNow}`);
    const bad = await rows(
      db.knex,
      `SELECT o.order_id FROM ${t('order')} o
         LEFT JOIN (SELECT order_id, MIN(date_added) AS first, MAX(date_added) AS last, COUNT(*) AS n,
                           SUBSTRING_INDEX(GROUP_CONCAT(order_status_id ORDER BY date_added, order_history_id), ',', -1) AS status
                      FROM ${t('order_history')} GROUP BY order_id) h ON h.order_id = o.order_id
        WHERE (h.order_id IS NULL AND o.order_status_id <> 0)
           OR (h.order_id IS NOT NULL AND (h.first <> o.date_added OR h.last <> o.date_modified OR h.status <> o.order_status_id))`,
    );
    assert.deepEqual(bad, []);
    const statuses = new Map(
      (await rows<{ s: number; n: number }>(db.knex, `SELECT order_status_id AS s, COUNT(*) AS n FROM ${t('order')} GROUP BY order_status_id`)).map((r) => [r.s, Number(r.n)]),
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.ok(((statuses.get(5) ?? 0) + (statuses.get(3) ?? 0)) / total > 0.7, 'mostly complete or shipped');
    assert.ok((statuses.get(7) ?? 0) > 0, 'some canceled');
    // People shop in the evening, local time.
    const hours = new Map((await rows<{ h: number; n: number }>(db.knex, `SELECT HOUR(date_added) AS h, COUNT(*) AS n FROM ${t('order')} GROUP BY h`)).map((r) => [r.h, Number(r.n)]));
    const evening = [19, 20, 21, 22].reduce((s, h) => s + (hours.get(h) ?? 0), 0);
    const night = [2, 3, 4, 5].reduce((s, h) => s + (hours.get(h) ?? 0), 0);
    assert.ok(evening > night * 4, `evening ${evening} vs night ${night}`);
  });

  it('has specials that are running, over and still to come', async () => {
    const today = localNow.slice(0, 10);
    const specials = await rows<{ date_start: string; date_end: string }>(db.knex, `SELECT date_start, date_end FROM ${t('product_special')}`);
    const zero = '0000-00-00';
    assert.ok(specials.some((s) => (s.date_start === zero || s.date_start <= today) && (s.date_end === zero || s.date_end > today)), 'current');
    assert.ok(specials.some((s) => s.date_end !== zero && s.date_end <= today), 'expired');
    assert.ok(specials.some((s) => s.date_start > today), 'future');
  });

  it('refuses a second seed, reuses on request, and reseeds its own data identically', async () => {
    const before = await countRows(db.knex, db.prefix);
    const orderSum = await checksum(db.knex, 'oc_order');
    await assert.rejects(seedDemo(db.knex, db.prefix, { ...SIZES, now: NOW }), (err: unknown) => err instanceof DemoSeedRefused && /already hold data/.test((err as Error).message));
    assert.deepEqual(await countRows(db.knex, db.prefix), before);
    const reused = await seedDemo(db.knex, db.prefix, { ...SIZES, now: NOW, existing: 'reuse' });
    assert.equal(reused.status, 'reused');
    assert.equal(reused.credentials, undefined);
    assert.deepEqual(reused.counts, before);
    const again = await seedDemo(db.knex, db.prefix, { ...SIZES, now: NOW, existing: 'replace' });
    assert.equal(again.status, 'seeded');
    assert.deepEqual(await countRows(db.knex, db.prefix), before);
    assert.equal(await checksum(db.knex, 'oc_order'), orderSum, 'same seed and clock, same orders');
  });
});

describe('demo seed (America/New_York, prefix shop_)', () => {
  let db: TestDatabase;
  after(async () => db?.drop());

  it('writes times in the configured zone, honours the prefix and never empties data it did not write', async () => {
    db = await createTestDatabase({ prefix: 'shop_', opencart: false, migrate: false });
    await createOpencartTables(db.knex, 'shop_');
    const localNow = shopDateTime('America/New_York', NOW);
    assert.equal(localNow, '2026-03-10 18:30:00');
    const result = await seedDemo(db.knex, 'shop_', { products: 10, customers: 5, orders: 300, days: 30, now: NOW, timezone: 'America/New_York' });
    assert.equal(result.status, 'seeded');
    const [last] = await rows<{ last: string }>(db.knex, 'SELECT GREATEST(MAX(o.date_modified), (SELECT MAX(date_added) FROM shop_order_history)) AS last FROM shop_order o');
    assert.ok(last!.last <= localNow, `${last!.last} is after the shop's now ${localNow}`);
    const [tz] = await rows<{ value: string }>(db.knex, "SELECT value FROM shop_setting WHERE `key` = 'config_timezone'");
    assert.equal(tz!.value, 'America/New_York');

    // A shop's own data (no demo marker) is never emptied.
    await db.knex.raw("DELETE FROM shop_setting WHERE code = 'meschain_demo'");
    await assert.rejects(seedDemo(db.knex, 'shop_', { existing: 'replace' }), /not created by the demo seeder/);
    const [n] = await rows<{ n: number }>(db.knex, 'SELECT COUNT(*) AS n FROM shop_product');
    assert.equal(Number(n!.n), 10);
  });

  it('refuses to seed tables that do not exist', async () => {
    const bare = await createTestDatabase({ opencart: false, migrate: false });
    try {
      await assert.rejects(seedDemo(bare.knex, 'oc_'), /OpenCart tables missing .*createOpencartTables/);
    } finally {
      await bare.drop();
    }
  });
});

describe('scripts/demo.ts --seed-only', () => {
  const name = `mc_test_demo_${process.pid}`;
  const script = path.resolve(__dirname, '../../../scripts/demo.ts');
  const tsx = path.resolve(__dirname, '../../../node_modules/.bin/tsx');
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'meschain-demo-'));
    env = { ...process.env, MESCHAIN_DATABASE_URL: databaseUrl(name), MESCHAIN_DEMO_DIR: dir, MESCHAIN_OC_PREFIX: 'oc_' };
  });

  after(async () => {
    const conn = await serverConnection();
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database and tables, seeds, migrates, keeps the passwords private; a re-run reuses', async () => {
    const first = await run(tsx, [script, '--seed-only', '--products', '12', '--customers', '5', '--orders', '60'], { env });
    assert.match(first.stdout, /oluşturuldu \/ created/);
    assert.match(first.stdout, /yüklendi \/ seeded/);
    assert.match(first.stdout, /12 ürün \/ products/);
    const admin = /admin \/ (\S+)/.exec(first.stdout)?.[1];
    assert.ok(admin && admin.length >= 12);
    const file = path.join(dir, 'credentials.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { admin: { password: string } }).admin.password, admin);

    const conn = await serverConnection();
    try {
      const [tables] = (await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [name])) as unknown as [Array<{ t: string }>];
      const names = tables.map((r) => r.t);
      assert.ok(names.includes('oc_order') && names.includes('meschain_jobs'), names.join(','));
    } finally {
      await conn.end();
    }

    const second = await run(tsx, [script, '--seed-only'], { env });
    assert.match(second.stdout, /reusing existing data/);
    assert.match(second.stdout, /12 ürün \/ products/);
    assert.ok(second.stdout.includes(`admin / ${admin}`), 'prints the stored password again');
  });

  it('rejects an unknown flag with usage', async () => {
    await assert.rejects(run(tsx, [script, '--bogus'], { env }), (err: { code?: number; stderr?: string }) => err.code === 64 && /usage: npm run demo/.test(err.stderr ?? ''));
  });
});
