import type { Knex } from 'knex';

/** What information_schema says about one table: enough to tell two table definitions apart. */
export interface TableShape {
  engine: string | null;
  collation: string | null;
  columns: ColumnShape[];
  primaryKey: string[];
  /** Secondary indexes: name → "unique? columns". */
  indexes: Record<string, string>;
}

export interface ColumnShape {
  name: string;
  position: number;
  type: string;
  nullable: string;
  default: string | null;
  extra: string;
  charset: string | null;
  collation: string | null;
}

export async function tableShape(knex: Knex, schema: string, table: string): Promise<TableShape | null> {
  const [t] = (await knex('information_schema.TABLES')
    .select('ENGINE as engine', 'TABLE_COLLATION as collation')
    .where({ TABLE_SCHEMA: schema, TABLE_NAME: table })) as Array<{ engine: string | null; collation: string | null }>;
  if (!t) return null;
  const columns = (await knex('information_schema.COLUMNS')
    .select(
      'COLUMN_NAME as name',
      'ORDINAL_POSITION as position',
      'COLUMN_TYPE as type',
      'IS_NULLABLE as nullable',
      'COLUMN_DEFAULT as default',
      'EXTRA as extra',
      'CHARACTER_SET_NAME as charset',
      'COLLATION_NAME as collation',
    )
    .where({ TABLE_SCHEMA: schema, TABLE_NAME: table })
    .orderBy('ORDINAL_POSITION')) as ColumnShape[];
  const stats = (await knex('information_schema.STATISTICS')
    .select('INDEX_NAME as index', 'COLUMN_NAME as column', 'NON_UNIQUE as nonUnique')
    .where({ TABLE_SCHEMA: schema, TABLE_NAME: table })
    .orderBy(['INDEX_NAME', 'SEQ_IN_INDEX'])) as Array<{ index: string; column: string; nonUnique: number | string }>;
  const primaryKey = stats.filter((s) => s.index === 'PRIMARY').map((s) => s.column);
  const grouped: Record<string, string[]> = {};
  const unique: Record<string, boolean> = {};
  for (const s of stats.filter((x) => x.index !== 'PRIMARY')) {
    (grouped[s.index] ??= []).push(s.column);
    unique[s.index] = Number(s.nonUnique) === 0;
  }
  const indexes = Object.fromEntries(Object.entries(grouped).map(([name, cols]) => [name, `${unique[name] ? 'unique ' : ''}${cols.join(',')}`]));
  return { engine: t.engine, collation: t.collation, columns: columns.map((c) => ({ ...c, position: Number(c.position) })), primaryKey, indexes };
}

/** Human-readable differences between the reference (`want`) and the table under test (`got`). */
export function diffShapes(want: TableShape, got: TableShape): string[] {
  const out: string[] = [];
  if (want.engine !== got.engine) out.push(`engine: want ${want.engine}, got ${got.engine}`);
  if (want.collation !== got.collation) out.push(`collation: want ${want.collation}, got ${got.collation}`);
  const wantNames = want.columns.map((c) => c.name);
  const gotNames = got.columns.map((c) => c.name);
  for (const n of wantNames.filter((n) => !gotNames.includes(n))) out.push(`column ${n}: missing`);
  for (const n of gotNames.filter((n) => !wantNames.includes(n))) out.push(`column ${n}: not in the reference`);
  const fields: Array<keyof ColumnShape> = ['position', 'type', 'nullable', 'default', 'extra', 'charset', 'collation'];
  for (const w of want.columns) {
    const g = got.columns.find((c) => c.name === w.name);
    if (!g) continue;
    for (const f of fields) {
      if (w[f] !== g[f]) out.push(`column ${w.name}: ${f} want ${JSON.stringify(w[f])}, got ${JSON.stringify(g[f])}`);
    }
  }
  if (want.primaryKey.join(',') !== got.primaryKey.join(',')) {
    out.push(`primary key: want (${want.primaryKey.join(',')}), got (${got.primaryKey.join(',')})`);
  }
  for (const name of new Set([...Object.keys(want.indexes), ...Object.keys(got.indexes)])) {
    if (want.indexes[name] !== got.indexes[name]) out.push(`index ${name}: want ${want.indexes[name] ?? 'none'}, got ${got.indexes[name] ?? 'none'}`);
  }
  return out;
}
