import { createHash } from 'node:crypto';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Knex } from 'knex';
import { rawWrite } from '../../db/raw';
import { isMarketplaceError } from '../../marketplaces/errors';
import { isMarketplaceCode, type WebhookEvent, type WebhookRequest } from '../../marketplaces/types';
import type { Logger } from '../../util/logger';
import type { MarketplaceAccess, OrderAccount } from '../../sync/orders/access';

/**
 * POST /webhooks/:marketplace — marketplace → sidecar events (Trendyol POSTs the shipment package).
 *
 *  1. The caller is authenticated as the marketplace requires: the adapter's webhook handler checks the
 *     request against each enabled account of that marketplace (Basic auth / API key we registered with
 *     it; `?account=<id>` in the registered URL narrows it to one); the account that verifies is the one
 *     the event belongs to. Nobody verifies → 401/403; two accounts sharing a secret → 409.
 *  2. The body is parsed (validated) before anything is stored: malformed → 400, nothing written. A body
 *     over the limit → 413, an unknown Content-Encoding → 415, one that cannot be decompressed → 400; a
 *     `?account=` that is not one account id → 400.
 *  3. Each event is stored raw in meschain_webhooks under (marketplace, account:eventId) — a unique key,
 *     so a redelivery (or three copies arriving at once) is recognised and stored once — and ONE job per
 *     new event is queued; the answer (202) goes out before any processing.
 * Error bodies use the sidecar's one shape { error: { code, message } }, in English and Turkish.
 */

export const WEBHOOKS = 'meschain_webhooks';
export const WEBHOOK_JOB = 'orders.webhook';

export interface ReceiverDeps {
  knex: Knex;
  access: MarketplaceAccess;
  logger: Logger;
  /** Queue the processing job of a newly stored event, in the same transaction as the stored row. */
  enqueue(db: Knex.Transaction, webhookId: number): Promise<void>;
  maxBodyBytes?: number;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

/** Header names lower-cased (Node does that already), values as received. */
export function toWebhookRequest(req: Request, rawBody: Buffer): WebhookRequest {
  const query: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
  return { method: req.method, headers: req.headers, rawBody, query };
}

/** Stored headers: everything except credentials (they are verified, never kept). */
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'cookie', 'proxy-authorization']);
function storableHeaders(headers: Request['headers']): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !SECRET_HEADERS.has(k.toLowerCase())));
}

export const eventKey = (accountId: number, eventId: string): string => `${accountId}:${eventId}`.slice(0, 191);

/** `?account=<id>` in the registered URL pins the account; otherwise the credentials tell it. */
const pinQuery = z.object({ account: z.string().regex(/^[1-9][0-9]{0,9}$/).transform(Number).optional() });

/**
 * Reads the raw body; a body the parser refuses (too large, an unknown or broken Content-Encoding, cut
 * off) is the caller's fault and answered here with 4xx, not left to the app's 500 handler.
 */
function readBody(limit: number) {
  const raw = express.raw({ type: () => true, limit });
  return (req: Request, res: Response, next: NextFunction) =>
    raw(req, res, (err?: unknown) => {
      if (!err) return next();
      const e = err as { status?: number; type?: string };
      if (!e.status || e.status >= 500) return next(err);
      res.setHeader('Connection', 'close');
      if (e.type === 'entity.too.large') return fail(res, 413, 'payload_too_large', `webhook body larger than ${limit} bytes / webhook gövdesi çok büyük`);
      if (e.status === 415) return fail(res, 415, 'unsupported_encoding', 'unsupported Content-Encoding (identity, gzip or deflate) / desteklenmeyen Content-Encoding');
      fail(res, 400, 'malformed', 'webhook body could not be read (broken compression or cut off) / webhook gövdesi okunamadı');
    });
}

