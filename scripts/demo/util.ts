import type { Knex } from 'knex';

/**
 * Inserts rows in multi-row INSERTs, sized to stay under MySQL's 65 535 placeholders per statement.
 * Every row must have the same keys (the first row's). Returns the number of rows written.
 */
export async function insertRows(knex: Knex, table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = Object.keys(rows[0]!).length;
  const size = Math.max(1, Math.min(2000, Math.floor(60_000 / columns)));
  for (let i = 0; i < rows.length; i += size) {
    await knex(table).insert(rows.slice(i, i + size));
  }
  return rows.length;
}

/** GS1 check digit for the first 12 digits of an EAN-13. */
export function ean13CheckDigit(first12: string): number {
  if (!/^\d{12}$/.test(first12)) throw new Error(`EAN-13 needs 12 digits before the check digit, got ${first12}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function ean13(first12: string): string {
  return first12 + String(ean13CheckDigit(first12));
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

const TR_ASCII: Record<string, string> = { ç: 'c', ğ: 'g', ı: 'i', İ: 'i', ö: 'o', ş: 's', ü: 'u', Ç: 'c', Ğ: 'g', Ö: 'o', Ş: 's', Ü: 'u', â: 'a', î: 'i', û: 'u' };

/** URL keyword / e-mail local part: Turkish letters folded to ASCII, lower case, hyphens. */
export function slug(text: string): string {
  return text
    .replace(/[çğıİöşüÇĞÖŞÜâîû]/g, (ch) => TR_ASCII[ch] ?? ch)
    .toLowerCase()
    .replace(/&/g, ' ve ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Money is generated in integer units of 0.0001 (OpenCart's DECIMAL(15,4)), so sums are exact and the
 * order totals add up to the last digit.
 */
export const UNITS = 10_000;

export function units(amount: number): number {
  return Math.round(amount * UNITS);
}

export function dec4(u: number): string {
  const sign = u < 0 ? '-' : '';
  const abs = Math.abs(u);
  return `${sign}${Math.floor(abs / UNITS)}.${String(abs % UNITS).padStart(4, '0')}`;
}

/** A shop-style price: rounded to a whole lira, minus 10 kuruş (…,90). */
export function charmPrice(amount: number): number {
  return Math.max(9.9, Math.round(amount) - 0.1);
}
