import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Principal } from '../../auth/principal';
import { principalOf } from '../../gateway/guard';
import { sendError, type ErrorCode, type ErrorDetail } from '../../gateway/errors';
import type { Logger } from '../../util/logger';
import { OPENAPI_DOCUMENT } from './openapi';
import { coerceIntegers, compileOperations, expressPath, toDetails, type CompiledOperation } from './validate';

/**
 * Builds the /api/v1 router from the OpenAPI document: one route per operation, whose handler only
 * ever sees validated input; its result is validated against the documented response before it is
 * sent. Every error leaves in the ErrorBody shape.
 */

export interface OperationInput {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string | undefined>;
  body: unknown;
  principal: Principal;
  req: Request;
  res: Response;
}

export interface OperationResult {
  status?: number;
  body: unknown;
}

export type OperationHandler = (input: OperationInput) => Promise<OperationResult>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message ?? code);
  }
}

const PARSE_ERRORS: Record<string, [number, ErrorCode]> = {
  'entity.parse.failed': [400, 'invalid_json'],
  'entity.too.large': [413, 'payload_too_large'],
  'encoding.unsupported': [415, 'unsupported_media_type'],
  'charset.unsupported': [415, 'unsupported_media_type'],
  'entity.verify.failed': [400, 'invalid_json'],
  'request.aborted': [400, 'validation_failed'],
  'request.size.invalid': [400, 'validation_failed'],
  'stream.encoding.set': [500, 'internal'],
  'parameters.too.many': [413, 'payload_too_large'],
};

function run(op: CompiledOperation, handler: OperationHandler, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const principal = principalOf(res);
      if (!principal) throw new ApiError(401, 'unauthorized');
      // coerceIntegers returns a copy: validation (with defaults) never touches express's own objects.
      const params = coerceIntegers(req.params, op.integers.path);
      if (!op.validatePath(params)) throw new ApiError(400, 'validation_failed', undefined, toDetails('path', op.validatePath.errors));
      const query = coerceIntegers(req.query as Record<string, unknown>, op.integers.query);
      if (!op.validateQuery(query)) throw new ApiError(400, 'validation_failed', undefined, toDetails('query', op.validateQuery.errors));
      const sent: Record<string, unknown> = {};
      for (const h of op.headerNames) {
        const v = req.get(h);
        if (v !== undefined) sent[h] = v;
      }
      const headers = coerceIntegers(sent, op.integers.header) as Record<string, string | undefined>;
      if (!op.validateHeaders(headers)) throw new ApiError(400, 'validation_failed', undefined, toDetails('header', op.validateHeaders.errors));
      let body: unknown;
      if (op.validateBody) {
        if (!req.is('application/json')) {
          if (op.bodyRequired) throw new ApiError(415, 'unsupported_media_type');
        } else {
          body = req.body;
          if (!op.validateBody(body)) throw new ApiError(400, 'validation_failed', undefined, toDetails('body', op.validateBody.errors));
        }
      }
      const result = await handler({ params, query, headers, body, principal, req, res });
      const status = result.status ?? 200;
      const check = op.responses.get(status);
      if (!check || !check(result.body)) {
        logger.error({ operationId: op.operationId, status, errors: check?.errors?.slice(0, 5) }, 'response does not match the OpenAPI document');
        throw new ApiError(500, 'internal');
      }
      // Sent directly: express's res.json would also hash the body for an ETag nobody uses here.
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(result.body));
    } catch (err) {
      next(err);
    }
  };
}

export function buildV1Router(handlers: Record<string, OperationHandler>, opts: { bodyLimitBytes: number; logger: Logger }): Router {
  const router = Router({ caseSensitive: false, strict: false });
  router.get('/openapi.json', (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });
  const json = express.json({ limit: opts.bodyLimitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  // No operation reads a body on GET (validateBody is null there), so reads skip the parser.
  router.use((req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? next() : json(req, res, next)));
  const ops = compileOperations(OPENAPI_DOCUMENT as unknown as Parameters<typeof compileOperations>[0]);
  for (const op of ops) {
    const handler = handlers[op.operationId];
    if (!handler) throw new Error(`no handler for operation ${op.operationId}`);
    const method = op.method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete';
    router[method](expressPath(op.path), run(op, handler, opts.logger));
  }
  router.use((_req: Request, res: Response) => sendError(res, 404, 'not_found'));
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof ApiError) {
      if (err.status >= 500) req.log?.error({ err }, 'API request failed');
      return sendError(res, err.status, err.code, { details: err.details, message: err.message !== err.code ? err.message : undefined });
    }
    const type = (err as { type?: string }).type;
    const mapped = type ? PARSE_ERRORS[type] : undefined;
    if (mapped) return sendError(res, mapped[0], mapped[1]);
    req.log?.error({ err }, 'API request failed');
    sendError(res, 500, 'internal');
  });
  return router;
}

export function operations(): CompiledOperation[] {
  return compileOperations(OPENAPI_DOCUMENT as unknown as Parameters<typeof compileOperations>[0]);
}
