import type { Knex } from 'knex';
import type { CaptureEntity } from './triggers';

/**
 * Snapshot-diff change capture, for databases that refuse CREATE TRIGGER (shared hosting).
 *
 * Each scan fingerprints the rows that matter to marketplaces, compares them with the fingerprints
 * kept in meschain_capture_snapshot and appends the differences to meschain_change_log, the same log
 * the triggers write, so everything downstream is identical in both modes. Specials are fingerprinted
 * per product because OpenCart's admin re-inserts them with new ids on every save. Order history is
 * append-only, so it is followed by id instead of fingerprinted.
 *
 * A scan runs on one connection inside one InnoDB transaction: the current fingerprints are first
 * copied into a temporary table, then diffed and stored from that copy, so a change that lands during
 * the scan is either in this scan's copy or found by the next one, never lost between the two.
 */

interface FingerprintSource {
  entity: Exclude<CaptureEntity, 'order_history'>;
  /** SELECT returning entity_id, product_id, fp (BINARY(16)). */
  select(prefix: string): string;
}

const md5 = (cols: string[]) => `UNHEX(MD5(CONCAT_WS('|', ${cols.map((c) => `IFNULL(${c}, '')`).join(', ')})))`;

const SOURCES: FingerprintSource[] = [
  {
    entity: 'product',
    select: (p) =>
      `SELECT product_id AS entity_id, product_id, ${md5(['quantity', 'price', 'status', 'subtract', 'tax_class_id', 'date_available', 'stock_status_id'])} AS fp FROM \`${p}product\``,
  },
  {
    entity: 'option_value',
    select: (p) =>
      `SELECT product_option_value_id AS entity_id, product_id, ${md5(['quantity', 'price', 'price_prefix', 'subtract', 'option_value_id', 'product_id'])} AS fp FROM \`${p}product_option_value\``,
  },
  {
    entity: 'special',
    select: (p) =>
      `SELECT product_id AS entity_id, product_id, UNHEX(MD5(GROUP_CONCAT(CONCAT_WS('|', customer_group_id, priority, price, date_start, date_end) ORDER BY customer_group_id, priority, price, date_start, date_end SEPARATOR ';'))) AS fp FROM \`${p}product_special\` GROUP BY product_id`,
  },
];

export interface ScanResult {
  /** Rows appended to meschain_change_log by this scan, per entity. */
  changes: Record<CaptureEntity, number>;
  /** True when this scan only recorded the starting point (first run for that entity). */
  baselined: CaptureEntity[];
}

const baselineCursor = (entity: string) => `snapshot:baseline:${entity}`;
const HISTORY_CURSOR = 'snapshot:order_history:last_id';

async function getCursor(trx: Knex.Transaction, name: string): Promise<string | undefined> {
  const row = (await trx('meschain_cursors').where({ name }).first('value')) as { value: string } | undefined;
  return row?.value;
}

async function setCursor(trx: Knex.Transaction, name: string, value: string): Promise<void> {
  await trx.raw('INSERT INTO meschain_cursors (name, value) VALUES (?, ?) ON DUPLICATE KEY UPDATE value = VALUES(value), updated_at = UTC_TIMESTAMP(3)', [name, value]);
}

