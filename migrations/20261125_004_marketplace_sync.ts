import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Tables for the marketplace sync engine: the sidecar's own variant table (OpenCart option values carry
 * no SKU or barcode), brand mappings, price/stock rules, async push batches, reconciliation runs, a cache
 * of marketplace category attributes, and the listing-state columns the engine needs on meschain_listings.
 * Money is DECIMAL(15,4); times are UTC.
 */

const NEW_TABLES = ['meschain_sync_runs', 'meschain_remote_categories', 'meschain_push_batches', 'meschain_sync_rules', 'meschain_brand_mappings', 'meschain_variants'];

/** Columns 004 adds to meschain_listings (made by 001), in the order they are added. */
const LISTING_COLUMNS: Array<[string, (t: Knex.AlterTableBuilder) => void]> = [
  ['variant_id', (t) => t.bigInteger('variant_id').unsigned().nullable()],
  ['group_key', (t) => t.string('group_key', 128).nullable().comment('productMainId: groups variants into one marketplace product')],
  ['remote_category_id', (t) => t.string('remote_category_id', 64).nullable()],
  ['listing_hash', (t) => t.string('listing_hash', 64).nullable().comment('hash of the listing content last accepted')],
  ['listed_at', (t) => t.datetime('listed_at', { precision: 3 }).nullable()],
  ['desired_quantity', (t) => t.integer('desired_quantity').nullable()],
  ['desired_price', (t) => t.decimal('desired_price', 15, 4).nullable()],
  ['desired_list_price', (t) => t.decimal('desired_list_price', 15, 4).nullable()],
  ['desired_at', (t) => t.datetime('desired_at', { precision: 3 }).nullable()],
  ['pending_quantity', (t) => t.integer('pending_quantity').nullable()],
  ['pending_price', (t) => t.decimal('pending_price', 15, 4).nullable()],
  ['pending_list_price', (t) => t.decimal('pending_list_price', 15, 4).nullable()],
  ['pending_batch_id', (t) => t.bigInteger('pending_batch_id').unsigned().nullable()],
  ['pending_at', (t) => t.datetime('pending_at', { precision: 3 }).nullable()],
  ['price_note', (t) => t.string('price_note', 512).nullable().comment('why the price sent differs from the rule (floor, ceiling)')],
  ['price_changed_at', (t) => t.datetime('price_changed_at', { precision: 3 }).nullable()],
  ['hold_reason', (t) => t.text('hold_reason').nullable().comment('why a new price is held back (change cap)')],
  ['held_price', (t) => t.decimal('held_price', 15, 4).nullable()],
  ['approved_price', (t) => t.decimal('approved_price', 15, 4).nullable().comment('a held price the owner released')],
  ['quarantine_reason', (t) => t.text('quarantine_reason').nullable()],
  ['quarantined_at', (t) => t.datetime('quarantined_at', { precision: 3 }).nullable()],
  ['item_retries', (t) => t.integer('item_retries').notNullable().defaultTo(0).comment('transient per-item failures in a row')],
  ['remote_quantity', (t) => t.integer('remote_quantity').nullable()],
  ['remote_price', (t) => t.decimal('remote_price', 15, 4).nullable()],
  ['remote_checked_at', (t) => t.datetime('remote_checked_at', { precision: 3 }).nullable()],
];

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  // Product + option-value combination → SKU, barcode, stock source. variant_key is the sorted
  // product_option_value ids joined by '-' ('' for a product without variant options), the same key
  // meschain_listings uses.
  await createTable(knex, 'meschain_variants', (t) => {
    t.bigIncrements('id').primary();
    t.integer('product_id').notNullable();
    t.string('variant_key', 191).notNullable().defaultTo('');
    t.json('option_values').notNullable().comment('[{productOptionValueId, optionId, optionValueId}]');
    t.string('sku', 64).nullable();
    t.string('barcode', 32).nullable();
    t.string('stock_source', 12).notNullable().defaultTo('computed').comment('computed (min of option values and product), product, fixed');
    t.integer('fixed_quantity').nullable();
    t.decimal('cost', 15, 4).nullable().comment('unit cost excl. tax, default currency: the price floor');
    t.decimal('min_price', 15, 4).nullable().comment('owner-set lowest price shown (as shown, default currency)');
    t.decimal('max_price', 15, 4).nullable().comment('owner-set highest price shown (as shown, default currency)');
    t.string('origin', 12).notNullable().defaultTo('generated').comment('generated, imported, manual');
    t.boolean('active').notNullable().defaultTo(true);
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['product_id', 'variant_key'], { indexName: 'meschain_variants_item' });
    t.unique(['sku'], { indexName: 'meschain_variants_sku' });
    t.unique(['barcode'], { indexName: 'meschain_variants_barcode' });
  });

  await createTable(knex, 'meschain_brand_mappings', (t) => {
    t.increments('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.integer('manufacturer_id').notNullable();
    t.string('remote_brand_id', 64).notNullable();
    t.string('remote_brand_name', 255).notNullable().defaultTo('');
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'manufacturer_id'], { indexName: 'meschain_brand_mappings_item' });
  });

  // Price, stock and safety rules per account, optionally narrowed to a category or a product: the most
  // specific row that sets a part wins for that part.
  await createTable(knex, 'meschain_sync_rules', (t) => {
    t.increments('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('scope', 12).notNullable().comment('account, category, product');
    t.integer('scope_id').notNullable().defaultTo(0);
    t.json('price').nullable();
    t.json('stock').nullable();
    t.json('safety').nullable();
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'scope', 'scope_id'], { indexName: 'meschain_sync_rules_item' });
  });

  // One row per request sent to a marketplace whose outcome arrives later (Trendyol batch requests):
  // what was sent per listing, so the follow-up poll can record per-item outcomes.
  await createTable(knex, 'meschain_push_batches', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable().comment('stock_price, listing');
    t.string('state', 12).notNullable().defaultTo('sending').comment('sending, submitted, done, failed, abandoned');
    t.json('handle').nullable().comment('the adapter\'s AsyncHandle to poll');
    t.json('items').notNullable();
    t.integer('item_count').notNullable();
    t.integer('failed_count').notNullable().defaultTo(0);
    t.integer('polls').notNullable().defaultTo(0);
    t.text('error').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('submitted_at', { precision: 3 }).nullable();
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.index(['marketplace_id', 'state', 'created_at'], 'meschain_push_batches_state');
  });

  // Marketplace category attributes, cached: Trendyol allows about 50 such calls a minute.
  await createTable(knex, 'meschain_remote_categories', (t) => {
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('remote_category_id', 64).notNullable();
    t.json('attributes').notNullable();
    t.datetime('fetched_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.primary(['marketplace_id', 'remote_category_id']);
  });

  // Sync and reconciliation runs with their progress, so any process (and the API) can show the latest.
  await createTable(knex, 'meschain_sync_runs', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable().comment('sync (against last pushed) or reconcile (against the marketplace)');
    t.string('trigger', 16).notNullable().comment('schedule, api, cli');
    t.string('state', 12).notNullable().defaultTo('running').comment('running, done, failed, abandoned');
    t.integer('total').notNullable().defaultTo(0);
    t.integer('done').notNullable().defaultTo(0);
    t.integer('drift').notNullable().defaultTo(0).comment('listings found different and queued for repair');
    t.integer('listed').notNullable().defaultTo(0).comment('listings queued for creation or update');
    t.integer('errors').notNullable().defaultTo(0);
    t.bigInteger('cursor').notNullable().defaultTo(0);
    t.text('error').nullable();
    t.datetime('started_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.index(['marketplace_id', 'started_at'], 'meschain_sync_runs_latest');
  });
  if (!(await knex.schema.hasColumn('meschain_sync_runs', 'running_key'))) {
    // At most one running run per account, whichever process starts it.
    await knex.raw(
      "ALTER TABLE meschain_sync_runs ADD COLUMN running_key INT UNSIGNED AS (IF(state = 'running', marketplace_id, NULL)) PERSISTENT, ADD UNIQUE KEY meschain_sync_runs_running (running_key)",
    );
  }

  const missing: typeof LISTING_COLUMNS = [];
  for (const column of LISTING_COLUMNS) if (!(await knex.schema.hasColumn('meschain_listings', column[0]))) missing.push(column);
  if (missing.length) await knex.schema.alterTable('meschain_listings', (t) => missing.forEach(([, add]) => add(t)));
  if (!(await hasIndex(knex, 'meschain_listings', 'meschain_listings_price_window'))) {
    await knex.raw('ALTER TABLE meschain_listings ADD INDEX meschain_listings_price_window (marketplace_id, price_changed_at)');
  }
  if (!(await hasIndex(knex, 'meschain_listings', 'meschain_listings_variant'))) {
    await knex.raw('ALTER TABLE meschain_listings ADD INDEX meschain_listings_variant (variant_id)');
  }
}

async function hasIndex(knex: Knex, table: string, index: string): Promise<boolean> {
  const [rows] = (await knex.raw('SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1', [
    table,
    index,
  ])) as [unknown[]];
  return rows.length > 0;
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (await knex.schema.hasTable('meschain_listings')) {
    for (const index of ['meschain_listings_price_window', 'meschain_listings_variant']) {
      if (await hasIndex(knex, 'meschain_listings', index)) await knex.raw(`ALTER TABLE meschain_listings DROP INDEX ${index}`);
    }
    const present: string[] = [];
    for (const [name] of LISTING_COLUMNS) if (await knex.schema.hasColumn('meschain_listings', name)) present.push(name);
    if (present.length) await knex.schema.alterTable('meschain_listings', (t) => t.dropColumns(...present));
  }
  for (const name of NEW_TABLES) await knex.schema.dropTableIfExists(name);
}
