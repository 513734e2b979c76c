import type { Knex } from 'knex';
import { installTriggers, triggersComplete } from './triggers';
import { StartupError } from '../../util/errors';

export type CaptureMode = 'triggers' | 'snapshot';

export interface CaptureDecision {
  mode: CaptureMode;
  /** Why this mode, in words an operator can act on. */
  reason: string;
}

export class CaptureUnavailableError extends StartupError {
  override name = 'CaptureUnavailableError';
}

/**
 * Picks the capture mode at start-up.
 * - 'auto': triggers when present or when they can be (re)installed; otherwise the snapshot diff.
 * - 'triggers': the owner insists; refusing to create them is a start-up error, not a silent fallback.
 * - 'snapshot': the owner insists (for example, to keep triggers off a replicated database).
 */
export async function decideCaptureMode(knex: Knex, prefix: string, wanted: 'auto' | 'triggers' | 'snapshot'): Promise<CaptureDecision> {
  if (wanted === 'snapshot') return { mode: 'snapshot', reason: 'configured (MESCHAIN_CAPTURE_MODE=snapshot)' };
  if (await triggersComplete(knex, prefix)) return { mode: 'triggers', reason: 'triggers installed' };
  const result = await installTriggers(knex, prefix);
  if (result.ok) return { mode: 'triggers', reason: 'triggers (re)installed at start-up' };
  if (wanted === 'triggers') {
    throw new CaptureUnavailableError(`capture mode 'triggers' was configured but the database refused CREATE TRIGGER: ${result.reason}`);
  }
  return { mode: 'snapshot', reason: `database refused CREATE TRIGGER (${result.reason}); using snapshot diff` };
}
