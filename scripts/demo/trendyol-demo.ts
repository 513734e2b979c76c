/**
 * The Trendyol part of `npm run demo`: a sandbox on a fixed port (rate limit on), the demo store
 * connected to it through the marketplaces module's in-process service, the catalogue listed, and a gentle trickle of
 * marketplace orders and plain-SQL store stock changes so the flows can be watched.
 */
import type { Knex } from 'knex';
import type { SidecarModule } from '../../sidecar/src/modules';
import type { MarketplacesService } from '../../sidecar/src/modules/marketplaces';
import { saveOrderSettings } from '../../sidecar/src/sync/orders/settings';
import { startRun } from '../../sidecar/src/sync/reconcile';
import { startTrendyolSandbox, BRANDS, DEFAULT_SELLER, type TrendyolSandbox } from '../../sidecar/src/sandbox/trendyol';

/** Every demo category goes to Dekorasyon, whose only attribute is the optional variant-defining Renk. */
const REMOTE_CATEGORY = '1362';
const RENK = '47';

export interface TrendyolDemo {
  sandbox: TrendyolSandbox;
  accountId: number;
  describe(): string[];
  stop(): Promise<void>;
}

export interface TrendyolDemoOptions {
  knex: Knex;
  prefix: string;
  marketplaces: MarketplacesService;
  port: number;
  orderEveryMs?: number;
  stockEveryMs?: number;
  log: (line: string) => void;
}

async function rows<T>(knex: Knex, sql: string, bindings: unknown[] = []): Promise<T[]> {
  const [r] = (await knex.raw(sql, bindings as Knex.RawBinding[])) as [T[]];
  return r;
}

/**
 * The demo has no API token (the security module guards /api), so it talks to the marketplaces
 * module's in-process service, which the sidecar hands every module.
 */
export function marketplacesHook(): { module: SidecarModule; service(): MarketplacesService } {
  let captured: MarketplacesService | undefined;
  return {
    module: {
      name: 'demo-trendyol-hook',
      async start(ctx) {
        captured = ctx.services.get('marketplaces') as MarketplacesService | undefined;
        return {};
      },
    },
    service() {
      if (!captured) throw new Error('the marketplaces module is not running');
      return captured;
    },
  };
}

/**
 * Takes an earlier run's account out of the way. One that imported orders cannot be deleted (its
 * orders keep pointing at it, as in a real shop): it is disabled and renamed instead, so the earlier
 * orders stay where they are and the new sandbox's order numbers, which start over, are not taken
 * for them.
 */
async function retire(accounts: TrendyolDemoOptions['marketplaces']['accounts'], id: number, name: string): Promise<void> {
  try {
    await accounts.remove(id);
  } catch (err) {
    // 1451: a row (an imported order) still references the account.
    if ((err as { errno?: number }).errno !== 1451) throw err;
    await accounts.update(id, { name: `${name} (run before #${id})`, enabled: false });
  }
}

const DEMO_ACCOUNT = 'Trendyol demo sandbox';

/**
 * Switches an earlier run's demo account off before the sidecar starts: its queued jobs (batch polls,
 * pushes) would otherwise run against this run's sandbox, which starts empty on the same port, until
 * `connect` retires the account. Returns how many were switched off.
 */
export async function pauseEarlierDemoAccount(knex: Knex): Promise<number> {
  const [res] = (await knex.raw(`UPDATE meschain_marketplaces SET enabled = 0 WHERE code = 'trendyol' AND name = ? AND enabled = 1`, [DEMO_ACCOUNT])) as unknown as [{ affectedRows: number }];
  return res.affectedRows;
}

