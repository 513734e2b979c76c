import type { MarketplaceAdapter, MarketplaceDefinition } from '../../marketplaces/contract';
import type { MarketplaceCode } from '../../marketplaces/types';
import type { ModuleContext } from '../../modules/types';
import { AccountStore } from '../accounts';
import { createMarketplaceHttp } from '../../marketplaces/http';
import { getMarketplace } from '../../marketplaces/registry';
import { createAccess, type MarketplaceAccess } from './access';

/**
 * Finds the marketplace side for the orders module: the `marketplaces` service published by the
 * marketplaces module (account store + adapter factory), read by shape so the two modules stay loosely
 * coupled; without it, the account store and the adapter registry are used directly (own HTTP client
 * factory: same shared rate limits, its own breakers).
 */

type Fn<A extends unknown[], R> = (...args: A) => R;

interface ServiceShape {
  accounts?: AccountStore;
  store?: AccountStore;
  accountStore?: AccountStore;
  adapter?: Fn<[number], Promise<MarketplaceAdapter>>;
  adapterFor?: Fn<[number], Promise<MarketplaceAdapter>>;
  getAdapter?: Fn<[number], Promise<MarketplaceAdapter>>;
  /** The marketplaces module's AdapterProvider. */
  adapters?: { get: Fn<[number], Promise<MarketplaceAdapter>> };
  definition?: Fn<[MarketplaceCode], MarketplaceDefinition | undefined>;
  getDefinition?: Fn<[MarketplaceCode], MarketplaceDefinition | undefined>;
}

export class MarketplaceAccessError extends Error {
  override name = 'MarketplaceAccessError';
}

export function accessFromService(service: unknown): MarketplaceAccess | null {
  if (!service || typeof service !== 'object') return null;
  const s = service as ServiceShape;
  const store = s.accounts ?? s.store ?? s.accountStore;
  const adapters = s.adapters;
  const adapterFor: Fn<[number], Promise<MarketplaceAdapter>> | undefined =
    adapters && typeof adapters.get === 'function'
      ? (id) => adapters.get(id)
      : (s.adapterFor ?? s.adapter ?? s.getAdapter)?.bind(service);
  const definitionFn = s.definition ?? s.getDefinition;
  if (!store || typeof store.list !== 'function' || typeof store.open !== 'function' || !adapterFor) return null;
  return createAccess({ store, adapterFor, definition: definitionFn ? (code) => definitionFn.call(service, code) : definitionOf });
}

/** No marketplace side in this process: no accounts, so nothing is polled or received (the rest still runs). */
export const noMarketplaces: MarketplaceAccess = {
  accounts: async () => [],
  account: async () => null,
  adapter: async (id) => {
    throw new MarketplaceAccessError(`no marketplace adapters in this process (account ${id}): the marketplaces module is not running`);
  },
  open: async (id) => {
    throw new MarketplaceAccessError(`no marketplace accounts in this process (account ${id}): the marketplaces module is not running`);
  },
  webhookHandler: () => undefined,
};

export function definitionOf(code: MarketplaceCode): MarketplaceDefinition | undefined {
  try {
    const def = getMarketplace(code);
    return def.available ? def : undefined;
  } catch {
    return undefined;
  }
}

/** The account store + registry, for processes without the marketplaces module (CLI, tests). */
export function directAccess(parts: Pick<ModuleContext, 'knex' | 'secrets' | 'logger'> & { redisUrl?: string; metrics?: ModuleContext['metrics'] }): MarketplaceAccess {
  const store = new AccountStore(parts.knex, parts.secrets, definitionOf);
  const http = createMarketplaceHttp({ knex: parts.knex, logger: parts.logger, ...(parts.redisUrl ? { redisUrl: parts.redisUrl } : {}), ...(parts.metrics ? { metrics: parts.metrics } : {}) });
  return createAccess({ store, definition: definitionOf, http, logger: parts.logger });
}

export async function resolveMarketplaceAccess(ctx: ModuleContext): Promise<MarketplaceAccess> {
  const fromService = accessFromService(ctx.services.get('marketplaces'));
  if (fromService) return fromService;
  ctx.logger.info('no "marketplaces" service: the orders module reads accounts and builds adapters itself');
  return directAccess({ knex: ctx.knex, secrets: ctx.secrets, logger: ctx.logger, ...(ctx.config.redisUrl ? { redisUrl: ctx.config.redisUrl } : {}) });
}
