import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { listAlerts, listHeartbeats } from '../heartbeats';
import { listReservations } from '../reservations';
import { shipInputSchema, ShipError, shipmentsOfOrder, shipOrder } from '../status-out';
import type { MarketplaceAccess } from './access';
import { orderProblem } from './check';
import { GroupBusyError } from './lease';
import { holdGroup, importOrder, reprocessGroup, type ImportOutcome, type OrderEnv } from './process';
import { loadOrderSettings, OrderSettingsError, saveOrderSettings } from './settings';
import { groupsByOcOrder, linesOf, listHeld, packageById, packagesOf, findGroup } from './store';

/**
 * /api/orders — the order flows' HTTP surface (JSON; errors as { error: { code, message } }):
 *   GET  /held                      orders not imported, with the reason
 *   POST /held/:id/retry            one-action retry of a held package (meschain_orders.id)
 *   GET  /reservations?state=       stock reserved for orders awaiting payment
 *   GET  /alerts?state=open         heartbeat / tracking / shipment alerts
 *   GET  /heartbeats                last work per flow and account
 *   GET  /settings/:accountId       order settings (status map, methods, tracking pattern, poll interval)
 *   PUT  /settings/:accountId       replace them (validated; statuses must exist)
 *   POST /pull                      poll every account now ({ marketplace?: "trendyol" })
 *   GET  /:ocOrderId                marketplace view of an OpenCart order (packages, lines, shipments)
 *   POST /:ocOrderId/ship           { trackingNumber, carrier? } → the marketplace gets it
 */

export interface OrdersApiDeps {
  env: OrderEnv;
  access: MarketplaceAccess;
  /** Queue a poll of these accounts now. */
  pollNow(accountIds: number[]): Promise<void>;
  /** Queue the status-out job of an OpenCart order now. */
  statusOutNow(ocOrderId: number): Promise<void>;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** How long a retry asked for by a person waits for a worker that holds the order (the workers wait 90 s). */
const RETRY_LEASE_WAIT_MS = 3_000;

const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
  fn(req, res).catch(next);
};

function idParam(req: Request, res: Response, name: string): number | null {
  const v = Number(req.params[name]);
  if (!Number.isInteger(v) || v < 1) {
    fail(res, 400, 'invalid_id', `${name} must be a positive whole number / geçersiz kimlik`);
    return null;
  }
  return v;
}

