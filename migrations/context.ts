import type { Knex } from 'knex';

/** What every migration is given besides knex: the shop's OpenCart table prefix. */
export interface MigrationContext {
  ocPrefix: string;
}

export interface MeschainMigration {
  up(knex: Knex, ctx: MigrationContext): Promise<void>;
  down(knex: Knex, ctx: MigrationContext): Promise<void>;
}
