import { z } from 'zod';
import cron from 'node-cron';

/**
 * Account-level settings of the sync engine (the `sync` part of meschain_marketplaces.settings; the
 * `adapter` part belongs to the marketplace adapter and is validated by its definition) and the per-flow
 * switches (meschain_marketplaces.flows).
 */

export const FLOW_NAMES = ['listing', 'stock', 'price', 'ordersIn', 'statusOut'] as const;
export type FlowName = (typeof FLOW_NAMES)[number];

export const flowsSchema = z.strictObject({
  listing: z.boolean().default(false),
  stock: z.boolean().default(false),
  price: z.boolean().default(false),
  ordersIn: z.boolean().default(false),
  statusOut: z.boolean().default(false),
});
export type Flows = z.output<typeof flowsSchema>;
/** Only the flows named change (no defaults here, or a patch would switch the others off). */
export const flowsPatchSchema = z.strictObject({
  listing: z.boolean().optional(),
  stock: z.boolean().optional(),
  price: z.boolean().optional(),
  ordersIn: z.boolean().optional(),
  statusOut: z.boolean().optional(),
});

const cronText = z.string().refine((v) => cron.validate(v), 'must be a cron expression such as "17 3 * * *"');

export const syncSettingsSchema = z.strictObject({
  /** Currency the marketplace prices in (must exist in oc_currency). */
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code such as TRY')
    .default('TRY'),
  listing: z
    .strictObject({
      /** What groups variants into one marketplace product (Trendyol productMainId). */
      groupBy: z.enum(['model', 'product']).default('model'),
      /** Where product images are served; default: the store URL + "image/". */
      imageBaseUrl: z
        .string()
        .regex(/^https?:\/\/\S+\/$/, 'must be an http(s) URL ending in /')
        .optional(),
      /** Brand id used when a manufacturer has no brand mapping (else the listing is blocked). */
      defaultBrandId: z.string().min(1).max(64).optional(),
      /** OpenCart tax_class_id → VAT percent, where the rates table does not give the marketplace's figure. */
      vatRates: z.record(z.string().regex(/^\d+$/, 'keys are tax_class_id'), z.number().min(0).max(100)).default({}),
      /** Products added to OpenCart later are listed automatically (listing flow on). */
      autoListNew: z.boolean().default(false),
    })
    .default({ groupBy: 'model', vatRates: {}, autoListNew: false }),
  reconcile: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** When the full reconciliation runs (node-cron syntax, server time). */
      cron: cronText.default('17 3 * * *'),
    })
    .default({ enabled: true, cron: '17 3 * * *' }),
  push: z
    .strictObject({
      /** How long the worker waits to fill a batch before sending what it has. */
      lingerMs: z.number().int().min(0).max(5000).default(40),
      /**
       * Pending async batches older than this are considered lost: their listings stop counting as in
       * flight, so a push is no longer held back for them. Nothing re-sends them on its own; the next
       * change, job or sync/reconcile run for the listing does.
       */
      staleAfterMs: z.number().int().min(10_000).default(10 * 60_000),
    })
    .default({ lingerMs: 40, staleAfterMs: 10 * 60_000 }),
});
export type SyncSettings = z.output<typeof syncSettingsSchema>;
export type SyncSettingsInput = z.input<typeof syncSettingsSchema>;

export const accountCreateSchema = z.strictObject({
  code: z.string().min(1, 'is required'),
  name: z.string().trim().min(1, 'is required').max(128, 'must be at most 128 characters'),
  storeId: z.number().int().min(0).default(0),
  enabled: z.boolean().default(false),
  /** Empty: the marketplace's production URL. */
  baseUrl: z
    .string()
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .max(255)
    .optional(),
  credentials: z.record(z.string(), z.unknown()),
  settings: z
    .strictObject({
      adapter: z.record(z.string(), z.unknown()).optional(),
      sync: z.unknown().optional(),
    })
    .optional(),
  flows: flowsPatchSchema.optional(),
});
export type AccountCreateInput = z.input<typeof accountCreateSchema>;

export const accountUpdateSchema = z.strictObject({
  name: accountCreateSchema.shape.name.optional(),
  enabled: z.boolean().optional(),
  baseUrl: accountCreateSchema.shape.baseUrl,
  /** Replaces the stored credentials as a whole. */
  credentials: z.record(z.string(), z.unknown()).optional(),
  settings: z
    .strictObject({
      adapter: z.record(z.string(), z.unknown()).optional(),
      sync: z.unknown().optional(),
    })
    .optional(),
  flows: flowsPatchSchema.optional(),
});
export type AccountUpdateInput = z.input<typeof accountUpdateSchema>;
