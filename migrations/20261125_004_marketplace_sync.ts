import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/** Tables for the marketplace sync engine (listings, variants, rules, reconciliation). */
export async function up(_knex: Knex, _ctx: MigrationContext): Promise<void> {}

export async function down(_knex: Knex, _ctx: MigrationContext): Promise<void> {}
