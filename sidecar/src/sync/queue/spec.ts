import { z } from 'zod';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_PRIORITY, JobSpecError, type JobSpec } from './types';

/** Payloads are meant to be small references (ids, values), not documents. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const jsonText = (value: unknown): string | undefined => {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
};

const specSchema = z.object({
  queue: z
    .string({ error: 'must be a string' })
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9_.:-]+$/, 'may only contain letters, digits and _ . : -'),
  type: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(64, 'must be at most 64 characters'),
  payload: z.unknown().superRefine((value, ctx) => {
    const text = jsonText(value);
    if (text === undefined) ctx.addIssue({ code: 'custom', message: 'must be a JSON value (no undefined, functions, BigInt or cycles)' });
    else if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_PAYLOAD_BYTES} bytes as JSON` });
  }),
  dedupeKey: z.string({ error: 'must be a string' }).min(1, 'must not be empty').max(191, 'must be at most 191 characters').optional(),
  priority: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(-32768, 'must be at least -32768')
    .max(32767, 'must be at most 32767')
    .optional(),
  runAt: z
    .date({ error: 'must be a Date' })
    .refine((d) => !Number.isNaN(d.getTime()), 'must be a valid Date')
    .optional(),
  maxAttempts: z.number({ error: 'must be a number' }).int('must be an integer').min(1, 'must be at least 1').max(1000, 'must be at most 1000').optional(),
});

/** A spec with every default filled in and the payload already serialised. */
export interface NormalisedSpec {
  queue: string;
  type: string;
  payloadJson: string;
  dedupeKey: string | null;
  priority: number;
  runAt: Date | null;
  maxAttempts: number;
}

export interface SpecDefaults {
  maxAttempts?: number;
  priority?: number;
}

/** Throws JobSpecError naming every wrong field (and the job, as far as it can be named). */
export function validateJobSpec(spec: JobSpec, defaults: SpecDefaults = {}): NormalisedSpec {
  const parsed = specSchema.safeParse(spec);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(spec)'}: ${i.message}`);
    const s = (spec ?? {}) as Partial<JobSpec>;
    const name = typeof s.queue === 'string' && typeof s.type === 'string' ? ` ${s.queue}/${s.type}` : '';
    throw new JobSpecError(`invalid job spec${name}: ${issues.join('; ')}`, issues);
  }
  const v = parsed.data;
  return {
    queue: v.queue,
    type: v.type,
    payloadJson: jsonText(v.payload) as string,
    dedupeKey: v.dedupeKey ?? null,
    priority: v.priority ?? defaults.priority ?? DEFAULT_PRIORITY,
    runAt: v.runAt ?? null,
    maxAttempts: v.maxAttempts ?? defaults.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
}
