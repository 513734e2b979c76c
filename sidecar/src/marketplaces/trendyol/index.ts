import type { AdapterDeps, MarketplaceDefinition } from '../contract';
import { MarketplaceError } from '../errors';
import type { MarketplaceAccount } from '../types';
import { TrendyolAdapter } from './adapter';
import { parseTrendyolCredentials, parseTrendyolSettings } from './config';
import { TRENDYOL_BASE_URLS, trendyolCapabilities } from './constants';
import { createTrendyolWebhookHandler } from './webhook';

export { TrendyolAdapter } from './adapter';
export { parseTrendyolCredentials, parseTrendyolSettings, type TrendyolSettings } from './config';
export { TRENDYOL_BASE_URLS, TRENDYOL_LIMITS } from './constants';

export const trendyolDefinition: MarketplaceDefinition = {
  code: 'trendyol',
  displayName: 'Trendyol',
  available: true,
  baseUrls: { ...TRENDYOL_BASE_URLS },
  capabilities: trendyolCapabilities(),
  parseCredentials: parseTrendyolCredentials,
  parseSettings: (input) => parseTrendyolSettings(input),
  create(account: MarketplaceAccount, deps: AdapterDeps) {
    if (account.code !== 'trendyol') throw new MarketplaceError('config', `account ${account.id} is a ${account.code} account, not Trendyol`);
    const credentials = parseTrendyolCredentials(account.credentials);
    const settings = parseTrendyolSettings(account.settings);
    return new TrendyolAdapter(account, credentials, settings, deps);
  },
  webhooks: createTrendyolWebhookHandler(),
};
