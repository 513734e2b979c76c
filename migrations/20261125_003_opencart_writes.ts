import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Journal tables for the sidecar's writes into OpenCart's order and stock tables
 * (sidecar/src/db/opencart/orders.ts explains the design). They must be InnoDB: a journal mark that is
 * flipped in the same multi-table UPDATE as a MyISAM stock change is what makes that change exactly-once,
 * and that needs a transactional journal row. Times are UTC like every meschain_* table.
 */

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  // One row per createOrder / addOrderHistory call: its full plan, written before any oc_* row is touched.
  await createTable(knex, 'meschain_oc_order_writes', (t) => {
    t.bigIncrements('id').primary();
    t.string('oc_prefix', 32).notNullable().comment('OpenCart DB_PREFIX the write is for: one schema may hold several shops');
    t.string('token', 64).notNullable().comment('caller-chosen or random; also tags oc_order.user_agent for creates');
    t.string('kind', 16).notNullable().comment('create, history');
    t.string('state', 16).notNullable().defaultTo('pending').comment('pending, done');
    t.integer('oc_order_id').nullable();
    t.specificType('plan', 'LONGTEXT').notNullable().comment('JSON: every row/value the write will put into oc_*');
    t.integer('history_id').nullable().comment('order_history_id reserved for this write (explicit id = at most once)');
    t.boolean('status_written').notNullable().defaultTo(false);
    t.boolean('history_written').notNullable().defaultTo(false);
    t.integer('recoveries').notNullable().defaultTo(0);
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.unique(['oc_prefix', 'token'], { indexName: 'meschain_oc_order_writes_token' });
    t.index(['oc_prefix', 'state'], 'meschain_oc_order_writes_state');
    t.index(['oc_prefix', 'oc_order_id'], 'meschain_oc_order_writes_order');
  });

  // One row per intended stock change (order take/give-back, or a standalone set/adjust).
  // state: 0 planned, 1 applied, 2 skipped (subtract off / row gone), 3 abandoned (standalone, never applied).
  await createTable(knex, 'meschain_oc_stock_moves', (t) => {
    t.bigIncrements('id').primary();
    t.string('oc_prefix', 32).notNullable();
    t.bigInteger('write_id').unsigned().nullable().references('meschain_oc_order_writes.id').onDelete('CASCADE');
    t.integer('seq').notNullable().defaultTo(0);
    t.string('idempotency_key', 191).nullable();
    t.string('target', 16).notNullable().comment('product, option_value');
    t.integer('target_id').notNullable();
    t.integer('product_id').notNullable();
    t.string('mode', 8).notNullable().comment('delta, set');
    t.integer('amount').notNullable().comment('delta to add, or the absolute quantity to set');
    t.integer('expected_before').nullable().comment('set mode: the quantity the compare-and-set expects');
    t.boolean('honour_subtract').notNullable().defaultTo(false);
    t.tinyint('state').notNullable().defaultTo(0);
    t.integer('delta_applied').nullable();
    t.integer('quantity_after').nullable();
    t.bigInteger('ledger_id').unsigned().nullable();
    t.string('reason', 24).notNullable();
    t.string('ref_type', 24).notNullable().defaultTo('');
    t.string('ref_id', 64).notNullable().defaultTo('');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['oc_prefix', 'idempotency_key'], { indexName: 'meschain_oc_stock_moves_key' });
    t.index(['write_id', 'seq'], 'meschain_oc_stock_moves_write');
    t.index(['oc_prefix', 'state'], 'meschain_oc_stock_moves_state');
  });
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  await knex.schema.dropTableIfExists('meschain_oc_stock_moves');
  await knex.schema.dropTableIfExists('meschain_oc_order_writes');
}
