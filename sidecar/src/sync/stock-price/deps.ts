import type { Knex } from 'knex';
import type { OcContext } from '../../db/opencart/context';
import type { MarketplaceAdapter } from '../../marketplaces/contract';
import type { Logger } from '../../util/logger';
import { recordHeartbeat } from '../heartbeats/heartbeats';
import type { AccountStore } from '../accounts/store';
import type { MappingStore } from '../listing/mappings';
import type { VariantStore } from '../variants/store';
import type { DesiredCalculator } from './desired';

/** What the sync engine's planners and job handlers share. */
export interface EngineDeps {
  knex: Knex;
  oc: OcContext;
  accounts: AccountStore;
  variants: VariantStore;
  mappings: MappingStore;
  desired: DesiredCalculator;
  adapters: AdapterSource;
  logger?: Logger;
  /** Nudge the worker of a queue (jobs were just committed for it). */
  wake?: (queue: string) => void;
}

export interface AdapterSource {
  get(accountId: number): Promise<MarketplaceAdapter>;
}

/** One job queue per marketplace account. */
export const queueOf = (accountId: number): string => `marketplace:${accountId}`;

export const JOB = {
  stockPricePush: 'sp.push',
  stockPricePoll: 'sp.poll',
  stockPriceVerify: 'sp.verify',
  stockPriceReplan: 'sp.replan',
  listingPush: 'ls.push',
  listingPoll: 'ls.poll',
  listingRequest: 'ls.request',
  runPage: 'run.page',
} as const;

/**
 * Lower runs first: zero-outs and stock decreases jump ahead of increases, price changes, listing work
 * and reconciliation pages.
 */
export const PRIORITY = {
  zeroOut: 10,
  decrease: 20,
  increase: 40,
  price: 60,
  poll: 30,
  listing: 80,
  run: 90,
} as const;

/** Per-item retry delay after a marketplace said "try again": 1 s doubling to 5 min, full jitter above half. */
export function itemRetryDelayMs(attempt: number, hintMs?: number): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** Math.min(Math.max(attempt, 1) - 1, 20));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return Math.max(jittered, hintMs ?? 0);
}

export const MAX_ITEM_RETRIES = 25;

/** Records that a flow of the account did work (the orders area's heartbeat monitor alerts on silence). Never fails the caller. */
export async function beat(deps: Pick<EngineDeps, 'knex' | 'logger'>, accountId: number, flow: 'stockOut' | 'reconciliation', detail: string): Promise<void> {
  try {
    await recordHeartbeat(deps.knex, accountId, flow, detail);
  } catch (err) {
    deps.logger?.warn({ err, accountId, flow }, 'could not record heartbeat');
  }
}
