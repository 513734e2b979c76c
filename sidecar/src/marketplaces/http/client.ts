import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Logger } from '../../util/logger';
import { MarketplaceError } from '../errors';
import type { BreakerRegistry } from './breaker';
import { defaultClassifier } from './classify';
import type { SharedRateLimiter } from './limiter';
import type { HttpMetrics } from './metrics';
import { backoffDelayMs, parseRetryAfter } from './retry';
import type { SyncLogWriter } from './sync-log';
import type { HttpClientOptions, HttpRequest, HttpResponse, MarketplaceHttpClient, RetryPolicy } from './types';

/** What every client of one factory shares. */
export interface ClientShared {
  breakers: BreakerRegistry;
  limiter: SharedRateLimiter | null;
  logs: SyncLogWriter | null;
  metrics: HttpMetrics;
  logger?: Logger;
  agents: { http: HttpAgent; https: HttpsAgent };
  defaults: { timeoutMs: number; retry: RetryPolicy };
  /** Waits between retries (replaceable so tests can see the delays asked for). */
  sleep: (ms: number) => Promise<void>;
}

const DEFAULT_REQUEST_ID_HEADERS = ['x-request-id', 'x-correlation-id', 'x-amzn-requestid', 'x-ebay-c-request-id', 'x-o3-trace-id'];
const SECRET_QUERY = /^(api[-_]?key|apisecret|secret|token|access[-_]?token|password|signature|client[-_]?secret)$/i;

interface TokenState {
  token: string;
  expiresAt: number;
}

