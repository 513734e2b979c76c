import { MarketplaceError, type ValidationIssue } from '../errors';
import { kindForStatus } from '../http/classify';
import type { ErrorClassifier } from '../http/types';
import type { ItemError } from '../types';

const DUPLICATE = /15 dakika|aynı isteği tekrar|same request/i;

interface TrendyolErrorBody {
  exception?: string;
  message?: string;
  errors?: Array<{ key?: string; message?: string; errorCode?: string }>;
}

/**
 * Reads Trendyol's error bodies (`{ exception, errors: [{ key, message }] }`, or `{ message }`), and
 * recognises the "same request within 15 minutes" refusal as its own kind.
 */
export const classifyTrendyolError: ErrorClassifier = ({ status, data, request, retryAfterMs, remoteRequestId }) => {
  const body = data && typeof data === 'object' ? (data as TrendyolErrorBody) : {};
  const messages = (body.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === 'string' && m !== '');
  const text = messages[0] ?? body.message ?? (typeof data === 'string' && !data.trim().startsWith('<') ? data.slice(0, 300) : undefined);
  let kind = kindForStatus(status);
  if (status === 400 && text && DUPLICATE.test(text)) kind = 'duplicate';
  const issues: ValidationIssue[] = (body.errors ?? []).map((e) => ({ field: e.key, message: e.message ?? e.key ?? 'invalid' }));
  return new MarketplaceError(kind, `Trendyol ${request} answered ${status}${text ? `: ${text}` : ''}`, {
    marketplace: 'trendyol',
    status,
    // Trendyol's limit is per 10 s window; without a header, wait for the next one.
    retryAfterMs: retryAfterMs ?? (status === 429 ? 10_000 : undefined),
    remoteCode: body.errors?.[0]?.key ?? body.exception,
    remoteRequestId,
    request,
    issues,
  });
};

/** Maps one batch failure reason (Turkish text) to the normalised item error. */
export function itemErrorFromReason(reason: string): ItemError {
  const lower = reason.toLocaleLowerCase('tr');
  if (/tekrar deneyiniz|beklenmeyen|unexpected|internal|sistem hatası/.test(lower)) {
    return { code: 'internal', message: reason, retryable: true, retryAfterMs: 30_000 };
  }
  if (DUPLICATE.test(reason)) return { code: 'duplicate_request', message: reason, retryable: true, retryAfterMs: 15 * 60_000 };
  if (/zaten mevcut|already exists/.test(lower)) return { code: 'conflict', message: reason, retryable: false, remoteCode: 'barcode.exists' };
  if (/bulunamadı|not found/.test(lower) && /barkod|barcode/.test(lower)) return { code: 'not_found', message: reason, retryable: false };
  const missing = /eksik alan:\s*(.+)$/i.exec(reason);
  const field = missing?.[1]?.trim() ?? /^(\w+) alanı/.exec(reason)?.[1] ?? /\((\w+)\)/.exec(reason)?.[1];
  return { code: 'validation', message: reason, retryable: false, ...(field ? { field } : {}) };
}

/** Item errors for every item of a request that failed as a whole after earlier requests went through. */
export function itemErrorFromFailure(err: unknown): ItemError {
  if (err instanceof MarketplaceError) {
    if (err.kind === 'duplicate') return { code: 'duplicate_request', message: err.message, retryable: true, retryAfterMs: 15 * 60_000 };
    if (err.kind === 'rate_limited') return { code: 'rate_limited', message: err.message, retryable: true, retryAfterMs: err.retryAfterMs };
    if (err.kind === 'validation') return { code: 'validation', message: err.message, retryable: false, remoteCode: err.remoteCode };
    return { code: 'internal', message: err.message, retryable: err.retryable, retryAfterMs: err.retryAfterMs };
  }
  return { code: 'internal', message: String(err), retryable: true };
}