export function createOrdersRouter(deps: OrdersApiDeps): Router {
  const { env, access } = deps;
  const knex = env.ctx.knex;
  const router = Router();
  router.use(express.json({ limit: '256kb' }));

  router.get('/held', wrap(async (req, res) => {
    const accountId = req.query.account === undefined ? undefined : Number(req.query.account);
    res.json({ held: await listHeld(knex, Number.isInteger(accountId) ? accountId : undefined) });
  }));

  router.post('/held/:id/retry', wrap(async (req, res) => {
    const id = idParam(req, res, 'id');
    if (id === null) return;
    const pkg = await packageById(knex, id);
    if (!pkg) return fail(res, 404, 'not_found', `no marketplace package ${id} / paket bulunamadı`);
    if (pkg.state !== 'held') return fail(res, 409, 'not_held', `package ${id} is ${pkg.state}, not held / paket beklemede değil`);
    const account = await access.account(pkg.marketplaceId);
    if (!account) return fail(res, 404, 'not_found', `marketplace account ${pkg.marketplaceId} no longer exists`);
    const group = await findGroup(knex, account.id, pkg.remoteOrderId);
    if (!group) return fail(res, 404, 'not_found', `marketplace order ${pkg.remoteOrderId} has no order record / sipariş kaydı bulunamadı`);
    let outcome: ImportOutcome;
    // Ask the marketplace for the order as it is now (it may have moved on while held); else use what is stored.
    const fresh = await access
      .adapter(account.id)
      .then((a) => a.fetchOrder(pkg.remoteOrderId))
      .catch(() => null);
    // A person is waiting on this answer: a worker holding the order is "busy, try again", not a 90 s hang.
    const withFetch: OrderEnv = { ...env, leaseWaitMs: RETRY_LEASE_WAIT_MS, fetchOrder: async (oid) => (await access.adapter(account.id)).fetchOrder(oid) };
    // A copy the check still refuses is an answer, not a failure: the order stays held with what is wrong now.
    const problem = fresh && orderProblem(fresh);
    try {
      if (problem) outcome = await holdGroup(withFetch, account, group.id, problem);
      else if (fresh) outcome = await importOrder(withFetch, account, fresh);
      else outcome = await reprocessGroup(withFetch, account, group.id);
    } catch (err) {
      if (!(err instanceof GroupBusyError)) throw err;
      res.setHeader('Retry-After', '30');
      return fail(res, 409, 'busy', `package ${id}: the order is being handled by another worker right now; try again shortly / sipariş şu anda başka bir işlemde, biraz sonra tekrar deneyin`);
    }
    if (outcome.state !== 'held') {
      res.json({ outcome });
      return;
    }
    const message = `package ${id} is still held: ${outcome.heldReasons.join('; ')} / paket hâlâ beklemede`;
    res.status(409).json({ error: { code: 'still_held', message }, outcome });
  }));

  router.get('/reservations', wrap(async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    res.json({ reservations: await listReservations(knex, state ? { state } : {}) });
  }));

  router.get('/alerts', wrap(async (req, res) => {
    const state = req.query.state === 'open' || req.query.state === 'resolved' ? req.query.state : undefined;
    res.json({ alerts: await listAlerts(knex, state ? { state } : {}) });
  }));

  router.get('/heartbeats', wrap(async (_req, res) => {
    res.json({ heartbeats: await listHeartbeats(knex) });
  }));

  router.get('/settings/:accountId', wrap(async (req, res) => {
    const id = idParam(req, res, 'accountId');
    if (id === null) return;
    if (!(await access.account(id))) return fail(res, 404, 'not_found', `marketplace account ${id} does not exist / hesap bulunamadı`);
    res.json({ settings: await loadOrderSettings(knex, id) });
  }));

  router.put('/settings/:accountId', wrap(async (req, res) => {
    const id = idParam(req, res, 'accountId');
    if (id === null) return;
    if (!(await access.account(id))) return fail(res, 404, 'not_found', `marketplace account ${id} does not exist / hesap bulunamadı`);
    try {
      res.json({ settings: await saveOrderSettings(knex, env.ctx.table('order_status'), id, req.body) });
    } catch (err) {
      if (err instanceof OrderSettingsError) return fail(res, 400, 'invalid_settings', err.message);
      throw err;
    }
  }));

  router.post('/pull', wrap(async (req, res) => {
    const marketplace = typeof req.body?.marketplace === 'string' ? req.body.marketplace : undefined;
    const accounts = (await access.accounts()).filter((a) => a.enabled && a.ordersIn && (!marketplace || a.code === marketplace));
    await deps.pollNow(accounts.map((a) => a.id));
    res.status(202).json({ queued: accounts.map((a) => a.id) });
  }));

  router.get('/:id', wrap(async (req, res) => {
    const id = idParam(req, res, 'id');
    if (id === null) return;
    const [group] = await groupsByOcOrder(knex, [id]);
    if (!group) return fail(res, 404, 'not_found', `OpenCart order ${id} is not a marketplace order / pazaryeri siparişi değil`);
    const packages = await packagesOf(knex, group.marketplaceId, group.remoteOrderId);
    res.json({
      ocOrderId: id,
      marketplaceId: group.marketplaceId,
      remoteOrderId: group.remoteOrderId,
      state: group.state,
      status: group.status,
      packages: packages.map((p) => ({ id: p.id, packageId: p.remotePackageId, state: p.state, status: p.stored.package.status, rawStatus: p.stored.package.rawStatus, holdReason: p.holdReason })),
      lines: (await linesOf(knex, group.id)).map((l) => ({ productId: l.productId, variantKey: l.variantKey, barcode: l.barcode, quantityOrdered: l.quantityOrdered, quantity: l.quantity })),
      shipments: await shipmentsOfOrder(knex, id),
    });
  }));

  router.post('/:id/ship', wrap(async (req, res) => {
    const id = idParam(req, res, 'id');
    if (id === null) return;
    const parsed = shipInputSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return fail(res, 400, 'invalid_request', `${issues} / geçersiz istek`);
    }
    try {
      const result = await shipOrder({ ctx: env.ctx, access, logger: env.logger }, id, parsed.data);
      await deps.statusOutNow(id);
      res.status(202).json(result);
    } catch (err) {
      if (err instanceof ShipError) return fail(res, err.status, err.code, err.message);
      throw err;
    }
  }));

  router.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    if ((err as { type?: string }).type === 'entity.parse.failed') return fail(res, 400, 'malformed', 'request body is not valid JSON / geçersiz JSON');
    req.log?.error({ err }, 'orders API failed');
    fail(res, 500, 'internal', 'Internal error');
  });
  return router;
}
