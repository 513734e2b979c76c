import express, { Router } from 'express';
import { z } from 'zod';
import { rawRows } from '../../db/raw';
import { queueDepth } from '../queue/maintenance';
import type { SyncEngine } from '../stock-price/engine';
import { handle, HttpError, intParam, parseBody } from '../accounts/http';
import { queueOf } from '../stock-price/deps';
import { getRun, latestRuns, startRun } from './run';
import type { RunProgress } from './events';

/** Per-account, per-flow state: what the status CLI and the UI show. */
export async function syncStatus(engine: Pick<SyncEngine, 'accounts' | 'deps'>) {
  const knex = engine.deps.knex;
  const accounts = await engine.accounts.list({ fresh: true });
  return Promise.all(
    accounts.map(async (a) => {
      const states = await rawRows<{ state: string; n: number }>(knex, 'SELECT state, COUNT(*) AS n FROM meschain_listings WHERE marketplace_id = ? GROUP BY state', [a.id]);
      const [last] = await rawRows<{ at: string | null; errors: number; held: number }>(
        knex,
        'SELECT MAX(last_pushed_at) AS at, SUM(last_error IS NOT NULL) AS errors, SUM(held_price IS NOT NULL) AS held FROM meschain_listings WHERE marketplace_id = ?',
        [a.id],
      );
      const [run] = await latestRuns(engine.deps, a.id, 1);
      return {
        id: a.id,
        code: a.code,
        name: a.name,
        enabled: a.enabled,
        flows: a.flows,
        listings: Object.fromEntries(states.map((s) => [s.state, Number(s.n)])),
        lastPushAt: last?.at ?? null,
        listingsWithErrors: Number(last?.errors ?? 0),
        pricesHeld: Number(last?.held ?? 0),
        jobs: await queueDepth(knex, { queue: queueOf(a.id) }),
        lastRun: run ?? null,
      };
    }),
  );
}

/** /api/sync: status per account and flow, "sync now" / reconcile with progress. */
export function syncRouter(engine: SyncEngine): Router {
  const r = Router();
  r.use(express.json());
  r.get('/status', handle(async () => ({ accounts: await syncStatus(engine), schedules: engine.scheduler.scheduled() })));
  r.get(
    '/runs',
    handle(async (req) => {
      const q = parseBody(z.object({ accountId: z.coerce.number().int().positive().optional(), limit: z.coerce.number().int().min(1).max(100).default(10) }), req.query);
      return { runs: await latestRuns(engine.deps, q.accountId, q.limit) };
    }),
  );
  r.get(
    '/runs/:id',
    handle(async (req) => {
      const run = await getRun(engine.deps, intParam(req, 'id'));
      if (!run) throw new HttpError(404, 'not_found', 'run not found', 'çalıştırma bulunamadı');
      return { run };
    }),
  );
  // Server-sent events: progress of one run as it happens (this process's events, plus a DB poll for runs other processes drive).
  r.get(
    '/runs/:id/events',
    handle(async (req, res) => {
      const id = intParam(req, 'id');
      const first = await getRun(engine.deps, id);
      if (!first) throw new HttpError(404, 'not_found', 'run not found', 'çalıştırma bulunamadı');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      let lastDone = -1;
      const send = (p: RunProgress) => {
        if (p.runId !== id || (p.done === lastDone && p.state === 'running')) return;
        lastDone = p.done;
        res.write(`event: progress\ndata: ${JSON.stringify(p)}\n\n`);
        if (p.state !== 'running') close();
      };
      const timer = setInterval(() => void getRun(engine.deps, id).then((p) => p && send(p)), 1000);
      const close = () => {
        clearInterval(timer);
        engine.events.off('progress', send);
        res.end();
      };
      engine.events.on('progress', send);
      req.on('close', close);
      send(first);
      return undefined;
    }),
  );
  r.post(
    '/:accountId/run',
    handle(async (req, res) => {
      const accountId = intParam(req, 'accountId');
      const { kind } = parseBody(z.strictObject({ kind: z.enum(['sync', 'reconcile']).default('sync') }), req.body ?? {});
      const out = await startRun(engine.deps, accountId, kind, 'api');
      res.status(202);
      return out;
    }),
  );
  return r;
}
