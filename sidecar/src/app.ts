import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type { Config } from './config/schema';
import { assertReachable, createDb } from './db/connection';
import { createLogger, type Logger } from './util/logger';
import { StartupError } from './util/errors';
import { migrateLatest } from '../../migrations';
import { CaptureService } from './sync/capture/service';
import { createMetrics } from './api/metrics';
import { createServer } from './api/server';
import { ChangePump, combinePlanners } from './sync/pump';
import { defaultModules, type ModuleInstance, type SidecarModule, type WorkerSpec } from './modules';
import { loadKeyRing } from './crypto/keys';
import { Worker, queueDepth, pruneJobs } from './sync/queue';
import { foundationPipeline, type Pipeline } from './sync/pipeline/foundation';
import { loadOcContext, recoverOrderWrites, OcContextError, OcSettingError, type OcContext } from './db/opencart';

export interface Sidecar {
  url: string;
  port: number;
  captureMode: string;
  knex: Knex;
  opencart: OcContext;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Planner and job handlers used when no module plans anything (the foundation pipeline by default). */
  pipeline?: Pipeline;
  /** Feature modules to run instead of defaultModules() (tests use this). */
  modules?: SidecarModule[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

async function assertOpencartTables(knex: Knex, prefix: string): Promise<void> {
  const [[row]] = (await knex.raw('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [
    `${prefix}product`,
  ])) as [[{ n: number }]];
  if (Number(row.n) === 0) {
    throw new StartupError(`no OpenCart table '${prefix}product' in this database: check MESCHAIN_OC_PREFIX (OpenCart's DB_PREFIX) and the database name`);
  }
}

async function loadShop(knex: Knex, config: Config): Promise<OcContext> {
  try {
    return await loadOcContext(knex, {
      prefix: config.opencart.tablePrefix,
      storeId: config.opencart.storeId,
      language: config.opencart.language,
      ...(config.opencart.storeUrl ? { storeUrl: config.opencart.storeUrl } : {}),
    });
  } catch (err) {
    // Unknown language or store, broken settings: the operator fixes these in config or in OpenCart.
    if (err instanceof OcContextError || err instanceof OcSettingError) throw new StartupError(`OpenCart store: ${err.message}`);
    throw err;
  }
}

/**
 * Composition root: connects, migrates, starts change capture and the HTTP server.
 * Every step that can fail for an operator-fixable reason throws a one-line StartupError.
 */
export async function startSidecar(config: Config, opts: StartOptions = {}): Promise<Sidecar> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const prefix = config.opencart.tablePrefix;
  const knex = createDb(config.databaseUrl, { poolMax: config.database.poolMax });
  const cleanup: Array<() => Promise<void> | void> = [() => knex.destroy()];
  const close = async () => {
    for (const fn of cleanup.reverse()) await fn();
  };
  try {
    await assertReachable(knex, config.databaseUrl);
    await assertOpencartTables(knex, prefix);
    const applied = await migrateLatest(knex, { ocPrefix: prefix });
    if (applied.length) logger.info({ applied }, 'migrations applied');
    const opencart = await loadShop(knex, config);
    logger.info({ timezone: opencart.timezone, language: opencart.languageCode, currency: opencart.defaultCurrency, storeId: opencart.storeId }, 'OpenCart store loaded');
    // Writes into OpenCart interrupted by an earlier crash are finished before anything new starts.
    const recovered = await recoverOrderWrites(opencart);
    if (recovered.completed.length || recovered.stock.ledgerCompleted.length || recovered.stock.abandoned.length) {
      logger.warn({ recovered }, 'finished OpenCart writes interrupted by an earlier stop');
    }

    const capture = new CaptureService({
      knex,
      prefix,
      wanted: config.capture.mode,
      snapshotIntervalMs: config.capture.snapshotIntervalMs,
      logger,
    });
    await capture.start();
    cleanup.push(() => capture.stop());

    const startedAt = Date.now();
    const depth = (k: Knex) => queueDepth(k) as Promise<Record<string, number>>;
    const metrics = createMetrics(knex, capture, depth);
    const secrets = loadKeyRing(config);

    // Feature modules, in order; each may add middleware, routes, workers, a planner and health.
    const workers: Worker[] = [];
    let pump: ChangePump | undefined;
    const services = new Map<string, unknown>();
    const instances: Array<{ name: string; instance: ModuleInstance }> = [];
    for (const mod of opts.modules ?? (await defaultModules())) {
      const instance = await mod.start({ config, logger: logger.child({ module: mod.name }), knex, opencart, secrets, metrics: metrics.registry, wakePump: () => pump?.wake(), services });
      instances.push({ name: mod.name, instance });
      if (instance.stop) cleanup.push(() => instance.stop!());
      for (const [key, value] of Object.entries(instance.provides ?? {})) services.set(key, value);
    }

    const planners = instances.flatMap(({ instance }) => (instance.planner ? [instance.planner] : []));
    const workerSpecs: WorkerSpec[] = instances.flatMap(({ instance }) => instance.workers ?? []);
    if (planners.length === 0) {
      // No module plans anything yet: keep the path live with the foundation pipeline.
      const pipeline = opts.pipeline ?? foundationPipeline(logger);
      planners.push(pipeline.planner);
      workerSpecs.push({ queue: pipeline.queue, handlers: pipeline.handlers });
    }
    for (const spec of workerSpecs) {
      workers.push(
        new Worker(knex, {
          queue: spec.queue,
          handlers: spec.handlers,
          concurrency: spec.concurrency ?? config.jobs.concurrency,
          visibilityTimeoutMs: config.jobs.visibilityTimeoutMs,
          logger,
        }),
      );
    }
    pump = new ChangePump(knex, {
      planner: combinePlanners(planners),
      pollMs: config.capture.pollMs,
      jobDefaults: { maxAttempts: config.jobs.maxAttempts },
      onJobs: () => workers.forEach((w) => w.wake()),
      logger,
    });
    for (const w of workers) w.start();
    pump.start();
    // Stop the pump first so no new jobs appear while the workers drain.
    cleanup.push(async () => {
      await Promise.all(workers.map((w) => w.stop()));
    });
    const runningPump = pump;
    cleanup.push(() => runningPump.stop());
    const pruner = setInterval(() => {
      pruneJobs(knex, { doneOlderThanMs: 7 * DAY_MS }).catch((err: unknown) => logger.warn({ err }, 'pruning done jobs failed'));
    }, 60 * 60 * 1000);
    pruner.unref();
    cleanup.push(() => clearInterval(pruner));

    const app = createServer({
      logger,
      metrics,
      health: { knex, capture, pump: runningPump, queueDepth: depth, startedAt, modules: instances },
      before: instances.flatMap(({ instance }) => instance.before ?? []),
      routes: instances.flatMap(({ instance }) => instance.routes ?? []),
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, () => resolve(s));
      s.once('error', (err: NodeJS.ErrnoException) =>
        reject(new StartupError(`cannot listen on ${config.http.host}:${config.http.port} (${err.code ?? err.message}): set MESCHAIN_HTTP_PORT`)),
      );
    });
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.http.host}:${port}`;
    logger.info({ url, captureMode: capture.mode.mode }, 'meschain sidecar listening');
    return { url, port, captureMode: capture.mode.mode, knex, opencart, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
