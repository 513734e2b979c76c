export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  status: number;
  /** What the sandbox did: handled, rate_limited, auth, fault_error, fault_timeout, fault_drop. */
  outcome: string;
}

/** Counts and a bounded log of API requests, for tests and benchmarks that assert on what arrived. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private total = 0;
  private readonly byRoute = new Map<string, number>();
  private readonly byOutcome = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  add(entry: LoggedRequest): void {
    this.total += 1;
    const key = `${entry.method} ${entry.route}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
    this.byOutcome.set(entry.outcome, (this.byOutcome.get(entry.outcome) ?? 0) + 1);
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  counts(): { total: number; byRoute: Record<string, number>; byOutcome: Record<string, number> } {
    return { total: this.total, byRoute: Object.fromEntries(this.byRoute), byOutcome: Object.fromEntries(this.byOutcome) };
  }

  list(filter: { route?: string; since?: number } = {}): LoggedRequest[] {
    return this.entries.filter((e) => (filter.route === undefined || e.route.includes(filter.route)) && (filter.since === undefined || e.at >= filter.since));
  }

  reset(): void {
    this.entries = [];
    this.total = 0;
    this.byRoute.clear();
    this.byOutcome.clear();
  }
}
