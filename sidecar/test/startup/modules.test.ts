import assert from 'node:assert/strict';
import { Router } from 'express';
import { startSidecar, type Sidecar } from '../../src/app';
import { loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/util/logger';
import type { SidecarModule } from '../../src/modules';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('sidecar modules', () => {
  let db: TestDatabase;
  let sidecar: Sidecar;
  const handled: number[] = [];
  const order: string[] = [];

  const moduleA: SidecarModule = {
    name: 'alpha',
    async start() {
      order.push('alpha');
      const router = Router();
      router.get('/hello', (_req, res) => {
        res.json({ hello: 'world' });
      });
      return {
        before: [(req, res, next) => (req.headers['x-block'] ? res.status(403).json({ error: { code: 'blocked' } }) : next())],
        routes: [{ path: '/alpha', router }],
        planner: {
          plan: (changes) =>
            changes.flatMap((c) => (c.kind === 'product' ? [{ queue: 'alpha', type: 'touch', payload: { id: c.productId }, dedupeKey: `p${c.productId}` }] : [])),
        },
        workers: [{ queue: 'alpha', handlers: { touch: (job) => void handled.push((job.payload as { id: number }).id) } }],
        provides: { greeting: 'merhaba' },
        health: async () => ({ ok: true, handled: handled.length }),
      };
    },
  };
  const moduleB: SidecarModule = {
    name: 'beta',
    async start(ctx) {
      order.push(`beta saw ${String(ctx.services.get('greeting'))}`);
      return { health: async () => ({ ok: false, reason: 'not configured' }) };
    },
  };

  before(async () => {
    db = await createTestDatabase();
    const config = loadConfig({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'd'.repeat(64), MESCHAIN_HTTP_PORT: '0', MESCHAIN_CAPTURE_POLL_MS: '20' });
    sidecar = await startSidecar(config, { logger: createLogger('silent'), modules: [moduleA, moduleB] });
  });
  after(async () => {
    await sidecar?.close();
    await db.drop();
  });

  it('starts modules in order, sharing what earlier ones provide', () => {
    assert.deepEqual(order, ['alpha', 'beta saw merhaba']);
  });

  it('mounts routes behind every module middleware, leaving /health open', async () => {
    assert.deepEqual(await (await fetch(`${sidecar.url}/alpha/hello`)).json(), { hello: 'world' });
    assert.equal((await fetch(`${sidecar.url}/alpha/hello`, { headers: { 'x-block': '1' } })).status, 403);
    assert.equal((await fetch(`${sidecar.url}/health`, { headers: { 'x-block': '1' } })).status, 200);
  });

  it("runs a module's planner and workers on captured changes, and reports module health", async () => {
    await db.knex.raw("UPDATE oc_product SET quantity = quantity + 1 WHERE product_id = 33");
    for (let i = 0; i < 100 && handled.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(handled, [33]);
    const health = (await (await fetch(`${sidecar.url}/health`)).json()) as { status: string; modules: Record<string, unknown> };
    assert.deepEqual(health.modules, { alpha: { ok: true, handled: 1 }, beta: { ok: false, reason: 'not configured' } });
    assert.equal(health.status, 'degraded');
    const [[sync]] = (await db.knex.raw("SELECT COUNT(*) AS n FROM meschain_jobs WHERE queue = 'sync'")) as [[{ n: number }]];
    assert.equal(Number(sync.n), 0, 'the foundation pipeline stands aside when a module plans');
  });
});