export function createWebhookRouter(deps: ReceiverDeps): Router {
  const router = Router();
  router.post('/:marketplace', readBody(deps.maxBodyBytes ?? 2 * 1024 * 1024), async (req: Request, res: Response) => {
    try {
      const code = req.params.marketplace ?? '';
      if (!isMarketplaceCode(code)) return fail(res, 404, 'unknown_marketplace', `unknown marketplace '${code}' / bilinmeyen pazaryeri`);
      const handler = deps.access.webhookHandler(code);
      if (!handler) return fail(res, 404, 'webhooks_unsupported', `${code} webhooks are not supported by this build / bu pazaryeri için webhook desteklenmiyor`);
      const pin = pinQuery.safeParse({ account: req.query.account });
      if (!pin.success) return fail(res, 400, 'bad_account', 'account must be one account id (a positive whole number), as in ?account=3 / account tek bir hesap numarası olmalı');
      const pinned = pin.data.account;
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const wreq = toWebhookRequest(req, rawBody);
      const accounts = (await deps.access.accounts()).filter((a) => a.code === code && a.enabled && (pinned === undefined || a.id === pinned));
      if (accounts.length === 0) return fail(res, 404, 'no_account', `no enabled ${code} account receives webhooks here / etkin hesap yok`);

      let account: OrderAccount | undefined;
      let refusal: { status: number; reason: string } | undefined;
      const verified: OrderAccount[] = [];
      for (const a of accounts) {
        let credentials;
        try {
          credentials = (await deps.access.open(a.id)).credentials;
        } catch (err) {
          deps.logger.warn({ err, accountId: a.id }, 'webhook: account credentials cannot be opened');
          continue;
        }
        const challenge = handler.challenge?.(wreq, credentials);
        if (challenge) return void res.status(challenge.status).json(challenge.body);
        const v = handler.verify(wreq, credentials);
        if (v.ok) verified.push(a);
        else refusal ??= { status: v.status, reason: v.reason };
      }
      if (verified.length > 1) {
        // Two accounts share a webhook secret: the event cannot be attributed safely.
        return fail(res, 409, 'ambiguous_account', `accounts ${verified.map((a) => a.id).join(', ')} share this webhook secret: give each its own, or register the URL with ?account=<id> / hesaplar aynı webhook anahtarını paylaşıyor`);
      }
      account = verified[0];
      if (!account) {
        deps.logger.warn({ marketplace: code, ip: req.ip, reason: refusal?.reason }, 'webhook refused: caller not authenticated');
        const status = refusal && (refusal.status === 401 || refusal.status === 403) ? refusal.status : 401;
        return fail(res, status, 'unauthenticated', `webhook caller not authenticated: ${refusal?.reason ?? 'no credentials matched'} / kimlik doğrulanamadı`);
      }

      let events: WebhookEvent[];
      try {
        events = handler.parse(wreq);
      } catch (err) {
        const message = isMarketplaceError(err) ? err.message : `unreadable body (${(err as Error).message})`;
        return fail(res, 400, 'malformed', `malformed webhook: ${message} / geçersiz webhook gövdesi`);
      }
      if (events.length === 0) return fail(res, 400, 'malformed', 'webhook carries no event / webhook olay içermiyor');

      const body = rawBody.toString('utf8');
      const headers = JSON.stringify(storableHeaders(req.headers));
      let stored = 0;
      for (const e of events) {
        const id = e.eventId || createHash('sha256').update(rawBody).digest('hex');
        // Row and job commit together: a stored event always has its job. A concurrent copy waits on the
        // unique key and then finds it taken.
        await deps.knex.transaction(async (trx) => {
          const r = await rawWrite(trx, `INSERT IGNORE INTO ${WEBHOOKS} (marketplace_code, event_id, headers, body) VALUES (?, ?, ?, ?)`, [code, eventKey(account!.id, id), headers, body]);
          if (r.affectedRows === 1) {
            stored++;
            await deps.enqueue(trx, r.insertId);
          }
        });
      }
      res.status(202).json({ received: events.length, stored, duplicates: events.length - stored });
    } catch (err) {
      deps.logger.error({ err }, 'webhook receiver failed');
      fail(res, 500, 'internal', 'internal error; the marketplace will deliver again / geçici hata');
    }
  });
  router.all('/:marketplace', (_req, res) => fail(res, 405, 'method_not_allowed', 'webhooks are POSTed / webhook POST ile gönderilir'));
  return router;
}
