/**
 * Shapes of the durable job queue (table meschain_jobs). Times are UTC and come from the database
 * clock, never from one process's clock, so several machines can share a queue.
 */

export const JOB_STATES = ['ready', 'running', 'done', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** What a producer asks for. Validated by validateJobSpec before anything reaches the database. */
export interface JobSpec<P = unknown> {
  /** Which workers take it (a worker serves one queue). Letters, digits and `_.:-`, at most 64. */
  queue: string;
  /** Picks the handler inside the worker. At most 64 characters. */
  type: string;
  /** Any JSON value; stored as JSON. */
  payload: P;
  /**
   * At most one *waiting* job per (queue, dedupeKey): enqueueing again merges into it (newest payload,
   * lowest priority number, earliest runAt). A job with the same key that is already running does not
   * absorb the new one; the new one waits until the running one has finished.
   */
  dedupeKey?: string;
  /** Lower runs first. SMALLINT; default 100. */
  priority?: number;
  /** Not before this time. Default: now. */
  runAt?: Date;
  /** Claims allowed before the job is dead-lettered. Default 8. */
  maxAttempts?: number;
}

/**
 * Proof of one claim of one job. `token` is unique per claim (stored in locked_by), so a worker whose
 * lease expired and whose job was claimed again cannot complete, fail, extend or release it.
 */
export interface Lease {
  id: number;
  token: string;
}

export interface ClaimedJob<P = unknown> {
  id: number;
  queue: string;
  type: string;
  payload: P;
  dedupeKey: string | null;
  priority: number;
  /** Claims so far, including this one. */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
  createdAt: Date;
  /** The error of the previous attempt, if any. */
  lastError: string | null;
  lockedUntil: Date;
  lease: Lease;
}

export type QueueDepth = Record<JobState, number>;

/** Thrown by validateJobSpec; `issues` name every field that was wrong. */
export class JobSpecError extends Error {
  override name = 'JobSpecError';
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(message);
  }
}

/**
 * Thrown by a handler when retrying cannot help (bad payload, a listing the marketplace rejects for
 * good): the job goes straight to 'dead' with this message instead of using up its attempts.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export const DEFAULT_PRIORITY = 100;
export const DEFAULT_MAX_ATTEMPTS = 8;
