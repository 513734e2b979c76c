import type { Knex } from 'knex';
import { z } from 'zod';
import type { SealedColumn } from '../../crypto/rotation';
import { openString, seal, type KeyRing } from '../../crypto/secrets';
import { rawRows } from '../../db/raw';
import type { MarketplaceDefinition } from '../../marketplaces/contract';
import { isMarketplaceCode, type MarketplaceAccount, type MarketplaceCode } from '../../marketplaces/types';
import {
  accountCreateSchema,
  accountUpdateSchema,
  flowsPatchSchema,
  flowsSchema,
  syncSettingsSchema,
  type AccountCreateInput,
  type AccountUpdateInput,
  type Flows,
  type SyncSettings,
} from './schema';

/**
 * Marketplace accounts (meschain_marketplaces). Credentials are validated by the marketplace's
 * definition, sealed with AES-256-GCM bound to `marketplace:<id>:credentials`, and only ever opened to
 * build an adapter: no view, API answer or log line carries them.
 */

export type DefinitionLookup = (code: MarketplaceCode) => MarketplaceDefinition | undefined;

/** An account as the API and the engine see it: never its credentials. */
export interface AccountView {
  id: number;
  code: MarketplaceCode;
  name: string;
  storeId: number;
  enabled: boolean;
  baseUrl: string;
  hasCredentials: boolean;
  settings: { adapter: Record<string, unknown>; sync: SyncSettings };
  flows: Flows;
  createdAt: string;
  updatedAt: string;
}

/** Input that failed validation; `issues` name each wrong field ("credentials.apiKey: is required"). */
export class AccountInputError extends Error {
  override name = 'AccountInputError';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFoundError';
  constructor(readonly id: number) {
    super(`marketplace account ${id} does not exist`);
  }
}

interface AccountRow {
  id: number;
  code: string;
  name: string;
  store_id: number;
  enabled: number;
  base_url: string;
  credentials_enc: Buffer | null;
  settings: unknown;
  flows: unknown;
  created_at: string;
  updated_at: string;
}

export const credentialsContext = (id: number) => `marketplace:${id}:credentials`;

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

function issuesOf(err: z.ZodError, prefix = ''): string[] {
  return err.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)'}: ${i.message}`);
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string, prefix = ''): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = issuesOf(r.error, prefix);
    throw new AccountInputError(`invalid ${what}: ${issues.join('; ')}`, issues);
  }
  return r.data;
}

/** Runs a definition's own validator, turning whatever it throws into field-named issues. */
function viaDefinition<T>(fn: () => T, prefix: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof z.ZodError) {
      const issues = issuesOf(err, prefix);
      throw new AccountInputError(`invalid ${prefix}: ${issues.join('; ')}`, issues);
    }
    const message = (err as Error).message ?? String(err);
    throw new AccountInputError(`invalid ${prefix}: ${message}`, [`${prefix}: ${message}`]);
  }
}

export class AccountStore {
  private cache: { at: number; views: AccountView[] } | null = null;

  /** The sealed credentials, for the key rotator (re-encrypted to the current key in the background). */
  static sealedColumn(): SealedColumn {
    return {
      table: 'meschain_marketplaces',
      idColumn: 'id',
      column: 'credentials_enc',
      keyIdColumn: 'credentials_key_id',
      context: (row) => credentialsContext(Number(row.id)),
    };
  }

  constructor(
    private readonly knex: Knex,
    private readonly secrets: KeyRing,
    private readonly definitions: DefinitionLookup,
    /** How long list() may answer from memory (planners ask on every pump batch). */
    private readonly cacheMs = 2000,
  ) {}

  private definition(code: string): MarketplaceDefinition {
    if (!isMarketplaceCode(code)) throw new AccountInputError(`unknown marketplace '${code}'`, [`code: unknown marketplace '${code}'`]);
    const def = this.definitions(code);
    if (!def) throw new AccountInputError(`marketplace '${code}' has no adapter in this build`, [`code: marketplace '${code}' has no adapter in this build`]);
    return def;
  }

