/**
 * The durable job queue on meschain_jobs (InnoDB): enqueue with de-duplication, claim with
 * SELECT ... FOR UPDATE SKIP LOCKED, leases fenced per claim, retries with backoff, dead letters.
 */
export * from './types';
export { validateJobSpec, MAX_PAYLOAD_BYTES, type NormalisedSpec, type SpecDefaults } from './spec';
export { enqueue, enqueueMany } from './enqueue';
export { claimJobs, extendLeases, lostLeases, defaultWorkerId, type ClaimOptions } from './claim';
export { completeJobs, completeJob, failJob, releaseJobs, type FailOutcome } from './settle';
export { recoverExpired, queueDepth, queueDepthByQueue, pruneJobs, requeueDead, type RecoverResult } from './maintenance';
export { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export { Worker, typedHandler, type WorkerOptions, type WorkerStats, type JobHandler, type JobContext } from './worker';
