import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/**
 * Order lines and batch results find their listing by barcode or SKU. Without these indexes every such
 * lookup scans all of an account's listings: harmless with 300 products, a full scan of 100,000 rows per
 * order line on a big catalogue.
 */
const INDEXES = [
  ['meschain_listings_barcode', '(marketplace_id, barcode)'],
  ['meschain_listings_sku', '(marketplace_id, sku)'],
] as const;

async function hasIndex(knex: Knex, name: string): Promise<boolean> {
  const [rows] = (await knex.raw('SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = ? LIMIT 1', [
    'meschain_listings',
    name,
  ])) as unknown as [unknown[]];
  return rows.length > 0;
}

export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const [name, columns] of INDEXES) {
    if (!(await hasIndex(knex, name))) await knex.raw(`ALTER TABLE meschain_listings ADD INDEX ${name} ${columns}`);
  }
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  for (const [name] of INDEXES) {
    if (await hasIndex(knex, name)) await knex.raw(`ALTER TABLE meschain_listings DROP INDEX ${name}`);
  }
}
