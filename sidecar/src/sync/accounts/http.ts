import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { AccountInputError, AccountNotFoundError } from './store';
import { VariantImportError } from '../variants/csv-io';
import { RuleInputError } from '../rules/schema';
import { isMarketplaceError } from '../../marketplaces/errors';

/**
 * Shared plumbing for the sync engine's HTTP routes: one error shape
 * { error: { code, message, messageTr, issues? } } with the message in English and Turkish, bodies
 * validated with zod at the edge, and async handlers whose failures reach the error answer.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageTr: string,
    readonly issues?: unknown[],
  ) {
    super(message);
  }
}

export const notFound = (what: string, tr: string) => new HttpError(404, 'not_found', `${what} not found`, `${tr} bulunamadı`);

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    throw new HttpError(400, 'invalid_request', `invalid request: ${issues.join('; ')}`, `geçersiz istek: ${issues.join('; ')}`, issues);
  }
  return r.data;
}

export function intParam(req: Request, name: string): number {
  const v = Number(req.params[name]);
  if (!Number.isInteger(v) || v <= 0) throw new HttpError(400, 'invalid_request', `${name} must be a positive integer`, `${name} pozitif bir tam sayı olmalı`);
  return v;
}

export function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).then(
      (body) => {
        if (!res.headersSent && body !== undefined) res.json(body);
      },
      (err: unknown) => sendError(err, req, res, next),
    );
  };
}

function sendError(err: unknown, req: Request, res: Response, next: NextFunction): void {
  const send = (status: number, code: string, message: string, messageTr: string, issues?: unknown[]) =>
    res.status(status).json({ error: { code, message, messageTr, ...(issues ? { issues } : {}) } });
  if (err instanceof HttpError) return void send(err.status, err.code, err.message, err.messageTr, err.issues);
  if (err instanceof AccountInputError) return void send(400, 'invalid_account', err.message, `hesap bilgileri geçersiz: ${err.issues.join('; ')}`, err.issues);
  if (err instanceof AccountNotFoundError) return void send(404, 'not_found', err.message, `pazaryeri hesabı ${err.id} bulunamadı`);
  if (err instanceof RuleInputError) return void send(400, 'invalid_request', err.message, `geçersiz kural: ${err.issuesTr.join('; ')}`, err.issues);
  if (err instanceof VariantImportError) {
    return void send(422, 'import_refused', err.message, `içe aktarma reddedildi, hiçbir şey değişmedi (${err.problems.length} sorun)`, err.problems);
  }
  if (err instanceof z.ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
    return void send(400, 'invalid_request', `invalid request: ${issues.join('; ')}`, `geçersiz istek: ${issues.join('; ')}`, issues);
  }
  if (isMarketplaceError(err)) {
    return void send(502, `marketplace_${err.kind}`, `the marketplace call failed: ${err.message}`, `pazaryeri çağrısı başarısız: ${err.message}`);
  }
  next(err);
  void req;
}
