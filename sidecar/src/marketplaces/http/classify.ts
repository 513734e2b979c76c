import { MarketplaceError, type MarketplaceErrorKind } from '../errors';
import type { ErrorClassifier } from './types';

/** Status → error kind, for marketplaces whose error bodies say nothing more useful. */
export function kindForStatus(status: number): MarketplaceErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'server';
  return 'validation';
}

/** Best-effort message from a JSON or text error body (HTML gateway pages become their status). */
export function summariseBody(data: unknown): string | undefined {
  if (typeof data === 'string') {
    const text = data.trim();
    if (text === '' || text.startsWith('<')) return undefined;
    return text.slice(0, 300);
  }
  if (data && typeof data === 'object') {
    const obj = data as Record<string, unknown>;
    for (const field of ['message', 'error_description', 'error', 'detail', 'title']) {
      const value = obj[field];
      if (typeof value === 'string' && value !== '') return value.slice(0, 300);
    }
    const errors = obj.errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const first = errors[0] as Record<string, unknown> | undefined;
      const msg = first?.message ?? first?.longMessage;
      if (typeof msg === 'string') return msg.slice(0, 300);
    }
  }
  return undefined;
}

export const defaultClassifier: ErrorClassifier = ({ status, data, request, retryAfterMs, remoteRequestId }) => {
  const summary = summariseBody(data);
  return new MarketplaceError(kindForStatus(status), `${request} answered ${status}${summary ? `: ${summary}` : ''}`, {
    status,
    retryAfterMs,
    remoteRequestId,
    request,
  });
};
