import { createHash } from 'node:crypto';
import type { MarketplaceOrder } from '../../marketplaces/types';
import { recordHeartbeat } from '../../sync/heartbeats';
import type { MarketplaceAccess } from '../../sync/orders/access';
import { holdFailed, returnsSync } from '../../sync/orders/poll';
import { importOrder, type OrderEnv } from '../../sync/orders/process';
import { eventKey, WEBHOOKS } from './receiver';

/**
 * The queued half of the webhook receiver: re-reads the stored raw event, parses it with the
 * marketplace's handler and runs the same idempotent import as polling. A failure is retried by the job
 * queue; on the last attempt the order is recorded as held (listed, one-action retry) — never dropped.
 */

interface WebhookRow {
  id: number;
  marketplace_code: string;
  event_id: string;
  headers: string | Record<string, unknown>;
  body: string;
  state: string;
}

export interface WebhookJobEnv extends OrderEnv {
  access: MarketplaceAccess;
}

export async function processWebhook(env: WebhookJobEnv, webhookId: number, opts: { lastAttempt: boolean }): Promise<'processed' | 'skipped'> {
  const knex = env.ctx.knex;
  const row = (await knex(WEBHOOKS).first('*').where({ id: webhookId })) as WebhookRow | undefined;
  if (!row || row.state === 'processed') return 'skipped';
  const accountId = Number(row.event_id.split(':', 1)[0]);
  const account = await env.access.account(accountId);
  const handler = env.access.webhookHandler(row.marketplace_code as MarketplaceOrder['marketplace']);
  const finish = async (state: 'processed' | 'failed', error: string | null) => {
    await knex(WEBHOOKS).where({ id: webhookId }).update({ state, error, processed_at: knex.raw('UTC_TIMESTAMP(3)') });
  };
  if (!account || !handler) {
    await finish('failed', !account ? `account ${accountId} no longer exists` : `no webhook handler for ${row.marketplace_code}`);
    return 'skipped';
  }
  if (!account.enabled || !account.ordersIn) {
    // Kept (raw) but not imported; switching the flow on lets polling bring the order in.
    await finish('processed', 'not imported: the account or its orders-in flow is switched off');
    return 'skipped';
  }
  const rawBody = Buffer.from(row.body, 'utf8');
  const headers = (typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers) as Record<string, string>;
  const events = handler.parse({ method: 'POST', headers, rawBody });
  const bodyHash = createHash('sha256').update(rawBody).digest('hex');
  const event = events.find((e) => eventKey(account.id, e.eventId || bodyHash) === row.event_id);
  if (!event || event.kind === 'listing' || event.kind === 'ignored') {
    await finish('processed', null);
    return 'processed';
  }
  let order: MarketplaceOrder | null = null;
  try {
    const fetchOrder = async (id: string) => (await env.access.adapter(account.id)).fetchOrder(id);
    const base: OrderEnv = { ctx: env.ctx, logger: env.logger, fetchOrder };
    const withFetch: OrderEnv = { ...base, syncReturns: returnsSync(base, account, () => env.access.adapter(account.id)) };
    order = event.kind === 'order' ? event.order : await fetchOrder(event.orderId);
    if (order) await importOrder(withFetch, account, order);
  } catch (err) {
    if (!opts.lastAttempt) {
      await knex(WEBHOOKS).where({ id: webhookId }).update({ error: (err as Error).message.slice(0, 2000) });
      throw err;
    }
    if (order) await holdFailed(env, account, order, err);
    await finish('failed', (err as Error).message.slice(0, 2000));
    env.logger.error({ err, webhookId, accountId: account.id }, 'webhook event failed for good; order held for retry');
    return 'processed';
  }
  await finish('processed', null);
  await recordHeartbeat(knex, account.id, 'ordersIn', `webhook ${event.eventId}`);
  return 'processed';
}
