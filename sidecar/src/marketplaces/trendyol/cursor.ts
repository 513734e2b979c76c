import { MarketplaceError } from '../errors';

/**
 * Order/claim cursors: a last-modified position in real UTC ms, plus a page index used only when more
 * than a page of packages share one timestamp. Kept short (it is stored in a 255-character column).
 *
 *   o1:<sinceMs>:<skip>   orders, keyset on PackageLastModifiedDate
 *   r1:<sinceMs>:<page>   claims, paged within a window
 */
export interface CursorState {
  since: number;
  skip: number;
}

export function encodeCursor(kind: 'o' | 'r', state: CursorState): string {
  return `${kind}1:${Math.floor(state.since)}:${state.skip}`;
}

export function decodeCursor(kind: 'o' | 'r', cursor: string | null): CursorState | null {
  if (cursor === null || cursor === '') return null;
  const m = new RegExp(`^${kind}1:(\\d+):(\\d+)$`).exec(cursor);
  if (!m) throw new MarketplaceError('validation', `not a Trendyol ${kind === 'o' ? 'order' : 'claim'} cursor: ${cursor.slice(0, 60)}`, { marketplace: 'trendyol' });
  return { since: Number(m[1]), skip: Number(m[2]) };
}

/**
 * Remembers what was already handed out (package id + status), so the overlap re-read and the tie
 * handling of the cursor do not hand the same state out twice in one process. Bounded; oldest first out.
 */
export class SeenSet {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity = 100_000) {}

  /** True when the key is new (and remembers it). */
  add(key: string): boolean {
    if (this.keys.has(key)) return false;
    this.keys.set(key, true);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.keys().next();
      if (!oldest.done) this.keys.delete(oldest.value);
    }
    return true;
  }
}