/** Creates the demo account (replacing one from an earlier run), then maps and lists. */
async function connect(o: TrendyolDemoOptions, sandbox: TrendyolSandbox): Promise<number> {
  const { accounts, engine } = o.marketplaces;
  const name = DEMO_ACCOUNT;
  const existing = (await accounts.findByCode('trendyol')).find((a) => a.name === name);
  const input = {
    code: 'trendyol',
    name,
    enabled: true,
    baseUrl: sandbox.baseUrl,
    credentials: { sellerId: DEFAULT_SELLER.sellerId, apiKey: DEFAULT_SELLER.apiKey, apiSecret: DEFAULT_SELLER.apiSecret },
    flows: { listing: true, stock: true, price: true, ordersIn: true, statusOut: true },
    settings: { sync: { currency: 'TRY' } },
  };
  // The sandbox keeps its state in memory: an account left by an earlier run points at listings it no
  // longer holds, so start that account afresh (its listings go with it).
  if (existing) await retire(accounts, existing.id, name);
  const accountId = (await accounts.create(input)).id;
  const cats = await rows<{ category_id: number }>(o.knex, `SELECT category_id FROM ${o.prefix}category`);
  await engine.mappings.putCategories(accountId, cats.map((c) => ({ ocCategoryId: c.category_id, remoteCategoryId: REMOTE_CATEGORY })));
  const makers = await rows<{ manufacturer_id: number; name: string }>(o.knex, `SELECT manufacturer_id, name FROM ${o.prefix}manufacturer`);
  const generic = BRANDS.find((x) => x.name === 'Generic') ?? BRANDS[0]!;
  await engine.mappings.putBrands(
    accountId,
    makers.map((m) => {
      const b = BRANDS.find((x) => x.name.toLowerCase() === m.name.toLowerCase()) ?? generic;
      return { manufacturerId: m.manufacturer_id, remoteBrandId: String(b.id), remoteBrandName: b.name };
    }),
  );
  const [colour] = await rows<{ option_id: number }>(o.knex, `SELECT option_id FROM ${o.prefix}option_description WHERE name IN ('Renk', 'Color', 'Colour') LIMIT 1`);
  if (colour) {
    await engine.mappings.putAttributes(accountId, [{ remoteCategoryId: REMOTE_CATEGORY, remoteAttributeId: RENK, sourceType: 'option', sourceRef: String(colour.option_id) }]);
  }
  // Poll the sandbox for orders every few seconds so the trickle shows up quickly (default is a minute).
  await saveOrderSettings(o.knex, `${o.prefix}order_status`, accountId, { pollIntervalSeconds: 5 });
  // Start this account's worker now rather than at the module's next refresh.
  await engine.refresh();
  await startRun(engine.deps, accountId, 'sync', 'api');
  return accountId;
}

export async function startTrendyolDemo(o: TrendyolDemoOptions): Promise<TrendyolDemo> {
  const sandbox = await startTrendyolSandbox({ port: o.port, settings: { rateLimit: { enabled: true, points: 50, windowMs: 10_000 } } });
  let accountId: number;
  try {
    accountId = await connect(o, sandbox);
  } catch (err) {
    await sandbox.close();
    throw err;
  }
  const counts = { orders: 0, stock: 0 };
  const random = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];
  let busy = false;
  const guard = (what: string, fn: () => Promise<void>) => async () => {
    if (busy) return;
    busy = true;
    try {
      await fn();
    } catch (err) {
      o.log(`  [trendyol] ${what}: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };

  const order = guard('order', async () => {
    const listed = Object.values(sandbox.control.stock()).filter((s) => s.approved && s.quantity > 0);
    const pick = random(listed);
    if (!pick) return;
    const pkg = sandbox.control.createOrder({ lines: [{ barcode: pick.barcode, quantity: 1 }] }) as { orderNumber?: string };
    counts.orders++;
    o.log(`  [trendyol] yeni sipariş / new order ${pkg.orderNumber ?? '?'}: 1 × ${pick.barcode}`);
  });
  const stock = guard('stock change', async () => {
    const listed = await rows<{ product_id: number }>(o.knex, "SELECT DISTINCT product_id FROM meschain_listings WHERE marketplace_id = ? AND state = 'active' LIMIT 500", [accountId]);
    const pick = random(listed);
    if (!pick) return;
    const delta = [-3, -2, -1, 1, 2, 3, 4, 5][Math.floor(Math.random() * 8)]!;
    // A plain SQL write, as OpenCart's admin or another tool would do it: the capture triggers see it.
    await o.knex.raw(`UPDATE ${o.prefix}product SET quantity = GREATEST(0, quantity + ?) WHERE product_id = ?`, [delta, pick.product_id]);
    counts.stock++;
    o.log(`  [trendyol] mağaza stok değişikliği / store stock change: ürün / product ${pick.product_id} ${delta > 0 ? '+' : ''}${delta}`);
  });
  const orderEvery = o.orderEveryMs ?? 5_000;
  const stockEvery = o.stockEveryMs ?? 12_000;
  const timers = [setInterval(() => void order(), orderEvery), setInterval(() => void stock(), stockEvery)];

  return {
    sandbox,
    accountId,
    describe: () => [
      `  Trendyol sandbox:            ${sandbox.url} (API ${sandbox.baseUrl}, kontrol / control ${sandbox.controlUrl}/stock)`,
      `    Hesap / account:           #${accountId}, satıcı / seller ${DEFAULT_SELLER.sellerId}, istek sınırı / rate limit 50 / 10 s`,
      `    Katalog listeleniyor / catalogue being listed (kategori → Dekorasyon ${REMOTE_CATEGORY}, Renk → ${RENK})`,
      `    Akış / trickle: her ${orderEvery / 1000} sn bir sandbox siparişi / a sandbox order every ${orderEvery / 1000} s; ` +
        `her ${stockEvery / 1000} sn SQL ile stok değişikliği / a plain-SQL stock change every ${stockEvery / 1000} s`,
    ],
    async stop() {
      for (const t of timers) clearInterval(t);
      o.log(`  [trendyol] ${counts.orders} sipariş / orders, ${counts.stock} stok değişikliği / stock changes gönderildi / sent`);
      await sandbox.close();
    },
  };
}
