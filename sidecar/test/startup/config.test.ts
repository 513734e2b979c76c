import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig, ConfigError } from '../../src/config/load';
import { createLogger } from '../../src/util/logger';

const KEY = 'a'.repeat(64);
const base = { MESCHAIN_DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop', MESCHAIN_SECRET_KEY: KEY };

describe('config', () => {
  it('gives defaults for everything but the database URL and the secret key', () => {
    const c = loadConfig(base);
    assert.equal(c.opencart.tablePrefix, 'oc_');
    assert.equal(c.opencart.storeId, 0);
    assert.equal(c.opencart.language, 'en-gb');
    assert.equal(c.http.port, 8787);
    assert.equal(c.capture.mode, 'auto');
  });

  it('names the missing or wrong setting in one line', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ MESCHAIN_SECRET_KEY: KEY }, /^invalid configuration: MESCHAIN_DATABASE_URL \(databaseUrl\) is required$/],
      [{ ...base, MESCHAIN_DATABASE_URL: 'postgres://x/y' }, /MESCHAIN_DATABASE_URL .*mysql:\/\//],
      [{ ...base, MESCHAIN_SECRET_KEY: 'short' }, /MESCHAIN_SECRET_KEY \(secretKey\) must be 32 bytes/],
      [{ ...base, MESCHAIN_HTTP_PORT: 'eighty' }, /MESCHAIN_HTTP_PORT \(http\.port\)/],
      [{ ...base, MESCHAIN_OC_PREFIX: 'oc-; DROP' }, /MESCHAIN_OC_PREFIX \(opencart\.tablePrefix\) must be letters, digits or _/],
      [{ ...base, MESCHAIN_CAPTURE_MODE: 'magic' }, /MESCHAIN_CAPTURE_MODE \(capture\.mode\)/],
      [{ ...base, MESCHAIN_OC_LANGUAGE: 'turkish' }, /MESCHAIN_OC_LANGUAGE/],
    ];
    for (const [env, pattern] of cases) {
      assert.throws(() => loadConfig(env), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, pattern);
        assert.ok(!err.message.includes('\n'), 'one line');
        return true;
      });
    }
  });

  it('reads an optional JSON file, with the environment taking precedence', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mc-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ databaseUrl: 'mysql://root@db:3306/shop', opencart: { tablePrefix: 'shop_', storeId: 2 }, http: { port: 9000 } }));
    const c = loadConfig({ MESCHAIN_CONFIG_FILE: file, MESCHAIN_SECRET_KEY: KEY, MESCHAIN_HTTP_PORT: '9100' });
    assert.equal(c.databaseUrl, 'mysql://root@db:3306/shop');
    assert.equal(c.opencart.tablePrefix, 'shop_');
    assert.equal(c.opencart.storeId, 2);
    assert.equal(c.http.port, 9100);
    writeFileSync(file, '{not json');
    assert.throws(() => loadConfig({ MESCHAIN_CONFIG_FILE: file }), /MESCHAIN_CONFIG_FILE: .* is not a JSON object/);
    assert.throws(() => loadConfig({ MESCHAIN_CONFIG_FILE: path.join(dir, 'missing.json') }), /MESCHAIN_CONFIG_FILE: cannot read .*ENOENT/);
  });

  it('never writes secrets to the log', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const logger = createLogger('info', sink);
    const config = loadConfig({ ...base, MESCHAIN_DATABASE_URL: 'mysql://shop:Hunter2Pass@127.0.0.1:3306/shop' });
    logger.info({ config, account: { apiKey: 'AK-123456', apiSecret: 'SEC-987654', credentials: { password: 'p4ss' } } }, 'loaded');
    const out = lines.join('');
    assert.ok(out.includes('loaded'));
    for (const secret of [KEY, 'Hunter2Pass', 'AK-123456', 'SEC-987654', 'p4ss']) assert.ok(!out.includes(secret), `${secret} leaked`);
  });
});
