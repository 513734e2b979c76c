import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { decodeSecretKey } from '../../sidecar/src/config/schema';
import type { DemoCredentials } from './settings';

/**
 * The demo's local state: a generated secret key and the seeded users' passwords, in a git-ignored
 * folder (scripts/demo/.demo, or MESCHAIN_DEMO_DIR), files readable by the owner only.
 */

export function demoDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MESCHAIN_DEMO_DIR ? path.resolve(env.MESCHAIN_DEMO_DIR) : path.resolve(__dirname, '.demo');
}

function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  // mode only applies when the file is created; make sure an older file is private too.
  chmodSync(file, 0o600);
}

/** The sidecar's AES key for the demo: 32 random bytes as hex, created once and kept. */
export function demoSecretKey(dir: string): { key: string; created: boolean; file: string } {
  ensureDir(dir);
  const file = path.join(dir, 'secret.key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (!decodeSecretKey(key)) throw new Error(`${file} does not hold a 32-byte key (64 hex characters); delete it to have a new one generated`);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { key, created: false, file };
  }
  const key = randomBytes(32).toString('hex');
  writePrivate(file, `${key}\n`);
  return { key, created: true, file };
}

interface StoredCredentials extends DemoCredentials {
  database: string;
  prefix: string;
}

export function saveCredentials(dir: string, database: string, prefix: string, credentials: DemoCredentials): string {
  ensureDir(dir);
  const file = path.join(dir, 'credentials.json');
  const stored: StoredCredentials = { database, prefix, ...credentials };
  writePrivate(file, `${JSON.stringify(stored, null, 2)}\n`);
  return file;
}

/** The passwords saved when this database was seeded, if this machine seeded it. */
export function loadCredentials(dir: string, database: string, prefix: string): DemoCredentials | null {
  const file = path.join(dir, 'credentials.json');
  if (!existsSync(file)) return null;
  try {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredCredentials;
    return stored.database === database && stored.prefix === prefix ? { admin: stored.admin, staff: stored.staff } : null;
  } catch {
    return null;
  }
}

/** Creates the URL's database (utf8mb4, like OpenCart 3.0.5) when it does not exist. Returns whether it did. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be letters, digits, _ or $`);
  const conn = await mysql.createConnection({
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
  });
  try {
    const [rows] = (await conn.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name])) as [unknown[], unknown];
    if (rows.length > 0) return false;
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    return true;
  } finally {
    await conn.end();
  }
}