  private toView(r: AccountRow): AccountView {
    const settings = (json(r.settings) ?? {}) as { adapter?: Record<string, unknown>; sync?: unknown };
    const sync = syncSettingsSchema.safeParse(settings.sync ?? {});
    return {
      id: Number(r.id),
      code: r.code as MarketplaceCode,
      name: r.name,
      storeId: Number(r.store_id),
      enabled: Number(r.enabled) === 1,
      baseUrl: r.base_url,
      hasCredentials: r.credentials_enc !== null,
      settings: { adapter: settings.adapter ?? {}, sync: sync.success ? sync.data : syncSettingsSchema.parse({}) },
      flows: flowsSchema.parse({ ...flowsSchema.parse({}), ...((json(r.flows) as object | null) ?? {}) }),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  invalidate(): void {
    this.cache = null;
  }

  async create(input: AccountCreateInput): Promise<AccountView> {
    const v = parseOrThrow(accountCreateSchema, input, 'account');
    const def = this.definition(v.code);
    const credentials = viaDefinition(() => def.parseCredentials({ marketplace: def.code, ...v.credentials }), 'credentials');
    const adapterSettings = viaDefinition(() => def.parseSettings(v.settings?.adapter ?? {}), 'settings.adapter');
    const sync = parseOrThrow(syncSettingsSchema, v.settings?.sync ?? {}, 'settings.sync', 'settings.sync');
    const flows = { ...flowsSchema.parse({}), ...(v.flows ?? {}) };
    const id = await this.knex.transaction(async (trx) => {
      const [newId] = (await trx('meschain_marketplaces').insert({
        code: def.code,
        name: v.name,
        store_id: v.storeId,
        enabled: v.enabled,
        base_url: v.baseUrl ?? def.baseUrls.production,
        settings: JSON.stringify({ adapter: adapterSettings, sync }),
        flows: JSON.stringify(flows),
      })) as number[];
      // The id is part of the sealing context, so the row exists before its credentials are sealed.
      await trx('meschain_marketplaces')
        .where('id', newId)
        .update({ credentials_enc: seal(this.secrets, credentialsContext(newId!), JSON.stringify(credentials)), credentials_key_id: this.secrets.currentKeyId });
      return newId!;
    }).catch((err: unknown) => {
      if ((err as { errno?: number }).errno === 1062) throw new AccountInputError(`an account named '${v.name}' already exists for ${v.code}`, [`name: already used for ${v.code}`]);
      throw err;
    });
    this.invalidate();
    return (await this.get(id))!;
  }

  async update(id: number, input: AccountUpdateInput): Promise<AccountView> {
    const v = parseOrThrow(accountUpdateSchema, input, 'account update');
    const current = await this.get(id);
    if (!current) throw new AccountNotFoundError(id);
    const def = this.definition(current.code);
    const patch: Record<string, unknown> = { updated_at: this.knex.raw('UTC_TIMESTAMP(3)') };
    if (v.name !== undefined) patch.name = v.name;
    if (v.enabled !== undefined) patch.enabled = v.enabled;
    if (v.baseUrl !== undefined) patch.base_url = v.baseUrl;
    if (v.credentials !== undefined) {
      const credentials = viaDefinition(() => def.parseCredentials({ marketplace: def.code, ...v.credentials }), 'credentials');
      patch.credentials_enc = seal(this.secrets, credentialsContext(id), JSON.stringify(credentials));
      patch.credentials_key_id = this.secrets.currentKeyId;
    }
    if (v.settings !== undefined) {
      const adapter = v.settings.adapter === undefined ? current.settings.adapter : viaDefinition(() => def.parseSettings(v.settings!.adapter), 'settings.adapter');
      const sync = v.settings.sync === undefined ? current.settings.sync : parseOrThrow(syncSettingsSchema, v.settings.sync, 'settings.sync', 'settings.sync');
      patch.settings = JSON.stringify({ adapter, sync });
    }
    if (v.flows !== undefined) patch.flows = JSON.stringify({ ...current.flows, ...v.flows });
    await this.knex('meschain_marketplaces').where('id', id).update(patch);
    this.invalidate();
    return (await this.get(id))!;
  }

  async setFlows(id: number, flows: Partial<Flows>): Promise<AccountView> {
    return this.update(id, { flows: parseOrThrow(flowsPatchSchema, flows, 'flows', 'flows') });
  }

  async get(id: number): Promise<AccountView | null> {
    const [row] = await rawRows<AccountRow>(this.knex, 'SELECT * FROM meschain_marketplaces WHERE id = ?', [id]);
    return row ? this.toView(row) : null;
  }

  async require(id: number): Promise<AccountView> {
    const view = await this.get(id);
    if (!view) throw new AccountNotFoundError(id);
    return view;
  }

  async list(opts: { fresh?: boolean } = {}): Promise<AccountView[]> {
    if (!opts.fresh && this.cache && Date.now() - this.cache.at < this.cacheMs) return this.cache.views;
    const rows = await rawRows<AccountRow>(this.knex, 'SELECT * FROM meschain_marketplaces ORDER BY id');
    const views = rows.map((r) => this.toView(r));
    this.cache = { at: Date.now(), views };
    return views;
  }

  async findByCode(code: string): Promise<AccountView[]> {
    return (await this.list({ fresh: true })).filter((a) => a.code === code);
  }

  /** The account with its credentials opened, for building an adapter. Never hand this to an API answer. */
  async open(id: number): Promise<MarketplaceAccount> {
    const [row] = await rawRows<AccountRow>(this.knex, 'SELECT * FROM meschain_marketplaces WHERE id = ?', [id]);
    if (!row) throw new AccountNotFoundError(id);
    if (!row.credentials_enc) throw new AccountInputError(`account ${id} has no credentials`, ['credentials: missing']);
    const view = this.toView(row);
    const def = this.definition(view.code);
    const credentials = def.parseCredentials(JSON.parse(openString(this.secrets, credentialsContext(id), Buffer.from(row.credentials_enc))));
    return { id, code: view.code, name: view.name, baseUrl: view.baseUrl, credentials, settings: view.settings.adapter };
  }

  async remove(id: number): Promise<boolean> {
    const n = await this.knex('meschain_marketplaces').where('id', id).delete();
    this.invalidate();
    return n > 0;
  }
}
