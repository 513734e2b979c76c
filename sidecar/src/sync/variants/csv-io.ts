import type { OcContext } from '../../db/opencart/context';
import { getProducts } from '../../db/opencart/products';
import { loadProductOptions } from '../../db/opencart/options';
import { placeholders, rawRows } from '../../db/raw';
import { inTransaction } from '../queue/sql';
import { gtinProblem, skuProblem } from './codes';
import { combinations, describeCombination, optionValueIndex, parseVariantKey } from './combos';
import { formatCsv, parseCsv, CsvSyntaxError } from './csv';
import { STOCK_SOURCES, type StockSource } from './stock';
import { toVariant, VARIANT_COLUMNS, type VariantStore } from './store';
import { requestReplan } from '../pump/replan';
import { boundsProblem } from './bounds';

/**
 * Screen-free filling of the variant table: export every variant to CSV, edit it in a spreadsheet,
 * import it back. Import is all or nothing: every row is checked first and nothing is written unless all
 * are right; each problem names its line and column. Rows are matched by (product_id, variant_key).
 * Columns absent from the header keep their values; an empty cell clears a value. model, name and
 * options are shown for people and ignored on import.
 */

export const CSV_COLUMNS = ['product_id', 'variant_key', 'model', 'name', 'options', 'sku', 'barcode', 'stock_source', 'fixed_quantity', 'cost', 'min_price', 'max_price', 'active'] as const;
const EDITABLE = ['sku', 'barcode', 'stock_source', 'fixed_quantity', 'cost', 'min_price', 'max_price', 'active'] as const;
type Editable = (typeof EDITABLE)[number];

export interface ImportProblem {
  line: number;
  column: string;
  message: string;
}

export class VariantImportError extends Error {
  override name = 'VariantImportError';
  constructor(readonly problems: ImportProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `line ${p.line}${p.column ? `, column ${p.column}` : ''}: ${p.message}`);
    super(`variant import refused, nothing was changed (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${shown.join('; ')}${problems.length > 20 ? '; …' : ''}`);
  }
}

export interface ImportResult {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
}

export async function exportVariantsCsv(store: VariantStore, oc: OcContext, opts: { productIds?: number[]; separator?: ',' | ';' } = {}): Promise<string> {
  const lines: Array<Array<string | number | null>> = [[...CSV_COLUMNS]];
  let afterId: number | undefined;
  const wanted = opts.productIds ? new Set(opts.productIds) : null;
  for (;;) {
    const page = await store.page({ afterId, limit: 1000 });
    const items = wanted ? page.items.filter((v) => wanted.has(v.productId)) : page.items;
    const products = await getProducts(oc, [...new Set(items.map((v) => v.productId))]);
    for (const v of items) {
      const p = products.get(v.productId);
      const index = p ? optionValueIndex(p) : new Map();
      const described = v.optionValues.map((o) => index.get(o.productOptionValueId)).filter((x) => x !== undefined);
      lines.push([v.productId, v.variantKey, p?.model ?? '', p?.name ?? '', describeCombination(described), v.sku, v.barcode, v.stockSource, v.fixedQuantity, v.cost, v.minPrice, v.maxPrice, v.active ? 1 : 0]);
    }
    if (page.nextAfterId === null) break;
    afterId = page.nextAfterId;
  }
  return formatCsv(lines, opts.separator ?? ',');
}

const DECIMAL_RE = /^\d{1,11}(\.\d{1,4})?$/;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'evet', 'e', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'n', 'hayır', 'hayir', 'h', 'off']);

interface ParsedRow {
  line: number;
  productId: number;
  variantKey: string;
  values: Partial<Record<Editable, string | number | boolean | null>>;
}

