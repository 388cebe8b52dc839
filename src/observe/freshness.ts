/**
 * Source freshness: when the source last read successfully. A source that has not read for
 * several poll intervals (a file system that stopped answering, an S3 prefix that keeps failing)
 * leaves the controller acting on an old picture, so it is not ready.
 */

/** How many poll intervals without a successful read make the source stale. */
export const STALE_AFTER_POLLS = 3;

export interface FreshnessReport {
  fresh: boolean;
  /** Milliseconds since the last successful read (or since start when none came yet). */
  sinceReadMs: number;
  staleAfterMs: number;
}

/** Tracks the source's reads; starting counts as a read, so a new controller gets its first poll intervals. */
export class SourceFreshness {
  private last: number;
  private readonly now: () => number;

  constructor(
    readonly staleAfterMs: number,
    now: () => number = Date.now,
  ) {
    this.now = now;
    this.last = now();
  }

  /** Notes a finished read; only a successful one makes the source fresh. */
  read(ok: boolean): void {
    if (ok) this.last = this.now();
  }

  /** Epoch ms of the last successful read (or of the start). */
  get lastReadAt(): number {
    return this.last;
  }

  check(): FreshnessReport {
    const since = this.now() - this.last;
    return { fresh: since <= this.staleAfterMs, sinceReadMs: since, staleAfterMs: this.staleAfterMs };
  }
}
