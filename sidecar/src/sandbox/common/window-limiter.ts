/** Answers "may this request go now?" with fixed windows aligned to the epoch, per key. */
export interface WindowLimit {
  enabled: boolean;
  points: number;
  windowMs: number;
}

export class WindowLimiter {
  private readonly counts = new Map<string, { window: number; count: number }>();

  constructor(public limit: WindowLimit) {}

  /** Returns null when allowed, else the ms until the window ends (for Retry-After). */
  take(key: string, now: number): number | null {
    if (!this.limit.enabled) return null;
    const window = Math.floor(now / this.limit.windowMs);
    const entry = this.counts.get(key);
    if (!entry || entry.window !== window) {
      this.counts.set(key, { window, count: 1 });
      return null;
    }
    if (entry.count >= this.limit.points) return (window + 1) * this.limit.windowMs - now;
    entry.count += 1;
    return null;
  }

  reset(): void {
    this.counts.clear();
  }
}