export async function importVariantsCsv(store: VariantStore, oc: OcContext, text: string): Promise<ImportResult> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new VariantImportError([{ line: err.line, column: '', message: err.message.replace(/^line \d+: /, '') }]);
    throw err;
  }
  const problems: ImportProblem[] = [];
  const [header, ...body] = records;
  if (!header) throw new VariantImportError([{ line: 1, column: '', message: 'the file is empty; expected a header line' }]);
  const columns = header.fields.map((f) => f.trim().toLowerCase());
  columns.forEach((c, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) problems.push({ line: header.line, column: c || `#${i + 1}`, message: `unknown column (known: ${CSV_COLUMNS.join(', ')})` });
    else if (columns.indexOf(c) !== i) problems.push({ line: header.line, column: c, message: 'column appears twice' });
  });
  for (const required of ['product_id', 'variant_key']) if (!columns.includes(required)) problems.push({ line: header.line, column: required, message: 'required column is missing' });
  if (problems.length) throw new VariantImportError(problems);
  const present = EDITABLE.filter((c) => columns.includes(c));

  const rows: ParsedRow[] = [];
  for (const rec of body) {
    if (rec.fields.length !== columns.length) {
      problems.push({ line: rec.line, column: '', message: `has ${rec.fields.length} fields, the header has ${columns.length}` });
      continue;
    }
    const cell = (c: string) => rec.fields[columns.indexOf(c)]!.trim();
    const bad = (column: string, message: string) => problems.push({ line: rec.line, column, message });
    const pid = cell('product_id');
    if (!/^[1-9]\d{0,9}$/.test(pid)) {
      bad('product_id', `must be a product id, got ${JSON.stringify(pid)}`);
      continue;
    }
    const key = cell('variant_key');
    if (parseVariantKey(key) === null) {
      bad('variant_key', `must be product_option_value ids joined by '-' (or empty for the product itself), got ${JSON.stringify(key)}`);
      continue;
    }
    const values: ParsedRow['values'] = {};
    for (const c of present) {
      const v = cell(c);
      if (v === '') {
        if (c === 'stock_source' || c === 'active') bad(c, 'must not be empty');
        else values[c] = null;
        continue;
      }
      switch (c) {
        case 'sku': {
          const p = skuProblem(v);
          if (p) bad(c, p);
          else values.sku = v;
          break;
        }
        case 'barcode': {
          const p = gtinProblem(v);
          if (p) bad(c, p);
          else values.barcode = v;
          break;
        }
        case 'stock_source':
          if (!(STOCK_SOURCES as readonly string[]).includes(v)) bad(c, `must be one of ${STOCK_SOURCES.join(', ')}`);
          else values.stock_source = v;
          break;
        case 'fixed_quantity':
          if (!/^\d{1,9}$/.test(v)) bad(c, 'must be a whole number, 0 or more');
          else values.fixed_quantity = Number(v);
          break;
        case 'cost':
        case 'min_price':
        case 'max_price': {
          const norm = v.replace(',', '.');
          if (!DECIMAL_RE.test(norm)) bad(c, 'must be an amount such as 149.90 (0 or more, at most 4 decimals)');
          else values[c] = norm;
          break;
        }
        case 'active': {
          const w = v.toLocaleLowerCase('tr-TR');
          if (TRUE_WORDS.has(w)) values.active = true;
          else if (FALSE_WORDS.has(w)) values.active = false;
          else bad(c, 'must be 1 or 0 (yes/no, evet/hayır)');
          break;
        }
      }
    }
    rows.push({ line: rec.line, productId: Number(pid), variantKey: key, values });
  }

  // Duplicates inside the file.
  const seenKey = new Map<string, number>();
  const seenSku = new Map<string, number>();
  const seenBarcode = new Map<string, number>();
  for (const r of rows) {
    const k = `${r.productId}|${r.variantKey}`;
    if (seenKey.has(k)) problems.push({ line: r.line, column: 'variant_key', message: `same product and variant as line ${seenKey.get(k)}` });
    else seenKey.set(k, r.line);
    for (const [col, seen] of [['sku', seenSku], ['barcode', seenBarcode]] as const) {
      const v = r.values[col];
      if (typeof v !== 'string') continue;
      if (seen.has(v)) problems.push({ line: r.line, column: col, message: `${v} is also on line ${seen.get(v)}` });
      else seen.set(v, r.line);
    }
  }

  // Against the store: the product and its combination must exist.
  const productIds = [...new Set(rows.map((r) => r.productId))];
  const existingProducts = new Set<number>();
  for (let i = 0; i < productIds.length; i += 1000) {
    const chunk = productIds.slice(i, i + 1000);
    for (const r of await rawRows<{ product_id: number }>(oc.knex, `SELECT product_id FROM \`${oc.table('product')}\` WHERE product_id IN (${placeholders(chunk.length)})`, chunk)) {
      existingProducts.add(Number(r.product_id));
    }
  }
  const options = await loadProductOptions(oc, [...existingProducts]);
  const existing = await store.byProducts(productIds);
  const validKeys = new Map<number, Set<string>>();
  for (const pid of existingProducts) {
    try {
      validKeys.set(pid, new Set(combinations({ productId: pid, options: options.get(pid) ?? [] }).map((c) => c.key)));
    } catch {
      validKeys.set(pid, new Set());
    }
  }
  const rowVariant = new Map<ParsedRow, number | null>();
  for (const r of rows) {
    if (!existingProducts.has(r.productId)) {
      problems.push({ line: r.line, column: 'product_id', message: `product ${r.productId} does not exist in OpenCart` });
      continue;
    }
    const current = (existing.get(r.productId) ?? []).find((v) => v.variantKey === r.variantKey);
    if (!current && !validKeys.get(r.productId)!.has(r.variantKey)) {
      const known = [...validKeys.get(r.productId)!].slice(0, 5);
      problems.push({
        line: r.line,
        column: 'variant_key',
        message: `${JSON.stringify(r.variantKey)} is not an option combination of product ${r.productId}${known.length ? ` (e.g. ${known.map((k) => JSON.stringify(k)).join(', ')})` : ' (it has no variant options: use an empty key)'}`,
      });
      continue;
    }
    rowVariant.set(r, current?.id ?? null);
    // The row as it would be stored: what the file leaves out keeps its stored value (bounds.ts).
    const v = r.values;
    const problem = boundsProblem(
      {
        stockSource: v.stock_source as string | undefined,
        fixedQuantity: v.fixed_quantity as number | null | undefined,
        minPrice: v.min_price as string | null | undefined,
        maxPrice: v.max_price as string | null | undefined,
      },
      current && { stockSource: current.stockSource, fixedQuantity: current.fixedQuantity, minPrice: current.minPrice, maxPrice: current.maxPrice },
    );
    if (problem?.kind === 'fixed_without_quantity') {
      problems.push({ line: r.line, column: problem.field === 'fixedQuantity' ? 'fixed_quantity' : 'stock_source', message: 'stock_source fixed needs a fixed_quantity, and neither the file nor the stored variant has one' });
    } else if (problem) {
      problems.push({ line: r.line, column: problem.field === 'minPrice' ? 'min_price' : 'max_price', message: `min_price ${problem.min} is above max_price ${problem.max}` });
    }
  }
  // Codes used by variants the file does not touch.
  const fileIds = new Set([...rowVariant.values()].filter((v): v is number => v !== null));
  for (const [col, seen] of [['sku', seenSku], ['barcode', seenBarcode]] as const) {
    const codes = [...seen.keys()];
    for (let i = 0; i < codes.length; i += 1000) {
      const chunk = codes.slice(i, i + 1000);
      const owners = await rawRows<{ id: number; product_id: number; variant_key: string; code: string }>(
        store.knex,
        `SELECT id, product_id, variant_key, ${col} AS code FROM meschain_variants WHERE ${col} IN (${placeholders(chunk.length)})`,
        chunk,
      );
      for (const o of owners) {
        if (fileIds.has(Number(o.id))) continue;
        problems.push({ line: seen.get(o.code)!, column: col, message: `${o.code} already belongs to product ${o.product_id} variant ${JSON.stringify(o.variant_key)}` });
      }
    }
  }
  if (problems.length) throw new VariantImportError(problems.sort((a, b) => a.line - b.line));

  return writeImport(store, rows, rowVariant, present, options);
}

