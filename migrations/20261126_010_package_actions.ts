import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/**
 * meschain_shipments becomes the list of package actions waiting to reach the marketplace: besides a
 * tracking number ('ship'), a cancellation the store made in OpenCart ('cancel', tracking_number '').
 */
export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (!(await knex.schema.hasColumn('meschain_shipments', 'action'))) {
    await knex.raw("ALTER TABLE meschain_shipments ADD COLUMN action VARCHAR(8) NOT NULL DEFAULT 'ship' COMMENT 'ship (tracking number), cancel (the store cancelled the order)' AFTER remote_package_id");
  }
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (await knex.schema.hasColumn('meschain_shipments', 'action')) {
    await knex('meschain_shipments').where({ action: 'cancel' }).delete();
    await knex.raw('ALTER TABLE meschain_shipments DROP COLUMN action');
  }
}
