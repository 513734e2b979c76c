import assert from 'node:assert/strict';
import { accessToken, api, startSecured, type SecuredSidecar } from './support';

/** The gateway on live requests: limits and their headers, allow-lists, size limit, headers, CORS, usage and audit. */
for (const store of ['mysql', 'redis'] as const) {
  describe(`security: gateway (${store} rate-limit store)`, () => {
    let s: SecuredSidecar;
    let url: string;

    before(async () => {
      s = await startSecured({
        env: {
          MESCHAIN_RATE_READ_PER_MIN: '3',
          MESCHAIN_RATE_WRITE_PER_MIN: '2',
          MESCHAIN_RATE_PUBLIC_PER_MIN: '30',
          MESCHAIN_CORS_ORIGINS: 'https://admin.example.com',
          MESCHAIN_BODY_LIMIT_BYTES: '2048',
          ...(store === 'redis' ? { MESCHAIN_REDIS_URL: 'redis://127.0.0.1:6379' } : {}),
        },
      });
      url = s.sidecar.url;
    });
    after(async () => {
      await s?.close();
    });

    it('limits each client per route, with RateLimit-* and Retry-After headers', async () => {
      const { token } = await accessToken(s);
      const seen: Array<[number, string | null]> = [];
      for (let i = 0; i < 4; i++) {
        const r = await api(url, '/api/v1/products?limit=1', token);
        seen.push([r.status, r.headers.get('ratelimit-remaining')]);
        if (r.status === 429) {
          assert.ok(Number(r.headers.get('retry-after')) >= 1);
          assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'rate_limited');
        }
      }
      assert.deepEqual(seen, [
        [200, '2'],
        [200, '1'],
        [200, '0'],
        [429, '0'],
      ]);
      assert.equal((await api(url, '/api/v1/stock/40', token)).status, 200, 'another route has its own budget');
      const other = await accessToken(s);
      assert.equal((await api(url, '/api/v1/products?limit=1', other.token)).status, 200, 'another client has its own budget');
      const r = await api(url, '/api/v1/products?limit=1', token);
      assert.equal(r.headers.get('ratelimit-policy'), '3;w=60');
    });

    it("honours a client's own limit", async () => {
      const { token } = await accessToken(s, undefined, { rateLimitPerMinute: 5 });
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await api(url, '/api/v1/products?limit=1', token)).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    });

    it('limits public routes (webhooks, OAuth) per address', async () => {
      const statuses = [];
      for (let i = 0; i < 31; i++) statuses.push((await fetch(`${url}/webhooks/trendyol`, { method: 'POST', body: '{}' })).status);
      assert.deepEqual(new Set(statuses.slice(0, 30)), new Set([404]), 'no OAuth on webhooks: the (unmounted) route is reached');
      assert.equal(statuses[30], 429);
    });

    it("refuses requests from outside a client's IP allow-list", async () => {
      const blocked = await accessToken(s, undefined, { ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
      const r = await api(url, '/api/v1/stock/40', blocked.token);
      assert.equal(r.status, 403);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'ip_not_allowed');
      const allowed = await accessToken(s, undefined, { ipAllowlist: ['127.0.0.0/8', '::1'] });
      assert.equal((await api(url, '/api/v1/stock/40', allowed.token)).status, 200);
    });

    it('refuses bodies over the size limit before reading them, on every route', async () => {
      const { token } = await accessToken(s);
      const big = JSON.stringify({ quantity: 1, pad: 'x'.repeat(4000) });
      const r = await api(url, '/api/v1/stock/40', token, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: big });
      assert.equal(r.status, 413);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'payload_too_large');
      assert.equal((await fetch(`${url}/webhooks/n11`, { method: 'POST', body: big })).status, 413);
    });

    it('sends security headers, and CORS only for configured origins', async () => {
      const r = await fetch(`${url}/api/v1/openapi.json`);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.match(r.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
      assert.ok(r.headers.get('strict-transport-security'));
      assert.equal(r.headers.get('x-powered-by'), null);
      const ok = await fetch(`${url}/api/v1/products`, { method: 'OPTIONS', headers: { origin: 'https://admin.example.com', 'access-control-request-method': 'GET' } });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get('access-control-allow-origin'), 'https://admin.example.com');
      assert.match(ok.headers.get('access-control-allow-headers') ?? '', /Authorization/);
      const bad = await fetch(`${url}/api/v1/products`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
      assert.equal(bad.status, 403);
      assert.equal(bad.headers.get('access-control-allow-origin'), null);
      const simple = await fetch(`${url}/api/v1/openapi.json`, { headers: { origin: 'https://evil.example' } });
      assert.equal(simple.headers.get('access-control-allow-origin'), null);
    });

    it('records usage per client and route (counts, errors, latency) in meschain_api_usage and on /metrics', async () => {
      const { token, clientId } = await accessToken(s);
      for (let i = 0; i < 3; i++) await api(url, '/api/v1/products?limit=1', token);
      await api(url, '/api/v1/products?limit=1', token);
      await api(url, '/api/v1/products/abc', token);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.match(metrics, new RegExp(`meschain_api_requests_total\\{client="${clientId}",route="/api/v1/products",status_class="2xx"\\} 3`));
      assert.match(metrics, new RegExp(`meschain_api_requests_total\\{client="${clientId}",route="/api/v1/products",status_class="4xx"\\} 1`));
      assert.match(metrics, /meschain_api_request_duration_seconds_bucket/);
      // Requests no route handled (refused before routing) are labelled by their mount, never their path.
      for (const id of [987654321, 987654322]) await fetch(`${url}/api/v1/products/${id}`);
      const after = await (await fetch(`${url}/metrics`)).text();
      assert.doesNotMatch(after, /98765432[12]/, 'no id in any metric label');
      assert.match(after, /meschain_http_request_duration_seconds_count\{method="GET",route="\/api\/\*",status="401"\} 2/);
      // The usage rows appear after the recorder's flush (every few seconds).
      let rows: Array<{ route: string; requests: number; client_errors: number; rate_limited: number }> = [];
      for (let i = 0; i < 100 && rows.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        [rows] = (await s.db.knex.raw('SELECT route, requests, client_errors, rate_limited FROM meschain_api_usage WHERE client_id = ? ORDER BY route', [clientId])) as unknown as [typeof rows];
      }
      assert.deepEqual(
        rows.map((r) => [r.route, Number(r.requests), Number(r.client_errors), Number(r.rate_limited)]),
        [
          ['/api/v1/products', 4, 1, 1],
          ['/api/v1/products/:productId', 1, 1, 0],
        ],
      );
      const [[lat]] = (await s.db.knex.raw('SELECT SUM(count) AS n FROM meschain_api_usage_latency WHERE client_id = ?', [clientId])) as unknown as [[{ n: number }]];
      assert.equal(Number(lat.n), 5);
    });

    it('audits writes through the API with who, what and from where', async () => {
      const { token, clientId } = await accessToken(s);
      const r = await api(url, '/api/v1/stock/42', token, { method: 'PUT', headers: { 'content-type': 'application/json', 'user-agent': 'erp/1.0' }, body: '{"quantity":11}' });
      assert.equal(r.status, 200);
      let rows: Array<{ action: string; actor_type: string; actor_id: string; client_id: string; ip: string; path: string; detail: string }> = [];
      for (let i = 0; i < 50 && rows.length === 0; i++) {
        await new Promise((res) => setTimeout(res, 20));
        [rows] = (await s.db.knex.raw("SELECT * FROM meschain_audit_log WHERE action = 'stock.set' AND client_id = ?", [clientId])) as unknown as [typeof rows];
      }
      assert.equal(rows.length, 1);
      const row = rows[0]!;
      assert.equal(row.actor_type, 'client');
      assert.equal(row.path, '/api/v1/stock/42');
      assert.match(row.ip, /127\.0\.0\.1|::1/);
      const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
      assert.equal(detail.productId, 42);
      assert.equal(detail.quantity, 11);
    });
  });
}
