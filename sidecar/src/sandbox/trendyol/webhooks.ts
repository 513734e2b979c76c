import { randomUUID } from 'node:crypto';
import { SandboxError } from './errors';
import { WEBHOOK_STATUS, type ShipmentPackage, type Webhook, type WebhookDelivery } from './model';
import { packageJson } from './serialize';
import type { TrendyolSandboxSettings } from './settings';

const ALLOWED_STATUSES = ['CREATED', 'PICKING', 'INVOICED', 'SHIPPED', 'CANCELLED', 'DELIVERED', 'UNDELIVERED', 'RETURNED', 'UNSUPPLIED', 'AWAITING', 'UNPACKED', 'AT_COLLECTION_POINT', 'VERIFIED'];
const MAX_WEBHOOKS = 15;

/** Webhook subscriptions and their delivery: POST of the package JSON with the registered auth. */
export class WebhookHub {
  readonly hooks = new Map<string, Webhook>();
  readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly settings: () => TrendyolSandboxSettings,
    private readonly now: () => number,
  ) {}

  reset(): void {
    this.hooks.clear();
    this.deliveries.length = 0;
  }

  create(sellerId: string, body: unknown): Webhook {
    const input = parse(body);
    if ([...this.hooks.values()].filter((h) => h.sellerId === sellerId).length >= MAX_WEBHOOKS) {
      throw new SandboxError(400, 'webhook.max.count', `En fazla ${MAX_WEBHOOKS} webhook tanımlanabilir.`);
    }
    const hook: Webhook = { id: randomUUID(), sellerId, ...input, status: 'ACTIVE', createdDate: this.now(), lastModifiedDate: null };
    this.hooks.set(hook.id, hook);
    return hook;
  }

  update(sellerId: string, id: string, body: unknown): Webhook {
    const hook = this.get(sellerId, id);
    Object.assign(hook, parse(body), { lastModifiedDate: this.now() });
    return hook;
  }

  setActive(sellerId: string, id: string, active: boolean): Webhook {
    const hook = this.get(sellerId, id);
    hook.status = active ? 'ACTIVE' : 'PASSIVE';
    hook.lastModifiedDate = this.now();
    return hook;
  }

  remove(sellerId: string, id: string): void {
    this.get(sellerId, id);
    this.hooks.delete(id);
  }

  list(sellerId: string): Webhook[] {
    return [...this.hooks.values()].filter((h) => h.sellerId === sellerId);
  }

  get(sellerId: string, id: string): Webhook {
    const hook = this.hooks.get(id);
    if (!hook || hook.sellerId !== sellerId) throw new SandboxError(404, 'webhook.not.found', `${id} id’li webhook bulunamadı.`);
    return hook;
  }

  /** Sends the package to every active subscription of its seller that wants its status. */
  fire(pkg: ShipmentPackage): void {
    const status = WEBHOOK_STATUS[pkg.status];
    const payload = JSON.stringify(packageJson(pkg, this.settings().clockOffsetMs));
    for (const hook of this.hooks.values()) {
      if (hook.sellerId !== pkg.sellerId || hook.status !== 'ACTIVE') continue;
      if (hook.subscribedStatuses && hook.subscribedStatuses.length > 0 && !hook.subscribedStatuses.includes(status)) continue;
      const p = this.deliver(hook, pkg, payload).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  /** Resolves when every delivery started so far has finished (including retries). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(hook: Webhook, pkg: ShipmentPackage, payload: string): Promise<void> {
    const s = this.settings();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Trendyol-Webhook-Sandbox' };
    if (hook.authenticationType === 'API_KEY' && hook.apiKey) headers['x-api-key'] = hook.apiKey;
    if (hook.authenticationType === 'BASIC_AUTHENTICATION') headers.authorization = `Basic ${Buffer.from(`${hook.username ?? ''}:${hook.password ?? ''}`).toString('base64')}`;
    for (let attempt = 1; attempt <= s.webhookRetries + 1; attempt += 1) {
      let responseStatus: number | null = null;
      let error: string | null = null;
      try {
        const res = await fetch(hook.url, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(s.webhookTimeoutMs) });
        responseStatus = res.status;
        await res.arrayBuffer().catch(() => undefined);
      } catch (err) {
        error = (err as Error).message;
      }
      this.deliveries.push({ webhookId: hook.id, packageId: pkg.id, status: pkg.status, attempt, responseStatus, error, at: this.now() });
      if (this.deliveries.length > 50_000) this.deliveries.splice(0, this.deliveries.length - 50_000);
      if (responseStatus !== null && responseStatus >= 200 && responseStatus < 300) return;
      if (attempt <= s.webhookRetries) await new Promise((r) => setTimeout(r, s.webhookRetryDelayMs * attempt));
    }
  }
}

function parse(body: unknown): Pick<Webhook, 'url' | 'username' | 'password' | 'apiKey' | 'authenticationType' | 'subscribedStatuses'> {
  const b = (body ?? {}) as Record<string, unknown>;
  const url = b.url;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new SandboxError(400, 'webhook.url.invalid', 'url alanı zorunludur ve http(s) adresi olmalıdır.');
  const type = b.authenticationType;
  if (type !== 'BASIC_AUTHENTICATION' && type !== 'API_KEY') throw new SandboxError(400, 'webhook.authentication.type.invalid', 'authenticationType BASIC_AUTHENTICATION ya da API_KEY olmalıdır.');
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  if (type === 'API_KEY' && !str(b.apiKey)) throw new SandboxError(400, 'webhook.api.key.required', 'API_KEY doğrulamasında apiKey alanı zorunludur.');
  if (type === 'BASIC_AUTHENTICATION' && (!str(b.username) || !str(b.password))) throw new SandboxError(400, 'webhook.basic.required', 'BASIC_AUTHENTICATION doğrulamasında username ve password zorunludur.');
  let statuses: string[] | null = null;
  if (Array.isArray(b.subscribedStatuses) && b.subscribedStatuses.length > 0) {
    statuses = b.subscribedStatuses.map(String);
    const bad = statuses.find((s) => !ALLOWED_STATUSES.includes(s));
    if (bad) throw new SandboxError(400, 'webhook.status.invalid', `${bad} geçerli bir statü değildir.`);
  }
  return {
    url,
    authenticationType: type,
    username: type === 'BASIC_AUTHENTICATION' ? str(b.username) : null,
    password: type === 'BASIC_AUTHENTICATION' ? str(b.password) : null,
    apiKey: type === 'API_KEY' ? str(b.apiKey) : null,
    subscribedStatuses: statuses,
  };
}
