import type { Knex } from 'knex';

/**
 * Change-capture triggers on OpenCart's tables. OpenCart changes stock with plain SQL (checkout, admin,
 * bulk imports) and does not always touch date_modified, so only triggers (or a snapshot diff) see
 * every change. Each trigger appends one row to meschain_change_log; the pump does the rest.
 *
 * MariaDB allows several triggers per table and event, so ours never replace a shop's own.
 */

export type CaptureEntity = 'product' | 'option_value' | 'special' | 'order_history';

interface TriggerSpec {
  table: string;
  entity: CaptureEntity;
  event: 'INSERT' | 'UPDATE' | 'DELETE';
  /** SQL for entity_id and product_id, using NEW or OLD. */
  entityId: string;
  productId: string;
  /** For UPDATE: only log when one of these columns really changed. */
  watched?: string[];
}

/** Columns that change what a marketplace listing should show. */
const PRODUCT_COLUMNS = ['quantity', 'price', 'status', 'subtract', 'tax_class_id', 'date_available', 'stock_status_id'];
const OPTION_VALUE_COLUMNS = ['quantity', 'price', 'price_prefix', 'subtract', 'option_value_id'];
const SPECIAL_COLUMNS = ['product_id', 'customer_group_id', 'priority', 'price', 'date_start', 'date_end'];

function specs(): TriggerSpec[] {
  const out: TriggerSpec[] = [];
  const rowEvents = (
    table: string,
    entity: CaptureEntity,
    idCol: string,
    watched: string[],
  ): void => {
    out.push({ table, entity, event: 'INSERT', entityId: `NEW.${idCol}`, productId: 'NEW.product_id' });
    out.push({ table, entity, event: 'UPDATE', entityId: `NEW.${idCol}`, productId: 'NEW.product_id', watched });
    out.push({ table, entity, event: 'DELETE', entityId: `OLD.${idCol}`, productId: 'OLD.product_id' });
  };
  rowEvents('product', 'product', 'product_id', PRODUCT_COLUMNS);
  rowEvents('product_option_value', 'option_value', 'product_option_value_id', OPTION_VALUE_COLUMNS);
  // Admin saves delete and re-insert specials with new ids, so specials are keyed by product, not id.
  rowEvents('product_special', 'special', 'product_id', SPECIAL_COLUMNS);
  // Order history is append-only; entity_id carries the order id, which is what the pump needs.
  out.push({ table: 'order_history', entity: 'order_history', event: 'INSERT', entityId: 'NEW.order_id', productId: 'NULL' });
  return out;
}

export function triggerName(prefix: string, spec: { table: string; event: string }): string {
  const suffix = { INSERT: 'ai', UPDATE: 'au', DELETE: 'ad' }[spec.event];
  // Trigger names are per schema; include the prefix so two shops in one schema do not collide.
  return `meschain_${prefix}${spec.table}_${suffix}`.slice(0, 64);
}

function triggerSql(prefix: string, spec: TriggerSpec): string {
  const op = spec.event[0];
  const insert = `INSERT INTO meschain_change_log (entity, entity_id, product_id, op, source, changed_at) VALUES ('${spec.entity}', ${spec.entityId}, ${spec.productId}, '${op}', 'trigger', UTC_TIMESTAMP(6))`;
  const body = spec.watched
    ? `IF ${spec.watched.map((c) => `NOT (OLD.\`${c}\` <=> NEW.\`${c}\`)`).join(' OR ')} THEN ${insert}; END IF`
    : insert;
  return `CREATE OR REPLACE TRIGGER \`${triggerName(prefix, spec)}\` AFTER ${spec.event} ON \`${prefix}${spec.table}\` FOR EACH ROW BEGIN ${body}; END`;
}

export function expectedTriggerNames(prefix: string): string[] {
  return specs().map((s) => triggerName(prefix, s));
}

/** MariaDB error numbers that mean "you may not create triggers here" rather than a bug of ours. */
const REFUSED = new Set([
  1142, // ER_TABLEACCESS_DENIED_ERROR: no TRIGGER privilege
  1227, // ER_SPECIFIC_ACCESS_DENIED_ERROR: needs SUPER
  1419, // ER_BINLOG_CREATE_ROUTINE_NEED_SUPER: binary logging without log_bin_trust_function_creators
  1044, // ER_DBACCESS_DENIED_ERROR
]);

export function isTriggerRefusal(err: unknown): boolean {
  const errno = (err as { errno?: number }).errno;
  return errno !== undefined && REFUSED.has(errno);
}

export type InstallResult = { ok: true; installed: string[] } | { ok: false; reason: string };

/** Creates (or replaces) every capture trigger. Returns why not, instead of throwing, when refused. */
export async function installTriggers(knex: Knex, prefix: string): Promise<InstallResult> {
  const installed: string[] = [];
  try {
    for (const spec of specs()) {
      await knex.raw(triggerSql(prefix, spec));
      installed.push(triggerName(prefix, spec));
    }
    return { ok: true, installed };
  } catch (err) {
    if (!isTriggerRefusal(err)) throw err;
    // Leave nothing half-installed: a partial set would miss changes silently.
    await removeTriggers(knex, prefix).catch(() => undefined);
    return { ok: false, reason: (err as Error).message };
  }
}

export async function removeTriggers(knex: Knex, prefix: string): Promise<void> {
  for (const name of expectedTriggerNames(prefix)) await knex.raw(`DROP TRIGGER IF EXISTS \`${name}\``);
}

/** Which of our triggers exist in the current schema. */
export async function installedTriggers(knex: Knex, prefix: string): Promise<string[]> {
  const names = expectedTriggerNames(prefix);
  const rows = (await knex('information_schema.TRIGGERS')
    .select('TRIGGER_NAME as name')
    .whereRaw('TRIGGER_SCHEMA = DATABASE()')
    .whereIn('TRIGGER_NAME', names)) as Array<{ name: string }>;
  return rows.map((r) => r.name);
}

export async function triggersComplete(knex: Knex, prefix: string): Promise<boolean> {
  return (await installedTriggers(knex, prefix)).length === expectedTriggerNames(prefix).length;
}
