import type { AdapterDeps, MarketplaceAdapter, MarketplaceDefinition } from './contract';
import { MarketplaceError, UnsupportedError } from './errors';
import { trendyolDefinition } from './trendyol';
import { isMarketplaceCode, type MarketplaceAccount, type MarketplaceCode } from './types';

/** A marketplace whose adapter is not built yet: listed (for the UI), refuses to connect with a clear message. */
function notYetAvailable(code: MarketplaceCode, displayName: string, production: string): MarketplaceDefinition {
  const refuse = (): never => {
    throw new UnsupportedError(`${displayName} is not available yet in this version / ${displayName} entegrasyonu bu sürümde henüz yok`, { marketplace: code });
  };
  return {
    code,
    displayName,
    available: false,
    baseUrls: { production },
    parseCredentials: refuse,
    parseSettings: refuse,
    create: refuse,
  };
}

const DEFINITIONS: Record<MarketplaceCode, MarketplaceDefinition> = {
  trendyol: trendyolDefinition,
  hepsiburada: notYetAvailable('hepsiburada', 'Hepsiburada', 'https://mpop.hepsiburada.com'),
  n11: notYetAvailable('n11', 'N11', 'https://api.n11.com/ws'),
  ebay: notYetAvailable('ebay', 'eBay', 'https://api.ebay.com'),
  amazon: notYetAvailable('amazon', 'Amazon', 'https://sellingpartnerapi-eu.amazon.com'),
  ozon: notYetAvailable('ozon', 'Ozon', 'https://api-seller.ozon.ru'),
};

/** Every marketplace the product knows, available or not. */
export function listMarketplaces(): MarketplaceDefinition[] {
  return Object.values(DEFINITIONS);
}

/** The definition of a marketplace code; throws a validation error naming the valid codes for an unknown one. */
export function getMarketplace(code: string): MarketplaceDefinition {
  if (!isMarketplaceCode(code)) {
    throw new MarketplaceError('validation', `unknown marketplace "${code}"; known: ${Object.keys(DEFINITIONS).join(', ')}`);
  }
  return DEFINITIONS[code];
}

/** Builds the adapter for one account; throws UnsupportedError for marketplaces not built yet. */
export function createAdapter(account: MarketplaceAccount, deps: AdapterDeps): MarketplaceAdapter {
  return getMarketplace(account.code).create(account, deps);
}
