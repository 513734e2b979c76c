import type { MarketplaceCode } from './types';

/**
 * The error taxonomy every adapter and the HTTP client throw. Thrown for whole-call failures (transport,
 * auth, throttling, a request refused as a whole); per-item rejections inside a batch are *returned* as
 * ItemResult errors instead.
 *
 *   kind            retryable  meaning
 *   transport       yes        network error, timeout, connection dropped
 *   server          yes        5xx from the marketplace
 *   rate_limited    yes        429 / quota; retryAfterMs says when
 *   circuit_open    yes        our breaker for this account is open; retryAfterMs until it half-opens
 *   auth            no         credentials refused (401/403): the owner must fix the account
 *   validation      no         request refused as invalid (4xx); `items` names per-item reasons if known
 *   not_found       no         the resource does not exist
 *   conflict        no         the resource's state forbids it (already shipped…)
 *   duplicate       no         an identical request was already accepted recently (Trendyol 15 min rule)
 *   protocol        yes        the answer could not be understood (HTML 502 page, bad JSON)
 *   unsupported     no         this marketplace/adapter cannot do that
 *   config          no         the account is misconfigured (missing setting or credential)
 */
export type MarketplaceErrorKind =
  | 'transport'
  | 'server'
  | 'rate_limited'
  | 'circuit_open'
  | 'auth'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'duplicate'
  | 'protocol'
  | 'unsupported'
  | 'config';

const RETRYABLE: Record<MarketplaceErrorKind, boolean> = {
  transport: true,
  server: true,
  rate_limited: true,
  circuit_open: true,
  auth: false,
  validation: false,
  not_found: false,
  conflict: false,
  duplicate: false,
  protocol: true,
  unsupported: false,
  config: false,
};

export interface ValidationIssue {
  /** Caller ref or item key the issue is about, when known. */
  ref?: string;
  field?: string;
  message: string;
}

export interface MarketplaceErrorOptions {
  marketplace?: MarketplaceCode;
  accountId?: number;
  status?: number;
  retryAfterMs?: number;
  remoteCode?: string;
  remoteRequestId?: string;
  /** Request line for messages, e.g. "POST /integration/inventory/…" (no query secrets). */
  request?: string;
  issues?: ValidationIssue[];
  cause?: unknown;
}

export class MarketplaceError extends Error {
  readonly kind: MarketplaceErrorKind;
  readonly retryable: boolean;
  readonly marketplace?: MarketplaceCode;
  readonly accountId?: number;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly remoteCode?: string;
  readonly remoteRequestId?: string;
  readonly request?: string;
  readonly issues: ValidationIssue[];

  constructor(kind: MarketplaceErrorKind, message: string, options: MarketplaceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MarketplaceError';
    this.kind = kind;
    this.retryable = RETRYABLE[kind];
    this.marketplace = options.marketplace;
    this.accountId = options.accountId;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.remoteCode = options.remoteCode;
    this.remoteRequestId = options.remoteRequestId;
    this.request = options.request;
    this.issues = options.issues ?? [];
  }

  /** Safe to log/store: no credentials, no bodies. */
  toJSON(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      retryable: this.retryable,
      marketplace: this.marketplace,
      accountId: this.accountId,
      status: this.status,
      retryAfterMs: this.retryAfterMs,
      remoteCode: this.remoteCode,
      remoteRequestId: this.remoteRequestId,
      request: this.request,
      issues: this.issues.length > 0 ? this.issues : undefined,
    };
  }
}

export function isMarketplaceError(err: unknown): err is MarketplaceError {
  return err instanceof MarketplaceError;
}

/** Whether a failed call is worth repeating later (unknown errors are treated as retryable). */
export function isRetryable(err: unknown): boolean {
  return err instanceof MarketplaceError ? err.retryable : true;
}

/** How long to wait before repeating, when the error says (429 Retry-After, open breaker). */
export function retryAfterMs(err: unknown): number | undefined {
  return err instanceof MarketplaceError ? err.retryAfterMs : undefined;
}

/** Thrown when a marketplace code is known but its adapter is not built yet, or an operation is not offered. */
export class UnsupportedError extends MarketplaceError {
  constructor(message: string, options: MarketplaceErrorOptions = {}) {
    super('unsupported', message, options);
    this.name = 'UnsupportedError';
  }
}
