import { createHash, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { encodeOcText } from '../db/opencart/text';
import { shopDateTime } from '../db/opencart/clock';

/**
 * OpenCart admin users (NOTES §5): `${prefix}user` rows, their group's permission lists, and
 * OpenCart's own password check, so the store owner signs in to the OAuth server with the credentials
 * they already use in the OpenCart admin.
 */

export interface OcUser {
  userId: number;
  userGroupId: number;
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  status: boolean;
}

export interface OcPermissions {
  access: string[];
  modify: string[];
}

interface UserRow {
  user_id: number;
  user_group_id: number;
  username: string;
  password: string;
  salt: string;
  email: string;
  firstname: string;
  lastname: string;
  status: number;
}

const sha1 = (s: string) => createHash('sha1').update(s, 'utf8').digest('hex');
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** PHP's trim() character set. */
const PHP_TRIM = /^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g;

/**
 * What OpenCart actually hashes: its request filter runs every POST value through
 * htmlspecialchars(ENT_COMPAT) and trim() before the login model sees it (NOTES §1), so a password
 * typed as `a&b` was stored as the hash of `a&amp;b`.
 */
export function opencartFormValue(typed: string): string {
  return encodeOcText(typed).replace(PHP_TRIM, '');
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'utf8');
  const y = Buffer.from(b.toLowerCase(), 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** SHA1(salt . SHA1(salt . SHA1(plain))), or an old unsalted MD5 — OpenCart 3's login check. */
export function opencartPasswordMatches(typed: string, storedHash: string, salt: string): boolean {
  const plain = opencartFormValue(typed);
  const salted = sha1(salt + sha1(salt + sha1(plain)));
  // Evaluate both, so timing does not tell which scheme an account uses.
  const a = sameHex(salted, storedHash);
  const b = sameHex(md5(plain), storedHash);
  return a || b;
}

function toUser(r: UserRow): OcUser {
  return {
    userId: Number(r.user_id),
    userGroupId: Number(r.user_group_id),
    username: r.username,
    email: r.email,
    firstname: r.firstname,
    lastname: r.lastname,
    status: Number(r.status) === 1,
  };
}

const USER_COLUMNS = ['user_id', 'user_group_id', 'username', 'password', 'salt', 'email', 'firstname', 'lastname', 'status'];

/**
 * Checks a username and password the way OpenCart's admin login does (status must be 1). Returns the
 * user, or null for any failure (unknown user, wrong password, disabled) without saying which.
 */
export async function verifyOpencartLogin(knex: Knex, prefix: string, username: string, password: string): Promise<OcUser | null> {
  const name = opencartFormValue(username);
  if (name === '' || password === '' || name.length > 20) return null;
  const rows = (await knex(`${prefix}user`).select(USER_COLUMNS).where('username', name).limit(5)) as UserRow[];
  for (const row of rows) {
    if (opencartPasswordMatches(password, row.password, row.salt) && Number(row.status) === 1) return toUser(row);
  }
  return null;
}

/**
 * The name sign-in failures are counted under. MySQL's collation folds case, accents, full-width forms
 * and trailing spaces, and OpenCart's filter strips \0 and \v, so `ädmin`, `ＡＤＭＩＮ` and `admin\0` all
 * sign in to `admin`: count them under the stored username of the account the name reaches, else under
 * the name as OpenCart reads it (an unknown name reaches no account, whatever its spelling).
 */
export async function loginKeyOf(knex: Knex, prefix: string, username: string): Promise<string> {
  const name = opencartFormValue(username);
  if (name === '' || name.length > 20) return name.toLowerCase();
  const row = (await knex(`${prefix}user`).first('username').where('username', name).orderBy('user_id')) as { username: string } | undefined;
  return (row?.username ?? name).toLowerCase();
}

export async function getOpencartUser(knex: Knex, prefix: string, userId: number): Promise<OcUser | null> {
  const row = (await knex(`${prefix}user`).first(USER_COLUMNS).where('user_id', userId)) as UserRow | undefined;
  return row ? toUser(row) : null;
}

/**
 * OpenCart's permission JSON: {"access":[…],"modify":[…]}, or — after PHP re-encoded a list with a key
 * removed — objects with numeric string keys. Both shapes give the same lists; anything else is empty.
 */
export function parseOcPermissions(value: unknown): OcPermissions {
  let data: unknown = value;
  if (typeof value === 'string') {
    try {
      data = value.trim() === '' ? {} : JSON.parse(value);
    } catch {
      data = {};
    }
  }
  const list = (v: unknown): string[] => {
    const items = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v as Record<string, unknown>) : [];
    return items.filter((x): x is string => typeof x === 'string');
  };
  const obj = data && typeof data === 'object' ? (data as Record<string, unknown>) : {};
  return { access: list(obj.access), modify: list(obj.modify) };
}

export async function getUserGroupPermissions(knex: Knex, prefix: string, userGroupId: number): Promise<OcPermissions | null> {
  const row = (await knex(`${prefix}user_group`).first('permission').where('user_group_id', userGroupId)) as { permission: string } | undefined;
  return row ? parseOcPermissions(row.permission) : null;
}

/**
 * OpenCart's own lock-out (NOTES §5): once config_login_attempts failures are recorded for the
 * lower-cased username in customer_login, every login for that name is refused until an hour after
 * the last failure. Honoured read-only, so an account OpenCart has locked is locked here too.
 */
export async function opencartLoginLocked(
  knex: Knex,
  ctx: { prefix: string; timezone: string; now: () => Date; settings: ReadonlyMap<string, unknown> },
  username: string,
): Promise<boolean> {
  const limit = Number(ctx.settings.get('config_login_attempts') ?? 5) || 5;
  const row = (await knex(`${ctx.prefix}customer_login`)
    .first('total', 'date_modified')
    .where('email', opencartFormValue(username).toLowerCase())
    .orderBy('date_modified', 'desc')) as { total: number; date_modified: string } | undefined;
  if (!row || Number(row.total) < limit) return false;
  const hourAgo = shopDateTime(ctx.timezone, new Date(ctx.now().getTime() - 3600_000));
  return row.date_modified > hourAgo;
}
