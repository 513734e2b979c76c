import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/** Tables for the analytics models, predictions, performance, anomalies, recommendations. */
export async function up(_knex: Knex, _ctx: MigrationContext): Promise<void> {}

export async function down(_knex: Knex, _ctx: MigrationContext): Promise<void> {}
