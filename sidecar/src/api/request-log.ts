import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Express } from 'express';
import pino, { type Level, type Logger } from 'pino';

declare module 'http' {
  interface IncomingMessage {
    /** The request's logger, bound to the request (serialised only when something logs). */
    log: Logger;
  }
}

/**
 * One log line per finished request, at a level chosen from its outcome, and `req.log` bound to the
 * request for handlers. Same lines as pino-http ("request completed"/"request errored" with req, res,
 * responseTime, err), but the request is serialised (and redacted) only when a line is actually
 * written: pino-http builds a child logger with the serialised request for every request up front,
 * which cost more than serving a cached API read.
 */

export interface RequestLogOptions {
  /** Requests never logged on completion (probes, scrapes). */
  ignore(req: IncomingMessage): boolean;
  level(req: IncomingMessage, res: ServerResponse, err?: Error): Level;
}

const CHILD = Symbol('request logger');

/**
 * Credentials arrive in headers other than Authorization (Trendyol's webhook `x-api-key`) and may sit in
 * query strings (a webhook URL registered with a token, OAuth hints): the logger's redact paths cannot
 * list every name, so the request is cleaned here, before any line is written.
 */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key)$|token|secret|signature|passw|api-?key|credential|session/i;
const SECRET_PARAM = /token|secret|passw|signature|^sig$|^key$|api[-_]?key|^code$|hint|credential|session|auth/i;
const REDACTED = '[redacted]';

function cleanUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // a malformed escape is judged as written
    }
    return eq >= 0 && SECRET_PARAM.test(decoded) ? `${name}=${REDACTED}` : pair;
  });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}

/** pino's request serializer, minus credentials in headers, url and query. */
export function serializeRequest(req: IncomingMessage): Record<string, unknown> {
  const out = pino.stdSerializers.req(req) as unknown as Record<string, unknown>;
  const headers: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((out.headers as Record<string, unknown> | undefined) ?? {})) headers[name] = SECRET_HEADER.test(name) ? REDACTED : value;
  const query = out.query && typeof out.query === 'object' ? Object.fromEntries(Object.entries(out.query as Record<string, unknown>).map(([k, v]) => [k, SECRET_PARAM.test(k) ? REDACTED : v])) : out.query;
  return { ...out, url: typeof out.url === 'string' ? cleanUrl(out.url) : out.url, query, headers };
}

/**
 * Installs the request log on an express app: `req.log` (an accessor on the app's request prototype,
 * so requests keep one shape) and the middleware that writes the completion line.
 */
export function installRequestLog(app: Express, base: Logger, opts: RequestLogOptions): void {
  const logger = base.child({}, { serializers: { req: serializeRequest, res: pino.stdSerializers.res, err: pino.stdSerializers.err } });
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: IncomingMessage & { [CHILD]?: Logger }): Logger {
      return (this[CHILD] ??= logger.child({ req: this }));
    },
    set(this: IncomingMessage & { [CHILD]?: Logger }, l: Logger) {
      this[CHILD] = l;
    },
  });
  let lastId = 0;
  app.use((req, res, next) => {
    const started = Date.now();
    (req as unknown as { id: number }).id = ++lastId;
    if (!opts.ignore(req)) {
      // 'close' follows 'finish', and also comes alone when the connection dies first.
      res.once('close', () => {
        const err = (res as { err?: Error }).err;
        const level = opts.level(req, res, err);
        if (!logger.isLevelEnabled(level)) return;
        const responseTime = Date.now() - started;
        if (err || res.statusCode >= 500) {
          req.log[level]({ res, err: err ?? new Error(`failed with status code ${res.statusCode}`), responseTime }, 'request errored');
        } else {
          req.log[level]({ res, responseTime }, 'request completed');
        }
      });
    }
    next();
  });
}
