import type { RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema';
import type { OcContext } from '../db/opencart';
import type { KeyRing } from '../crypto/secrets';
import type { ChangePlanner } from '../sync/pump/planner';
import type { JobHandler } from '../sync/queue/worker';
import type { Logger } from '../util/logger';

/**
 * A feature area of the sidecar (marketplaces, orders, security, analytics…) plugs into the
 * composition root through this one interface, so each area is wired in its own file
 * (sidecar/src/modules/<name>.ts) and app.ts never needs to know their insides.
 */
export interface ModuleContext {
  config: Config;
  logger: Logger;
  knex: Knex;
  opencart: OcContext;
  secrets: KeyRing;
  metrics: Registry;
  /** Ask the change pump to run now (e.g. after a webhook queued work). */
  wakePump(): void;
  /** Values published by modules started earlier (see ModuleInstance.provides). */
  services: ReadonlyMap<string, unknown>;
}

export interface WorkerSpec {
  queue: string;
  handlers: Record<string, JobHandler>;
  concurrency?: number;
}

export interface ModuleInstance {
  /** Middleware run before every route of every module (the security gateway uses this). */
  before?: RequestHandler[];
  /** Routers mounted at their paths, in module order. */
  routes?: Array<{ path: string; router: Router }>;
  /** Job workers this module needs. */
  workers?: WorkerSpec[];
  /** Turns captured changes into this module's jobs; the pump runs every module's planner in one transaction. */
  planner?: ChangePlanner;
  /** Shown under /health `modules.<name>`; `ok: false` makes the sidecar report "degraded". */
  health?: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  /** Named values for modules started later (looked up in ctx.services). */
  provides?: Record<string, unknown>;
  stop?: () => Promise<void> | void;
}

export interface SidecarModule {
  name: string;
  start(ctx: ModuleContext): Promise<ModuleInstance>;
}
