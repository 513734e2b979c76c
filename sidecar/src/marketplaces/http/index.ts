export { createMarketplaceHttp, type MarketplaceHttp, type MarketplaceHttpOptions } from './factory';
export { SharedRateLimiter, RATE_LIMIT_TABLE, type LimiterStoreKind } from './limiter';
export { BreakerRegistry, DEFAULT_BREAKER } from './breaker';
export { backoffDelayMs, parseRetryAfter, DEFAULT_RETRY } from './retry';
export { defaultClassifier, kindForStatus, summariseBody } from './classify';
export * from './types';
