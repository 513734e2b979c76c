/** Sync and reconciliation runs with persisted progress and events. */
export { SyncEvents, type RunProgress, type SyncEventMap } from './events';
export { startRun, runPage, getRun, latestRuns, PAGE_SIZE, type RunKind } from './run';
export { ReconcileScheduler } from './scheduler';
