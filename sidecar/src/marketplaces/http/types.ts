import type { MarketplaceError } from '../errors';
import type { MarketplaceCode } from '../types';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** How the client authenticates every call of one account. */
export type HttpAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  /** Fixed headers (Ozon Client-Id/Api-Key, Amazon x-amz-access-token from elsewhere…). */
  | { type: 'headers'; headers: Record<string, string> }
  /**
   * OAuth bearer: the client caches the token, refreshes it `refreshSkewMs` before expiry, and on a
   * 401 (or `isAuthExpired`) refreshes once and repeats the call. fetchToken does the grant itself.
   */
  | {
      type: 'oauth';
      fetchToken: () => Promise<{ accessToken: string; expiresInS: number }>;
      /** Header to put the token in; default Authorization: Bearer <token>. */
      header?: string;
      scheme?: string;
      refreshSkewMs?: number;
      /** Amazon answers 403 for an expired token; let the adapter say so. */
      isAuthExpired?: (status: number, body: unknown) => boolean;
    };

/** A shared rate limit: at most `points` calls per `durationMs`, for one account and group. */
export interface RateLimit {
  points: number;
  durationMs: number;
}

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Longest Retry-After the client will sleep inside one call; longer waits are thrown as rate_limited. */
  maxRetryAfterMs: number;
}

export interface BreakerPolicy {
  /** Error percentage (of calls in the rolling window) that opens the breaker. */
  errorThresholdPercentage: number;
  /** Minimum calls in the window before the breaker may open. */
  volumeThreshold: number;
  /** How long the breaker stays open before letting one trial call through. */
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Path relative to the account's base URL, already with ids filled in. */
  path: string;
  /** Route template with placeholders (":sellerId") for metrics labels; defaults to `path`. */
  route?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Rate-limit group declared in the client options (e.g. "orders", "inventory"); default "default". */
  limit?: string;
  /**
   * Whether repeating the call after a failure is safe. Default: true for GET/PUT/DELETE, false for
   * POST/PATCH. A 429 (refused before processing) is retried regardless.
   */
  retrySafe?: boolean;
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  data: T;
  /** Lower-case header names. */
  headers: Record<string, string>;
  remoteRequestId?: string;
  attempts: number;
}

/**
 * Turns a non-2xx answer into the error taxonomy, reading the marketplace's own error body. The default
 * classifier maps by status; adapters pass one that reads their format (message, remote code, issues).
 */
export type ErrorClassifier = (input: {
  status: number;
  data: unknown;
  headers: Record<string, string>;
  request: string;
  retryAfterMs?: number;
  remoteRequestId?: string;
}) => MarketplaceError;

export interface HttpClientOptions {
  marketplace: MarketplaceCode;
  /** meschain_marketplaces.id: keys the breaker, the limiter and the log rows. */
  accountId: number;
  baseUrl: string;
  auth: HttpAuth;
  /** Headers on every call (User-Agent…). */
  headers?: Record<string, string>;
  /** Named limits; "default" applies to requests without a group. Omit = no limiting. */
  rateLimits?: Record<string, RateLimit>;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  classifyError?: ErrorClassifier;
  /** Response headers that carry the marketplace's request id, first match wins. */
  requestIdHeaders?: string[];
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerSnapshot {
  marketplace: MarketplaceCode;
  accountId: number;
  state: BreakerState;
  /** When an open breaker lets a trial call through (ISO), if open. */
  retryAt?: string;
}

export interface MarketplaceHttpClient {
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
  breakerState(): BreakerState;
}

/** Made once per process; hands out one client per account (sharing breaker and limiter per account). */
export interface MarketplaceHttpFactory {
  client(options: HttpClientOptions): MarketplaceHttpClient;
  /** Every account's breaker, for /health and the UI. */
  breakers(): BreakerSnapshot[];
  /** Subscribe to breaker changes (open/half_open/closed). Returns an unsubscribe function. */
  onBreakerChange(listener: (snapshot: BreakerSnapshot) => void): () => void;
  close(): Promise<void>;
}
