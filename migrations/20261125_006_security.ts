import type { Knex } from 'knex';
import type { MigrationContext } from './context';

/** Tables for the OAuth 2.0, RBAC, gateway, audit log, API usage. */
export async function up(_knex: Knex, _ctx: MigrationContext): Promise<void> {}

export async function down(_knex: Knex, _ctx: MigrationContext): Promise<void> {}
