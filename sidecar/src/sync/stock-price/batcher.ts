/**
 * Gathers the jobs a worker runs concurrently into batches of up to `maxSize`, flushing when full or
 * `lingerMs` after the first item arrived. Each submitter's promise settles with its item's outcome, so
 * every job still completes or fails on its own (the queue's retries and dead letters keep working).
 */

export interface BatchOutcome {
  /** Per item: undefined = done; an Error = that item's job fails with it. */
  errors: Map<number, Error>;
}

interface Waiting<D> {
  key: number;
  data: D | undefined;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** `D`: what a submitter hands along with its key; a key that also came without any is passed without. */
export class Batcher<D = undefined> {
  private waiting: Waiting<D>[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running = 0;

  constructor(
    private readonly flushFn: (keys: number[], data: Map<number, D>) => Promise<BatchOutcome>,
    private readonly opts: { maxSize: () => number; lingerMs: () => number; maxParallel?: number },
  ) {}

  submit(key: number, data?: D): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ key, data, resolve, reject });
      if (this.waiting.length >= this.opts.maxSize()) this.flushNow();
      else this.timer ??= setTimeout(() => this.flushNow(), this.opts.lingerMs());
    });
  }

  private flushNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.waiting.length > 0 && this.running < (this.opts.maxParallel ?? 5)) {
      const batch = this.waiting.splice(0, this.opts.maxSize());
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        if (this.waiting.length) {
          if (this.waiting.length >= this.opts.maxSize()) this.flushNow();
          else this.timer ??= setTimeout(() => this.flushNow(), this.opts.lingerMs());
        }
      });
    }
  }

  private async run(batch: Waiting<D>[]): Promise<void> {
    const keys = [...new Set(batch.map((w) => w.key))];
    const data = new Map<number, D>();
    const bare = new Set<number>();
    for (const w of batch) {
      if (w.data === undefined) bare.add(w.key);
      else data.set(w.key, w.data);
    }
    for (const k of bare) data.delete(k);
    try {
      const outcome = await this.flushFn(keys, data);
      for (const w of batch) {
        const err = outcome.errors.get(w.key);
        if (err) w.reject(err);
        else w.resolve();
      }
    } catch (err) {
      for (const w of batch) w.reject(err as Error);
    }
  }
}
