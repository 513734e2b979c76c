import type { ChangePlanner } from '../pump/planner';
import { createPassThroughPlanner } from '../pump/planner';
import type { JobHandler } from '../queue/worker';
import type { Logger } from '../../util/logger';

/** Queue the foundation's pipeline uses (only when no module plans; see foundationPipeline). */
export const SYNC_QUEUE = 'sync';

export interface Pipeline {
  queue: string;
  planner: ChangePlanner;
  handlers: Record<string, JobHandler>;
}

/**
 * The pipeline for a sidecar whose modules plan nothing: every captured change still travels capture →
 * pump → job → worker, so the path is live and measurable (/metrics meschain_jobs{state="done"}), and
 * the handlers only record that there was nowhere to send it. app.ts runs it only when no module
 * supplies a planner; the default marketplaces and orders modules always do (with or without accounts),
 * so it serves module sets without both (tests that start other modules), never a default start.
 */
export function foundationPipeline(logger: Logger): Pipeline {
  const note: JobHandler = (job) => {
    logger.debug({ jobId: job.id, type: job.type, payload: job.payload }, 'change planned; no module in this process sends it anywhere');
  };
  return {
    queue: SYNC_QUEUE,
    planner: createPassThroughPlanner({ queue: SYNC_QUEUE }),
    handlers: { 'product.changed': note, 'order.changed': note },
  };
}
