import { checkArgs, option, positiveId, usageError } from './args';
import type { CliCommand, CliContext } from './types';
import { loadKeyRing } from '../crypto/keys';
import { loadOcContext, recoverOrderWrites } from '../db/opencart';
import { createLogger } from '../util/logger';
import { pollAccount } from '../sync/orders/poll';
import { reprocessGroup } from '../sync/orders/process';
import { findGroup, listHeld, packageById } from '../sync/orders/store';
import { directAccess } from '../sync/orders/wiring';
import { isMarketplaceCode } from '../marketplaces/types';

/**
 * meschain orders pull [--marketplace trendyol] [--account <id>]   import new and changed orders now
 * meschain orders held                                             list the orders not imported, with why
 * meschain orders retry <id>                                       retry one held order (id from "held")
 * Runs in this process against the database (the sidecar need not be running); every step is the same
 * idempotent import the sidecar runs, so running both at once is safe.
 */

async function setup(c: CliContext) {
  const logger = createLogger(c.config.logLevel === 'info' ? 'warn' : c.config.logLevel);
  const opencart = await loadOcContext(c.knex, {
    prefix: c.config.opencart.tablePrefix,
    storeId: c.config.opencart.storeId,
    language: c.config.opencart.language,
    ...(c.config.opencart.storeUrl ? { storeUrl: c.config.opencart.storeUrl } : {}),
  });
  // Writes a crashed sidecar left half-done are finished first, as at sidecar start-up.
  await recoverOrderWrites(opencart);
  const access = directAccess({ knex: c.knex, secrets: loadKeyRing(c.config), logger, ...(c.config.redisUrl ? { redisUrl: c.config.redisUrl } : {}) });
  return { logger, opencart, access };
}

async function pull(c: CliContext): Promise<number> {
  const bad = checkArgs(c.args, { options: ['marketplace', 'account'], positionals: 1 });
  if (bad) return usageError(c.err, 'orders pull', bad);
  const marketplace = option(c.args, 'marketplace');
  const only = option(c.args, 'account');
  if (marketplace !== undefined && !isMarketplaceCode(marketplace)) return usageError(c.err, 'orders pull', `unknown marketplace '${marketplace}' (trendyol, hepsiburada, n11, ebay, amazon, ozon)`);
  if (only !== undefined && positiveId(only) === null) return usageError(c.err, 'orders pull', `--account must be an account id (a positive whole number), not '${only}'`);
  const { logger, opencart, access } = await setup(c);
  const accounts = (await access.accounts()).filter((a) => a.enabled && a.ordersIn && (!marketplace || a.code === marketplace) && (!only || String(a.id) === only));
  if (accounts.length === 0) {
    c.err.write(`meschain: no enabled account with orders-in switched on${marketplace ? ` for ${marketplace}` : ''} / sipariş alımı açık hesap yok\n`);
    return 1;
  }
  let failed = 0;
  for (const a of accounts) {
    c.out.write(`${a.name} (#${a.id}, ${a.code}): `);
    try {
      const r = await pollAccount({ ctx: opencart, logger }, a, await access.adapter(a.id), {
        onPage: (p) => c.out.write(`\r${a.name} (#${a.id}, ${a.code}): page ${p.pages} · ${p.orders} orders · ${p.created} new · ${p.held} held   `),
      });
      c.out.write(`\r${a.name} (#${a.id}, ${a.code}): ${r.orders} orders seen, ${r.created} imported, ${r.held} held, ${r.failed} failed (${r.pages} pages)\n`);
      if (r.failed > 0) failed++;
    } catch (err) {
      failed++;
      c.out.write('\n');
      c.err.write(`meschain: ${a.name}: ${(err as Error).message}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function held(c: CliContext): Promise<number> {
  const bad = checkArgs(c.args, { positionals: 1 });
  if (bad) return usageError(c.err, 'orders held', bad);
  const list = await listHeld(c.knex);
  if (list.length === 0) {
    c.out.write('no orders held / bekleyen sipariş yok\n');
    return 0;
  }
  for (const h of list) c.out.write(`${h.id}\taccount ${h.marketplaceId}\torder ${h.remoteOrderId}\tpackage ${h.remotePackageId}\t${h.reason.replace(/\n/g, ' | ')}\n`);
  return 0;
}

async function retry(c: CliContext): Promise<number> {
  const bad = checkArgs(c.args, { positionals: 2 });
  if (bad) return usageError(c.err, 'orders retry', bad);
  const id = positiveId(c.args[1]);
  if (id === null) {
    c.err.write('meschain: orders retry needs the id shown by "meschain orders held"\n');
    return 64;
  }
  const pkg = await packageById(c.knex, id);
  if (!pkg || pkg.state !== 'held') {
    c.err.write(`meschain: ${id} is not a held order\n`);
    return 1;
  }
  const { logger, opencart, access } = await setup(c);
  const account = await access.account(pkg.marketplaceId);
  const group = await findGroup(c.knex, pkg.marketplaceId, pkg.remoteOrderId);
  if (!account || !group) {
    c.err.write(`meschain: the account of order ${pkg.remoteOrderId} no longer exists\n`);
    return 1;
  }
  const outcome = await reprocessGroup({ ctx: opencart, logger, fetchOrder: async (oid) => (await access.adapter(account.id)).fetchOrder(oid) }, account, group.id);
  if (outcome.state === 'held') {
    c.err.write(`still held: ${outcome.heldReasons.join(' | ')}\n`);
    return 1;
  }
  c.out.write(`order ${outcome.remoteOrderId}: ${outcome.state}${outcome.ocOrderId ? ` (OpenCart order ${outcome.ocOrderId})` : ''}\n`);
  return 0;
}

export const ordersCommand: CliCommand = {
  name: 'orders',
  usage: [
    'orders pull [--marketplace <code>] [--account <id>]  import new and changed marketplace orders now',
    'orders held                                          list orders not imported, with the reason',
    'orders retry <id>                                    retry one held order',
  ],
  async run(c) {
    switch (c.args[0]) {
      case 'pull':
        return pull(c);
      case 'held':
        return held(c);
      case 'retry':
        return retry(c);
      default:
        c.err.write(`meschain: orders ${c.args[0] ?? ''}: unknown sub-command (pull, held, retry)\n`);
        return 64;
    }
  },
};
