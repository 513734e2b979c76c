import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../src/config/load';
import { COMMANDS } from '../../src/cli/commands';
import { PREFIX, SECRET, queueIdle, rows, startWorld, waitFor, type World } from './fixture';

/** The CLI commands of the sync area, run in-process against the same database as a running sidecar. */
describe('meschain sync | status | jobs | variants', function () {
  this.timeout(300_000);
  let world: World;
  let dir: string;

  const run = async (args: string[]) => {
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (d: Buffer) => (stdout += d.toString()));
    err.on('data', (d: Buffer) => (stderr += d.toString()));
    const config = loadConfig({ MESCHAIN_DATABASE_URL: world.db.url, MESCHAIN_SECRET_KEY: SECRET, MESCHAIN_OC_PREFIX: PREFIX, MESCHAIN_OC_LANGUAGE: 'tr-tr', MESCHAIN_LOG_LEVEL: 'silent' });
    const command = COMMANDS.find((c) => c.name === args[0])!;
    const code = await command.run({ config, knex: world.db.knex, args: args.slice(1), out, err });
    return { code, stdout, stderr };
  };

  before(async () => {
    world = await startWorld({ products: 20 });
    dir = mkdtempSync(path.join(os.tmpdir(), 'meschain-cli-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await world?.close();
  });

  it('sync lists and pushes with a progress report, then status and jobs show the state', async () => {
    const bad = await run(['sync']);
    assert.equal(bad.code, 64);
    assert.match(bad.stderr, /--marketplace/);
    const r = await run(['sync', '--marketplace', 'trendyol']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Trendyol test sync \[#+\] 100%/);
    assert.match(r.stdout, /run \d+: done/);
    assert.match(r.stdout, /listings: active \d+/);
    await waitFor('idle', () => queueIdle(world.db.knex, world.accountId));
    const [n] = await rows<{ n: number }>(world.db.knex, "SELECT COUNT(*) AS n FROM meschain_listings WHERE state = 'active'");
    assert.equal(Object.keys(world.sandbox.control.stock()).length, Number(n!.n));
    const full = await run(['sync', '--marketplace', 'trendyol', '--full']);
    assert.equal(full.code, 0, full.stderr);
    assert.match(full.stdout, /reconcile/);
    assert.match(full.stdout, /0 drifted/);

    const status = await run(['status']);
    assert.match(status.stdout, /trendyol #\d+ Trendyol test: enabled/);
    assert.match(status.stdout, /flows: listing on, stock on, price on, ordersIn off, statusOut off/);
    const jobs = await run(['jobs']);
    assert.match(jobs.stdout, new RegExp(`marketplace:${world.accountId}\\s+\\d+\\s+\\d+\\s+\\d+\\s+0`));
  });

  it('variants export and import through files, refusing a bad file with line and column', async () => {
    const file = path.join(dir, 'v.csv');
    const exp = await run(['variants', 'export', '--file', file]);
    assert.equal(exp.code, 0, exp.stderr);
    const text = readFileSync(file, 'utf8');
    const lines = text.trim().split('\r\n');
    assert.ok(lines.length > 20);
    const imp = await run(['variants', 'import', file]);
    assert.match(imp.stdout, new RegExp(`${lines.length - 1} rows: 0 created, 0 updated`));
    writeFileSync(file, `product_id,variant_key,cost\n1,,x\n`);
    const bad = await run(['variants', 'import', file]);
    assert.equal(bad.code, 65);
    assert.match(bad.stderr, /line 2, column cost: must be an amount/);
  });
});
