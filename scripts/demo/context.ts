import type { Knex } from 'knex';
import type { OpencartTableName } from '../../sidecar/src/db/opencart/schema';
import type { Rng } from './prng';
import type { ShopClock } from './time';
import { insertRows } from './util';

/** What every seed step gets: the database, the shop's prefix and clock, and one shared PRNG. */
export interface SeedContext {
  knex: Knex;
  prefix: string;
  rng: Rng;
  clock: ShopClock;
  /** The shop's URL (OpenCart's HTTP_SERVER), as orders record it. */
  storeUrl: string;
  /** Rows written so far, per table (without prefix). */
  counts: Record<string, number>;
}

export function tableName(ctx: Pick<SeedContext, 'prefix'>, table: OpencartTableName): string {
  return ctx.prefix + table;
}

/** Bulk insert into an OpenCart table, counting what was written. */
export async function insert(ctx: SeedContext, table: OpencartTableName, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const n = await insertRows(ctx.knex, tableName(ctx, table), rows);
  ctx.counts[table] = (ctx.counts[table] ?? 0) + n;
}

/** Both demo languages, keyed by OpenCart language_id. */
export const LANG = { en: 1, tr: 2 } as const;
export type LangId = (typeof LANG)[keyof typeof LANG];
export const LANGUAGE_IDS: LangId[] = [LANG.en, LANG.tr];

/** A text in both demo languages. */
export interface Bilingual {
  tr: string;
  en: string;
}

export function inLanguage(text: Bilingual, languageId: number): string {
  return languageId === LANG.tr ? text.tr : text.en;
}
