import type { Knex } from 'knex';

/**
 * OpenCart's oc_setting, read the way its startup does: every row of store 0, then the store's own rows
 * on top (NOTES §5). serialized = 1 means JSON (not PHP serialize); like PHP's json_decode, a value that
 * does not parse reads as null rather than failing the whole load — only the keys we rely on are checked.
 */

export type OcSettings = ReadonlyMap<string, unknown>;

interface SettingRow {
  store_id: number;
  key: string;
  value: string;
  serialized: number;
}

export function parseSettingValue(value: string, serialized: number | string | boolean): unknown {
  if (!Number(serialized)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

export async function loadSettings(knex: Knex, prefix: string, storeId: number): Promise<OcSettings> {
  const rows = (await knex(`${prefix}setting`)
    .select('store_id', 'key', 'value', 'serialized')
    .whereIn('store_id', storeId === 0 ? [0] : [0, storeId])
    .orderBy([{ column: 'store_id', order: 'asc' }, { column: 'setting_id', order: 'asc' }])) as SettingRow[];
  const out = new Map<string, unknown>();
  for (const row of rows) out.set(row.key, parseSettingValue(row.value, row.serialized));
  return out;
}

export class OcSettingError extends Error {
  override name = 'OcSettingError';
}

export function settingString(settings: OcSettings, key: string, fallback = ''): string {
  const v = settings.get(key);
  if (v === undefined || v === null) return fallback;
  return typeof v === 'string' ? v : String(v);
}

export function settingInt(settings: OcSettings, key: string, fallback: number): number {
  const v = settings.get(key);
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new OcSettingError(`setting ${key} should be a whole number, found ${JSON.stringify(v)}`);
  return n;
}

/**
 * A list of status ids such as config_processing_status: a JSON array of strings, or — after PHP has
 * removed an element and re-encoded it — an object with numeric keys. Absent reads as [] like PHP's (array)null.
 */
export function settingIdList(settings: OcSettings, key: string): number[] {
  const v = settings.get(key);
  if (v === undefined || v === null || v === '') return [];
  const items = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v as Record<string, unknown>) : [v];
  return items.map((item) => {
    const n = Number(item);
    if (item === null || item === '' || !Number.isInteger(n)) {
      throw new OcSettingError(`setting ${key} should list status ids, found ${JSON.stringify(v)}`);
    }
    return n;
  });
}
