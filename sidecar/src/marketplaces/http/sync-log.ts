import type { Knex } from 'knex';
import type { Logger } from '../../util/logger';

export interface SyncLogRow {
  marketplace_id: number | null;
  direction: 'out';
  method: string;
  path: string;
  status: number | null;
  duration_ms: number;
  remote_request_id: string | null;
  error: string | null;
}

/**
 * Buffers one row per marketplace call and writes them to meschain_sync_logs in batches, off the
 * request's path. Rows carry method, path, status, duration, remote request id and an error summary —
 * never headers, credentials or bodies. Losing the last buffer in a crash loses log lines, not data.
 */
export class SyncLogWriter {
  private buffer: SyncLogRow[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly knex: Knex,
    private readonly logger?: Logger,
    private readonly flushEveryMs = 250,
    private readonly maxBuffer = 200,
  ) {}

  add(row: SyncLogRow): void {
    this.buffer.push({
      ...row,
      path: row.path.slice(0, 512),
      remote_request_id: row.remote_request_id?.slice(0, 128) ?? null,
      error: row.error?.slice(0, 2000) ?? null,
    });
    if (this.buffer.length >= this.maxBuffer) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
      this.timer.unref();
    }
  }

  /** Writes everything buffered so far; resolves when it is in the table. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length === 0) return;
      try {
        await this.knex('meschain_sync_logs').insert(rows);
      } catch (err) {
        this.logger?.warn({ err: (err as Error).message, rows: rows.length }, 'could not write marketplace call log rows');
      }
    });
    return this.flushing;
  }
}
