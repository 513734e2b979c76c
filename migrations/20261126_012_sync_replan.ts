import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/**
 * Stock/price push bookkeeping for big catalogues:
 * - `meschain_listings.replan_wanted`: a change reached a listing while a push of it was in flight.
 *   The settling transaction reads it (under the row lock) and queues a re-plan for exactly those
 *   listings, instead of re-reading every listing of every settled batch.
 * - an index on `meschain_change_log (product_id)`: a push carries the values planned by the pump, and
 *   checks before sending that no captured change of the product is still waiting to be planned.
 */

async function hasColumn(knex: Knex, table: string, column: string): Promise<boolean> {
  return knex.schema.hasColumn(table, column);
}

async function hasIndex(knex: Knex, table: string, name: string): Promise<boolean> {
  const [rows] = (await knex.raw('SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1', [
    table,
    name,
  ])) as unknown as [unknown[]];
  return rows.length > 0;
}

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (!(await hasColumn(knex, 'meschain_listings', 'replan_wanted'))) {
    await knex.raw("ALTER TABLE meschain_listings ADD COLUMN replan_wanted TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'changed while a push was in flight: re-plan once it settles'");
  }
  if (!(await hasIndex(knex, 'meschain_change_log', 'meschain_change_log_product'))) {
    await knex.raw('ALTER TABLE meschain_change_log ADD INDEX meschain_change_log_product (product_id)');
  }
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (await hasIndex(knex, 'meschain_change_log', 'meschain_change_log_product')) await knex.raw('ALTER TABLE meschain_change_log DROP INDEX meschain_change_log_product');
  if (await hasColumn(knex, 'meschain_listings', 'replan_wanted')) await knex.raw('ALTER TABLE meschain_listings DROP COLUMN replan_wanted');
}
