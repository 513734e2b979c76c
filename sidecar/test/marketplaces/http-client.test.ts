import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { MarketplaceError } from '../../src/marketplaces/errors';
import { createMarketplaceHttp, type MarketplaceHttp } from '../../src/marketplaces/http';
import { startReceiver } from './support';

/** The HTTP client factory: retries, Retry-After, auth, timeouts, answer parsing and OAuth refresh. */
describe('marketplace HTTP client: retries and answers', function () {
  this.timeout(30_000);
  const factories: MarketplaceHttp[] = [];
  const delays: number[] = [];
  const make = (extra: Parameters<typeof createMarketplaceHttp>[0] = {}) => {
    const f = createMarketplaceHttp({ limiterStore: 'memory', sleep: async (ms) => void delays.push(ms), ...extra });
    factories.push(f);
    return f;
  };
  beforeEach(() => {
    delays.length = 0;
  });
  after(async () => {
    for (const f of factories) await f.close();
  });

  it('retries a 429 after the Retry-After it was given, then succeeds', async () => {
    const server = await startReceiver((_r, i) => (i < 2 ? { status: 429, headers: { 'retry-after': '2' }, body: { message: 'slow down' } } : { status: 200, body: { ok: true } }));
    try {
      const client = make().client({ marketplace: 'trendyol', accountId: 1, baseUrl: server.url, auth: { type: 'none' } });
      const res = await client.request<{ ok: boolean }>({ method: 'POST', path: '/x', body: { a: 1 } });
      assert.deepEqual(res.data, { ok: true });
      assert.equal(res.attempts, 3);
      assert.equal(server.received.length, 3, 'a refused POST is repeated: nothing was processed');
      assert.equal(delays.length, 2);
      assert.ok(delays.every((d) => d >= 2000), `waited at least Retry-After each time (${delays.join(', ')})`);
    } finally {
      await server.close();
    }
  });

  it('gives up at once when Retry-After is longer than it will wait, saying when to come back', async () => {
    const server = await startReceiver(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    try {
      const client = make({ retry: { maxRetryAfterMs: 60_000 } }).client({ marketplace: 'trendyol', accountId: 1, baseUrl: server.url, auth: { type: 'none' } });
      await assert.rejects(client.request({ method: 'GET', path: '/x' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'rate_limited' && e.retryAfterMs === 3_600_000 && e.retryable);
      assert.equal(server.received.length, 1);
    } finally {
      await server.close();
    }
  });

  it('does not retry a 4xx validation answer', async () => {
    const server = await startReceiver(() => ({ status: 400, body: { errors: [{ key: 'barcode', message: 'barkod zorunlu' }] } }));
    try {
      const client = make().client({ marketplace: 'trendyol', accountId: 1, baseUrl: server.url, auth: { type: 'none' } });
      await assert.rejects(client.request({ method: 'PUT', path: '/x', body: {} }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'validation' && !e.retryable && /barkod zorunlu/.test(e.message));
      assert.equal(server.received.length, 1);
      assert.equal(delays.length, 0);
    } finally {
      await server.close();
    }
  });

  it('retries 5xx for idempotent calls only, with backoff that grows', async () => {
    const server = await startReceiver(() => ({ status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } }));
    try {
      const client = make({ retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 10_000 } }).client({ marketplace: 'ozon', accountId: 2, baseUrl: server.url, auth: { type: 'none' } });
      await assert.rejects(client.request({ method: 'GET', path: '/get' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'server' && e.status === 502);
      assert.equal(server.received.length, 4);
      assert.ok(delays[0]! < 100 && delays[1]! < 200 && delays[2]! < 400, `full-jitter ceilings double (${delays.join(', ')})`);
      await assert.rejects(client.request({ method: 'POST', path: '/post' }), MarketplaceError);
      assert.equal(server.received.filter((r) => r.url === '/post').length, 1, 'a POST is not repeated by default');
      await assert.rejects(client.request({ method: 'POST', path: '/safe', retrySafe: true }), MarketplaceError);
      assert.equal(server.received.filter((r) => r.url === '/safe').length, 4, 'unless the caller says it is safe');
    } finally {
      await server.close();
    }
  });

  it('treats a timeout as a retryable transport error, and a 2xx that is not JSON as a protocol error', async () => {
    let n = 0;
    const server = createServer((req, res) => {
      n += 1;
      if (req.url === '/slow' && n === 1) return void setTimeout(() => res.end('{}'), 1_000);
      if (req.url === '/html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":1}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const client = make({ timeoutMs: 150 }).client({ marketplace: 'trendyol', accountId: 3, baseUrl: url, auth: { type: 'none' } });
      const res = await client.request({ method: 'GET', path: '/slow' });
      assert.equal(res.attempts, 2);
      await assert.rejects(client.request({ method: 'POST', path: '/html' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'protocol');
      const once = make({ timeoutMs: 150, retry: { maxAttempts: 1 } }).client({ marketplace: 'trendyol', accountId: 4, baseUrl: url, auth: { type: 'none' } });
      n = 0;
      await assert.rejects(once.request({ method: 'GET', path: '/slow' }), (e: unknown) => e instanceof MarketplaceError && e.kind === 'transport' && e.retryable && /timed out/.test(e.message));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('sends Basic auth and fixed headers; refreshes an OAuth token once on 401, one refresh for concurrent calls', async () => {
    let current = 't1';
    const server = await startReceiver((r) => (r.headers.authorization === `Bearer ${current}` || r.headers.authorization?.startsWith('Basic') ? { status: 200, body: {} } : { status: 401, body: { error: 'invalid_token' } }));
    try {
      const basic = make().client({ marketplace: 'trendyol', accountId: 5, baseUrl: server.url, auth: { type: 'basic', username: 'k', password: 's' }, headers: { 'user-agent': '1 - Test' } });
      await basic.request({ method: 'GET', path: '/b' });
      assert.equal(server.received[0]!.headers.authorization, `Basic ${Buffer.from('k:s').toString('base64')}`);
      assert.equal(server.received[0]!.headers['user-agent'], '1 - Test');
      let grants = 0;
      const oauth = make().client({
        marketplace: 'ebay',
        accountId: 6,
        baseUrl: server.url,
        auth: { type: 'oauth', fetchToken: async () => ({ accessToken: `t${++grants}`, expiresInS: 7200 }) },
      });
      await Promise.all(Array.from({ length: 5 }, () => oauth.request({ method: 'GET', path: '/o' })));
      assert.equal(grants, 1, 'concurrent calls share one token grant');
      current = 't2';
      await oauth.request({ method: 'GET', path: '/o2' });
      assert.equal(grants, 2, 'a 401 refreshes the token and repeats the call');
      assert.deepEqual(server.received.filter((r) => r.url === '/o2').map((r) => r.headers.authorization), ['Bearer t1', 'Bearer t2']);
    } finally {
      await server.close();
    }
  });

  it('counts calls in Prometheus metrics of the registry it is given', async () => {
    const registry = new Registry();
    const server = await startReceiver((_r, i) => ({ status: i === 0 ? 200 : 400 }));
    try {
      const client = make({ metrics: registry }).client({ marketplace: 'trendyol', accountId: 7, baseUrl: server.url, auth: { type: 'none' } });
      await client.request({ method: 'GET', path: '/m', route: '/m/:id' });
      await assert.rejects(client.request({ method: 'GET', path: '/m', route: '/m/:id' }));
      const text = await registry.metrics();
      assert.match(text, /meschain_marketplace_requests_total\{marketplace="trendyol",route="\/m\/:id",outcome="ok"\} 1/);
      assert.match(text, /meschain_marketplace_requests_total\{marketplace="trendyol",route="\/m\/:id",outcome="client_error"\} 1/);
      assert.match(text, /meschain_marketplace_request_duration_seconds_count\{marketplace="trendyol",route="\/m\/:id",method="GET",status="200"\} 1/);
    } finally {
      await server.close();
    }
  });
});
