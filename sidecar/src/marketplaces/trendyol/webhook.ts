import { timingSafeEqual } from 'node:crypto';
import type { WebhookHandler } from '../contract';
import { MarketplaceError } from '../errors';
import type { MarketplaceCredentials, WebhookEvent, WebhookRequest, WebhookVerification } from '../types';
import { toOrders } from './orders-mapping';
import { issueSummary } from './reply';
import { tyPackage, type TyPackage } from './wire';

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name] ?? req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Trendyol calls our endpoint with what we registered: HTTP Basic (BASIC_AUTHENTICATION) or an
 * `x-api-key` header (API_KEY). There is no signature, so the secret is the only proof.
 */
export function createTrendyolWebhookHandler(clockOffsetMs: () => number = () => 3 * 3600_000): WebhookHandler {
  return {
    verify(req: WebhookRequest, credentials: MarketplaceCredentials): WebhookVerification {
      if (credentials.marketplace !== 'trendyol') return { ok: false, status: 401, reason: 'credentials are not Trendyol credentials' };
      const secrets = credentials.webhook;
      if (!secrets || (!secrets.apiKey && !(secrets.username && secrets.password))) {
        return { ok: false, status: 401, reason: 'no webhook secret is configured for this Trendyol account' };
      }
      if (secrets.apiKey) {
        const key = header(req, 'x-api-key');
        if (key !== undefined && same(key, secrets.apiKey)) return { ok: true };
      }
      if (secrets.username && secrets.password) {
        const auth = header(req, 'authorization');
        const m = auth ? /^Basic\s+(.+)$/i.exec(auth) : null;
        if (m?.[1] && same(Buffer.from(m[1], 'base64').toString('utf8'), `${secrets.username}:${secrets.password}`)) return { ok: true };
      }
      return { ok: false, status: 401, reason: 'webhook credentials do not match' };
    },

    parse(req: WebhookRequest): WebhookEvent[] {
      let body: unknown;
      try {
        body = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        throw new MarketplaceError('validation', 'Trendyol webhook body is not JSON', { marketplace: 'trendyol' });
      }
      // Trendyol posts one shipment package; accept a list too, and the list-page shape, defensively.
      const packages = Array.isArray(body) ? body : body && typeof body === 'object' && Array.isArray((body as { content?: unknown }).content) ? (body as { content: unknown[] }).content : [body];
      return packages.map((raw) => {
        // The same shape, and the same check, as an item of the order list (wire.ts).
        const parsed = tyPackage.safeParse(raw);
        if (!parsed.success) {
          const where = issueSummary(parsed.error);
          throw new MarketplaceError('validation', `Trendyol webhook body is not a shipment package (${where})`, { marketplace: 'trendyol' });
        }
        const p: TyPackage = parsed.data;
        const id = p.id ?? p.shipmentPackageId;
        const status = p.status ?? p.shipmentPackageStatus;
        if (typeof status !== 'string' || !Array.isArray(p.lines)) {
          throw new MarketplaceError('validation', 'Trendyol webhook body is not a shipment package (needs id, orderNumber, status, lines)', { marketplace: 'trendyol' });
        }
        const eventId = `trendyol:${String(id)}:${status}:${String(p.lastModifiedDate ?? '')}`;
        const [order] = toOrders([p], clockOffsetMs(), false);
        if (!order) throw new MarketplaceError('validation', 'Trendyol webhook package could not be read', { marketplace: 'trendyol' });
        return { kind: 'order' as const, eventId, order };
      });
    },
  };
}
