import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

const KEY = 'a'.repeat(64);
const base = { MESCHAIN_DATABASE_URL: 'mysql://root@127.0.0.1:3306/shop', MESCHAIN_SECRET_KEY: KEY };

/** The edges of the configuration: what the file may hold, numbers a timer cannot take, secrets in errors. */
describe('config edges', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mc-config-edges-'));
    file = path.join(dir, 'config.json');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const refused = (env: NodeJS.ProcessEnv, pattern: RegExp) =>
    assert.throws(() => loadConfig(env), (err: unknown) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.match(err.message, pattern);
      return true;
    });

  it('a config file that is not JSON is named by line and column, never quoting its text', () => {
    const secret = 'bridge-secret-0123456789abcdef-XYZ';
    for (const text of [`{"security": {"bridgeSecret": ${secret}}}`, `{\n  "security": {\n    "bridgeSecret": "${secret}",,\n  }\n}`]) {
      writeFileSync(file, text);
      refused({ ...base, MESCHAIN_CONFIG_FILE: file }, /^MESCHAIN_CONFIG_FILE: .* is not a JSON object \(invalid JSON( at line \d+, column \d+)?\)$/);
      assert.throws(() => loadConfig({ ...base, MESCHAIN_CONFIG_FILE: file }), (err: Error) => !/bridge-s|0123456789|XYZ/.test(err.message));
    }
    writeFileSync(file, `{\n  "security": {\n    "bridgeSecret": "x",,\n  }\n}`);
    refused({ ...base, MESCHAIN_CONFIG_FILE: file }, /at line 3, column 25\)$/);
  });

  it('numbers: only digits or JSON numbers, and timers within what Node can arm', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ MESCHAIN_OC_STORE_ID: ' ' }, /MESCHAIN_OC_STORE_ID \(opencart\.storeId\) must be 0 or a store_id/],
      [{ MESCHAIN_HTTP_PORT: '0x50' }, /MESCHAIN_HTTP_PORT \(http\.port\) must be a port number 0-65535/],
      [{ MESCHAIN_JOB_CONCURRENCY: '2.5' }, /MESCHAIN_JOB_CONCURRENCY \(jobs\.concurrency\) must be a whole number 1-64/],
      // Past 2^31-1 ms Node fires a timer after 1 ms: a snapshot scan or lease heartbeat in a tight loop.
      [{ MESCHAIN_SNAPSHOT_INTERVAL_MS: '3000000000' }, /MESCHAIN_SNAPSHOT_INTERVAL_MS \(capture\.snapshotIntervalMs\) must be a whole number 1000-86400000/],
      [{ MESCHAIN_JOB_VISIBILITY_MS: '9999999999' }, /MESCHAIN_JOB_VISIBILITY_MS \(jobs\.visibilityTimeoutMs\) must be a whole number 1000-86400000/],
    ];
    for (const [env, pattern] of cases) refused({ ...base, ...env }, pattern);
    for (const port of [null, '', true, ' ', 80.5]) {
      writeFileSync(file, JSON.stringify({ http: { port } }));
      refused({ ...base, MESCHAIN_CONFIG_FILE: file }, /^invalid configuration: MESCHAIN_HTTP_PORT \(http\.port\) must be a port number 0-65535$/);
    }
    writeFileSync(file, JSON.stringify({ http: { port: 9000 }, opencart: { storeId: 2 } }));
    const c = loadConfig({ ...base, MESCHAIN_CONFIG_FILE: file, MESCHAIN_JOB_CONCURRENCY: '8' });
    assert.deepEqual([c.http.port, c.opencart.storeId, c.jobs.concurrency], [9000, 2, 8]);
  });

  it('a misspelt setting in the file is refused, naming it', () => {
    writeFileSync(file, JSON.stringify({ http: { prot: 9000 } }));
    refused({ ...base, MESCHAIN_CONFIG_FILE: file }, /^invalid configuration: MESCHAIN_CONFIG_FILE: unknown setting http\.prot$/);
    writeFileSync(file, JSON.stringify({ bridgeSecret: 's'.repeat(40) }));
    refused({ ...base, MESCHAIN_CONFIG_FILE: file }, /unknown setting bridgeSecret$/);
  });
});
