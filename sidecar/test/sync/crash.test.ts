import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadOcContext } from '../../src/db/opencart';
import { startTrendyolSandbox, DEFAULT_SELLER, BRANDS, type TrendyolSandbox } from '../../src/sandbox/trendyol';
import { PREFIX, REMOTE_CATEGORY, expectedFor, queueIdle, rows, seedShop, sidecarEnv, waitFor, type ListingRow, type World } from './fixture';
import type { TestDatabase } from '../support/db';

/**
 * SIGKILL of the sidecar in the middle of a 10,000-listing sync, stock changed in OpenCart while it is
 * down, then a restart: the sandbox ends with every value right, and nothing is left pending or dead.
 */

const CHILD = path.resolve(__dirname, 'sidecar-child.ts');

async function startChild(db: TestDatabase): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: {
      ...process.env,
      ...sidecarEnv(db),
      // Leases of the killed process expire quickly, so the restart takes its jobs back soon.
      MESCHAIN_JOB_VISIBILITY_MS: '3000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setInterval(() => {
      const m = /ready (\S+)/.exec(out);
      if (m) {
        clearInterval(t);
        resolve(m[1]!);
      }
    }, 20);
    proc.once('exit', (code) => {
      clearInterval(t);
      reject(new Error(`sidecar exited (${code}) before ready: ${err}`));
    });
  });
  return { proc, url };
}

describe('crash during a 10,000-listing sync', function () {
  this.timeout(900_000);
  let db: TestDatabase;
  let sandbox: TrendyolSandbox;
  let child: ChildProcess | undefined;

  before(async () => {
    db = await seedShop(4300);
    sandbox = await startTrendyolSandbox({ settings: { rateLimit: { enabled: false, points: 50, windowMs: 10_000 } } });
  });
  after(async () => {
    child?.kill('SIGKILL');
    await sandbox?.close();
    await db?.drop();
  });

  it('ends with every value right after SIGKILL and restart', async () => {
    let running = await startChild(db);
    child = running.proc;
    const api = async <T>(method: string, p: string, body?: unknown) => {
      const res = await fetch(`${running.url}${p}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: res.status, body: (await res.json()) as T };
    };
    const created = await api<{ account: { id: number } }>('POST', '/api/marketplaces', {
      code: 'trendyol',
      name: 'crash test',
      enabled: true,
      baseUrl: sandbox.baseUrl,
      credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret },
      flows: { listing: true, stock: true, price: true },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const accountId = created.body.account.id;
    const cats = await rows<{ category_id: number }>(db.knex, `SELECT category_id FROM ${PREFIX}category`);
    await api('PUT', `/api/marketplaces/${accountId}/mappings/categories`, cats.map((c) => ({ ocCategoryId: c.category_id, remoteCategoryId: REMOTE_CATEGORY })));
    const makers = await rows<{ manufacturer_id: number }>(db.knex, `SELECT manufacturer_id FROM ${PREFIX}manufacturer`);
    await api('PUT', `/api/marketplaces/${accountId}/mappings/brands`, makers.map((m) => ({ manufacturerId: m.manufacturer_id, remoteBrandId: String(BRANDS[0]!.id) })));
    await api('PUT', `/api/marketplaces/${accountId}/rules`, { scope: 'account', safety: { maxPriceChangeShare: 100 } });
    await api('POST', `/api/sync/${accountId}/run`, { kind: 'sync' });

    // Kill it once a good part of the catalogue is on the sandbox and more is in flight.
    await waitFor('part of the listings on the sandbox', async () => Object.keys(sandbox.control.stock()).length >= 3000, 300_000, 100);
    running.proc.kill('SIGKILL');
    await new Promise((r) => running.proc.once('exit', r));
    const before = Object.keys(sandbox.control.stock()).length;
    // Stock moves in the shop while the sidecar is down (captured by the triggers, pumped after restart).
    await db.knex.raw(`UPDATE ${PREFIX}product_option_value SET quantity = quantity + 3 WHERE MOD(product_option_value_id, 5) = 0`);

    running = await startChild(db);
    child = running.proc;
    // The interrupted run resumes (its page job's lease expires) and finishes making the listing rows.
    await waitFor('the interrupted run to finish', async () => (await rows<{ state: string }>(db.knex, 'SELECT state FROM meschain_sync_runs ORDER BY id DESC LIMIT 1'))[0]!.state === 'done', 300_000, 500);
    const listings = await rows<ListingRow>(db.knex, 'SELECT id, product_id, variant_key, barcode, state, last_error FROM meschain_listings WHERE marketplace_id = ?', [accountId]);
    assert.ok(listings.length >= 10_000, `a 10,000-listing sync (${listings.length})`);
    assert.ok(before < listings.length, `the kill came mid-sync (${before} of ${listings.length} on the sandbox)`);
    const oc = await loadOcContext(db.knex, { prefix: PREFIX, language: 'tr-tr' });
    const expected = await expectedFor({ db } as World, oc, listings, { buffer: 0, price: (w) => Math.round(w * 100) / 100 });
    const wrong = () => {
      const stock = sandbox.control.stock();
      return listings.filter((l) => {
        const got = stock[l.barcode];
        const want = expected.get(l.barcode)!;
        return !got || got.quantity !== want.quantity || Math.abs(got.salePrice - want.price) > 0.001;
      });
    };
    await waitFor('every value right after the restart', async () => wrong().length === 0 && queueIdle(db.knex, accountId), 600_000, 1000).catch((err: Error) => {
      throw new Error(`${err.message}: ${wrong().length} wrong, e.g. ${JSON.stringify(wrong().slice(0, 3))}`);
    });
    const [states] = await rows<{ notActive: number; pending: number }>(
      db.knex,
      "SELECT SUM(state <> 'active') AS notActive, SUM(pending_batch_id IS NOT NULL) AS pending FROM meschain_listings WHERE marketplace_id = ?",
      [accountId],
    );
    assert.equal(Number(states!.notActive), 0);
    assert.equal(Number(states!.pending), 0);
    const [dead] = await rows<{ n: number }>(db.knex, "SELECT COUNT(*) AS n FROM meschain_jobs WHERE state = 'dead'");
    assert.equal(Number(dead!.n), 0);
  });
});
