import type { Knex } from 'knex';
import { CATALOG_TABLES } from './catalog';
import { LOCALISATION_TABLES } from './localisation';
import { SALES_TABLES } from './sales';
import { SYSTEM_TABLES } from './system';
import { CHARSET, COLLATION, type ColumnDef, type TableDef } from './types';

export type { ColumnDef, IndexDef, TableDef } from './types';
export { CHARSET, COLLATION } from './types';

/**
 * The OpenCart 3.0.x tables the sidecar reads or writes, as OpenCart 3.0.5.x creates them. Used to build
 * a shop from scratch (demo, tests without the dump) and as the reference the schema test checks
 * against OpenCart's own install SQL.
 */
export const OPENCART_TABLE_NAMES = [
  'product',
  'product_description',
  'product_to_store',
  'product_to_category',
  'product_image',
  'product_option',
  'product_option_value',
  'option',
  'option_description',
  'option_value',
  'option_value_description',
  'product_special',
  'product_discount',
  'product_attribute',
  'attribute',
  'attribute_description',
  'attribute_group',
  'attribute_group_description',
  'category',
  'category_description',
  'category_path',
  'category_to_store',
  'manufacturer',
  'manufacturer_to_store',
  'stock_status',
  'tax_class',
  'tax_rate',
  'tax_rule',
  'tax_rate_to_customer_group',
  'geo_zone',
  'zone_to_geo_zone',
  'country',
  'zone',
  'currency',
  'language',
  'setting',
  'store',
  'customer',
  'customer_group',
  'customer_group_description',
  'address',
  'order',
  'order_product',
  'order_option',
  'order_total',
  'order_history',
  'order_status',
  'user',
  'user_group',
  'weight_class',
  'weight_class_description',
  'length_class',
  'length_class_description',
  'seo_url',
  'event',
  'extension',
  'api',
] as const;

export type OpencartTableName = (typeof OPENCART_TABLE_NAMES)[number];

const BY_NAME: ReadonlyMap<string, TableDef> = (() => {
  const all = [...CATALOG_TABLES, ...LOCALISATION_TABLES, ...SALES_TABLES, ...SYSTEM_TABLES];
  const map = new Map(all.map((t) => [t.name, t]));
  // A name listed without a definition (or the reverse) is a bug in this folder; fail at load time.
  const listed = new Set<string>(OPENCART_TABLE_NAMES);
  const missing = OPENCART_TABLE_NAMES.filter((n) => !map.has(n));
  const unlisted = all.filter((t) => !listed.has(t.name)).map((t) => t.name);
  if (missing.length || unlisted.length || map.size !== all.length) {
    throw new Error(`OpenCart schema definition is inconsistent: missing ${missing.join(',') || '-'}, unlisted ${unlisted.join(',') || '-'}`);
  }
  return map;
})();

/** Every table definition, in OPENCART_TABLE_NAMES order. */
export const OPENCART_TABLES: readonly TableDef[] = OPENCART_TABLE_NAMES.map((n) => BY_NAME.get(n)!);

export function opencartTable(name: OpencartTableName): TableDef {
  return BY_NAME.get(name)!;
}

const PREFIX_RE = /^[A-Za-z0-9_]{0,32}$/;

/** Same rule as the config's opencart.tablePrefix; the prefix ends up inside identifiers. */
export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix)) throw new Error(`invalid OpenCart table prefix ${JSON.stringify(prefix)}: must be letters, digits or _ (at most 32)`);
}

const quoteId = (id: string): string => `\`${id}\``;

function renderColumn(c: ColumnDef): string {
  const parts = [quoteId(c.name), c.type, c.nullable ? 'NULL' : 'NOT NULL'];
  if (c.default === null) parts.push('DEFAULT NULL');
  else if (c.default !== undefined) parts.push(`DEFAULT '${c.default.replaceAll("'", "''")}'`);
  if (c.autoIncrement) parts.push('AUTO_INCREMENT');
  return parts.join(' ');
}

/** The CREATE TABLE statement for one table with the shop's prefix. */
export function renderCreateTable(def: TableDef, prefix: string, opts: { ifNotExists?: boolean } = {}): string {
  assertValidPrefix(prefix);
  const lines = def.columns.map(renderColumn);
  lines.push(`PRIMARY KEY (${def.primaryKey.map(quoteId).join(',')})`);
  for (const idx of def.indexes) lines.push(`KEY ${quoteId(idx.name)} (${idx.columns.map(quoteId).join(',')})`);
  const ifNotExists = opts.ifNotExists === false ? '' : 'IF NOT EXISTS ';
  return (
    `CREATE TABLE ${ifNotExists}${quoteId(prefix + def.name)} (\n  ${lines.join(',\n  ')}\n)` +
    ` ENGINE=${def.engine} DEFAULT CHARSET=${CHARSET} COLLATE=${COLLATION}`
  );
}

export interface CreateTablesResult {
  /** Tables (without prefix) this call created. */
  created: string[];
  /** Tables that were already there and were left untouched, whatever their shape. */
  existing: string[];
}

/**
 * Creates the OpenCart tables (all of them, or `tables`) that do not exist yet in knex's current
 * database. Idempotent; never alters or drops an existing table.
 */
export async function createOpencartTables(
  knex: Knex,
  prefix: string,
  opts: { tables?: readonly OpencartTableName[] } = {},
): Promise<CreateTablesResult> {
  assertValidPrefix(prefix);
  const defs = (opts.tables ?? OPENCART_TABLE_NAMES).map((n) => opencartTable(n));
  const present = await existingTables(knex, defs.map((d) => prefix + d.name));
  const result: CreateTablesResult = { created: [], existing: [] };
  for (const def of defs) {
    if (present.has(prefix + def.name)) {
      result.existing.push(def.name);
      continue;
    }
    await knex.raw(renderCreateTable(def, prefix));
    result.created.push(def.name);
  }
  return result;
}

async function existingTables(knex: Knex, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = (await knex('information_schema.TABLES')
    .select('TABLE_NAME as name')
    .whereRaw('TABLE_SCHEMA = DATABASE()')
    .whereIn('TABLE_NAME', names)) as Array<{ name: string }>;
  return new Set(rows.map((r) => r.name));
}
