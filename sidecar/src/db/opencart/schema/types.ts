/**
 * Structured description of OpenCart 3.0.x tables. Each column type is written the way MariaDB reports
 * it in information_schema.COLUMNS.COLUMN_TYPE, so the definition can be compared with a real shop
 * column for column (sidecar/test/schema/opencart-schema.test.ts does that against OpenCart's dump).
 */

export interface ColumnDef {
  name: string;
  /** e.g. 'int(11)', 'varchar(64)', 'decimal(15,4)', 'text'. */
  type: string;
  nullable: boolean;
  /**
   * The DEFAULT clause: a literal (rendered quoted, as OpenCart's install SQL writes every default),
   * `null` for DEFAULT NULL, absent for no default at all (many OpenCart NOT NULL columns have none).
   */
  default?: string | null;
  autoIncrement?: boolean;
}

export interface IndexDef {
  name: string;
  columns: string[];
}

export interface TableDef {
  /** Without the shop's prefix. */
  name: string;
  columns: ColumnDef[];
  primaryKey: string[];
  indexes: IndexDef[];
  engine: 'MyISAM' | 'InnoDB';
}

export const CHARSET = 'utf8mb4';
export const COLLATION = 'utf8mb4_unicode_ci';

/** Marker for the nullable variants below: `varchar('image', 255, NULLABLE)` = DEFAULT NULL. */
export const NULLABLE = { nullable: true } as const;
type Nullable = typeof NULLABLE;

const notNull = (name: string, type: string, dflt?: string): ColumnDef =>
  dflt === undefined ? { name, type, nullable: false } : { name, type, nullable: false, default: dflt };

/** int(width) NOT NULL AUTO_INCREMENT: the id column of most OpenCart tables. */
export const serial = (name: string, width = 11): ColumnDef => ({ name, type: `int(${width})`, nullable: false, autoIncrement: true });

/** int(width) NOT NULL, with an optional default. */
export const int = (name: string, width = 11, dflt?: number): ColumnDef => notNull(name, `int(${width})`, dflt?.toString());

/** tinyint(1) NOT NULL: OpenCart's boolean (status, subtract, shipping …). */
export const flag = (name: string, dflt?: 0 | 1): ColumnDef => notNull(name, 'tinyint(1)', dflt?.toString());

export function varchar(name: string, length: number, opt?: Nullable | { default: string }): ColumnDef {
  if (opt && 'nullable' in opt) return { name, type: `varchar(${length})`, nullable: true, default: null };
  return notNull(name, `varchar(${length})`, opt?.default);
}

export const char = (name: string, length: number): ColumnDef => notNull(name, `char(${length})`);

export function text(name: string, opt?: Nullable): ColumnDef {
  return opt ? { name, type: 'text', nullable: true, default: null } : notNull(name, 'text');
}

export const decimal = (name: string, precision: number, scale: number, dflt?: string): ColumnDef =>
  notNull(name, `decimal(${precision},${scale})`, dflt);

/** Money as OpenCart keeps it: DECIMAL(15,4) in the default currency, default 0.0000. */
export const money = (name: string): ColumnDef => decimal(name, 15, 4, '0.0000');

export const double = (name: string, precision: number, scale: number): ColumnDef => notNull(name, `double(${precision},${scale})`);

export const date = (name: string, dflt?: string): ColumnDef => notNull(name, 'date', dflt);

export const datetime = (name: string, dflt?: string): ColumnDef => notNull(name, 'datetime', dflt);

/** OpenCart's "no date": what its date columns default to and what open-ended specials carry. */
export const ZERO_DATE = '0000-00-00';

export interface KeySpec {
  primary: string[];
  /** Secondary (non-unique) indexes: name → columns. */
  indexes?: Record<string, string[]>;
  engine?: 'MyISAM' | 'InnoDB';
}

export function table(name: string, columns: ColumnDef[], keys: KeySpec): TableDef {
  return {
    name,
    columns,
    primaryKey: keys.primary,
    indexes: Object.entries(keys.indexes ?? {}).map(([indexName, cols]) => ({ name: indexName, columns: cols })),
    engine: keys.engine ?? 'MyISAM',
  };
}
