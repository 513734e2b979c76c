import type { Knex } from 'knex';
import type { MeschainMigration, MigrationContext } from './context';
import * as syncCore from './20261125_001_sync_core';
import * as captureTriggers from './20261125_002_capture_triggers';
import * as m004 from './20261125_004_marketplace_sync';
import * as m005 from './20261125_005_orders_flow';
import * as m006 from './20261125_006_security';
import * as m007 from './20261125_007_analytics';
import * as m008 from './20261125_008_marketplace_http';
import * as m009 from './20261126_009_listing_codes';
import * as m010 from './20261126_010_package_actions';
import * as m011 from './20261126_011_ledger_move';
import * as m012 from './20261126_012_sync_replan';
import * as m013 from './20261126_013_package_action_key';
import * as opencartWrites from './20261125_003_opencart_writes';

export type { MigrationContext };

/** In order. Imported statically so tsx, tsc and a bundled build all see the same list. */
const MIGRATIONS: Array<[string, MeschainMigration]> = [
  ['20261125_001_sync_core', syncCore],
  ['20261125_002_capture_triggers', captureTriggers],
  ['20261125_003_opencart_writes', opencartWrites],
  ['20261125_004_marketplace_sync', m004],
  ['20261125_005_orders_flow', m005],
  ['20261125_006_security', m006],
  ['20261125_007_analytics', m007],
  ['20261125_008_marketplace_http', m008],
  ['20261126_009_listing_codes', m009],
  ['20261126_010_package_actions', m010],
  ['20261126_011_ledger_move', m011],
  ['20261126_012_sync_replan', m012],
  ['20261126_013_package_action_key', m013],
];

/** Knex migration source that hands each migration the OpenCart prefix as well as knex. */
class MeschainMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly ctx: MigrationContext) {}
  async getMigrations(): Promise<string[]> {
    return MIGRATIONS.map(([name]) => name);
  }
  getMigrationName(name: string): string {
    return name;
  }
  async getMigration(name: string): Promise<Knex.Migration> {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) throw new Error(`unknown migration ${name}`);
    const [, migration] = found;
    return { up: (knex: Knex) => migration.up(knex, this.ctx), down: (knex: Knex) => migration.down(knex, this.ctx) };
  }
}

function migratorConfig(ctx: MigrationContext): Knex.MigratorConfig {
  return {
    migrationSource: new MeschainMigrationSource(ctx),
    tableName: 'meschain_migrations',
    // DDL auto-commits in MySQL anyway; each migration guards itself so a re-run is harmless.
    disableTransactions: true,
  };
}

export async function migrateLatest(knex: Knex, ctx: MigrationContext): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest(migratorConfig(ctx))) as [number, string[]];
  return applied;
}

/** Rolls back every meschain migration: drops the triggers and the meschain_* tables. */
export async function migrateDownAll(knex: Knex, ctx: MigrationContext): Promise<string[]> {
  const [, undone] = (await knex.migrate.rollback(migratorConfig(ctx), true)) as [number, string[]];
  return undone;
}

export async function migrateDownOne(knex: Knex, ctx: MigrationContext): Promise<string[]> {
  const [, undone] = (await knex.migrate.down(migratorConfig(ctx))) as [number, string[]];
  return undone;
}
