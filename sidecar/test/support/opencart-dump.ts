import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Connection } from 'mysql2/promise';

/** OpenCart 3.0.x's own install SQL, kept in the shared reference folder beside this repo. */
export const DUMP_PATH = process.env.MESCHAIN_OPENCART_SQL ?? path.resolve(__dirname, '../../../../shared/opencart/opencart-3.0.x.sql');

let cached: string | undefined;

/** The dump with OpenCart's installer's three prefix replacements applied. */
export function opencartDump(prefix: string): string {
  // The mysql command-line client drops comment lines itself; a driver sends them, and the server
  // rejects the dump's '-----' separators, so strip whole-line comments first.
  cached ??= readFileSync(DUMP_PATH, 'utf8')
    .split('\n')
    .filter((line) => !line.startsWith('--'))
    .join('\n');
  return cached
    .replaceAll('DROP TABLE IF EXISTS `oc_', `DROP TABLE IF EXISTS \`${prefix}`)
    .replaceAll('CREATE TABLE `oc_', `CREATE TABLE \`${prefix}`)
    .replaceAll('INSERT INTO `oc_', `INSERT INTO \`${prefix}`);
}

export const ADMIN_USERNAME = 'admin';
export const ADMIN_PASSWORD = 'admin-test-pass';
export const ADMIN_SALT = 'Sa1tSa1tX';

/** OpenCart's admin password scheme: SHA1(salt . SHA1(salt . SHA1(plain))). */
export function opencartPasswordHash(plain: string, salt: string): string {
  const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
  return sha1(salt + sha1(salt + sha1(plain)));
}

/**
 * Loads the dump into the connection's current database and does what OpenCart's installer adds on top
 * (NOTES: admin user 1, API user, encryption key, viewed reset), so fixtures look like a fresh shop.
 */
export async function loadOpencartDump(conn: Connection, prefix = 'oc_'): Promise<void> {
  // The dump relies on MariaDB's default (non-NO_ZERO_DATE) mode, exactly as OpenCart's installer does.
  await conn.query("SET SESSION sql_mode = 'NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00'");
  await conn.query(opencartDump(prefix));
  await conn.query(
    `INSERT INTO \`${prefix}user\` (user_id, user_group_id, username, password, salt, firstname, lastname, email, image, code, ip, status, date_added)
     VALUES (1, 1, ?, ?, ?, 'John', 'Doe', 'admin@example.com', '', '', '127.0.0.1', 1, NOW())`,
    [ADMIN_USERNAME, opencartPasswordHash(ADMIN_PASSWORD, ADMIN_SALT), ADMIN_SALT],
  );
  await conn.query(
    `INSERT INTO \`${prefix}api\` (api_id, username, \`key\`, status, date_added, date_modified) VALUES (1, 'Default', REPEAT('k', 256), 1, NOW(), NOW())`,
  );
  await conn.query(`UPDATE \`${prefix}setting\` SET value = REPEAT('e', 1024) WHERE \`key\` = 'config_encryption'`);
  await conn.query(`UPDATE \`${prefix}product\` SET viewed = 0`);
}
