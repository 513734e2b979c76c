import mysql from 'mysql2/promise';
import type { Knex } from 'knex';
import { createDb } from '../../src/db/connection';
import { migrateLatest } from '../../../migrations';
import { loadOpencartDump } from './opencart-dump';

/** Server the tests use; a database per test suite is created on it and dropped afterwards. */
export const TEST_SERVER_URL = process.env.MESCHAIN_TEST_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';

let counter = 0;

export interface TestDatabase {
  name: string;
  url: string;
  prefix: string;
  knex: Knex;
  /** A raw root connection to the server (no default database), for fixtures and privilege tricks. */
  admin: mysql.Connection;
  drop(): Promise<void>;
}

export function databaseUrl(name: string, server = TEST_SERVER_URL): string {
  const u = new URL(server);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function serverConnection(): Promise<mysql.Connection> {
  const u = new URL(TEST_SERVER_URL);
  return mysql.createConnection({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    multipleStatements: true,
    dateStrings: true,
  });
}

/**
 * A fresh database holding OpenCart's real 3.0.x schema and data (from the shared dump, with the given
 * prefix) and, unless `migrate: false`, the sidecar's migrations (tables and capture triggers).
 */
export async function createTestDatabase(opts: { prefix?: string; migrate?: boolean; opencart?: boolean } = {}): Promise<TestDatabase> {
  const prefix = opts.prefix ?? 'oc_';
  const name = `mc_test_${process.pid}_${Date.now() % 100000}_${counter++}`;
  const admin = await serverConnection();
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  if (opts.opencart !== false) {
    await admin.query(`USE \`${name}\``);
    await loadOpencartDump(admin, prefix);
  }
  const url = databaseUrl(name);
  const knex = createDb(url, { poolMax: 8 });
  if (opts.migrate !== false) await migrateLatest(knex, { ocPrefix: prefix });
  return {
    name,
    url,
    prefix,
    knex,
    admin,
    async drop() {
      await knex.destroy();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}
