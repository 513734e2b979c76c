import express, { type Express, type Request, type RequestHandler, type Response, type NextFunction, type Router } from 'express';
import type { Logger } from '../util/logger';
import { collectHealth, type HealthSources } from './health';
import type { Metrics } from './metrics';
import { installRequestLog } from './request-log';

/**
 * The route label of a request no route handled (refused by the gateway first, or served by the OAuth
 * server's own router): its mount only, never the path, which holds ids and would make a new series for
 * every request prom-client then keeps for ever.
 */
const MOUNTS = new Set(['api', 'oauth', 'webhooks', '.well-known']);
function unroutedLabel(url: string): string {
  const first = url.split('?')[0]!.split('/')[1] ?? '';
  return MOUNTS.has(first) ? `/${first}/*` : 'unmatched';
}

export interface ServerDeps {
  logger: Logger;
  health: HealthSources;
  metrics: Metrics;
  /** Middleware before every route except /health and /metrics (the security gateway). */
  before?: RequestHandler[];
  routes?: Array<{ path: string; router: Router }>;
}

/** The sidecar's HTTP surface. Later routers (admin, webhooks, OAuth, public API) mount here. */
export function createServer(deps: ServerDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  installRequestLog(app, deps.logger, {
    // Probes and scrapes every few seconds would drown the log.
    ignore: (req) => req.url === '/health' || req.url === '/metrics',
    // Successful reads are the bulk of API traffic and are counted in API usage anyway; logging each
    // at info would cost more than serving it. Writes, refusals and failures are always logged.
    level: (req, res, err) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return req.method === 'GET' || req.method === 'HEAD' ? 'debug' : 'info';
    },
  });
  // Label-bound histogram children (prom-client would hash the labels on every observation), bounded.
  const durations = new Map<string, { observe(seconds: number): void }>();
  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = req.route?.path ?? unroutedLabel(req.originalUrl);
      const key = `${req.method}\u0000${route}\u0000${res.statusCode}`;
      let h = durations.get(key);
      if (!h) {
        if (durations.size > 2000) durations.clear();
        h = deps.metrics.httpDuration.labels({ method: req.method, route: String(route), status: String(res.statusCode) });
        durations.set(key, h);
      }
      h.observe(Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  });

  app.get('/health', async (_req, res) => {
    const report = await collectHealth(deps.health);
    res.status(report.status === 'down' ? 503 : 200).json(report);
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  for (const handler of deps.before ?? []) app.use(handler);
  for (const { path, router } of deps.routes ?? []) app.use(path, router);

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'No such route' } });
  });
  // Errors get one documented shape; internals stay in the log, never in the response.
  app.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    req.log?.error({ err }, 'request failed');
    res.status(500).json({ error: { code: 'internal', message: 'Internal error' } });
  });
  return app;
}
