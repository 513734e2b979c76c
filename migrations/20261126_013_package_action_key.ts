import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/**
 * meschain_shipments gains a third package action, 'ack' (Trendyol "Picking" after import), which like
 * 'cancel' carries no tracking number. The old unique key (group, package, tracking number) would make an
 * ack and a later store cancellation of the same package one row, and the cancel would be swallowed by
 * the ack's ON DUPLICATE KEY: the action joins the key.
 */

const KEY = 'meschain_shipments_item';

async function keyColumns(knex: Knex): Promise<string[]> {
  const [rows] = (await knex.raw(
    'SELECT COLUMN_NAME AS c FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? ORDER BY SEQ_IN_INDEX',
    ['meschain_shipments', KEY],
  )) as unknown as [Array<{ c: string }>];
  return rows.map((r) => r.c);
}

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if ((await keyColumns(knex)).includes('action')) return;
  // One statement: the key also serves the group_id foreign key, so it cannot be dropped on its own.
  await knex.raw(`ALTER TABLE meschain_shipments DROP INDEX ${KEY}, ADD UNIQUE INDEX ${KEY} (group_id, remote_package_id, action, tracking_number)`);
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (!(await keyColumns(knex)).includes('action')) return;
  await knex('meschain_shipments').where({ action: 'ack' }).delete();
  await knex.raw(`ALTER TABLE meschain_shipments DROP INDEX ${KEY}, ADD UNIQUE INDEX ${KEY} (group_id, remote_package_id, tracking_number)`);
}
