import type { MarketplaceAdapter, MarketplaceDefinition, MarketplaceHttpFactory, WebhookHandler } from '../../marketplaces/contract';
import type { MarketplaceAccount, MarketplaceCode } from '../../marketplaces/types';
import type { Logger } from '../../util/logger';
import type { AccountStore, AccountView } from '../accounts';

/**
 * What the order flows need from the marketplace side: the accounts (with their per-flow switches), an
 * adapter per account, and each marketplace's webhook handler with the account credentials to verify a
 * caller. Built from the `marketplaces` service when that module runs, else from the account store and
 * the adapter registry directly (tests, CLI).
 */

export interface OrderAccount {
  id: number;
  code: MarketplaceCode;
  name: string;
  enabled: boolean;
  ordersIn: boolean;
  statusOut: boolean;
  /** Stock push and scheduled reconciliation are on (their heartbeats are watched too). */
  stock: boolean;
  reconcile: boolean;
  createdAt: string;
}

export interface MarketplaceAccess {
  accounts(): Promise<OrderAccount[]>;
  account(id: number): Promise<OrderAccount | null>;
  adapter(id: number): Promise<MarketplaceAdapter>;
  /** The account with its credentials opened (webhook verification). Never hand it to an API answer. */
  open(id: number): Promise<MarketplaceAccount>;
  webhookHandler(code: MarketplaceCode): WebhookHandler | undefined;
}

export function toOrderAccount(v: AccountView): OrderAccount {
  return {
    id: v.id,
    code: v.code,
    name: v.name,
    enabled: v.enabled,
    ordersIn: v.flows.ordersIn,
    statusOut: v.flows.statusOut,
    stock: v.flows.stock,
    reconcile: v.settings.sync.reconcile.enabled,
    createdAt: v.createdAt,
  };
}

export interface AccessParts {
  store: AccountStore;
  definition: (code: MarketplaceCode) => MarketplaceDefinition | undefined;
  /** Preferred: the marketplaces module's own adapter cache (one breaker/limiter view per process). */
  adapterFor?: (accountId: number) => Promise<MarketplaceAdapter>;
  /** Used when adapterFor is absent. */
  http?: MarketplaceHttpFactory;
  logger?: Logger;
}

/** How long a self-built adapter is reused before the account (credentials, base URL) is read again. */
const ADAPTER_TTL_MS = 30_000;

export function createAccess(parts: AccessParts): MarketplaceAccess {
  const cache = new Map<number, { at: number; adapter: Promise<MarketplaceAdapter> }>();
  const build = async (id: number): Promise<MarketplaceAdapter> => {
    const account = await parts.store.open(id);
    const def = parts.definition(account.code);
    if (!def) throw new Error(`marketplace '${account.code}' has no adapter in this build`);
    if (!parts.http) throw new Error('no marketplace HTTP client factory: start the marketplaces module or pass one');
    return def.create(account, { http: parts.http, ...(parts.logger ? { logger: parts.logger } : {}) });
  };
  return {
    async accounts() {
      return (await parts.store.list()).map(toOrderAccount);
    },
    async account(id) {
      const v = await parts.store.get(id);
      return v ? toOrderAccount(v) : null;
    },
    adapter(id) {
      if (parts.adapterFor) return parts.adapterFor(id);
      const hit = cache.get(id);
      if (hit && Date.now() - hit.at < ADAPTER_TTL_MS) return hit.adapter;
      const adapter = build(id);
      adapter.catch(() => cache.delete(id));
      cache.set(id, { at: Date.now(), adapter });
      return adapter;
    },
    open(id) {
      return parts.store.open(id);
    },
    webhookHandler(code) {
      return parts.definition(code)?.webhooks;
    },
  };
}
