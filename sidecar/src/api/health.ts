import type { Knex } from 'knex';
import type { CaptureService } from '../sync/capture/service';
import type { ChangePump } from '../sync/pump';
import type { ModuleInstance } from '../modules/types';
import { VERSION } from '../version';

export interface HealthReport {
  status: 'ok' | 'degraded' | 'down';
  version: string;
  uptimeSeconds: number;
  db: { reachable: boolean; latencyMs?: number; error?: string };
  capture: { mode: string; reason: string; lastError?: string; lastScanAt?: string; backlog?: number };
  pump: { running: boolean; lastRunAt: string | null; lastError: string | null; changesPlanned: number; jobsEnqueued: number };
  queue?: Record<string, number>;
  modules?: Record<string, { ok: boolean } & Record<string, unknown>>;
}

export interface HealthSources {
  knex: Knex;
  capture: CaptureService;
  pump: ChangePump;
  queueDepth(knex: Knex): Promise<Record<string, number>>;
  startedAt: number;
  modules?: Array<{ name: string; instance: ModuleInstance }>;
}

/** Everything an operator (or a load balancer) needs to tell whether sync is really running. */
export async function collectHealth(src: HealthSources): Promise<HealthReport> {
  const t0 = performance.now();
  const report: HealthReport = {
    status: 'ok',
    version: VERSION,
    uptimeSeconds: Math.round((Date.now() - src.startedAt) / 1000),
    db: { reachable: false },
    capture: {
      mode: src.capture.mode.mode,
      reason: src.capture.mode.reason,
      ...(src.capture.lastError ? { lastError: src.capture.lastError } : {}),
      ...(src.capture.lastScanAt ? { lastScanAt: src.capture.lastScanAt.toISOString() } : {}),
    },
    pump: pumpReport(src.pump),
  };
  try {
    await src.knex.raw('SELECT 1');
    report.db = { reachable: true, latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
    report.queue = await src.queueDepth(src.knex);
    const [[row]] = (await src.knex.raw('SELECT COUNT(*) AS n FROM meschain_change_log')) as [[{ n: number }]];
    report.capture.backlog = Number(row.n);
  } catch (err) {
    report.db = { reachable: report.db.reachable, error: (err as Error).message.split('\n')[0] };
    report.status = 'down';
    return report;
  }
  for (const { name, instance } of src.modules ?? []) {
    if (!instance.health) continue;
    report.modules ??= {};
    try {
      report.modules[name] = await instance.health();
    } catch (err) {
      report.modules[name] = { ok: false, error: (err as Error).message.split('\n')[0] };
    }
  }
  const modulesOk = Object.values(report.modules ?? {}).every((m) => m.ok);
  if (report.capture.lastError || report.pump.lastError || !report.pump.running || !modulesOk) report.status = 'degraded';
  return report;
}

function pumpReport(pump: ChangePump): HealthReport['pump'] {
  const s = pump.status();
  return {
    running: s.running,
    lastRunAt: s.lastRunAt?.toISOString() ?? null,
    lastError: s.lastError,
    changesPlanned: s.totals.changes,
    jobsEnqueued: s.totals.jobs,
  };
}