async function scanFingerprinted(trx: Knex.Transaction, prefix: string, source: FingerprintSource): Promise<{ changes: number; baselined: boolean }> {
  const tmp = `meschain_scan_${source.entity}`;
  await trx.raw(`DROP TEMPORARY TABLE IF EXISTS \`${tmp}\``);
  await trx.raw(
    `CREATE TEMPORARY TABLE \`${tmp}\` (entity_id INT NOT NULL PRIMARY KEY, product_id INT NULL, fp BINARY(16) NOT NULL) ENGINE=InnoDB ${source.select(prefix)}`,
  );
  const firstRun = (await getCursor(trx, baselineCursor(source.entity))) === undefined;
  let changes = 0;
  if (!firstRun) {
    const [inserted] = (await trx.raw(
      `INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source, changed_at)
       SELECT ?, t.entity_id, t.product_id, IF(s.entity_id IS NULL, 'I', 'U'), 'snapshot', UTC_TIMESTAMP(6)
         FROM \`${tmp}\` t LEFT JOIN meschain_capture_snapshot s ON s.entity = ? AND s.entity_id = t.entity_id
        WHERE s.entity_id IS NULL OR s.fingerprint <> t.fp
        ORDER BY t.entity_id`,
      [source.entity, source.entity],
    )) as [{ affectedRows: number }];
    const [deleted] = (await trx.raw(
      `INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source, changed_at)
       SELECT ?, s.entity_id, s.product_id, 'D', 'snapshot', UTC_TIMESTAMP(6)
         FROM meschain_capture_snapshot s LEFT JOIN \`${tmp}\` t ON t.entity_id = s.entity_id
        WHERE s.entity = ? AND t.entity_id IS NULL
        ORDER BY s.entity_id`,
      [source.entity, source.entity],
    )) as [{ affectedRows: number }];
    changes = inserted.affectedRows + deleted.affectedRows;
  }
  await trx.raw(
    `DELETE s FROM meschain_capture_snapshot s LEFT JOIN \`${tmp}\` t ON t.entity_id = s.entity_id WHERE s.entity = ? AND t.entity_id IS NULL`,
    [source.entity],
  );
  await trx.raw(
    `INSERT INTO meschain_capture_snapshot (entity, entity_id, product_id, fingerprint)
     SELECT ?, entity_id, product_id, fp FROM \`${tmp}\`
     ON DUPLICATE KEY UPDATE product_id = VALUES(product_id), fingerprint = VALUES(fingerprint)`,
    [source.entity],
  );
  await trx.raw(`DROP TEMPORARY TABLE \`${tmp}\``);
  if (firstRun) await setCursor(trx, baselineCursor(source.entity), new Date().toISOString());
  return { changes, baselined: firstRun };
}

async function scanOrderHistory(trx: Knex.Transaction, prefix: string): Promise<{ changes: number; baselined: boolean }> {
  const last = await getCursor(trx, HISTORY_CURSOR);
  const [[maxRow]] = (await trx.raw(`SELECT IFNULL(MAX(order_history_id), 0) AS id FROM \`${prefix}order_history\``)) as [[{ id: number }]];
  const maxId = Number(maxRow.id);
  if (last === undefined) {
    await setCursor(trx, HISTORY_CURSOR, String(maxId));
    return { changes: 0, baselined: true };
  }
  if (maxId <= Number(last)) return { changes: 0, baselined: false };
  // Bounded by maxId read above: rows arriving meanwhile are left for the next scan.
  const [res] = (await trx.raw(
    `INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source, changed_at)
     SELECT 'order_history', order_id, NULL, 'I', 'snapshot', UTC_TIMESTAMP(6)
       FROM \`${prefix}order_history\` WHERE order_history_id > ? AND order_history_id <= ? ORDER BY order_history_id`,
    [Number(last), maxId],
  )) as [{ affectedRows: number }];
  await setCursor(trx, HISTORY_CURSOR, String(maxId));
  return { changes: res.affectedRows, baselined: false };
}

/** One full scan. Safe to run from several processes: a named lock lets only one scan at a time. */
export async function scanSnapshot(knex: Knex, prefix: string): Promise<ScanResult | null> {
  return knex.transaction(async (trx) => {
    // The cursor row lock serialises concurrent scanners; a second one waits, then sees no diff.
    await trx.raw("INSERT IGNORE INTO meschain_cursors (name, value) VALUES ('snapshot:lock', '')");
    await trx.raw("SELECT value FROM meschain_cursors WHERE name = 'snapshot:lock' FOR UPDATE");
    const result: ScanResult = { changes: { product: 0, option_value: 0, special: 0, order_history: 0 }, baselined: [] };
    for (const source of SOURCES) {
      const r = await scanFingerprinted(trx, prefix, source);
      result.changes[source.entity] = r.changes;
      if (r.baselined) result.baselined.push(source.entity);
    }
    const h = await scanOrderHistory(trx, prefix);
    result.changes.order_history = h.changes;
    if (h.baselined) result.baselined.push('order_history');
    return result;
  });
}

/** Forget the baseline, so the next scan starts afresh (after a switch back from trigger mode). */
export async function resetSnapshot(knex: Knex): Promise<void> {
  await knex('meschain_capture_snapshot').delete();
  await knex('meschain_cursors').where('name', 'like', 'snapshot:%').delete();
}
