import type { MarketplaceDefinition } from '../../marketplaces/contract';
import { getMarketplace } from '../../marketplaces/registry';
import type { MarketplaceCode } from '../../marketplaces/types';

/** Marketplaces whose adapter this build has (the registry lists the others as not yet available). */
export function builtInDefinition(code: MarketplaceCode): MarketplaceDefinition | undefined {
  const def = getMarketplace(code);
  return def.available ? def : undefined;
}
