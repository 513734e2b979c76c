import { randomUUID } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { allowListOf, ipAllowed } from '../auth/oauth/token-registry';
import { sendError } from './errors';

/**
 * Transport-level guards applied to every route after /health and /metrics: a request id, the client
 * address (X-Forwarded-For only from configured proxies), security headers, CORS locked to configured
 * origins, and the request size limit.
 */

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;

export function trustedProxies(spec: string): BlockList | null {
  return allowListOf(
    spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** The caller's address: the socket peer, or — when that peer is a trusted proxy — the last untrusted X-Forwarded-For hop. */
export function clientIp(req: Request, trusted: BlockList | null): string {
  const peer = req.socket.remoteAddress ?? '';
  if (!trusted || !ipAllowed(trusted, peer)) return peer;
  const hops = (req.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!ipAllowed(trusted, hop)) return hop;
  }
  return hops[0] ?? peer;
}

/** Headers a proxy sets about the original request; believed (by Express and oidc-provider) only from a trusted proxy. */
const FORWARDED_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-prefix'];

export function requestContext(trusted: BlockList | null): RequestHandler {
  return (req, res, next) => {
    // The OAuth server runs with `proxy` on when proxies are configured, and its framework then believes
    // X-Forwarded-Host/Proto from anyone: drop them unless the peer is one of those proxies.
    if (!trusted || !ipAllowed(trusted, req.socket.remoteAddress ?? '')) for (const h of FORWARDED_HEADERS) delete req.headers[h];
    const incoming = req.get('x-request-id');
    res.locals.requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    res.locals.clientIp = clientIp(req, trusted);
    res.locals.startedAt = process.hrtime.bigint();
    res.setHeader('X-Request-Id', res.locals.requestId as string);
    next();
  };
}

export function securityHeaders(): RequestHandler {
  const middleware = helmet({
    contentSecurityPolicy: {
      directives: {
        // The consent form's POST ends in a redirect to the app's own scheme, which form-action would block.
        formAction: null,
        frameAncestors: ["'none'"],
      },
    },
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  // With these options helmet's headers never depend on the request: take them from helmet once and
  // set them on every response, rather than running its dozen nested middleware per request.
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
    getHeader: () => undefined,
  };
  let finished = false;
  middleware({ headers: {} } as never, recorder as never, (err?: unknown) => {
    if (err) throw err as Error;
    finished = true;
  });
  if (!finished || set.length === 0) throw new Error('helmet did not produce its headers synchronously');
  return (_req, res, next) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

const EXPOSED = 'RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, RateLimit-Policy, Retry-After, WWW-Authenticate, X-Request-Id';

export function cors(origins: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin) return next();
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && !!req.get('access-control-request-method');
    if (!origins.has(origin)) {
      if (preflight) return sendError(res, 403, 'cors_rejected');
      return next();
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (preflight) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key, X-Request-Id');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * Refuses a declared body over the limit before anyone reads it. Routers that parse bodies must also
 * pass the limit to their parser (express.json({ limit })) for chunked uploads without Content-Length.
 */
export function sizeLimit(limitBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = req.get('content-length');
    if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limitBytes)) {
      res.setHeader('Connection', 'close');
      return sendError(res, 413, 'payload_too_large', { message: `at most ${limitBytes} bytes` });
    }
    next();
  };
}
