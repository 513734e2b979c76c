import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { removeTriggers } from '../../src/sync/capture/triggers';

const MAIN = path.resolve(__dirname, '../../src/main.ts');
const KEY = 'b'.repeat(64);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real entry point as an operator would; resolves when it exits. */
function runMain(env: NodeJS.ProcessEnv, until?: (stdout: string) => boolean): Promise<Run & { kill?: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let resolved = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (until && !resolved && until(stdout)) {
        resolved = true;
        resolve({ code: null, stdout, stderr, kill: () => child.kill('SIGTERM') });
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      if (!resolved) resolve({ code, stdout, stderr });
    });
  });
}

describe('sidecar start-up', () => {
  it('bad config: non-zero exit and a one-line reason', async () => {
    const r = await runMain({ MESCHAIN_SECRET_KEY: KEY });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'meschain: invalid configuration: MESCHAIN_DATABASE_URL (databaseUrl) is required\n');
  });

  it('unreachable database: a clear error, no stack dump, no password', async () => {
    const r = await runMain({ MESCHAIN_DATABASE_URL: 'mysql://shop:S3cretPw@127.0.0.1:1/shop', MESCHAIN_SECRET_KEY: KEY });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^meschain: cannot connect to database 127\.0\.0\.1:1\/shop \(ECONNREFUSED/);
    assert.ok(!r.stderr.includes('S3cretPw'));
    assert.ok(!/\n\s+at /.test(r.stderr));
  });

  describe('against a real OpenCart database', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase({ migrate: false, prefix: 'shop_' });
    });
    after(async () => db.drop());

    it('wrong table prefix: says which table it looked for', async () => {
      const r = await runMain({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: KEY, MESCHAIN_OC_PREFIX: 'oc_' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^meschain: no OpenCart table 'oc_product' in this database: check MESCHAIN_OC_PREFIX/);
    });

    it('unknown shop language: one line naming it and the languages the shop has', async () => {
      const r = await runMain({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: KEY, MESCHAIN_OC_PREFIX: 'shop_', MESCHAIN_OC_LANGUAGE: 'tr-tr' });
      assert.equal(r.code, 1);
      assert.equal(r.stderr, 'meschain: OpenCart store: language "tr-tr" is not in shop_language (known: en-gb)\n');
    });

    it('starts, migrates, reports capture mode in the log and /health, serves /metrics, stops on SIGTERM', async () => {
      const r = await runMain(
        { MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: KEY, MESCHAIN_OC_PREFIX: 'shop_', MESCHAIN_HTTP_PORT: '0' },
        (out) => out.includes('meschain sidecar listening'),
      );
      try {
        const logLines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        const captureLine = logLines.find((l) => l.msg === 'change capture: triggers');
        assert.ok(captureLine, 'capture mode is logged');
        const listening = logLines.find((l) => l.msg === 'meschain sidecar listening')!;
        const url = listening.url as string;

        const health = await fetch(`${url}/health`);
        assert.equal(health.status, 200);
        const body = (await health.json()) as { status: string; db: { reachable: boolean }; capture: { mode: string; backlog: number }; queue: Record<string, number>; version: string };
        assert.equal(body.status, 'ok');
        assert.equal(body.db.reachable, true);
        assert.equal(body.capture.mode, 'triggers');
        assert.equal(typeof body.capture.backlog, 'number');
        assert.equal(body.queue.dead, 0);
        assert.match(body.version, /^\d+\.\d+\.\d+/);

        const metrics = await (await fetch(`${url}/metrics`)).text();
        assert.match(metrics, /meschain_capture_mode\{mode="triggers"\} 1/);
        assert.match(metrics, /meschain_jobs\{state="ready"\} \d+/);
        assert.match(metrics, /meschain_change_log_backlog \d+/);
        assert.ok(!r.stdout.includes(KEY), 'secret key never logged');

        // The pipeline is live: a plain SQL stock change is captured, planned, queued and worked.
        await db.knex.raw("UPDATE shop_product SET quantity = quantity - 1 WHERE product_id = 40 AND subtract = '1'");
        // With no marketplace account connected the planners have nothing to send, but the change must
        // still be captured and consumed by the pump (the module tests follow it on to a job).
        let last: { pump: { changesPlanned: number }; capture: { backlog: number } } | undefined;
        for (let i = 0; i < 100; i++) {
          last = (await (await fetch(`${url}/health`)).json()) as typeof last;
          if (last!.pump.changesPlanned >= 1) break;
          await new Promise((res) => setTimeout(res, 100));
        }
        assert.equal(last!.pump.changesPlanned, 1);
        assert.equal(last!.capture.backlog, 0);
      } finally {
        r.kill?.();
      }
    });

    it('snapshot mode: says so in the log and /health, and still carries a plain SQL change to a job', async () => {
      const r = await runMain(
        {
          MESCHAIN_DATABASE_URL: db.url,
          MESCHAIN_SECRET_KEY: KEY,
          MESCHAIN_OC_PREFIX: 'shop_',
          MESCHAIN_HTTP_PORT: '0',
          MESCHAIN_CAPTURE_MODE: 'snapshot',
          MESCHAIN_SNAPSHOT_INTERVAL_MS: '1000',
        },
        (out) => out.includes('meschain sidecar listening'),
      );
      try {
        const logLines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
        assert.ok(logLines.some((l) => l.msg === 'change capture: snapshot'), 'capture mode is logged');
        const url = logLines.find((l) => l.msg === 'meschain sidecar listening')!.url as string;
        const health = async () =>
          (await (await fetch(`${url}/health`)).json()) as { capture: { mode: string; lastScanAt?: string; backlog: number }; pump: { changesPlanned: number } };
        // Wait for the first (baseline) scan before changing anything.
        for (let i = 0; i < 100 && !(await health()).capture.lastScanAt; i++) await new Promise((res) => setTimeout(res, 100));
        const before = await health();
        assert.equal(before.capture.mode, 'snapshot');
        // Start-up migrations install the triggers; take them away so only the scanner can see the change.
        await removeTriggers(db.knex, 'shop_');
        await db.knex.raw("UPDATE shop_product SET quantity = quantity + 7 WHERE product_id = 41");
        let after = before;
        for (let i = 0; i < 100 && after.pump.changesPlanned <= before.pump.changesPlanned; i++) {
          await new Promise((res) => setTimeout(res, 100));
          after = await health();
        }
        assert.equal(after.pump.changesPlanned, before.pump.changesPlanned + 1);
        assert.equal(after.capture.backlog, 0);
      } finally {
        r.kill?.();
      }
    });
  });
});
