import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { enqueue } from '../../src/sync/queue/enqueue';
import { expectedTriggerNames, installedTriggers } from '../../src/sync/capture/triggers';

const CLI = path.resolve(__dirname, '../../bin/meschain.js');

/** A wrong argument is refused with exit 64 and a line saying what is wrong, before anything is done. */
describe('meschain CLI: argument mistakes change nothing', function () {
  this.timeout(120_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => db.drop());

  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  const run = (...args: string[]) => cli({ MESCHAIN_DATABASE_URL: db.url, MESCHAIN_SECRET_KEY: 'c'.repeat(64) }, ...args);
  const dead = async () => (await db.knex('meschain_jobs').where({ state: 'dead' }).orderBy('queue').pluck('queue')) as string[];

  it('jobs retry-dead with --queue but no queue name re-runs nothing', async () => {
    for (const queue of ['alpha', 'beta']) {
      const { id } = await enqueue(db.knex, { queue, type: 'test.job', payload: {} });
      await db.knex('meschain_jobs').where({ id }).update({ state: 'dead', last_error: 'boom', finished_at: db.knex.raw('UTC_TIMESTAMP(3)') });
    }
    for (const args of [['--queue'], ['--queue='], ['--queue', '--all'], ['--qeueu', 'alpha']]) {
      const r = run('jobs', 'retry-dead', ...args);
      assert.equal(r.status, 64, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /meschain jobs: (--queue needs a value|unknown option --qeueu)/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.deepEqual(await dead(), ['alpha', 'beta']);
    const typo = run('jobs', 'retry-daed');
    assert.equal(typo.status, 64);
    assert.match(typo.stderr, /unknown sub-command 'retry-daed'/);

    const ok = run('jobs', 'retry-dead', '--queue', 'alpha');
    assert.equal(ok.status, 0, ok.stderr);
    assert.deepEqual(await dead(), ['beta']);
  });

  it('uninstall with a stray argument keeps the triggers and the tables', async () => {
    const r = run('uninstall', '--purge', 'now');
    assert.equal(r.status, 64, r.stdout + r.stderr);
    assert.match(r.stderr, /meschain uninstall: unexpected argument 'now'/);
    assert.equal((await installedTriggers(db.knex, 'oc_')).length, expectedTriggerNames('oc_').length);
    assert.equal(await db.knex.schema.hasTable('meschain_jobs'), true);
    const capture = run('capture', 'stauts');
    assert.equal(capture.status, 64);
    assert.match(capture.stderr, /capture needs status or scan/);
  });

  it('an unknown command (even without a configuration), option or option value is named', () => {
    const r = cli({}, 'frobnicate');
    assert.equal(r.status, 64);
    assert.match(r.stderr, /unknown command 'frobnicate'/);
    for (const [args, message] of [
      [['sync', '--marketplace', 'trendyol', '--acount', '3'], /meschain sync: unknown option --acount/],
      [['sync', '--marketplace', 'trendyol', '--account'], /meschain sync: --account needs a value/],
      [['sync', '--marketplace', 'trendyol', '--account', 'abc'], /--account must be an account id/],
      [['orders', 'pull', '--marketplace', 'trendyl'], /unknown marketplace 'trendyl'/],
      [['variants', 'generate', '--products'], /--products needs a value/],
      [['variants', 'generate', '--products', '1,x'], /--products must be product ids/],
      [['variants', 'export', '--separator', 'tab'], /--separator must be/],
    ] as const) {
      const s = run(...args);
      assert.equal(s.status, 64, `${args.join(' ')}: ${s.stdout}${s.stderr}`);
      assert.match(s.stderr, message);
    }
  });
});
