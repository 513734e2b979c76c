import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import { z, ZodError } from 'zod';
import type { AuditLog } from '../gateway/audit';
import { sendError } from '../gateway/errors';
import { principalOf } from '../gateway/guard';
import { usageSummary } from '../gateway/usage';
import { rawRows } from '../db/raw';
import type { ClientStore } from './oauth/clients';
import type { TokenRegistry } from './oauth/token-registry';

/**
 * /api/security: who am I, API clients (create, list, disable), the audit log and API usage. The
 * policy table gates each route (security:admin, audit:read, or any principal for /me).
 */

/** A query parameter of plain decimal digits within [min, max] (anything else is a 400 naming it, never a SQL error). */
const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const auditQuery = z.object({ limit: intParam(1, 500).default(100), before: intParam(1, Number.MAX_SAFE_INTEGER).optional() });
const usageQuery = z.object({ since_minutes: intParam(1, 60 * 24 * 31).default(60) });

function parseQuery<T extends z.ZodType>(schema: T, req: Request, res: Response): z.output<T> | undefined {
  const parsed = schema.safeParse(req.query);
  if (parsed.success) return parsed.data;
  sendError(res, 400, 'validation_failed', {
    details: parsed.error.issues.slice(0, 20).map((i) => ({ location: 'query', path: i.path.join('.'), message: i.message })),
  });
  return undefined;
}

export function adminRouter(deps: { knex: Knex; clients: ClientStore; tokens: TokenRegistry; audit: AuditLog; bodyLimitBytes: number }): Router {
  const router = Router();
  router.use(express.json({ limit: deps.bodyLimitBytes }));

  router.get('/me', (_req, res) => {
    const p = principalOf(res)!;
    res.json({ kind: p.kind, subject: p.subject, client_id: p.clientId, store_id: p.storeId, roles: p.roles, permissions: [...p.permissions].sort(), scopes: p.scopes ? [...p.scopes].sort() : null });
  });

  router.get('/clients', async (_req, res, next) => {
    try {
      res.json({ items: await deps.clients.list() });
    } catch (err) {
      next(err);
    }
  });

  router.post('/clients', async (req, res, next) => {
    try {
      const created = await deps.clients.create(req.body);
      const p = principalOf(res)!;
      res.locals.audited = true;
      deps.audit.write({ action: 'security.client_created', outcome: 'success', actorType: p.kind, actorId: p.subject, method: 'POST', path: req.baseUrl + req.path, status: 201, ip: String(res.locals.clientIp ?? ''), detail: { clientId: created.clientId } });
      // The secret is shown this once (its owner must store it); it is never readable again.
      res.setHeader('Cache-Control', 'no-store');
      res.status(201).json({ client_id: created.clientId, client_secret: created.clientSecret });
    } catch (err) {
      next(err);
    }
  });

  router.post('/clients/:clientId/disable', async (req, res, next) => {
    try {
      const done = await deps.clients.setEnabled(String(req.params.clientId), false);
      if (!done) return sendError(res, 404, 'resource_not_found');
      deps.tokens.invalidate();
      res.json({ client_id: req.params.clientId, enabled: false });
    } catch (err) {
      next(err);
    }
  });

  router.get('/audit', async (req, res, next) => {
    try {
      const q = parseQuery(auditQuery, req, res);
      if (!q) return;
      const limit = q.limit;
      const before = q.before ?? Number.MAX_SAFE_INTEGER;
      const rows = await rawRows(
        deps.knex,
        `SELECT id, at, store_id, actor_type, actor_id, client_id, action, outcome, method, path, status, ip, request_id, detail
         FROM meschain_audit_log WHERE id < ? ORDER BY id DESC LIMIT ${limit}`,
        [before],
      );
      res.json({ items: rows });
    } catch (err) {
      next(err);
    }
  });

  router.get('/usage', async (req, res, next) => {
    try {
      const q = parseQuery(usageQuery, req, res);
      if (!q) return;
      const minutes = q.since_minutes;
      const since = new Date(Date.now() - minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      res.json({ since, items: await usageSummary(deps.knex, since) });
    } catch (err) {
      next(err);
    }
  });

  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ZodError) {
      return sendError(res, 400, 'validation_failed', {
        details: err.issues.slice(0, 20).map((i) => ({ location: 'body', path: `/${i.path.join('/')}`, message: i.message })),
      });
    }
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json');
    if (type === 'entity.too.large') return sendError(res, 413, 'payload_too_large');
    req.log?.error({ err }, 'security API request failed');
    sendError(res, 500, 'internal');
  });
  return router;
}
