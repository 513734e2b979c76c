import type { z } from 'zod';
import { MarketplaceError } from '../errors';

/**
 * Checks a Trendyol answer against the shape the adapter reads. An answer that does not fit is a
 * protocol error naming where it differs (up to three places), never half-read data.
 */
export function checked<S extends z.ZodType>(schema: S, data: unknown, request: string, accountId: number): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const detail = issueSummary(r.error);
  throw new MarketplaceError('protocol', `Trendyol ${request} answered with an unexpected body (${detail})`, { marketplace: 'trendyol', accountId, request });
}

/** Where an answer differs from its schema: up to three `path: message` parts. */
export function issueSummary(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
