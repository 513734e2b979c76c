import express, { Router } from 'express';
import { z } from 'zod';
import { placeholders, rawRows, rawWrite } from '../../db/raw';
import { enqueueMany } from '../queue/enqueue';
import { deleteRuleRow, listRuleRows, saveRuleRow } from '../rules/loader';
import { ruleRowSchema } from '../rules/schema';
import type { SyncEngine } from '../stock-price/engine';
import { listingSpec, requestListings } from '../listing/service';
import { LISTING_STATES } from '../listing/states';
import { inTransaction } from '../queue/sql';
import { pushSpec } from '../stock-price/plan';
import { PRIORITY, queueOf } from '../stock-price/deps';
import { queueRuleReplan } from '../stock-price/rule-replan';
import { handle, HttpError, intParam, parseBody } from './http';
import { flowsPatchSchema } from './schema';

// Path parameters of a rule: a scopeId that is not a whole number is refused, not read as 0 (account).
const ruleKeySchema = z.object({
  scope: z.enum(['account', 'category', 'product']),
  scopeId: z.string().regex(/^\d{1,10}$/, 'must be a whole number (0 for the account rule)').transform(Number),
});

/** /api/marketplaces: accounts, flows, rules, mappings, listings and their states. */
export function marketplacesRouter(engine: SyncEngine): Router {
  const r = Router();
  r.use(express.json({ limit: '2mb' }));
  const { accounts, mappings, knex } = { ...engine, knex: engine.deps.knex };
  const changed = async (id?: number) => {
    engine.adapters.invalidate(id);
    engine.desired.invalidate();
    await engine.refresh();
  };

  r.get('/', handle(async () => ({ accounts: await accounts.list({ fresh: true }) })));
  r.post(
    '/',
    handle(async (req, res) => {
      const view = await accounts.create(req.body);
      await changed();
      res.status(201);
      return { account: view };
    }),
  );
  r.get('/:id', handle(async (req) => ({ account: await accounts.require(intParam(req, 'id')) })));
  r.patch(
    '/:id',
    handle(async (req) => {
      const id = intParam(req, 'id');
      const view = await accounts.update(id, req.body);
      await changed(id);
      return { account: view };
    }),
  );
  r.put(
    '/:id/flows',
    handle(async (req) => {
      const id = intParam(req, 'id');
      const view = await accounts.setFlows(id, parseBody(flowsPatchSchema, req.body));
      await changed(id);
      return { account: view };
    }),
  );
  r.delete(
    '/:id',
    handle(async (req) => {
      const id = intParam(req, 'id');
      try {
        if (!(await accounts.remove(id))) throw new HttpError(404, 'not_found', `marketplace account ${id} not found`, `pazaryeri hesabı ${id} bulunamadı`);
      } catch (err) {
        if ((err as { errno?: number }).errno === 1451) {
          throw new HttpError(409, 'in_use', 'the account has imported orders; disable it instead of deleting it', 'hesabın aktarılmış siparişleri var; silmek yerine devre dışı bırakın');
        }
        throw err;
      }
      await changed(id);
      return { deleted: true };
    }),
  );
  r.post('/:id/check', handle(async (req) => (await engine.adapters.get(intParam(req, 'id'))).checkConnection()));

  r.get('/:id/rules', handle(async (req) => ({ rules: await listRuleRows(knex, (await accounts.require(intParam(req, 'id'))).id) })));
  r.put(
    '/:id/rules',
    handle(async (req) => {
      const account = await accounts.require(intParam(req, 'id'));
      const row = parseBody(ruleRowSchema, req.body);
      // One transaction: a saved rule always has the re-plan that brings it to its listings.
      await inTransaction(knex, async (trx) => {
        await saveRuleRow(trx, account.id, row);
        await queueRuleReplan(trx, engine.deps.oc, account, row.scope, row.scope === 'account' ? 0 : row.scopeId);
      });
      engine.desired.invalidate();
      engine.deps.wake?.(queueOf(account.id));
      return { rules: await listRuleRows(knex, account.id) };
    }),
  );
  r.delete(
    '/:id/rules/:scope/:scopeId',
    handle(async (req) => {
      const account = await accounts.require(intParam(req, 'id'));
      const { scope, scopeId } = parseBody(ruleKeySchema, { scope: req.params.scope, scopeId: req.params.scopeId });
      // The listings fall back to a wider rule: re-planned in the deleting transaction, like a save.
      const deleted = await inTransaction(knex, async (trx) => {
        const gone = await deleteRuleRow(trx, account.id, scope, scopeId);
        if (gone) await queueRuleReplan(trx, engine.deps.oc, account, scope, scopeId);
        return gone;
      });
      engine.desired.invalidate();
      if (deleted) engine.deps.wake?.(queueOf(account.id));
      return { deleted };
    }),
  );

  r.get('/:id/mappings', handle(async (req) => {
    const m = await mappings.load((await accounts.require(intParam(req, 'id'))).id);
    return { categories: [...m.categories.values()], brands: [...m.brands.values()], attributes: [...m.attributes.values()].flat() };
  }));
  const put = (kind: 'categories' | 'brands' | 'attributes') =>
    handle(async (req) => {
      const id = (await accounts.require(intParam(req, 'id'))).id;
      const rows = parseBody(z.array(z.unknown()).max(10_000), req.body);
      const n = kind === 'categories' ? await mappings.putCategories(id, rows) : kind === 'brands' ? await mappings.putBrands(id, rows) : await mappings.putAttributes(id, rows);
      return { saved: n };
    });
  r.put('/:id/mappings/categories', put('categories'));
  r.put('/:id/mappings/brands', put('brands'));
  r.put('/:id/mappings/attributes', put('attributes'));

  const listQuery = z.object({ state: z.enum(LISTING_STATES).optional(), afterId: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) });
  r.get(
    '/:id/listings',
    handle(async (req) => {
      const id = intParam(req, 'id');
      const q = parseBody(listQuery, req.query);
      const rows = await rawRows(
        knex,
        `SELECT id, product_id, variant_key, sku, barcode, remote_id, state, last_pushed_quantity, last_pushed_price, last_pushed_list_price, last_pushed_at,
                desired_quantity, desired_price, price_note, hold_reason, held_price, quarantine_reason, rejections, last_error, remote_quantity, remote_price, remote_checked_at
           FROM meschain_listings WHERE marketplace_id = ? AND id > ? ${q.state ? 'AND state = ?' : ''} ORDER BY id LIMIT ?`,
        [id, q.afterId, ...(q.state ? [q.state] : []), q.limit],
      );
      const counts = await rawRows<{ state: string; n: number }>(knex, 'SELECT state, COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? GROUP BY state', [id]);
      return { listings: rows, counts: Object.fromEntries(counts.map((c) => [c.state, Number(c.n)])) };
    }),
  );
  r.post(
    '/:id/listings',
    handle(async (req, res) => {
      const id = (await accounts.require(intParam(req, 'id'))).id;
      const body = parseBody(z.strictObject({ productIds: z.array(z.number().int().positive()).max(100_000).optional() }), req.body ?? {});
      res.status(202);
      return requestListings(engine.deps, id, body.productIds ?? null);
    }),
  );
  const idsBody = z.strictObject({ listingIds: z.array(z.number().int().positive()).max(100_000).optional() });
  r.post(
    '/:id/listings/release',
    handle(async (req) => {
      const id = intParam(req, 'id');
      const { listingIds } = parseBody(idsBody, req.body ?? {});
      if (listingIds?.length === 0) return { released: 0 };
      // One transaction: a listing let out of quarantine always has the job that sends it. One never
      // listed goes back to 'pending' and needs a listing job (a stock/price push skips what is not
      // active); a listed one needs its stock/price and any content update its quarantine held back.
      const released = await inTransaction(knex, async (trx) => {
        const rows = await rawRows<{ id: number; unlisted: number }>(
          trx,
          `SELECT id, remote_id IS NULL AND listed_at IS NULL AS unlisted FROM meschain_listings
            WHERE marketplace_id = ? AND state = 'quarantined'${listingIds ? ` AND id IN (${placeholders(listingIds.length)})` : ''} ORDER BY id FOR UPDATE`,
          [id, ...(listingIds ?? [])],
        );
        if (!rows.length) return 0;
        const ids = rows.map((r) => Number(r.id));
        await rawWrite(
          trx,
          `UPDATE meschain_listings SET state = IF(remote_id IS NULL AND listed_at IS NULL, 'pending', 'active'), quarantine_reason = NULL, quarantined_at = NULL, rejections = 0, item_retries = 0
            WHERE id IN (${placeholders(ids.length)})`,
          ids,
        );
        await enqueueMany(
          trx,
          rows.flatMap((r) => (Number(r.unlisted) === 1 ? [listingSpec(id, Number(r.id))] : [pushSpec(id, Number(r.id), PRIORITY.increase), listingSpec(id, Number(r.id))])),
        );
        return ids.length;
      });
      engine.deps.wake?.(`marketplace:${id}`);
      return { released };
    }),
  );
  r.post(
    '/:id/price-holds/release',
    handle(async (req) => {
      const id = intParam(req, 'id');
      const { listingIds } = parseBody(idsBody, req.body ?? {});
      if (listingIds?.length === 0) return { released: 0 };
      const filter = listingIds ? ` AND id IN (${placeholders(listingIds.length)})` : '';
      // One transaction: an approved price always has the push that sends it; approved without one, the
      // hold would be gone from view while the marketplace kept the old price.
      const released = await inTransaction(knex, async (trx) => {
        const held = await rawRows<{ id: number }>(trx, `SELECT id FROM meschain_listings WHERE marketplace_id = ? AND held_price IS NOT NULL${filter} ORDER BY id FOR UPDATE`, [id, ...(listingIds ?? [])]);
        if (!held.length) return 0;
        const ids = held.map((h) => Number(h.id));
        // The owner approves exactly the held price: a different new price would be held again.
        await rawWrite(trx, `UPDATE meschain_listings SET approved_price = held_price, hold_reason = NULL WHERE id IN (${placeholders(ids.length)})`, ids);
        await enqueueMany(trx, ids.map((l) => pushSpec(id, l, PRIORITY.price)));
        return ids.length;
      });
      if (released) engine.deps.wake?.(`marketplace:${id}`);
      return { released };
    }),
  );
  return r;
}
