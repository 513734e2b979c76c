import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';
import { decideCaptureMode, type CaptureDecision } from './mode';
import { scanSnapshot } from './snapshot';
import { installTriggers, triggersComplete } from './triggers';

export interface CaptureServiceOptions {
  knex: Knex;
  prefix: string;
  wanted: 'auto' | 'triggers' | 'snapshot';
  snapshotIntervalMs: number;
  /** How often trigger mode checks that its triggers are still there. */
  triggerCheckMs?: number;
  logger: Logger;
}

/**
 * Runs change capture in whichever mode works, and keeps it working: OpenCart's admin "Backup /
 * Restore" drops and re-creates tables, which silently drops their triggers, so trigger mode re-checks
 * periodically, reinstalls what went missing and falls back to the snapshot diff if it cannot.
 */
export class CaptureService {
  private decision: CaptureDecision = { mode: 'snapshot', reason: 'not started' };
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  lastScanAt: Date | undefined;
  lastError: string | undefined;

  constructor(private readonly opts: CaptureServiceOptions) {}

  get mode(): CaptureDecision {
    return this.decision;
  }

  async start(): Promise<CaptureDecision> {
    this.decision = await decideCaptureMode(this.opts.knex, this.opts.prefix, this.opts.wanted);
    this.opts.logger.info({ captureMode: this.decision.mode, reason: this.decision.reason }, `change capture: ${this.decision.mode}`);
    this.schedule();
    return this.decision;
  }

  private schedule(): void {
    const every = this.decision.mode === 'snapshot' ? this.opts.snapshotIntervalMs : (this.opts.triggerCheckMs ?? 60_000);
    this.timer = setTimeout(() => void this.tick().finally(() => this.timer && this.schedule()), every);
    this.timer.unref();
  }

  /** One round: a snapshot scan, or a trigger health check. Exposed for the CLI and tests. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.lastError = undefined;
      if (this.decision.mode === 'snapshot') {
        const result = await scanSnapshot(this.opts.knex, this.opts.prefix);
        this.lastScanAt = new Date();
        const total = result ? Object.values(result.changes).reduce((a, b) => a + b, 0) : 0;
        if (total > 0) this.opts.logger.debug({ changes: result?.changes }, 'snapshot scan found changes');
      } else if (!(await triggersComplete(this.opts.knex, this.opts.prefix))) {
        const again = await installTriggers(this.opts.knex, this.opts.prefix);
        if (again.ok) {
          this.opts.logger.warn('capture triggers had gone missing (table restored?) and were reinstalled; run a reconciliation');
        } else if (this.opts.wanted === 'auto') {
          this.decision = { mode: 'snapshot', reason: `triggers vanished and cannot be recreated (${again.reason}); using snapshot diff` };
          this.opts.logger.warn({ captureMode: 'snapshot' }, this.decision.reason);
        } else {
          this.lastError = `capture triggers are missing and cannot be recreated: ${again.reason}`;
          this.opts.logger.error(this.lastError);
        }
      }
    } catch (err) {
      this.lastError = (err as Error).message;
      this.opts.logger.error({ err }, 'change capture round failed');
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
