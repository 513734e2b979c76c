import type { Knex } from 'knex';
import type { OcContext } from './context';
import type { Db } from './stock-moves';

/** Rows of meschain_oc_order_writes: the plan of each order write, kept until it is done. */

export const WRITES = 'meschain_oc_order_writes';

export type WriteKind = 'create' | 'history';

export interface WriteRow {
  id: number;
  oc_prefix: string;
  token: string;
  kind: WriteKind;
  state: 'pending' | 'done';
  oc_order_id: number | null;
  plan: string;
  history_id: number | null;
  status_written: number;
  history_written: number;
  recoveries: number;
}

/**
 * Test seam: called after each step of a write with the step's name. A hook that throws stops the write
 * right there, with no clean-up, which is what a crash of the sidecar at that point leaves behind.
 */
export interface WriteHooks {
  afterStep?: (step: string) => void | Promise<void>;
}

export async function step(hooks: WriteHooks | undefined, name: string): Promise<void> {
  if (hooks?.afterStep) await hooks.afterStep(name);
}

export async function findWrite(db: Db, ctx: OcContext, token: string): Promise<WriteRow | undefined> {
  return (await db(WRITES).first('*').where({ oc_prefix: ctx.prefix, token })) as WriteRow | undefined;
}

export async function readWrite(db: Db, id: number): Promise<WriteRow> {
  const row = (await db(WRITES).first('*').where('id', id)) as WriteRow | undefined;
  if (!row) throw new Error(`order write ${id} not found`);
  return row;
}

export async function insertWrite(db: Db, ctx: OcContext, fields: { token: string; kind: WriteKind; orderId: number | null; plan: unknown }): Promise<number> {
  const [id] = (await db(WRITES).insert({
    oc_prefix: ctx.prefix,
    token: fields.token,
    kind: fields.kind,
    state: 'pending',
    oc_order_id: fields.orderId,
    plan: JSON.stringify(fields.plan),
  })) as number[];
  return id as number;
}

export async function updateWrite(db: Db, id: number, fields: Record<string, unknown>): Promise<void> {
  await db(WRITES)
    .where('id', id)
    .update({ ...fields, updated_at: (db as Knex).raw('UTC_TIMESTAMP(3)') });
}

export async function markDone(db: Db, id: number): Promise<void> {
  await updateWrite(db, id, { state: 'done', finished_at: (db as Knex).raw('UTC_TIMESTAMP(3)') });
}

export async function pendingWrites(db: Db, ctx: OcContext, orderId?: number): Promise<WriteRow[]> {
  const q = db(WRITES).select('*').where({ oc_prefix: ctx.prefix, state: 'pending' }).orderBy('id');
  if (orderId !== undefined) q.andWhere('oc_order_id', orderId);
  return (await q) as WriteRow[];
}