async function writeImport(
  store: VariantStore,
  rows: ParsedRow[],
  rowVariant: Map<ParsedRow, number | null>,
  present: readonly Editable[],
  options: Awaited<ReturnType<typeof loadProductOptions>>,
): Promise<ImportResult> {
  const knex = store.knex;
  const result: ImportResult = { rows: rows.length, created: 0, updated: 0, unchanged: 0 };
  const touched = new Set<number>();
  await inTransaction(knex, async (trx) => {
    const ids = [...rowVariant.values()].filter((v): v is number => v !== null);
    const before = new Map<number, ReturnType<typeof toVariant>>();
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      for (const r of await rawRows<Parameters<typeof toVariant>[0]>(trx, `SELECT ${VARIANT_COLUMNS} FROM meschain_variants WHERE id IN (${placeholders(chunk.length)}) FOR UPDATE`, chunk)) {
        before.set(Number(r.id), toVariant(r));
      }
    }
    // Codes may move between rows of the file (a swap): free them first so the unique keys never clash midway.
    for (const col of ['sku', 'barcode'] as const) {
      if (!present.includes(col) || ids.length === 0) continue;
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000);
        await trx.raw(`UPDATE meschain_variants SET ${col} = NULL WHERE id IN (${placeholders(chunk.length)})`, chunk);
      }
    }
    for (const r of rows) {
      const id = rowVariant.get(r)!;
      const set: Record<string, unknown> = {};
      for (const c of present) set[c] = r.values[c] === undefined ? null : r.values[c];
      if (id === null) {
        const index = optionValueIndex({ options: options.get(r.productId) ?? [] });
        const refs = parseVariantKey(r.variantKey)!.map((povId) => {
          const v = index.get(povId)!;
          return { productOptionValueId: povId, optionId: v.optionId, optionValueId: v.optionValueId };
        });
        await trx('meschain_variants').insert({ product_id: r.productId, variant_key: r.variantKey, option_values: JSON.stringify(refs), origin: 'imported', ...set });
        result.created++;
        touched.add(r.productId);
        continue;
      }
      const old = before.get(id)!;
      const oldValues: Record<Editable, unknown> = {
        sku: old.sku,
        barcode: old.barcode,
        stock_source: old.stockSource,
        fixed_quantity: old.fixedQuantity,
        cost: old.cost === null ? null : Number(old.cost),
        min_price: old.minPrice === null ? null : Number(old.minPrice),
        max_price: old.maxPrice === null ? null : Number(old.maxPrice),
        active: old.active,
      };
      const changed = present.some((c) => {
        const nv = set[c];
        const ov = oldValues[c];
        return ['cost', 'min_price', 'max_price'].includes(c) ? (nv === null ? ov !== null : ov === null || Number(nv) !== ov) : nv !== ov;
      });
      await trx('meschain_variants')
        .where('id', id)
        .update({ ...set, ...(changed ? { origin: 'imported', updated_at: trx.raw('UTC_TIMESTAMP(3)') } : {}) });
      if (changed) {
        result.updated++;
        touched.add(r.productId);
      } else result.unchanged++;
    }
    // Stock sources, fixed quantities and price bounds feed what the marketplaces get: re-plan those
    // products everywhere (the change log is read by every sidecar process, not only this one).
    await requestReplan(trx, [...touched], 'variant');
  });
  return result;
}
