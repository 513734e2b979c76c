import type { Request, RequestHandler, Response } from 'express';
import type { BridgeVerifier } from '../auth/bridge';
import { AuthError } from '../auth/errors';
import type { AccessTokenVerifier } from '../auth/oauth/verify';
import { ipAllowed, type TokenState } from '../auth/oauth/token-registry';
import type { Principal } from '../auth/principal';
import type { AuditLog } from './audit';
import { sendError } from './errors';
import { isGuardedPath, type PolicyMatch, type PolicyTable, type RateClass } from './policy';
import { consume, setRateHeaders, type LimiterPool } from './rate-limit';
import type { UsageRecorder } from './usage';

/**
 * The policy enforcement point: for every request it finds the route's entry in the policy table and
 * applies it — default deny for unlisted /api routes, authentication (OAuth access token or admin
 * bridge token), tenancy (the token's store), the client's IP allow-list, permission and scope, and the
 * rate limit for the client and route. Outcomes go to usage analytics and, for refusals and writes, to
 * the audit log.
 */

export interface GuardDeps {
  policies: PolicyTable;
  storeId: number;
  verifier: () => AccessTokenVerifier | null;
  bridge: BridgeVerifier | null;
  limits: Record<RateClass, { pool: LimiterPool; perMinute: number }>;
  audit: AuditLog;
  usage: UsageRecorder;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function principalOf(res: Response): Principal | null {
  return (res.locals.principal as Principal | undefined) ?? null;
}

/** Throws AuthError; returns null when no credentials were sent. */
async function authenticate(req: Request, deps: GuardDeps): Promise<{ principal: Principal; state: TokenState | null } | null> {
  const header = req.get('authorization');
  if (!header) return null;
  const m = /^(Bearer|Bridge) +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header.trim());
  if (!m) throw new AuthError('invalid_request', 'malformed Authorization header');
  const scheme = m[1]!.toLowerCase();
  const token = m[2]!;
  if (scheme === 'bearer') {
    const verifier = deps.verifier();
    if (!verifier) throw new AuthError('invalid_token', 'the OAuth server is not running');
    const v = await verifier.verify(token);
    return { principal: v.principal, state: v.state };
  }
  if (!deps.bridge) throw new AuthError('invalid_token', 'the admin bridge is not configured (MESCHAIN_BRIDGE_SECRET)');
  return { principal: await deps.bridge.verify(token), state: null };
}

export function policyGuard(deps: GuardDeps): RequestHandler {
  return async (req, res, next) => {
    const match: PolicyMatch | null = deps.policies.match(req.method, req.path);
    const ip = String(res.locals.clientIp ?? '');
    const auditBase = () => ({
      method: req.method,
      path: req.path,
      ip,
      userAgent: req.get('user-agent') ?? null,
      requestId: String(res.locals.requestId ?? ''),
    });
    res.on('finish', () => {
      const p = principalOf(res);
      if (match) {
        const started = res.locals.startedAt as bigint | undefined;
        const ms = started === undefined ? 0 : Number(process.hrtime.bigint() - started) / 1e6;
        deps.usage.record({ clientId: p?.clientId ?? (p ? p.kind : 'anonymous'), method: req.method, route: match.policy.path, status: res.statusCode, ms });
      }
      if (p && WRITE_METHODS.has(req.method) && isGuardedPath(req.path) && !res.locals.audited) {
        const outcome = res.statusCode < 400 ? 'success' : res.statusCode === 401 || res.statusCode === 403 ? 'denied' : 'failure';
        deps.audit.write({ ...auditBase(), action: 'api.write', outcome, status: res.statusCode, actorType: p.kind, actorId: p.subject, clientId: p.clientId, storeId: p.storeId });
      }
    });
    const refuse = (status: number, code: Parameters<typeof sendError>[2], action: string, detail: Record<string, unknown>, p?: Principal) => {
      res.locals.audited = true;
      deps.audit.write({ ...auditBase(), action, outcome: status === 401 ? 'failure' : 'denied', status, actorType: p?.kind ?? 'anonymous', actorId: p?.subject ?? null, clientId: p?.clientId ?? null, detail });
      sendError(res, status, code, { message: typeof detail.reason === 'string' ? detail.reason : undefined });
    };

    try {
      if (!match) {
        if (!isGuardedPath(req.path)) return next();
        if (deps.policies.pathKnown(req.path)) return sendError(res, 405, 'method_not_allowed');
        return sendError(res, 404, 'not_found');
      }
      const { policy } = match;
      if (policy.access === 'public') {
        const limit = deps.limits[policy.rate];
        const o = await consume(limit.pool.get(limit.perMinute), `${ip}|${policy.path}`);
        setRateHeaders(res, o, limit.pool.duration);
        if (!o.allowed) return sendError(res, 429, 'rate_limited');
        return next();
      }

      let auth: Awaited<ReturnType<typeof authenticate>>;
      try {
        auth = await authenticate(req, deps);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        if (err.code === 'wrong_store') return refuse(403, 'wrong_store', 'auth.wrong_store', { reason: err.message });
        if (err.code === 'insufficient_role') return refuse(403, 'insufficient_role', 'auth.no_role', { reason: err.message });
        res.setHeader('WWW-Authenticate', `Bearer realm="meschain", error="invalid_token", error_description="${err.message.replace(/"/g, "'")}"`);
        return refuse(401, 'invalid_token', 'auth.token_rejected', { reason: err.message, code: err.code });
      }
      if (!auth) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="meschain"');
        return refuse(401, 'unauthorized', 'auth.missing_token', {});
      }
      const { principal, state } = auth;
      res.locals.principal = principal;
      if (principal.storeId !== deps.storeId) return refuse(403, 'wrong_store', 'auth.wrong_store', {}, principal);
      if (state && !ipAllowed(state.allow, ip)) return refuse(403, 'ip_not_allowed', 'auth.ip_denied', { ip }, principal);
      if (policy.access !== 'authenticated' && !principal.permissions.has(policy.access)) {
        const scopeMissing = principal.scopes !== null && !principal.scopes.has(policy.access);
        if (scopeMissing) res.setHeader('WWW-Authenticate', `Bearer realm="meschain", error="insufficient_scope", scope="${policy.access}"`);
        return refuse(403, scopeMissing ? 'insufficient_scope' : 'forbidden', 'auth.forbidden', { permission: policy.access }, principal);
      }
      const limit = deps.limits[policy.rate];
      const perMinute = state?.ratePerMinute ? (policy.rate === 'write' ? Math.min(state.ratePerMinute, limit.perMinute) : state.ratePerMinute) : limit.perMinute;
      const o = await consume(limit.pool.get(perMinute), `${principal.clientId ?? principal.subject}|${policy.path}`);
      setRateHeaders(res, o, limit.pool.duration);
      if (!o.allowed) return sendError(res, 429, 'rate_limited');
      next();
    } catch (err) {
      next(err);
    }
  };
}
