import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Tables for the order import, reservations, status out, heartbeats and alerts (sidecar/src/sync/orders,
 * reservations, status-out, heartbeats). Package claims themselves live in meschain_orders (001) and raw
 * webhook deliveries in meschain_webhooks (001). All InnoDB, times UTC, money DECIMAL(15,4) in the shop's
 * default currency.
 */

const TABLES = [
  'meschain_return_lines',
  'meschain_alerts',
  'meschain_heartbeats',
  'meschain_shipments',
  'meschain_reservations',
  'meschain_order_adjustments',
  'meschain_order_lines',
  'meschain_order_groups',
  'meschain_order_settings',
];

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  // Per account: marketplace status → OpenCart order_status_id, method titles, tracking pattern…
  await createTable(knex, 'meschain_order_settings', (t) => {
    t.integer('marketplace_id').unsigned().primary().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.json('settings').notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
  });

  // One row per marketplace order (all its packages): packages of one order number become ONE OpenCart
  // order, so a split or a partial cancel changes that order's lines instead of making a new order.
  await createTable(knex, 'meschain_order_groups', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('RESTRICT');
    t.string('remote_order_id', 64).notNullable();
    t.integer('oc_order_id').nullable();
    t.string('state', 16).notNullable().defaultTo('open').comment('open, reserved, imported, held, cancelled');
    t.string('status', 24).nullable().comment('normalised marketplace status last applied to the OpenCart order');
    t.integer('oc_status_id').nullable().comment('OpenCart status the sidecar last gave the order');
    t.integer('last_history_id').notNullable().defaultTo(0).comment('status out: oc_order_history rows up to this id are handled');
    t.integer('revision').notNullable().defaultTo(0).comment('bumped per status change the sidecar makes; makes its write token unique');
    t.integer('pending_status_id').nullable().comment('a status change under way with the token of `revision` (finished by the next pass)');
    t.string('locked_by', 64).nullable().comment('lease: the worker handling this order now (no pooled connection held)');
    t.datetime('locked_until', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'remote_order_id'], { indexName: 'meschain_order_groups_remote' });
    t.index(['oc_order_id']);
  });

  // The OpenCart order's lines as the sidecar wrote them: which variant, how many are still sold, and
  // the per-unit amounts needed to recompute totals after a partial cancel.
  await createTable(knex, 'meschain_order_lines', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('group_id').unsigned().notNullable().references('meschain_order_groups.id').onDelete('CASCADE');
    t.integer('oc_order_id').notNullable();
    t.integer('oc_order_product_id').notNullable();
    t.integer('product_id').notNullable();
    t.string('variant_key', 191).notNullable().defaultTo('').comment("sorted product_option_value ids joined by '-'");
    t.json('option_values').notNullable().comment('[{productOptionId, productOptionValueId}]');
    t.string('barcode', 64).nullable();
    t.string('sku', 64).nullable();
    t.integer('quantity_ordered').notNullable();
    t.integer('quantity').notNullable().comment('units still sold (ordered − cancelled − returned)');
    t.decimal('unit_price', 15, 4).notNullable().comment('excl. tax, default currency');
    t.decimal('unit_tax', 15, 4).notNullable();
    t.decimal('tax_rate', 7, 4).notNullable().defaultTo(0);
    t.string('tax_title', 128).notNullable().defaultTo('');
    t.unique(['group_id', 'product_id', 'variant_key'], { indexName: 'meschain_order_lines_item' });
    t.index(['oc_order_id']);
  });

  // Journal of line-quantity changes on an existing OpenCart order (partial cancel, return, restore):
  // planned in InnoDB first, then each step is idempotent, so a crash is finished by the next attempt.
  await createTable(knex, 'meschain_order_adjustments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('group_id').unsigned().notNullable().references('meschain_order_groups.id').onDelete('CASCADE');
    t.integer('oc_order_id').notNullable();
    t.string('reason', 16).notNullable().comment('cancel, return, restore');
    t.json('plan').notNullable();
    t.string('state', 12).notNullable().defaultTo('pending').comment('pending, done');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.index(['group_id', 'state']);
  });

  // Stock held for marketplace orders awaiting payment/approval (OpenCart's quantity is not touched).
  // product_option_value_id 0 = the product-level quantity.
  await createTable(knex, 'meschain_reservations', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('remote_order_id', 64).notNullable();
    t.string('remote_package_id', 64).notNullable();
    t.integer('product_id').notNullable();
    t.integer('product_option_value_id').notNullable().defaultTo(0);
    t.integer('quantity').notNullable();
    t.string('state', 12).notNullable().defaultTo('active').comment('active, converted, released');
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'remote_package_id', 'product_id', 'product_option_value_id'], { indexName: 'meschain_reservations_item' });
    t.index(['state', 'product_id']);
    t.index(['marketplace_id', 'remote_order_id']);
  });

  // Tracking numbers to send to the marketplace, one row per package and number.
  await createTable(knex, 'meschain_shipments', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('group_id').unsigned().notNullable().references('meschain_order_groups.id').onDelete('CASCADE');
    t.integer('oc_order_id').notNullable();
    t.string('remote_package_id', 64).notNullable();
    t.string('tracking_number', 64).notNullable();
    t.string('carrier', 64).nullable();
    t.string('source', 12).notNullable().comment('history (comment of a shipped status), api (/api/orders/:id/ship)');
    t.integer('order_history_id').nullable();
    t.string('state', 12).notNullable().defaultTo('pending').comment('pending, sent, failed');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.datetime('sent_at', { precision: 3 }).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['group_id', 'remote_package_id', 'tracking_number'], { indexName: 'meschain_shipments_item' });
    t.index(['state']);
    t.index(['oc_order_id']);
  });

  // Returned units per order line, from the marketplace's returns (claims): a package the marketplace
  // reports as returned may have been returned only in part.
  await createTable(knex, 'meschain_return_lines', (t) => {
    t.bigIncrements('id').primary();
    t.integer('marketplace_id').unsigned().notNullable().references('meschain_marketplaces.id').onDelete('CASCADE');
    t.string('claim_id', 64).notNullable();
    t.string('claim_line_id', 128).notNullable();
    t.string('remote_order_id', 64).notNullable();
    t.string('remote_package_id', 64).nullable();
    t.string('line_id', 64).nullable();
    t.string('barcode', 64).nullable();
    t.string('sku', 64).nullable();
    t.integer('quantity').notNullable();
    t.string('status', 16).notNullable().comment('requested, accepted, rejected, completed, cancelled, unknown');
    t.datetime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.unique(['marketplace_id', 'claim_line_id'], { indexName: 'meschain_return_lines_item' });
    t.index(['marketplace_id', 'remote_order_id']);
  });

  // When each flow of each account last did work (marketplace_id 0: not tied to one account).
  await createTable(knex, 'meschain_heartbeats', (t) => {
    t.integer('marketplace_id').unsigned().notNullable();
    t.string('flow', 32).notNullable().comment('ordersIn, stockOut, statusOut, reconciliation');
    t.datetime('last_at', { precision: 3 }).notNullable();
    t.bigInteger('beats').unsigned().notNullable().defaultTo(0);
    t.string('detail', 255).nullable();
    t.primary(['marketplace_id', 'flow']);
  });

  // Problems raised instead of failing quietly; at most one open alert per (kind, account, subject).
  await createTable(knex, 'meschain_alerts', (t) => {
    t.bigIncrements('id').primary();
    t.string('kind', 32).notNullable().comment('heartbeat, …');
    t.integer('marketplace_id').unsigned().notNullable().defaultTo(0);
    t.string('subject', 64).notNullable().comment('the flow or thing the alert is about');
    t.text('message').notNullable();
    t.string('state', 12).notNullable().defaultTo('open').comment('open, resolved');
    t.datetime('opened_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('last_seen_at', { precision: 3 }).notNullable().defaultTo(knex.raw('UTC_TIMESTAMP(3)'));
    t.datetime('resolved_at', { precision: 3 }).nullable();
    t.index(['state', 'kind']);
  });
  if (!(await knex.schema.hasColumn('meschain_alerts', 'open_key'))) {
    await knex.raw(
      "ALTER TABLE meschain_alerts ADD COLUMN open_key VARCHAR(191) AS (IF(state = 'open', CONCAT(kind, '|', marketplace_id, '|', subject), NULL)) PERSISTENT, ADD UNIQUE KEY meschain_alerts_open (open_key)",
    );
  }
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const name of TABLES) await knex.schema.dropTableIfExists(name);
}
