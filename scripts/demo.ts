/**
 * `npm run demo`: a complete local MesChain-Sync setup on the local MariaDB, no OpenCart needed.
 *
 * 1. creates the database (default mysql://root@127.0.0.1:3306/meschain_demo, or MESCHAIN_DATABASE_URL);
 * 2. creates the OpenCart 3.0.x tables from the project's own definition where missing;
 * 3. seeds a Turkish/English demo shop when the catalogue is empty (reuses it otherwise);
 * 4. runs the sidecar's migrations and starts the sidecar with a generated secret key;
 * 5. starts the Trendyol sandbox (port MESCHAIN_DEMO_TRENDYOL_PORT, default 8790, rate limit on), connects
 *    the store to it, lists the catalogue and keeps a trickle of sandbox orders and SQL stock changes going.
 *
 * Flags: --seed-only (stop after step 4's migrations), --reseed (empty and seed again; drops the
 * sidecar's own tables too), --products/--customers/--orders/--days/--seed N (sizes), --help.
 */
import { parseArgs } from 'node:util';
import { createDb, assertReachable } from '../sidecar/src/db/connection';
import { createOpencartTables, OPENCART_TABLE_NAMES } from '../sidecar/src/db/opencart/schema';
import { loadConfig } from '../sidecar/src/config/load';
import { createLogger, describeDbUrl } from '../sidecar/src/util/logger';
import { startSidecar } from '../sidecar/src/app';
import { migrateDownAll, migrateLatest } from '../migrations';
import { DEMO_DEFAULTS, DemoSeedRefused, readDemoState, seedDemo, type DemoSeedResult } from './demo/seed';
import { demoDir, demoSecretKey, ensureDatabase, loadCredentials, saveCredentials } from './demo/state';
import type { DemoCredentials } from './demo/settings';
import { marketplacesHook, pauseEarlierDemoAccount, startTrendyolDemo, type TrendyolDemo } from './demo/trendyol-demo';
import { defaultModules } from '../sidecar/src/modules';

const DEFAULT_URL = 'mysql://root@127.0.0.1:3306/meschain_demo';

const USAGE = `usage: npm run demo -- [--seed-only] [--reseed] [--products N] [--customers N] [--orders N] [--days N] [--seed N]
  MESCHAIN_DATABASE_URL  database (default ${DEFAULT_URL}); created when missing
  MESCHAIN_OC_PREFIX     OpenCart table prefix (default oc_)
  MESCHAIN_DEMO_TRENDYOL_PORT  Trendyol sandbox port (default 8790)
  MESCHAIN_DEMO_DIR      where the generated secret key and passwords are kept (default scripts/demo/.demo)`;

