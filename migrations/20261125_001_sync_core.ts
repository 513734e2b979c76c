import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * The sync core's own tables. All InnoDB (transactions, row locks, SKIP LOCKED), utf8mb4, times in UTC,
 * money as DECIMAL(15,4) like OpenCart's. Each create is guarded so a half-applied run can be re-run.
 */

const TABLES = [
  'meschain_inventory_ledger',
  'meschain_webhooks',
  'meschain_sync_logs',
  'meschain_jobs',
  'meschain_capture_snapshot',
  'meschain_cursors',
  'meschain_change_log',
  'meschain_orders',
  'meschain_attribute_mappings',
  'meschain_category_mappings',
  'meschain_listings',
  'meschain_marketplaces',
  'meschain_settings',
];

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  await createTable(knex, 'meschain_settings', (t) => {
    t.string('name', 64).primary();
    t.json('value').notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
  });

  // One row per connected marketplace account (a store can have two Trendyol accounts).
  await createTable(knex, 'meschain_marketplaces', (t) => {
    t.increments('id').primary();
    t.string('code', 32).notNullable().comment('trendyol, hepsiburada, n11, ebay, amazon, ozon');
    t.string('name', 128).notNullable();
    t.integer('store_id').notNullable().defaultTo(0);
    t.boolean('enabled').notNullable().defaultTo(false);
    t.string('base_url', 255).notNullable();
    t.binary('credentials_enc').nullable().comment('AES-256-GCM envelope, never plain text');
    t.string('credentials_key_id', 32).nullable();
    t.json('settings').notNullable();
    t.json('flows').notNullable().comment('per-flow switches: listing, stock, price, ordersIn, statusOut');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['store_id', 'code', 'name'], { indexName: 'meschain_marketplaces_account' });
  });

  // One row per product (or option-value combination) per marketplace account.
  await createTable(knex, 'meschain_listings', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.integer('product_id').notNullable();
    t.string('variant_key', 191).notNullable().defaultTo('').comment("sorted product_option_value ids joined by '-', '' for the base product");
    t.string('sku', 64).nullable();
    t.string('barcode', 64).nullable();
    t.string('remote_id', 128).nullable();
    t.string('state', 24).notNullable().defaultTo('pending').comment('pending, submitted, active, failed, quarantined, inactive');
    t.integer('last_pushed_quantity').nullable();
    t.decimal('last_pushed_price', 15, 4).nullable();
    t.decimal('last_pushed_list_price', 15, 4).nullable();
    t.datetime('last_pushed_at', { precision: 3 }).nullable();
    t.integer('rejections').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'product_id', 'variant_key'], { indexName: 'meschain_listings_item' });
    t.index(['product_id']);
    t.index(['marketplace_id', 'state']);
  });

  await createTable(knex, 'meschain_category_mappings', (t) => {
    t.increments('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.integer('oc_category_id').notNullable();
    t.string('remote_category_id', 64).notNullable();
    t.string('remote_category_path', 512).notNullable().defaultTo('');
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'oc_category_id'], { indexName: 'meschain_category_mappings_item' });
  });

  await createTable(knex, 'meschain_attribute_mappings', (t) => {
    t.increments('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('remote_category_id', 64).notNullable();
    t.string('remote_attribute_id', 64).notNullable();
    t.string('source_type', 16).notNullable().comment('option, attribute, fixed, field');
    t.string('source_ref', 64).notNullable().defaultTo('').comment('option_id, attribute_id, product column, or empty for fixed');
    t.json('value_map').notNullable().comment('OpenCart value → remote value id/name');
    t.string('fixed_value', 255).nullable();
    t.boolean('required').notNullable().defaultTo(false);
    t.unique(['marketplace_id', 'remote_category_id', 'remote_attribute_id'], { indexName: 'meschain_attribute_mappings_item' });
  });

  // Orders claimed before anything is written to OpenCart's (MyISAM) order tables: the unique key
  // is what makes import idempotent under repeated and concurrent delivery.
  await createTable(knex, 'meschain_orders', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('RESTRICT');
    t.string('remote_order_id', 64).notNullable();
    t.string('remote_package_id', 64).notNullable().defaultTo('');
    t.string('state', 16).notNullable().defaultTo('claimed').comment('claimed, writing, imported, held, reserved, cancelled');
    t.string('claim_token', 36).nullable();
    t.datetime('claimed_at', { precision: 3 }).nullable();
    t.integer('oc_order_id').nullable();
    t.string('remote_status', 64).nullable();
    t.json('raw').notNullable();
    t.text('hold_reason').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'remote_order_id', 'remote_package_id'], { indexName: 'meschain_orders_remote' });
    t.index(['state']);
    t.index(['oc_order_id']);
  });

  // Written by the capture triggers (and the snapshot scanner). Ordered by id; rows are deleted once pumped.
  await createTable(knex, 'meschain_change_log', (t) => {
    t.bigIncrements('id').primary();
    t.string('entity', 24).notNullable().comment('product, option_value, special, order_history');
    t.integer('entity_id').notNullable();
    t.integer('product_id').nullable();
    t.specificType('op', "CHAR(1)").notNullable().comment('I, U, D');
    t.string('source', 8).notNullable().defaultTo('trigger').comment('trigger or snapshot');
    t.datetime('changed_at', { precision: 6 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(6)'));
  });

  await createTable(knex, 'meschain_cursors', (t) => {
    t.string('name', 64).primary();
    t.string('value', 255).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
  });

  // Last seen values for the snapshot-diff scanner (used when CREATE TRIGGER is refused).
  await createTable(knex, 'meschain_capture_snapshot', (t) => {
    t.string('entity', 24).notNullable();
    t.integer('entity_id').notNullable();
    t.integer('product_id').nullable();
    t.specificType('fingerprint', 'BINARY(16)').notNullable();
    t.primary(['entity', 'entity_id']);
  });

  await createTable(knex, 'meschain_jobs', (t) => {
    t.bigIncrements('id').primary();
    t.string('queue', 64).notNullable();
    t.string('type', 64).notNullable();
    t.string('dedupe_key', 191).nullable();
    t.json('payload').notNullable();
    t.smallint('priority').notNullable().defaultTo(100).comment('lower runs first');
    t.string('state', 12).notNullable().defaultTo('ready').comment('ready, running, done, dead');
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable().defaultTo(8);
    t.datetime('run_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.string('locked_by', 64).nullable();
    t.datetime('locked_until', { precision: 3 }).nullable();
    t.text('last_error').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.index(['queue', 'state', 'priority', 'run_at', 'id'], 'meschain_jobs_claim');
    t.index(['state', 'locked_until'], 'meschain_jobs_expired');
    // A claim skips a job whose dedupe key has a running job (never two versions of one update at once).
    t.index(['queue', 'dedupe_key', 'state'], 'meschain_jobs_key_state');
    t.index(['state', 'finished_at'], 'meschain_jobs_finished');
  });
  // A de-duplication key is unique only among jobs still waiting: once one is running, a newer change
  // must be able to queue a fresh job behind it.
  if (!(await columnExists(knex, 'meschain_jobs', 'dedupe_pending'))) {
    await knex.raw(
      "ALTER TABLE meschain_jobs ADD COLUMN dedupe_pending VARCHAR(191) AS (IF(state = 'ready', dedupe_key, NULL)) PERSISTENT, ADD UNIQUE KEY meschain_jobs_dedupe (queue, dedupe_pending)",
    );
  }

  await createTable(knex, 'meschain_sync_logs', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().nullable();
    t.string('direction', 8).notNullable().defaultTo('out');
    t.string('method', 8).notNullable();
    t.string('path', 512).notNullable();
    t.integer('status').nullable();
    t.integer('duration_ms').notNullable();
    t.string('remote_request_id', 128).nullable();
    t.text('error').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.index(['marketplace_id', 'created_at']);
  });

  await createTable(knex, 'meschain_webhooks', (t) => {
    t.bigIncrements('id').primary();
    t.string('marketplace_code', 32).notNullable();
    t.string('event_id', 191).notNullable().comment('the marketplace event id, or a hash of the body when it has none');
    t.json('headers').notNullable();
    t.specificType('body', 'MEDIUMTEXT').notNullable();
    t.string('state', 12).notNullable().defaultTo('received').comment('received, processed, failed');
    t.text('error').nullable();
    t.datetime('received_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('processed_at', { precision: 3 }).nullable();
    t.unique(['marketplace_code', 'event_id'], { indexName: 'meschain_webhooks_event' });
  });

  // Every stock movement the sidecar makes or observes, with why: the audit trail behind "no lost update".
  await createTable(knex, 'meschain_inventory_ledger', (t) => {
    t.bigIncrements('id').primary();
    t.integer('product_id').notNullable();
    t.integer('product_option_value_id').notNullable().defaultTo(0);
    t.integer('delta').notNullable();
    t.integer('quantity_after').nullable();
    t.string('reason', 24).notNullable().comment('order, restock, reservation, release, adjust, reconcile');
    t.string('ref_type', 24).notNullable().defaultTo('');
    t.string('ref_id', 64).notNullable().defaultTo('');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.index(['product_id', 'created_at']);
    t.index(['ref_type', 'ref_id']);
  });
}

async function columnExists(knex: Knex, table: string, column: string): Promise<boolean> {
  return knex.schema.hasColumn(table, column);
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const name of TABLES) await knex.schema.dropTableIfExists(name);
}
