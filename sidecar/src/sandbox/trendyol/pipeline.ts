import type { NextFunction, Request, Response } from 'express';
import { errorBody, SandboxError } from './errors';
import type { Seller } from './model';
import type { TrendyolSandboxState } from './state';

export interface ApiContext {
  req: Request;
  seller: Seller;
  now: number;
}

export interface Reply {
  status?: number;
  body?: unknown;
}

export type ApiHandler = (ctx: ApiContext) => Reply | Promise<Reply>;

const UA = /^\s*(\d+)\s*-\s*([A-Za-z0-9 .-]{1,30})\s*$/;

/**
 * Wraps an API handler with what every Trendyol call goes through, in this order: latency, User-Agent
 * and Basic auth (seller id in the path must be the caller's), the per-endpoint rate limit (429 with
 * Retry-After), injected faults before or after handling, and the request log.
 */
export function apiRoute(state: TrendyolSandboxState, route: string, handler: ApiHandler) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const at = Date.now();
    let outcome = 'handled';
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      state.requests.add({ at, method: req.method, route, status, outcome });
      if (res.headersSent || res.destroyed) return;
      res.set({ 'x-request-id': `ty-${at.toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`, ...headers });
      if (body === undefined) res.status(status).end();
      else res.status(status).json(body);
    };
    const fail = (err: SandboxError) => finish(err.status, errorBody(err.status, err.exception, err.key, err.message, Date.now() + state.settings.clockOffsetMs));
    try {
      const latency = state.faults.latency();
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const seller = authenticate(state, req);
      const retryAfter = state.limiter.take(`${seller.sellerId}:${req.method} ${route}`, Date.now());
      if (retryAfter !== null) {
        outcome = 'rate_limited';
        const seconds = Math.max(1, Math.ceil(retryAfter / 1000));
        return finish(429, errorBody(429, 'TooManyRequestsException', 'too.many.requests', 'Çok fazla istek gönderildi. Lütfen daha sonra tekrar deneyiniz.', Date.now()), { 'retry-after': String(seconds) });
      }
      const fault = state.faults.decide(`${req.method} ${route}`);
      if (fault.kind !== 'none' && !fault.after) return injectFault(state, req, res, fault, route, at);
      const reply = await handler({ req, seller, now: Date.now() });
      if (fault.kind !== 'none') return injectFault(state, req, res, fault, route, at);
      finish(reply.status ?? 200, reply.body);
    } catch (err) {
      if (err instanceof SandboxError) {
        if (err.status === 401 || err.status === 403) outcome = 'auth';
        return fail(err);
      }
      outcome = 'crash';
      finish(500, errorBody(500, 'InternalServerErrorException', 'internal.error', (err as Error).message, Date.now()));
    }
  };
}

function injectFault(
  state: TrendyolSandboxState,
  req: Request,
  res: Response,
  fault: { kind: 'error'; status: number } | { kind: 'timeout' } | { kind: 'drop' },
  route: string,
  at: number,
): void {
  if (fault.kind === 'drop') {
    state.requests.add({ at, method: req.method, route, status: 0, outcome: 'fault_drop' });
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'timeout') {
    state.requests.add({ at, method: req.method, route, status: 0, outcome: 'fault_timeout' });
    const timer = setTimeout(() => req.socket.destroy(), state.faults.current.timeoutHoldMs);
    timer.unref();
    return;
  }
  state.requests.add({ at, method: req.method, route, status: fault.status, outcome: 'fault_error' });
  if (fault.status === 429) {
    res.status(429).set('retry-after', '1').json(errorBody(429, 'TooManyRequestsException', 'too.many.requests', 'Çok fazla istek gönderildi.', Date.now()));
  } else if (fault.status === 502 || fault.status === 503) {
    // Gateways answer with HTML, not JSON: clients must cope.
    res.status(fault.status).type('html').send(`<html><body><h1>${fault.status} Service Unavailable</h1></body></html>`);
  } else {
    res.status(fault.status).json(errorBody(fault.status, 'InternalServerErrorException', 'internal.server.error', 'Internal Server Error', Date.now()));
  }
}

function authenticate(state: TrendyolSandboxState, req: Request): Seller {
  const ua = req.headers['user-agent'];
  if (typeof ua !== 'string' || ua.trim() === '') {
    throw new SandboxError(403, 'user.agent.required', 'User-Agent bilgisi zorunludur.', 'ClientApiAuthenticationException');
  }
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const apiKey = colon >= 0 ? decoded.slice(0, colon) : '';
  const apiSecret = colon >= 0 ? decoded.slice(colon + 1) : '';
  const seller = [...state.sellers.values()].find((s) => s.apiKey === apiKey && s.apiSecret === apiSecret);
  if (!seller) throw new SandboxError(401, 'unauthorized', 'Kimlik doğrulama başarısız.', 'ClientApiAuthenticationException');
  if (state.settings.strictUserAgent) {
    const m = UA.exec(ua);
    if (!m || m[1] !== seller.sellerId) {
      throw new SandboxError(403, 'user.agent.invalid', 'User-Agent "<satıcıId> - <entegratör adı>" biçiminde olmalıdır.', 'ClientApiAuthenticationException');
    }
  }
  const pathSeller = req.params.sellerId;
  if (pathSeller !== undefined && pathSeller !== seller.sellerId) {
    throw new SandboxError(403, 'seller.forbidden', `${pathSeller} satıcısı için yetkiniz bulunmamaktadır.`, 'ClientApiAuthenticationException');
  }
  return seller;
}

/** Query parameter as a non-negative integer, with a default and a clear error. */
export function intParam(req: Request, name: string, fallback: number, max?: number): number {
  const raw = req.query[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new SandboxError(400, `${name}.invalid`, `${name} parametresi geçersiz.`);
  if (max !== undefined && n > max) throw new SandboxError(400, `${name}.max`, `${name} en fazla ${max} olabilir.`);
  return n;
}

/**
 * A whole-number query value, or undefined when it is absent or empty: Trendyol's Spring handlers bind
 * `startDate=` to no value, so an empty date means "no bound", not the epoch.
 */
export function optionalIntParam(req: Request, name: string): number | undefined {
  const raw = req.query[name];
  return raw === undefined || raw === '' ? undefined : intParam(req, name, 0);
}

export function strParam(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}
