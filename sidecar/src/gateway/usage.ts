import type { Knex } from 'knex';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../util/logger';

/**
 * API usage per client and route: request, error and rate-limit counts and a latency histogram per
 * minute in meschain_api_usage(_latency), and the same on /metrics. Requests are counted in memory and
 * flushed every few seconds with additive upserts, so several processes add up and the request path
 * never waits for a write. Routes are policy patterns, never raw paths (bounded cardinality).
 */

/** Upper bounds (ms) of the latency buckets; 0 stands for "above the last". */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export interface UsageSample {
  clientId: string;
  method: string;
  route: string;
  status: number;
  ms: number;
}

interface Agg {
  minute: string;
  clientId: string;
  method: string;
  route: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
  totalMs: number;
  buckets: Map<number, number>;
}

export function bucketOf(ms: number): number {
  return LATENCY_BUCKETS_MS.find((b) => ms <= b) ?? 0;
}

/** The p-th percentile (0-100) from bucket counts: the upper bound of the bucket it falls in. */
export function percentileFromBuckets(counts: ReadonlyMap<number, number>, p: number): number | null {
  const ordered = [...LATENCY_BUCKETS_MS, 0].map((le) => [le, counts.get(le) ?? 0] as const);
  const total = ordered.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const [le, n] of ordered) {
    seen += n;
    if (seen >= rank) return le === 0 ? Infinity : le;
  }
  return Infinity;
}

export class UsageRecorder {
  private current = new Map<string, Agg>();
  private timer: NodeJS.Timeout | undefined;
  private readonly requests: Counter<'client' | 'route' | 'status_class'>;
  private readonly latency: Histogram<'client' | 'route'>;
  /** Label-bound metric children per client and route (prom-client hashes the labels on every call otherwise). */
  private readonly children = new Map<string, { latency: { observe(v: number): void }; byClass: Map<number, { inc(): void }> }>();
  private minuteMs = -1;
  private minute = '';

  constructor(
    private readonly knex: Knex,
    registry: Registry,
    private readonly logger: Logger,
    private readonly flushMs = 5000,
  ) {
    this.requests = new Counter({
      name: 'meschain_api_requests_total',
      help: 'API requests by client, route (policy pattern) and status class',
      labelNames: ['client', 'route', 'status_class'] as const,
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'meschain_api_request_duration_seconds',
      help: 'API latency by client and route',
      labelNames: ['client', 'route'] as const,
      buckets: LATENCY_BUCKETS_MS.map((b) => b / 1000),
      registers: [registry],
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.logger.warn({ err }, 'API usage flush failed')), this.flushMs);
    this.timer.unref();
  }

  record(s: UsageSample): void {
    const now = Date.now();
    const minuteMs = now - (now % 60_000);
    if (minuteMs !== this.minuteMs) {
      this.minuteMs = minuteMs;
      this.minute = new Date(minuteMs).toISOString().slice(0, 19).replace('T', ' ');
    }
    const series = `${s.clientId}\u0000${s.route}`;
    const key = `${this.minute}\u0000${s.method}\u0000${series}`;
    let a = this.current.get(key);
    if (!a) {
      a = { minute: this.minute, clientId: s.clientId, method: s.method, route: s.route, requests: 0, clientErrors: 0, serverErrors: 0, rateLimited: 0, totalMs: 0, buckets: new Map() };
      this.current.set(key, a);
    }
    a.requests++;
    if (s.status >= 500) a.serverErrors++;
    else if (s.status >= 400) a.clientErrors++;
    if (s.status === 429) a.rateLimited++;
    a.totalMs += Math.round(s.ms);
    const b = bucketOf(s.ms);
    a.buckets.set(b, (a.buckets.get(b) ?? 0) + 1);
    let c = this.children.get(series);
    if (!c) {
      c = { latency: this.latency.labels({ client: s.clientId, route: s.route }), byClass: new Map() };
      this.children.set(series, c);
    }
    const cls = Math.floor(s.status / 100);
    let counter = c.byClass.get(cls);
    if (!counter) {
      counter = this.requests.labels({ client: s.clientId, route: s.route, status_class: `${cls}xx` });
      c.byClass.set(cls, counter);
    }
    counter.inc();
    c.latency.observe(s.ms / 1000);
  }

