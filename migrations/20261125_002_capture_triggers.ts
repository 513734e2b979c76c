import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { installTriggers, removeTriggers } from '../sidecar/src/sync/capture/triggers';

/**
 * Installs the change-capture triggers on OpenCart's tables. Where the database refuses CREATE TRIGGER
 * (shared hosting), the migration still succeeds: the sidecar notices the missing triggers at start-up
 * and runs the snapshot-diff scanner instead, and says so in its log and /health.
 */
export async function up(knex: Knex, ctx: MigrationContext): Promise<void> {
  await installTriggers(knex, ctx.ocPrefix);
}

export async function down(knex: Knex, ctx: MigrationContext): Promise<void> {
  await removeTriggers(knex, ctx.ocPrefix);
}
