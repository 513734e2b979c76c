import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/**
 * meschain_inventory_ledger.move_id: the stock move a ledger row records. A batch of order writes inserts
 * the ledger rows of many moves in one statement and links each move to its row by this column (auto
 * increment ids of a multi-row insert are not promised to be consecutive), and the unique key makes a
 * second ledger row for one move impossible rather than merely avoided.
 */
export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (!(await knex.schema.hasColumn('meschain_inventory_ledger', 'move_id'))) {
    await knex.raw(
      "ALTER TABLE meschain_inventory_ledger ADD COLUMN move_id BIGINT UNSIGNED NULL COMMENT 'meschain_oc_stock_moves.id, when written for a move' AFTER id, ADD UNIQUE KEY meschain_inventory_ledger_move (move_id)",
    );
  }
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  if (await knex.schema.hasColumn('meschain_inventory_ledger', 'move_id')) {
    await knex.raw('ALTER TABLE meschain_inventory_ledger DROP INDEX meschain_inventory_ledger_move, DROP COLUMN move_id');
  }
}
