import { BlockList, isIP } from 'node:net';
import type { Knex } from 'knex';
import { rawRows, rawWrite } from '../../db/raw';

/**
 * JWT access tokens (RFC 9068) are verified locally, but a token must also stop working the moment it
 * or its grant is revoked (RFC 7009) or its client is disabled. Every issued token's jti is recorded
 * here (before the token is handed out); the API looks its state up, cached for `cacheMs` (one second)
 * from the moment the lookup was sent, and one lookup serves every request of the token that misses the
 * cache at the same time; an entry used in the last fifth of its life is refreshed in the background. Revocations made by this process clear the cache at once (and keep a lookup
 * already in flight from being cached); another process sees them within `cacheMs`.
 */

export interface IssuedToken {
  jti: string;
  grantId: string | null;
  clientId: string;
  accountId: string | null;
  storeId: number;
  /** Seconds since the epoch. */
  exp: number;
}

export interface TokenState {
  active: boolean;
  clientId: string;
  /** Addresses allowed for the token's client, or null for any. */
  allow: BlockList | null;
  /** Per-client limit override (requests per minute), or null. */
  ratePerMinute: number | null;
}

interface StateRow {
  revoked_at: string | null;
  expired: number;
  client_id: string;
  enabled: number | null;
  ip_allowlist: unknown;
  rate_limit_per_minute: number | null;
}

/** Builds a BlockList from addresses and CIDRs; returns null for an empty list (= no restriction). */
export function allowListOf(entries: readonly string[]): BlockList | null {
  if (entries.length === 0) return null;
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (!addr || family === 0) throw new Error(`not an IP address or CIDR: ${entry}`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

/** Whether an address passes a list; IPv4-mapped IPv6 addresses are checked as IPv4. */
export function ipAllowed(list: BlockList | null, ip: string): boolean {
  if (list === null) return true;
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (v4) return list.check(v4[1]!, 'ipv4');
  const family = isIP(ip);
  if (family === 0) return false;
  return list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** A JSON list column (MariaDB returns JSON as text). */
export function jsonList(value: unknown): string[] {
  const v: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export class TokenRegistry {
  private readonly cache = new Map<string, { at: number; state: TokenState | null }>();
  /** Lookups in flight, shared by the requests of one token that miss the cache together. */
  private readonly loading = new Map<string, Promise<TokenState | null>>();
  /** Bumped by every revocation or invalidation in this process: a lookup that started before one is not cached. */
  private generation = 0;

  constructor(
    private readonly knex: Knex,
    private readonly cacheMs = 1000,
  ) {}

  async record(t: IssuedToken): Promise<void> {
    await rawWrite(
      this.knex,
      `INSERT INTO meschain_oauth_tokens (jti, grant_id, client_id, account_id, store_id, expires_at) VALUES (?, ?, ?, ?, ?, FROM_UNIXTIME(?))`,
      [t.jti, t.grantId, t.clientId, t.accountId, t.storeId, t.exp],
    );
  }

  /** Current state of a token, or null when it was never issued here. */
  async state(jti: string): Promise<TokenState | null> {
    const hit = this.cache.get(jti);
    if (hit) {
      const age = Date.now() - hit.at;
      if (age < this.cacheMs) {
        // Late in its life, refresh it in the background: a token in steady use never waits for the lookup.
        if (age >= this.cacheMs * 0.8 && !this.loading.has(jti)) void this.lookup(jti).catch(() => undefined);
        return hit.state;
      }
    }
    return this.loading.get(jti) ?? this.lookup(jti);
  }

  private lookup(jti: string): Promise<TokenState | null> {
    const p = this.load(jti).finally(() => {
      if (this.loading.get(jti) === p) this.loading.delete(jti);
    });
    this.loading.set(jti, p);
    return p;
  }

  private async load(jti: string): Promise<TokenState | null> {
    const generation = this.generation;
    const at = Date.now();
    const [row] = await rawRows<StateRow>(
      this.knex,
      `SELECT t.revoked_at, t.expires_at < UTC_TIMESTAMP(3) AS expired, t.client_id, c.enabled, c.ip_allowlist, c.rate_limit_per_minute
       FROM meschain_oauth_tokens t LEFT JOIN meschain_api_clients c ON c.client_id = t.client_id WHERE t.jti = ?`,
      [jti],
    );
    let state: TokenState | null = null;
    if (row) {
      const allowEntries = jsonList(row.ip_allowlist);
      state = {
        active: row.revoked_at === null && !Number(row.expired) && Number(row.enabled) === 1,
        clientId: row.client_id,
        allow: allowListOf(allowEntries),
        ratePerMinute: row.rate_limit_per_minute,
      };
    }
    if (generation === this.generation) {
      if (this.cache.size > 50_000) this.cache.clear();
      // Aged from when the lookup was sent, so an answer is never trusted for longer than cacheMs.
      this.cache.set(jti, { at, state });
    }
    return state;
  }

  async revoke(jti: string): Promise<void> {
    await rawWrite(this.knex, 'UPDATE meschain_oauth_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE jti = ? AND revoked_at IS NULL', [jti]);
    this.forget([jti]);
  }

  async revokeGrant(grantId: string): Promise<void> {
    const rows = await rawRows<{ jti: string }>(this.knex, 'SELECT jti FROM meschain_oauth_tokens WHERE grant_id = ?', [grantId]);
    await rawWrite(this.knex, 'UPDATE meschain_oauth_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE grant_id = ? AND revoked_at IS NULL', [grantId]);
    this.forget(rows.map((r) => r.jti));
  }

  private forget(jtis: readonly string[]): void {
    this.generation++;
    for (const jti of jtis) {
      this.cache.delete(jti);
      this.loading.delete(jti);
    }
  }

  /** Forget cached states (after a client was disabled or changed). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.loading.clear();
  }

  async prune(): Promise<number> {
    const r = await rawWrite(this.knex, 'DELETE FROM meschain_oauth_tokens WHERE expires_at < UTC_TIMESTAMP(3) - INTERVAL 1 DAY LIMIT 5000');
    return r.affectedRows;
  }
}