function intFlag(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got ${String(raw)}`);
  return n;
}

class UsageError extends Error {}

const out = (line = '') => process.stdout.write(`${line}\n`);

function printSeed(result: DemoSeedResult, credentials: DemoCredentials | null): void {
  const c = result.counts;
  if (result.status === 'seeded') {
    out(`  Demo verisi / demo data:     yüklendi / seeded in ${(result.ms / 1000).toFixed(1)} s`);
  } else {
    out(`  Demo verisi / demo data:     mevcut veri kullanılıyor / reusing existing data${result.marker ? '' : ' (demo tarafından yüklenmemiş / not seeded by the demo)'}`);
  }
  out(
    `    ${c.product ?? 0} ürün / products, ${c.category ?? 0} kategori / categories, ${c.customer ?? 0} müşteri / customers, ` +
      `${c.order ?? 0} sipariş / orders (${c.order_product ?? 0} satır / lines, ${c.order_history ?? 0} durum kaydı / history rows)`,
  );
  if (credentials) {
    out(`  OpenCart yönetici / admin:   ${credentials.admin.username} / ${credentials.admin.password}`);
    out(`  Mağaza personeli / staff:    ${credentials.staff.username} / ${credentials.staff.password}`);
  } else {
    out('  OpenCart yönetici / admin:   şifre bu makinede kayıtlı değil / password not stored on this machine (--reseed sets a new one)');
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'seed-only': { type: 'boolean' },
      reseed: { type: 'boolean' },
      products: { type: 'string' },
      customers: { type: 'string' },
      orders: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    out(USAGE);
    return;
  }
  const url = process.env.MESCHAIN_DATABASE_URL || DEFAULT_URL;
  const prefix = process.env.MESCHAIN_OC_PREFIX ?? 'oc_';
  const where = describeDbUrl(url);
  const dir = demoDir();

  out('MesChain-Sync demo');
  const createdDb = await ensureDatabase(url);
  out(`  Veritabanı / database:       ${where}${createdDb ? ' (oluşturuldu / created)' : ''}, tablo öneki / table prefix '${prefix}'`);

  const knex = createDb(url, { poolMax: 4 });
  try {
    await assertReachable(knex, url);
    const tables = await createOpencartTables(knex, prefix);
    out(`  OpenCart tabloları / tables: ${tables.created.length} oluşturuldu / created, ${tables.existing.length} mevcut / already there (${OPENCART_TABLE_NAMES.length} in all)`);

    if (values.reseed) {
      const state = await readDemoState(knex, prefix);
      if (state.nonEmpty.length > 0 && !state.marker) {
        throw new DemoSeedRefused(`--reseed: the OpenCart tables in ${where} hold data the demo did not create; refusing to empty them`);
      }
      // The capture triggers would log every seeded row; start the sidecar's side from scratch too.
      await migrateDownAll(knex, { ocPrefix: prefix });
    }
    const result = await seedDemo(knex, prefix, {
      products: intFlag(values, 'products'),
      customers: intFlag(values, 'customers'),
      orders: intFlag(values, 'orders'),
      days: intFlag(values, 'days'),
      seed: intFlag(values, 'seed'),
      timezone: DEMO_DEFAULTS.timezone,
      existing: values.reseed ? 'replace' : 'reuse',
    });
    let credentials: DemoCredentials | null = null;
    if (result.credentials) {
      credentials = result.credentials;
      saveCredentials(dir, where, prefix, credentials);
    } else {
      credentials = loadCredentials(dir, where, prefix);
    }
    printSeed(result, credentials);

    const applied = await migrateLatest(knex, { ocPrefix: prefix });
    out(`  Sidecar tabloları / sidecar migrations: ${applied.length ? `${applied.length} uygulandı / applied` : 'güncel / up to date'}`);
    if (!values['seed-only'] && (await pauseEarlierDemoAccount(knex)) > 0) out('  Önceki çalıştırmanın Trendyol hesabı kapatıldı / the earlier run’s Trendyol account is switched off');
  } finally {
    await knex.destroy();
  }

  if (values['seed-only']) {
    out('Yükleme tamam / seeding done (--seed-only).');
    return;
  }

  const secret = demoSecretKey(dir);
  out(`  Gizli anahtar / secret key:  ${secret.file}${secret.created ? ' (yeni oluşturuldu / newly generated)' : ''}`);
  const config = loadConfig({
    ...process.env,
    MESCHAIN_DATABASE_URL: url,
    MESCHAIN_OC_PREFIX: prefix,
    MESCHAIN_SECRET_KEY: secret.key,
    MESCHAIN_OC_LANGUAGE: process.env.MESCHAIN_OC_LANGUAGE || 'tr-tr',
    // Marketplaces take only https image addresses; the demo shop has no public address of its own.
    MESCHAIN_OC_STORE_URL: process.env.MESCHAIN_OC_STORE_URL || 'https://demo.meschain.example/',
  });
  const logger = createLogger(config.logLevel);
  const hook = marketplacesHook();
  const sidecar = await startSidecar(config, { logger, modules: [...(await defaultModules()), hook.module] });
  out(`  Sidecar:                     ${sidecar.url}`);
  out(`    Sağlık / health:           ${sidecar.url}/health`);
  out(`    Metrikler / metrics:       ${sidecar.url}/metrics`);
  out(`    Değişiklik yakalama / change capture: ${sidecar.captureMode}`);

  const trendyolKnex = createDb(url, { poolMax: 2 });
  let trendyol: TrendyolDemo | null = null;
  try {
    trendyol = await startTrendyolDemo({ knex: trendyolKnex, prefix, marketplaces: hook.service(), port: Number(process.env.MESCHAIN_DEMO_TRENDYOL_PORT || 8790), log: out });
    for (const line of trendyol.describe()) out(line);
  } catch (err) {
    out(`  Trendyol sandbox: başlatılamadı / could not start: ${(err as Error).message}`);
  }
  out('Durdurmak için Ctrl-C / press Ctrl-C to stop.');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: durduruluyor / stopping…`);
    (trendyol ? trendyol.stop() : Promise.resolve())
      .catch(() => undefined)
      .then(() => sidecar.close())
      .then(() => trendyolKnex.destroy())
      .then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`demo: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as Error;
  if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    process.stderr.write(`demo: ${e.message}\n${USAGE}\n`);
    process.exit(64);
  }
  process.stderr.write(`demo: ${e instanceof DemoSeedRefused ? '' : 'failed: '}${e.message ?? String(err)}\n`);
  process.exit(1);
});
