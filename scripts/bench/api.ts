/**
 * Public API benchmark: 50 concurrent clients, each with its own real OAuth access token (client
 * credentials), reading GET /api/v1/stock/42 — authenticated, authorised, rate-limited (the limit is
 * set high enough never to refuse), validated against the OpenAPI document and answered from the
 * OpenCart tables. The sidecar runs in a child process (as in production); this process only drives
 * load. Needs the local MariaDB (and Redis for the second run); creates and drops its own database.
 *   npx tsx scripts/bench/api.ts
 * Prints (stdout, nothing else):
 *   figure api_requests_per_second N req/s         rate-limit store MySQL (the default)   (goal ≥ 2000)
 *   figure api_p99_ms N ms
 *   figure api_requests_per_second_redis N req/s   rate-limit store Redis (MESCHAIN_REDIS_URL)
 *   figure api_p99_ms_redis N ms
 * Progress goes to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../sidecar/test/support/db';
import { loadConfig } from '../../sidecar/src/config/load';
import { startSidecar } from '../../sidecar/src/app';
import { securityModule } from '../../sidecar/src/modules/security';
import { createLogger } from '../../sidecar/src/util/logger';
import { decodeSecretKey } from '../../sidecar/src/config/schema';
import { keyRing } from '../../sidecar/src/crypto/secrets';
import { ClientStore } from '../../sidecar/src/auth/oauth/clients';
import { percentile, sleep } from './lib/stats';

const CLIENTS = 50;
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const PATH = '/api/v1/stock/42';
const SECRET_KEY = '5e'.repeat(32);

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const figure = (name: string, value: number, unit: string) => process.stdout.write(`figure ${name} ${value} ${unit}\n`);

/** Child mode: run the sidecar (security module only) and report its URL on stdout. */
async function serve(databaseUrl: string, redisUrl: string): Promise<void> {
  const config = loadConfig({
    MESCHAIN_DATABASE_URL: databaseUrl,
    MESCHAIN_SECRET_KEY: SECRET_KEY,
    MESCHAIN_HTTP_PORT: '0',
    MESCHAIN_LOG_LEVEL: 'warn',
    MESCHAIN_RATE_READ_PER_MIN: '100000',
    MESCHAIN_RATE_PUBLIC_PER_MIN: '10000000',
    ...(redisUrl ? { MESCHAIN_REDIS_URL: redisUrl } : {}),
  });
  // pino-http logs every request at info; the benchmark measures the API, not log I/O.
  const sidecar = await startSidecar(config, { logger: createLogger('warn'), modules: [securityModule] });
  process.stdout.write(`${sidecar.url}\n`);
  process.on('SIGTERM', () => void sidecar.close().then(() => process.exit(0)));
}

function startChild(db: TestDatabase, redisUrl: string): Promise<{ child: ChildProcess; url: string }> {
  const cli = path.resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs');
  const child = spawn(process.execPath, [cli, __filename, '--serve', db.url, redisUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^(http:\/\/\S+)\n/m.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`sidecar child exited (${code}) before listening`)));
  });
}

function get(agent: http.Agent, url: URL, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: PATH, agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function tokens(db: TestDatabase, url: string): Promise<string[]> {
  const clients = new ClientStore(db.knex, keyRing(decodeSecretKey(SECRET_KEY)!), 0);
  const out: string[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const c = await clients.create({ name: `bench-${i}`, type: 'confidential', grantTypes: ['client_credentials'], scope: ['stock:read'] });
    const r = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=stock%3Aread',
    });
    const body = (await r.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token request failed: ${JSON.stringify(body)}`);
    out.push(body.access_token);
  }
  return out;
}

async function run(label: string, redisUrl: string): Promise<{ rps: number; p99: number }> {
  const db = await createTestDatabase();
  const { child, url } = await startChild(db, redisUrl);
  try {
    progress(`${label}: sidecar at ${url}; issuing ${CLIENTS} tokens`);
    const toks = await tokens(db, url);
    const target = new URL(url);
    const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let measuring = false;
    let stop = false;
    const clients = toks.map(async (token) => {
      while (!stop) {
        const t0 = performance.now();
        const status = await get(agent, target, token);
        if (measuring) {
          latencies.push(performance.now() - t0);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      }
    });
    progress(`${label}: warming up ${WARMUP_MS} ms`);
    await sleep(WARMUP_MS);
    measuring = true;
    const t0 = performance.now();
    await sleep(MEASURE_MS);
    measuring = false;
    const elapsed = (performance.now() - t0) / 1000;
    stop = true;
    await Promise.all(clients);
    agent.destroy();
    const ok = statuses.get(200) ?? 0;
    if (ok !== latencies.length) throw new Error(`${label}: not every request succeeded: ${JSON.stringify([...statuses])}`);
    progress(`${label}: ${ok} requests in ${elapsed.toFixed(1)} s`);
    return { rps: Math.round(ok / elapsed), p99: Math.round(percentile(latencies, 99) * 10) / 10 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') return serve(process.argv[3]!, process.argv[4] ?? '');
  const mysql = await run('mysql store', '');
  figure('api_requests_per_second', mysql.rps, 'req/s');
  figure('api_p99_ms', mysql.p99, 'ms');
  const redis = await run('redis store', process.env.MESCHAIN_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  figure('api_requests_per_second_redis', redis.rps, 'req/s');
  figure('api_p99_ms_redis', redis.p99, 'ms');
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
