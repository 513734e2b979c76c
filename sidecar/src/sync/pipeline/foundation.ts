import type { ChangePlanner } from '../pump/planner';
import { createPassThroughPlanner } from '../pump/planner';
import type { JobHandler } from '../queue/worker';
import type { Logger } from '../../util/logger';

/** Queue the foundation's pipeline uses until the marketplace workers take over. */
export const SYNC_QUEUE = 'sync';

export interface Pipeline {
  queue: string;
  planner: ChangePlanner;
  handlers: Record<string, JobHandler>;
}

/**
 * The pipeline with no marketplace connected: every captured change still travels capture → pump →
 * job → worker, so the path is live and measurable (/metrics meschain_jobs{state="done"}), and the
 * handlers only record that there was nowhere to send it. The marketplace planner and workers replace
 * this when accounts exist.
 */
export function foundationPipeline(logger: Logger): Pipeline {
  const note: JobHandler = (job) => {
    logger.debug({ jobId: job.id, type: job.type, payload: job.payload }, 'change planned; no marketplace account connected yet');
  };
  return {
    queue: SYNC_QUEUE,
    planner: createPassThroughPlanner({ queue: SYNC_QUEUE }),
    handlers: { 'product.changed': note, 'order.changed': note },
  };
}