export function createClient(shared: ClientShared, options: HttpClientOptions): MarketplaceHttpClient {
  const http: AxiosInstance = axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs ?? shared.defaults.timeoutMs,
    httpAgent: shared.agents.http,
    httpsAgent: shared.agents.https,
    maxRedirects: 0,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
  });
  const retry: RetryPolicy = { ...shared.defaults.retry, ...options.retry };
  const classify = options.classifyError ?? defaultClassifier;
  const requestIdHeaders = options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS;
  let token: TokenState | null = null;
  let refreshing: Promise<TokenState> | null = null;

  async function authHeaders(forceRefresh: boolean): Promise<Record<string, string>> {
    const auth = options.auth;
    switch (auth.type) {
      case 'none':
        return {};
      case 'basic':
        return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
      case 'headers':
        return { ...auth.headers };
      case 'oauth': {
        const skew = auth.refreshSkewMs ?? 5 * 60_000;
        if (forceRefresh || !token || token.expiresAt - skew <= Date.now()) {
          // One refresh at a time per client: concurrent calls wait for the same grant.
          refreshing ??= auth
            .fetchToken()
            .then((t) => ({ token: t.accessToken, expiresAt: Date.now() + t.expiresInS * 1000 }))
            .finally(() => {
              refreshing = null;
            });
          token = await refreshing;
        }
        const header = auth.header ?? 'authorization';
        const scheme = auth.scheme ?? (header.toLowerCase() === 'authorization' ? 'Bearer' : '');
        return { [header]: scheme ? `${scheme} ${token.token}` : token.token };
      }
    }
  }

  function logPath(req: HttpRequest): string {
    const query = Object.entries(req.query ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${SECRET_QUERY.test(k) ? '[redacted]' : encodeURIComponent(String(v))}`)
      .join('&');
    return query ? `${req.path}?${query}` : req.path;
  }

  async function attemptOnce<T>(req: HttpRequest, attempt: number, forceRefresh: boolean): Promise<HttpResponse<T>> {
    const started = Date.now();
    const route = req.route ?? req.path;
    const requestLine = `${req.method} ${route}`;
    let status: number | null = null;
    let remoteRequestId: string | undefined;
    let outcome = 'ok';
    let errorText: string | null = null;
    try {
      const headers = { accept: 'application/json', ...options.headers, ...req.headers, ...(await authHeaders(forceRefresh)) };
      let response: AxiosResponse<string>;
      try {
        response = await http.request<string>({
          method: req.method,
          url: req.path,
          params: req.query,
          data: req.body === undefined ? undefined : JSON.stringify(req.body),
          headers: req.body === undefined ? headers : { 'content-type': 'application/json', ...headers },
          timeout: req.timeoutMs ?? options.timeoutMs ?? shared.defaults.timeoutMs,
        });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        const timedOut = e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT';
        throw new MarketplaceError('transport', `${requestLine}: ${timedOut ? 'timed out' : (e.code ?? e.message ?? 'network error')}`, {
          marketplace: options.marketplace,
          accountId: options.accountId,
          request: requestLine,
          cause: err,
        });
      }
      status = response.status;
      const responseHeaders = lowerHeaders(response.headers as Record<string, unknown>);
      remoteRequestId = requestIdHeaders.map((h) => responseHeaders[h]).find((v) => v !== undefined && v !== '');
      const data = parseBody(response.data);
      if (status >= 200 && status < 300) {
        if (data === PARSE_FAILED) {
          throw new MarketplaceError('protocol', `${requestLine} answered ${status} with a body that is not JSON`, {
            marketplace: options.marketplace,
            accountId: options.accountId,
            status,
            remoteRequestId,
            request: requestLine,
          });
        }
        return { status, data: data as T, headers: responseHeaders, remoteRequestId, attempts: attempt };
      }
      const error = classify({
        status,
        data: data === PARSE_FAILED ? response.data : data,
        headers: responseHeaders,
        request: requestLine,
        retryAfterMs: parseRetryAfter(responseHeaders['retry-after']),
        remoteRequestId,
      });
      throw withContext(error, options, status, remoteRequestId, requestLine);
    } catch (err) {
      const e = err instanceof MarketplaceError ? err : new MarketplaceError('transport', `${requestLine}: ${(err as Error).message}`, { cause: err });
      outcome = outcomeOf(e);
      errorText = `${e.kind}: ${e.message}`;
      throw e;
    } finally {
      const ms = Date.now() - started;
      shared.metrics.observe({ marketplace: options.marketplace, route, method: req.method, status, outcome, seconds: ms / 1000 });
      shared.logs?.add({
        marketplace_id: options.accountId > 0 ? options.accountId : null,
        direction: 'out',
        method: req.method,
        path: logPath(req),
        status,
        duration_ms: ms,
        remote_request_id: remoteRequestId ?? null,
        error: errorText,
      });
    }
  }

  async function request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    const retrySafe = req.retrySafe ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
    const route = req.route ?? req.path;
    const group = req.limit ?? 'default';
    const limit = options.rateLimits?.[group];
    let refreshed = false;
    for (let attempt = 1; ; attempt += 1) {
      if (limit && shared.limiter) {
        const { waitedMs } = await shared.limiter.acquire(`${options.marketplace}:${options.accountId}:${group}`, limit);
        shared.metrics.rateLimitWait(options.marketplace, group, waitedMs / 1000);
      }
      const forceRefresh = refreshed;
      try {
        return await shared.breakers.run(options.marketplace, options.accountId, options.breaker, () => attemptOnce<T>(req, attempt, forceRefresh));
      } catch (err) {
        const e = err instanceof MarketplaceError ? err : new MarketplaceError('transport', String(err), { cause: err });
        if (e.kind === 'circuit_open') {
          shared.metrics.observe({ marketplace: options.marketplace, route, method: req.method, status: null, outcome: 'circuit_open', seconds: 0 });
          throw e;
        }
        if (e.kind === 'auth' && options.auth.type === 'oauth' && !refreshed && isExpiredToken(options, e)) {
          refreshed = true;
          shared.metrics.retry(options.marketplace, route, 'token_refresh');
          continue;
        }
        // A 429 was refused before any processing, so it is safe to repeat whatever the method.
        const repeatable = e.kind === 'rate_limited' || (retrySafe && e.retryable);
        if (!repeatable || attempt >= retry.maxAttempts) throw e;
        if (e.retryAfterMs !== undefined && e.retryAfterMs > retry.maxRetryAfterMs) throw e;
        const delay = Math.max(e.retryAfterMs ?? 0, backoffDelayMs(attempt, retry));
        shared.metrics.retry(options.marketplace, route, e.kind);
        shared.logger?.debug({ marketplace: options.marketplace, accountId: options.accountId, route, attempt, delay, kind: e.kind }, 'retrying marketplace call');
        await shared.sleep(delay);
      }
    }
  }

  return {
    request,
    breakerState: () => shared.breakers.state(options.marketplace, options.accountId),
  };
}

function isExpiredToken(options: HttpClientOptions, e: MarketplaceError): boolean {
  if (options.auth.type !== 'oauth') return false;
  if (e.status === 401) return true;
  return options.auth.isAuthExpired ? options.auth.isAuthExpired(e.status ?? 0, undefined) : false;
}

function withContext(error: MarketplaceError, options: HttpClientOptions, status: number, remoteRequestId: string | undefined, request: string): MarketplaceError {
  if (error.marketplace && error.accountId !== undefined) return error;
  return new MarketplaceError(error.kind, error.message, {
    marketplace: options.marketplace,
    accountId: options.accountId,
    status: error.status ?? status,
    retryAfterMs: error.retryAfterMs,
    remoteCode: error.remoteCode,
    remoteRequestId: error.remoteRequestId ?? remoteRequestId,
    request: error.request ?? request,
    issues: error.issues,
    cause: error.cause,
  });
}

function outcomeOf(e: MarketplaceError): string {
  switch (e.kind) {
    case 'transport':
      return 'transport';
    case 'server':
    case 'protocol':
      return 'server_error';
    case 'rate_limited':
      return 'rate_limited';
    case 'auth':
      return 'auth';
    default:
      return 'client_error';
  }
}

const PARSE_FAILED = Symbol('parse-failed');

function parseBody(text: string | undefined): unknown {
  if (text === undefined || text === null) return undefined;
  if (typeof text !== 'string') return text;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed === 'true' || trimmed === 'false' || /^-?\d/.test(trimmed) || trimmed.startsWith('"')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return PARSE_FAILED;
    }
  }
  return PARSE_FAILED;
}

function lowerHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined || v === null) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}
