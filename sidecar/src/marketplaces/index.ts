/** Marketplaces: the adapter contract, normalised types, the HTTP client factory and the adapter registry. */
export * from './contract';
export { createAdapter, getMarketplace, listMarketplaces } from './registry';
export { createMarketplaceHttp, type MarketplaceHttp, type MarketplaceHttpOptions } from './http';
