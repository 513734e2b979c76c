import type { Knex } from 'knex';
import type { MigrationContext } from './context';
import { createTable } from './helpers';

/**
 * Tables for the marketplace HTTP client. meschain_rate_limits is the MySQL store of the shared rate
 * limiter (rate-limiter-flexible's RateLimiterMySQL layout: key, points, expire in epoch ms), used when no
 * Redis is configured, so every sidecar process against this database shares one budget per account.
 */
export async function up(knex: Knex, _ctx: MigrationContext): Promise<void> {
  await createTable(knex, 'meschain_rate_limits', (t) => {
    // Column order matters: the library inserts positional VALUES (key, points, expire).
    t.string('key', 255).notNullable().primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire').unsigned().nullable();
    t.index(['expire'], 'meschain_rate_limits_expire');
  });
}

export async function down(knex: Knex, _ctx: MigrationContext): Promise<void> {
  await knex.schema.dropTableIfExists('meschain_rate_limits');
}
