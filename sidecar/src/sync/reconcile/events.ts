import { EventEmitter } from 'node:events';

/** Progress of sync and reconciliation runs, for the CLI's progress bar and a future UI (also persisted in meschain_sync_runs). */

export interface RunProgress {
  runId: number;
  accountId: number;
  kind: 'sync' | 'reconcile';
  state: 'running' | 'done' | 'failed' | 'abandoned';
  total: number;
  done: number;
  drift: number;
  listed: number;
  errors: number;
  error: string | null;
}

export interface SyncEventMap {
  progress: [RunProgress];
  finished: [RunProgress];
}

export class SyncEvents extends EventEmitter<SyncEventMap> {}
