import type { Knex } from 'knex';
import { Registry, collectDefaultMetrics, Gauge, Histogram } from 'prom-client';
import type { CaptureService } from '../sync/capture/service';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * One registry per sidecar instance (not prom-client's global one), so tests can start several.
 * Gauges read the database when scraped rather than being pushed, so they are never stale.
 */
export function createMetrics(knex: Knex, capture: CaptureService, queueDepth: (k: Knex) => Promise<Record<string, number>>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meschain_' });

  const httpDuration = new Histogram({
    name: 'meschain_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  new Gauge({
    name: 'meschain_jobs',
    help: 'Jobs in meschain_jobs by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [state, n] of Object.entries(await queueDepth(knex))) this.set({ state }, n);
    },
  });

  new Gauge({
    name: 'meschain_change_log_backlog',
    help: 'Captured changes not yet planned by the change pump',
    registers: [registry],
    async collect() {
      const [[row]] = (await knex.raw('SELECT COUNT(*) AS n FROM meschain_change_log')) as [[{ n: number }]];
      this.set(Number(row.n));
    },
  });

  new Gauge({
    name: 'meschain_capture_mode',
    help: 'Change capture mode in use (1 for the active mode)',
    labelNames: ['mode'] as const,
    registers: [registry],
    collect() {
      this.reset();
      this.set({ mode: capture.mode.mode }, 1);
    },
  });

  return { registry, httpDuration };
}
