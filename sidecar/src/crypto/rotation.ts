import type { Knex } from 'knex';
import type { Logger } from '../util/logger';
import { rawRows, rawWrite } from '../db/raw';
import { withNamedLock } from '../db/opencart/locks';
import { envelopeKeyId, open, seal, SecretDecryptError, type KeyRing } from './secrets';

/**
 * Key rotation: after the operator makes a new key current (and moves the old one to
 * MESCHAIN_SECRET_KEYS_PREVIOUS or the key file), every sealed column registered here is re-encrypted
 * to the current key in the background, in small batches. Each row is replaced with a compare-and-set on
 * the old envelope, so a concurrent writer (or a second sidecar process) never loses an update; the
 * old key can be dropped once `pending` reaches zero.
 */

export interface SealedColumn {
  table: string;
  /** Single-column primary key. */
  idColumn: string;
  /** The envelope column (VARBINARY/BLOB). */
  column: string;
  /** A column that mirrors the envelope's key id, kept in step when present. */
  keyIdColumn?: string;
  /** Columns the context needs (read with the row). */
  contextColumns?: string[];
  /** The context the secret was sealed under (GCM additional data). */
  context(row: Record<string, unknown>): string;
}

export interface RotationReport {
  rotated: number;
  /** Rows whose envelope could not be opened (unknown key id, tampered, wrong context). */
  failed: number;
  /** Rows still sealed under a non-current key after this pass. */
  pending: number;
}

const ID_RE = /^[A-Za-z0-9_]{1,64}$/;

function checkName(name: string): string {
  if (!ID_RE.test(name)) throw new Error(`invalid SQL identifier ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** Re-encrypts up to `limit` rows of one column; rows it cannot open are reported, never changed. */
export async function rotateColumn(knex: Knex, ring: KeyRing, col: SealedColumn, opts: { batchSize?: number; logger?: Logger } = {}): Promise<RotationReport> {
  const batchSize = opts.batchSize ?? 200;
  const table = checkName(col.table);
  const id = checkName(col.idColumn);
  const column = checkName(col.column);
  const extra = (col.contextColumns ?? []).filter((c) => c !== col.idColumn).map(checkName);
  const select = [id, column, ...extra].join(', ');
  const report: RotationReport = { rotated: 0, failed: 0, pending: 0 };
  let after: unknown = null;
  for (;;) {
    const rows = await rawRows<Record<string, unknown>>(
      knex,
      `SELECT ${select} FROM ${table} WHERE ${column} IS NOT NULL ${after === null ? '' : `AND ${id} > ?`} ORDER BY ${id} LIMIT ${batchSize}`,
      after === null ? [] : [after],
    );
    if (rows.length === 0) break;
    for (const row of rows) {
      const envelope = row[col.column] as Buffer;
      if (envelopeKeyId(envelope) === ring.currentKeyId) continue;
      let plain: Buffer;
      try {
        plain = open(ring, col.context(row), envelope);
      } catch (err) {
        if (!(err instanceof SecretDecryptError)) throw err;
        report.failed++;
        opts.logger?.warn({ table: col.table, id: row[col.idColumn], reason: err.message }, 'sealed secret cannot be re-encrypted');
        continue;
      }
      const fresh = seal(ring, col.context(row), plain);
      plain.fill(0);
      const sets = [`${column} = ?`, ...(col.keyIdColumn ? [`${checkName(col.keyIdColumn)} = ?`] : [])];
      const values = [fresh, ...(col.keyIdColumn ? [ring.currentKeyId] : [])];
      const result = await rawWrite(knex, `UPDATE ${table} SET ${sets.join(', ')} WHERE ${id} = ? AND ${column} = ?`, [...values, row[col.idColumn], envelope]);
      if (result.affectedRows === 1) report.rotated++;
    }
    after = rows[rows.length - 1]![col.idColumn];
    if (rows.length < batchSize) break;
  }
  report.pending = await countPending(knex, ring, col);
  return report;
}

/** Rows of a column not yet sealed under the current key. */
export async function countPending(knex: Knex, ring: KeyRing, col: SealedColumn): Promise<number> {
  const rows = await rawRows<{ env: Buffer }>(knex, `SELECT ${checkName(col.column)} AS env FROM ${checkName(col.table)} WHERE ${checkName(col.column)} IS NOT NULL`);
  return rows.filter((r) => envelopeKeyId(r.env) !== ring.currentKeyId).length;
}

export interface RotatorStatus {
  currentKeyId: string;
  lastRunAt: string | null;
  rotated: number;
  failed: number;
  pending: number;
  lastError: string | null;
}

/**
 * Runs rotation over every registered column at start and then periodically. Modules that seal their
 * own secrets register their columns (the security module publishes this as the 'secrets.rotation'
 * service). A MySQL named lock keeps concurrent sidecars from doing the same work twice.
 */
export class KeyRotator {
  private readonly columns: SealedColumn[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  readonly status: RotatorStatus;

  constructor(
    private readonly knex: Knex,
    private readonly ring: KeyRing,
    private readonly opts: { intervalMs?: number; logger?: Logger } = {},
  ) {
    this.status = { currentKeyId: ring.currentKeyId, lastRunAt: null, rotated: 0, failed: 0, pending: 0, lastError: null };
  }

  register(column: SealedColumn): void {
    checkName(column.table);
    checkName(column.column);
    this.columns.push(column);
    // A column registered after start (a later module's) gets a pass now: until it does, `pending`
    // would read 0 without it, and an operator dropping the old key then would lose its secrets.
    if (this.timer) void this.runOnce().catch(() => undefined);
  }

  start(): void {
    const tick = () => {
      void this.runOnce().catch(() => undefined);
    };
    setImmediate(tick);
    this.timer = setInterval(tick, this.opts.intervalMs ?? 10 * 60 * 1000);
    this.timer.unref();
  }

  /** One pass over every column (concurrent calls share the pass). */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      await withNamedLock(
        this.knex,
        'key-rotation',
        0,
        async () => {
          let rotated = 0;
          let failed = 0;
          let pending = 0;
          for (const col of this.columns) {
            const r = await rotateColumn(this.knex, this.ring, col, { logger: this.opts.logger });
            rotated += r.rotated;
            failed += r.failed;
            pending += r.pending;
          }
          Object.assign(this.status, { lastRunAt: new Date().toISOString(), rotated: this.status.rotated + rotated, failed, pending, lastError: null });
          if (rotated > 0 || failed > 0) this.opts.logger?.info({ rotated, failed, pending, keyId: this.ring.currentKeyId }, 'secrets re-encrypted to the current key');
        },
        () => undefined,
      );
    } catch (err) {
      this.status.lastError = (err as Error).message;
      this.opts.logger?.warn({ err }, 'key rotation pass failed');
      throw err;
    }
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }
}
