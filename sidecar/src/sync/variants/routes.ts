import express, { Router } from 'express';
import { z } from 'zod';
import { getProducts } from '../../db/opencart/products';
import { rawRows } from '../../db/raw';
import { requestReplan } from '../pump/replan';
import { inTransaction } from '../queue/sql';
import type { SyncEngine } from '../stock-price/engine';
import { handle, HttpError, intParam, parseBody } from '../accounts/http';
import { boundsProblem } from './bounds';
import { gtinProblem, skuProblem } from './codes';
import { exportVariantsCsv, importVariantsCsv } from './csv-io';
import { STOCK_SOURCES } from './stock';

const amount = z
  .string()
  .regex(/^\d{1,11}(\.\d{1,4})?$/, 'must be an amount such as 149.90')
  .nullable();

const patchSchema = z.strictObject({
  sku: z.string().refine((v) => skuProblem(v) === null, { error: (i) => skuProblem(String(i.input)) ?? 'invalid SKU' }).nullable().optional(),
  barcode: z.string().refine((v) => gtinProblem(v) === null, { error: (i) => gtinProblem(String(i.input)) ?? 'invalid barcode' }).nullable().optional(),
  stockSource: z.enum(STOCK_SOURCES as ['computed', 'product', 'fixed']).optional(),
  fixedQuantity: z.number().int().min(0).nullable().optional(),
  cost: amount.optional(),
  minPrice: amount.optional(),
  maxPrice: amount.optional(),
  active: z.boolean().optional(),
});

interface StoredBounds {
  stock_source: string;
  fixed_quantity: number | null;
  min_price: string | null;
  max_price: string | null;
}

/** A patch judged with what the variant already holds (bounds.ts). */
function checkBounds(p: z.output<typeof patchSchema>, stored: StoredBounds): void {
  const refuse = (field: string, en: string, tr: string) => new HttpError(400, 'invalid_request', `invalid request: ${field}: ${en}`, `geçersiz istek: ${field}: ${tr}`, [`${field}: ${en}`]);
  const problem = boundsProblem(p, { stockSource: stored.stock_source, fixedQuantity: stored.fixed_quantity, minPrice: stored.min_price, maxPrice: stored.max_price });
  if (!problem) return;
  if (problem.kind === 'fixed_without_quantity') throw refuse('fixedQuantity', 'is required when stockSource is fixed', 'stockSource fixed olduğunda fixedQuantity zorunludur');
  const { min, max } = problem;
  if (problem.field === 'maxPrice') throw refuse('maxPrice', `${max} must not be below minPrice (${min})`, `${max}, minPrice (${min}) değerinden küçük olamaz`);
  throw refuse('minPrice', `${min} must not be above maxPrice (${max})`, `${min}, maxPrice (${max}) değerinden büyük olamaz`);
}

/** /api/variants: the variant table, its CSV export/import and generation. */
export function variantsRouter(engine: SyncEngine): Router {
  const r = Router();
  const { variants, deps } = engine;
  r.get(
    '/',
    handle(async (req) => {
      const q = parseBody(z.object({ productId: z.coerce.number().int().positive().optional(), afterId: z.coerce.number().int().min(0).optional(), limit: z.coerce.number().int().min(1).max(5000).optional() }), req.query);
      return variants.page(q);
    }),
  );
  r.get(
    '/export',
    handle(async (req, res) => {
      const sep = req.query.separator === ';' ? ';' : ',';
      const csv = await exportVariantsCsv(variants, deps.oc, { separator: sep });
      res.type('text/csv; charset=utf-8').attachment('variants.csv').send(csv);
      return undefined;
    }),
  );
  r.post(
    '/import',
    express.text({ type: () => true, limit: '50mb' }),
    handle(async (req) => {
      if (typeof req.body !== 'string' || req.body.trim() === '') throw new HttpError(400, 'invalid_request', 'send the CSV file as the request body (Content-Type: text/csv)', 'CSV dosyasını istek gövdesi olarak gönderin (Content-Type: text/csv)');
      const result = await importVariantsCsv(variants, deps.oc, req.body);
      engine.desired.invalidate();
      return result;
    }),
  );
  r.post(
    '/generate',
    express.json(),
    handle(async (req) => {
      const { productIds } = parseBody(z.strictObject({ productIds: z.array(z.number().int().positive()).min(1).max(10_000) }), req.body);
      const products = await getProducts(deps.oc, productIds);
      const out = await variants.ensureForProducts([...products.values()]);
      return { created: out.created, errors: Object.fromEntries(out.errors), variants: Object.fromEntries(out.variants) };
    }),
  );
  r.put(
    '/gs1-prefix',
    express.json(),
    handle(async (req) => {
      const { prefix } = parseBody(z.strictObject({ prefix: z.string().regex(/^\d{6,11}$/, 'must be 6-11 digits') }), req.body);
      await variants.setGs1Prefix(prefix);
      return { prefix };
    }),
  );
  r.patch(
    '/:id',
    express.json(),
    handle(async (req) => {
      const id = intParam(req, 'id');
      const p = parseBody(patchSchema, req.body);
      const set: Record<string, unknown> = { origin: 'manual', updated_at: deps.knex.raw('UTC_TIMESTAMP(3)') };
      const columns: Record<string, string> = { sku: 'sku', barcode: 'barcode', stockSource: 'stock_source', fixedQuantity: 'fixed_quantity', cost: 'cost', minPrice: 'min_price', maxPrice: 'max_price', active: 'active' };
      for (const [k, col] of Object.entries(columns)) if ((p as Record<string, unknown>)[k] !== undefined) set[col] = (p as Record<string, unknown>)[k];
      try {
        await inTransaction(deps.knex, async (trx) => {
          const [row] = await rawRows<StoredBounds & { product_id: number }>(trx, 'SELECT product_id, stock_source, fixed_quantity, min_price, max_price FROM meschain_variants WHERE id = ? FOR UPDATE', [id]);
          if (!row) throw new HttpError(404, 'not_found', `variant ${id} not found`, `varyant ${id} bulunamadı`);
          checkBounds(p, row);
          await trx('meschain_variants').where('id', id).update(set);
          // Other sidecar processes learn of the edit from the change log, as of any stock change.
          await requestReplan(trx, [Number(row.product_id)], 'variant');
        });
      } catch (err) {
        if ((err as { errno?: number }).errno === 1062) throw new HttpError(409, 'duplicate', 'that SKU or barcode belongs to another variant', 'bu SKU veya barkod başka bir varyanta ait');
        throw err;
      }
      engine.desired.invalidate();
      return { variant: (await variants.byIds([id])).get(id) };
    }),
  );
  return r;
}
