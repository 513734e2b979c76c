import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { up as syncCoreUp } from '../../../migrations/20261125_001_sync_core';
import { up as marketplaceHttpUp } from '../../../migrations/20261125_008_marketplace_http';
import type { MarketplaceAccount } from '../../src/marketplaces/types';
import type { TrendyolSandbox } from '../../src/sandbox/trendyol';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * A database with just the tables the marketplace HTTP client writes (sync logs, rate limits), made
 * by the real migrations; no OpenCart dump needed for these tests.
 */
export async function createHttpTestDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ opencart: false, migrate: false, prefix: 'mh_' });
  await syncCoreUp(db.knex, { ocPrefix: db.prefix });
  await marketplaceHttpUp(db.knex, { ocPrefix: db.prefix });
  return db;
}

export function trendyolAccount(sandbox: TrendyolSandbox, id = 1, extra: { settings?: Record<string, unknown>; webhook?: Record<string, string>; apiSecret?: string } = {}): MarketplaceAccount {
  const seller = sandbox.sellers[0];
  if (!seller) throw new Error('sandbox has no seller');
  return {
    id,
    code: 'trendyol',
    name: `Trendyol test ${id}`,
    baseUrl: sandbox.baseUrl,
    credentials: {
      marketplace: 'trendyol',
      sellerId: seller.sellerId,
      apiKey: seller.apiKey,
      apiSecret: extra.apiSecret ?? seller.apiSecret,
      ...(extra.webhook ? { webhook: extra.webhook } : {}),
    },
    settings: { batchPollMs: 20, ...extra.settings },
  };
}

/** Bounded polling for a condition (never a timing assertion). */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A tiny HTTP server that records what it receives and answers with `respond`. */
export async function startReceiver(respond: (req: Received, index: number) => { status: number; body?: unknown; headers?: Record<string, string> } = () => ({ status: 200 })): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
  server: Server;
}> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      received.push(entry);
      const answer = respond(entry, received.length - 1);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
