import assert from 'node:assert/strict';
import express from 'express';
import { requestContext, trustedProxies } from '../../src/gateway/http';
import { listen, type RunningServer } from '../../src/sandbox/common/server';

/**
 * Proxy headers over a real socket: the OAuth server (proxy mode on when proxies are configured) and
 * Express believe X-Forwarded-*, so they must reach the handlers only from a configured proxy.
 */
describe('gateway: forwarded headers only from trusted proxies', () => {
  const servers: RunningServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  async function echo(trusted: string): Promise<RunningServer> {
    const app = express();
    app.use(requestContext(trustedProxies(trusted)));
    app.get('/', (req, res) => {
      res.json({ ip: res.locals.clientIp, host: req.headers['x-forwarded-host'] ?? null, proto: req.headers['x-forwarded-proto'] ?? null, forwarded: req.headers.forwarded ?? null });
    });
    const s = await listen(app, 0);
    servers.push(s);
    return s;
  }
  const spoofed = { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', forwarded: 'for=203.0.113.9;host=evil.example' };

  it('drops them from a caller that is not a configured proxy', async () => {
    for (const trusted of ['', '10.0.0.1']) {
      const s = await echo(trusted);
      const body = (await (await fetch(`${s.url}/`, { headers: spoofed })).json()) as Record<string, string | null>;
      assert.deepEqual({ host: body.host, proto: body.proto, forwarded: body.forwarded }, { host: null, proto: null, forwarded: null }, `trusted proxies: "${trusted}"`);
      assert.notEqual(body.ip, '203.0.113.9');
    }
  });

  it('keeps them from a configured proxy, and takes the client address from it', async () => {
    const s = await echo('127.0.0.1,::1,::ffff:127.0.0.1');
    const body = (await (await fetch(`${s.url}/`, { headers: spoofed })).json()) as Record<string, string | null>;
    assert.equal(body.host, 'evil.example');
    assert.equal(body.proto, 'https');
    assert.equal(body.ip, '203.0.113.9');
  });
});
