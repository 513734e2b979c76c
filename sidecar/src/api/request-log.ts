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
 * Installs the request log on an express app: `req.log` (an accessor on the app's request prototype,
 * so requests keep one shape) and the middleware that writes the completion line.
 */
export function installRequestLog(app: Express, base: Logger, opts: RequestLogOptions): void {
  const logger = base.child({}, { serializers: { req: pino.stdSerializers.req, res: pino.stdSerializers.res, err: pino.stdSerializers.err } });
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
