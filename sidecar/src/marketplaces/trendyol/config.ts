import { z } from 'zod';
import type { TrendyolCredentials } from '../types';
import { MarketplaceError } from '../errors';
import { TRENDYOL_LIMITS } from './constants';

const nonEmpty = (what: string) => z.string({ error: `${what} is required` }).trim().min(1, `${what} is required`);

const credentialsSchema = z.object({
  marketplace: z.literal('trendyol').default('trendyol'),
  sellerId: z.coerce.string().trim().regex(/^\d{1,12}$/, 'sellerId must be the numeric Trendyol seller (supplier) id'),
  apiKey: nonEmpty('apiKey'),
  apiSecret: nonEmpty('apiSecret'),
  integrator: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9 .-]{1,30}$/, 'integrator must be at most 30 letters, digits or spaces')
    .optional(),
  webhook: z
    .object({
      username: z.string().optional(),
      password: z.string().optional(),
      apiKey: z.string().optional(),
      verificationToken: z.string().optional(),
    })
    .optional(),
});

const settingsSchema = z.object({
  /** Trendyol cargo provider id used for new products (17 = Trendyol Express). */
  cargoCompanyId: z.coerce.number().int().positive().default(17),
  /** Desi used when a listing has no dimensional weight. */
  defaultDimensionalWeight: z.coerce.number().min(0).default(1),
  /** Trendyol writes Turkish local time as epoch ms; shift by this much (GMT+3). */
  clockOffsetMs: z.coerce.number().int().default(3 * 3600_000),
  /** Re-read this much before the last seen change, for late-arriving updates. */
  orderOverlapMs: z.coerce.number().int().min(0).default(5 * 60_000),
  /** Where order polling starts when there is no cursor yet. */
  initialLookbackDays: z.coerce.number().int().min(1).max(TRENDYOL_LIMITS.orderLookbackDays).default(7),
  /** Suggested wait between polls of a batch result. */
  batchPollMs: z.coerce.number().int().min(10).default(2_000),
  /** Requests per 10 s per endpoint the client allows itself. */
  requestsPerWindow: z.coerce.number().int().min(1).max(1000).default(TRENDYOL_LIMITS.requestsPerWindow),
  timeoutMs: z.coerce.number().int().min(100).default(30_000),
  /** Keep the package's status when a partial cancel splits it (Trendyol shouldKeepPreviousStatus). */
  keepStatusOnSplit: z.boolean().default(false),
});

export type TrendyolSettings = z.infer<typeof settingsSchema>;

function explain(err: z.ZodError, what: string): MarketplaceError {
  const details = err.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ');
  return new MarketplaceError('config', `Trendyol ${what} are invalid (${details}) / Trendyol ${what === 'credentials' ? 'kimlik bilgileri' : 'ayarları'} geçersiz`, {
    marketplace: 'trendyol',
  });
}

export function parseTrendyolCredentials(input: unknown): TrendyolCredentials {
  const r = credentialsSchema.safeParse(input ?? {});
  if (!r.success) throw explain(r.error, 'credentials');
  return r.data as TrendyolCredentials;
}

export function parseTrendyolSettings(input: unknown): TrendyolSettings {
  const r = settingsSchema.safeParse(input ?? {});
  if (!r.success) throw explain(r.error, 'settings');
  return r.data;
}
