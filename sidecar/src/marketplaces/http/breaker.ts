import CircuitBreaker from 'opossum';
import { MarketplaceError } from '../errors';
import type { MarketplaceCode } from '../types';
import type { BreakerPolicy, BreakerSnapshot, BreakerState } from './types';

export const DEFAULT_BREAKER: BreakerPolicy = {
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 30_000,
  rollingCountTimeoutMs: 30_000,
};

/** Failures that say the marketplace (or the way to it) is unwell; a refused request does not. */
function countsAgainstHealth(err: unknown): boolean {
  if (!(err instanceof MarketplaceError)) return true;
  return err.kind === 'transport' || err.kind === 'server' || err.kind === 'protocol';
}

type Attempt = () => Promise<unknown>;

interface Entry {
  marketplace: MarketplaceCode;
  accountId: number;
  breaker: CircuitBreaker<[Attempt], unknown>;
  openedAt?: number;
  resetTimeoutMs: number;
}

/**
 * One opossum breaker per marketplace account, shared by every client of that account in the process.
 * Only transport errors, 5xx and unreadable answers count as failures; validation and throttling answers
 * prove the marketplace is up. While open, calls fail at once with a `circuit_open` error carrying
 * when the breaker will let a trial call through.
 */
export class BreakerRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(snapshot: BreakerSnapshot) => void>();

  constructor(private readonly defaults: BreakerPolicy = DEFAULT_BREAKER) {}

  run<T>(marketplace: MarketplaceCode, accountId: number, policy: Partial<BreakerPolicy> | undefined, attempt: () => Promise<T>): Promise<T> {
    const entry = this.entry(marketplace, accountId, policy);
    return (entry.breaker.fire(attempt) as Promise<T>).catch((err: unknown) => {
      if ((err as { code?: string } | null)?.code === 'EOPENBREAKER') {
        const retryAfterMs = entry.openedAt === undefined ? entry.resetTimeoutMs : Math.max(0, entry.openedAt + entry.resetTimeoutMs - Date.now());
        throw new MarketplaceError('circuit_open', `${marketplace} account ${accountId}: circuit open after repeated failures`, {
          marketplace,
          accountId,
          retryAfterMs,
        });
      }
      throw err;
    });
  }

  state(marketplace: MarketplaceCode, accountId: number): BreakerState {
    const entry = this.entries.get(key(marketplace, accountId));
    return entry ? stateOf(entry) : 'closed';
  }

  snapshots(): BreakerSnapshot[] {
    return [...this.entries.values()].map(snapshotOf);
  }

  onChange(listener: (snapshot: BreakerSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  shutdown(): void {
    for (const entry of this.entries.values()) entry.breaker.shutdown();
    this.entries.clear();
  }

  private entry(marketplace: MarketplaceCode, accountId: number, policy: Partial<BreakerPolicy> | undefined): Entry {
    const id = key(marketplace, accountId);
    const existing = this.entries.get(id);
    if (existing) return existing;
    const p = { ...this.defaults, ...policy };
    const breaker = new CircuitBreaker<[Attempt], unknown>((fn: Attempt) => fn(), {
      timeout: false, // axios owns timeouts; a breaker timeout would abandon a request still in flight
      errorThresholdPercentage: p.errorThresholdPercentage,
      volumeThreshold: p.volumeThreshold,
      resetTimeout: p.resetTimeoutMs,
      rollingCountTimeout: p.rollingCountTimeoutMs,
      errorFilter: (err: unknown) => !countsAgainstHealth(err),
    });
    const entry: Entry = { marketplace, accountId, breaker, resetTimeoutMs: p.resetTimeoutMs };
    const emit = () => {
      for (const listener of this.listeners) listener(snapshotOf(entry));
    };
    breaker.on('open', () => {
      entry.openedAt = Date.now();
      emit();
    });
    breaker.on('halfOpen', emit);
    breaker.on('close', () => {
      entry.openedAt = undefined;
      emit();
    });
    this.entries.set(id, entry);
    return entry;
  }
}

function key(marketplace: string, accountId: number): string {
  return `${marketplace}:${accountId}`;
}

function stateOf(entry: Entry): BreakerState {
  if (entry.breaker.halfOpen) return 'half_open';
  if (entry.breaker.opened) return 'open';
  return 'closed';
}

function snapshotOf(entry: Entry): BreakerSnapshot {
  const state = stateOf(entry);
  const snapshot: BreakerSnapshot = { marketplace: entry.marketplace, accountId: entry.accountId, state };
  if (state === 'open' && entry.openedAt !== undefined) {
    snapshot.retryAt = new Date(entry.openedAt + entry.resetTimeoutMs).toISOString();
  }
  return snapshot;
}
