import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT, errno, placeholders, rawRows, rawWrite } from '../../db/raw';

/**
 * Serialises all work on one marketplace order (its group row) across workers and processes with a
 * lease in the row itself rather than a server-side named lock: a named lock pins a pooled connection
 * for the whole import, and the data layer's own locks already need two, so a handful of concurrent
 * imports would exhaust the pool. A crashed holder's lease simply expires; a live one is extended while
 * it works. Everything done under it is idempotent, so the rare overlap after an expiry is harmless.
 */

export class GroupBusyError extends Error {
  override name = 'GroupBusyError';
}

const GROUPS = 'meschain_order_groups';
const LEASE_SECONDS = 60;
const EXTEND_EVERY_MS = 20_000;

async function tryAcquire(knex: Knex, groupId: number, token: string): Promise<boolean> {
  try {
    const r = await rawWrite(
      knex,
      `UPDATE ${GROUPS} SET locked_by = ?, locked_until = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND
        WHERE id = ? AND (locked_by IS NULL OR locked_until < UTC_TIMESTAMP(3))`,
      [token, groupId],
    );
    return r.affectedRows === 1;
  } catch (err) {
    // The holder's transaction locks the row too: losing a deadlock or a lock wait to it means "busy".
    const code = errno(err);
    if (code === ER_LOCK_DEADLOCK || code === ER_LOCK_WAIT_TIMEOUT) return false;
    throw err;
  }
}

export async function withGroupLease<T>(knex: Knex, groupId: number, fn: () => Promise<T>, waitMs = 90_000): Promise<T> {
  const token = randomUUID();
  const until = Date.now() + waitMs;
  let delay = 10;
  while (!(await tryAcquire(knex, groupId, token))) {
    if (Date.now() > until) throw new GroupBusyError(`marketplace order ${groupId} is being handled by another worker; try again later`);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 250);
  }
  const keeper = setInterval(() => {
    void rawWrite(knex, `UPDATE ${GROUPS} SET locked_until = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND WHERE id = ? AND locked_by = ?`, [groupId, token]).catch(() => undefined);
  }, EXTEND_EVERY_MS);
  keeper.unref();
  try {
    return await fn();
  } finally {
    clearInterval(keeper);
    await rawWrite(knex, `UPDATE ${GROUPS} SET locked_by = NULL, locked_until = NULL WHERE id = ? AND locked_by = ?`, [groupId, token]);
  }
}

/**
 * The page batch's leases: every group of the given order numbers that is new (no OpenCart order yet,
 * state open) and free is leased with one UPDATE; `fn` gets the ids it holds. Busy or known groups are
 * simply not among them. Extended while `fn` works, released after. `fn` also gets the lease's token, to
 * check under a row lock that a group is still its own before writing to it (a stalled holder's lease
 * expires, and another worker may have taken the group over).
 */
export async function withNewGroupLeases<T>(
  knex: Knex,
  accountId: number,
  remoteOrderIds: readonly string[],
  fn: (groups: Array<{ id: number; remoteOrderId: string; revision: number }>, lease: string) => Promise<T>,
): Promise<T> {
  const token = randomUUID();
  await rawWrite(
    knex,
    `UPDATE ${GROUPS} SET locked_by = ?, locked_until = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND
      WHERE marketplace_id = ? AND remote_order_id IN (${placeholders(remoteOrderIds.length)}) AND oc_order_id IS NULL AND state = 'open'
        AND (locked_by IS NULL OR locked_until < UTC_TIMESTAMP(3))`,
    [token, accountId, ...remoteOrderIds],
  );
  // Found through the unique (marketplace, order number) key; kept and released by id: locked_by has no
  // index, and a statement on it alone would scan (and lock) every group.
  const rows = await rawRows<{ id: number; remote_order_id: string; revision: number }>(
    knex,
    `SELECT id, remote_order_id, revision FROM ${GROUPS} WHERE marketplace_id = ? AND remote_order_id IN (${placeholders(remoteOrderIds.length)}) AND locked_by = ?`,
    [accountId, ...remoteOrderIds, token],
  );
  const ids = rows.map((r) => Number(r.id));
  const mine = ids.length ? `id IN (${placeholders(ids.length)}) AND locked_by = ?` : 'FALSE';
  const keeper = setInterval(() => {
    if (ids.length) void rawWrite(knex, `UPDATE ${GROUPS} SET locked_until = UTC_TIMESTAMP(3) + INTERVAL ${LEASE_SECONDS} SECOND WHERE ${mine}`, [...ids, token]).catch(() => undefined);
  }, EXTEND_EVERY_MS);
  keeper.unref();
  try {
    return await fn(rows.map((r) => ({ id: Number(r.id), remoteOrderId: r.remote_order_id, revision: Number(r.revision) })), token);
  } finally {
    clearInterval(keeper);
    if (ids.length) await rawWrite(knex, `UPDATE ${GROUPS} SET locked_by = NULL, locked_until = NULL WHERE ${mine}`, [...ids, token]);
  }
}
