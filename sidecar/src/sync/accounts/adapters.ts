import type { MarketplaceAdapter, MarketplaceHttpFactory } from '../../marketplaces/contract';
import type { Logger } from '../../util/logger';
import type { AccountStore, DefinitionLookup } from './store';

/**
 * One adapter per account, built from the account's opened credentials through the marketplace's
 * definition and the process's one HTTP client factory (so breakers and rate limits are shared). Rebuilt
 * when the account row changes (new credentials, base URL or settings).
 */
export class AdapterProvider {
  private cache = new Map<number, { updatedAt: string; adapter: Promise<MarketplaceAdapter> }>();

  constructor(
    private readonly accounts: AccountStore,
    private readonly definitions: DefinitionLookup,
    private readonly http: MarketplaceHttpFactory,
    private readonly logger?: Logger,
  ) {}

  async get(accountId: number): Promise<MarketplaceAdapter> {
    const view = (await this.accounts.list()).find((a) => a.id === accountId) ?? (await this.accounts.require(accountId));
    const hit = this.cache.get(accountId);
    if (hit && hit.updatedAt === view.updatedAt) return hit.adapter;
    const adapter = (async () => {
      const account = await this.accounts.open(accountId);
      const def = this.definitions(account.code);
      if (!def) throw new Error(`no adapter for marketplace ${account.code}`);
      return def.create(account, { http: this.http, ...(this.logger ? { logger: this.logger.child({ marketplace: account.code, accountId }) } : {}) });
    })();
    adapter.catch(() => this.cache.delete(accountId));
    this.cache.set(accountId, { updatedAt: view.updatedAt, adapter });
    return adapter;
  }

  invalidate(accountId?: number): void {
    if (accountId === undefined) this.cache.clear();
    else this.cache.delete(accountId);
  }
}
