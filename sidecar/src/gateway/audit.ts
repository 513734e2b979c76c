import type { Knex } from 'knex';
import type { Logger } from '../util/logger';

/**
 * The audit log (meschain_audit_log): who did what, when, from where — every write through the admin
 * and public APIs and every authentication or authorisation failure. Rows are written off the request
 * path; `flush()` waits for the pending ones (tests, shutdown). Details are small structured facts
 * (ids, reasons), never request bodies, tokens or passwords.
 */

export interface AuditEntry {
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  actorType?: string;
  actorId?: string | null;
  clientId?: string | null;
  storeId?: number | null;
  method?: string | null;
  path?: string | null;
  status?: number | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

const SECRET_KEYS = /pass|secret|token|authorization|cookie|credential|key/i;

/** Drops anything that looks like a secret from a detail object (defence in depth). */
export function scrubDetail(detail: Record<string, unknown> | undefined): Record<string, unknown> | null {
  if (!detail) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(detail)) {
    if (SECRET_KEYS.test(k)) continue;
    out[k] = typeof v === 'string' ? v.slice(0, 500) : v;
  }
  return out;
}

export class AuditLog {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly knex: Knex,
    private readonly storeId: number,
    private readonly logger: Logger,
  ) {}

  write(entry: AuditEntry): void {
    const p = this.insert(entry)
      .catch((err: unknown) => this.logger.error({ err, action: entry.action }, 'audit log write failed'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async insert(e: AuditEntry): Promise<void> {
    const detail = scrubDetail(e.detail);
    await this.knex('meschain_audit_log').insert({
      store_id: e.storeId ?? this.storeId,
      actor_type: e.actorType ?? 'anonymous',
      actor_id: e.actorId ?? null,
      client_id: e.clientId ?? null,
      action: e.action,
      outcome: e.outcome,
      method: e.method ?? null,
      path: e.path ? e.path.slice(0, 512) : null,
      status: e.status ?? null,
      ip: e.ip ? e.ip.slice(0, 45) : null,
      user_agent: e.userAgent ? e.userAgent.slice(0, 255) : null,
      request_id: e.requestId ?? null,
      detail: detail ? JSON.stringify(detail) : null,
    });
  }

  async flush(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}