  async flush(): Promise<void> {
    if (this.current.size === 0) return;
    const batch = this.current;
    this.current = new Map();
    const usage: unknown[][] = [];
    const latency: unknown[][] = [];
    for (const a of batch.values()) {
      const { minute, clientId: client, method, route } = a;
      usage.push([minute, client, method, route.slice(0, 191), a.requests, a.clientErrors, a.serverErrors, a.rateLimited, a.totalMs]);
      for (const [le, n] of a.buckets) latency.push([minute, client, method, route.slice(0, 191), le, n]);
    }
    // One transaction, so counts and their latency histogram appear together.
    await this.knex.transaction(async (trx) => {
      await trx.raw(
        `INSERT INTO meschain_api_usage (bucket_start, client_id, method, route, requests, client_errors, server_errors, rate_limited, total_ms)
         VALUES ${usage.map(() => '(?,?,?,?,?,?,?,?,?)').join(',')}
         ON DUPLICATE KEY UPDATE requests = requests + VALUES(requests), client_errors = client_errors + VALUES(client_errors),
           server_errors = server_errors + VALUES(server_errors), rate_limited = rate_limited + VALUES(rate_limited), total_ms = total_ms + VALUES(total_ms)`,
        usage.flat() as never[],
      );
      await trx.raw(
        `INSERT INTO meschain_api_usage_latency (bucket_start, client_id, method, route, le_ms, count)
         VALUES ${latency.map(() => '(?,?,?,?,?,?)').join(',')}
         ON DUPLICATE KEY UPDATE count = count + VALUES(count)`,
        latency.flat() as never[],
      );
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}

export interface UsageSummaryRow {
  clientId: string;
  method: string;
  route: string;
  requests: number;
  clientErrors: number;
  serverErrors: number;
  rateLimited: number;
  meanMs: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Usage since a time, per client and route, with percentiles from the merged histograms. */
export async function usageSummary(knex: Knex, sinceUtc: string): Promise<UsageSummaryRow[]> {
  const [rows] = (await knex.raw(
    `SELECT client_id, method, route, SUM(requests) AS requests, SUM(client_errors) AS ce, SUM(server_errors) AS se, SUM(rate_limited) AS rl, SUM(total_ms) AS ms
     FROM meschain_api_usage WHERE bucket_start >= ? GROUP BY client_id, method, route ORDER BY client_id, route, method`,
    [sinceUtc],
  )) as unknown as [Array<{ client_id: string; method: string; route: string; requests: string; ce: string; se: string; rl: string; ms: string }>];
  const [lat] = (await knex.raw(
    'SELECT client_id, method, route, le_ms, SUM(count) AS n FROM meschain_api_usage_latency WHERE bucket_start >= ? GROUP BY client_id, method, route, le_ms',
    [sinceUtc],
  )) as unknown as [Array<{ client_id: string; method: string; route: string; le_ms: number; n: string }>];
  const hist = new Map<string, Map<number, number>>();
  for (const l of lat) {
    const k = `${l.client_id}\u0000${l.method}\u0000${l.route}`;
    const m = hist.get(k) ?? new Map<number, number>();
    m.set(Number(l.le_ms), Number(l.n));
    hist.set(k, m);
  }
  const pct = (m: Map<number, number> | undefined, p: number) => {
    const v = m ? percentileFromBuckets(m, p) : null;
    return v === Infinity ? LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]! * 2 : v;
  };
  return rows.map((r) => {
    const m = hist.get(`${r.client_id}\u0000${r.method}\u0000${r.route}`);
    const requests = Number(r.requests);
    return {
      clientId: r.client_id,
      method: r.method,
      route: r.route,
      requests,
      clientErrors: Number(r.ce),
      serverErrors: Number(r.se),
      rateLimited: Number(r.rl),
      meanMs: requests ? Math.round(Number(r.ms) / requests) : 0,
      p50Ms: pct(m, 50),
      p95Ms: pct(m, 95),
      p99Ms: pct(m, 99),
    };
  });
}
