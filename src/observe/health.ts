/**
 * Liveness: the loop calls heartbeat() as it makes progress; /healthz fails once no heartbeat has
 * come for longer than the staleness limit, so the orchestrator replaces a wedged controller.
 */

/** The default staleness: twice the resync interval when known, else 10 minutes. */
export function defaultStaleAfterMs(resyncIntervalMs?: number): number {
  return resyncIntervalMs !== undefined && resyncIntervalMs > 0 ? 2 * resyncIntervalMs : 10 * 60_000;
}

export interface HealthOptions {
  /** How long without a heartbeat before the loop counts as dead. */
  staleAfterMs?: number;
  /** The clock (epoch ms). */
  now?: () => number;
}

export interface HealthReport {
  alive: boolean;
  /** Milliseconds since the last heartbeat (or since start when none came yet). */
  sinceHeartbeatMs: number;
  staleAfterMs: number;
}

/** Tracks the loop's heartbeat; starting counts as the first one. */
export class Health {
  readonly staleAfterMs: number;
  private readonly now: () => number;
  private last: number;

  constructor(options: HealthOptions = {}) {
    this.staleAfterMs = options.staleAfterMs ?? defaultStaleAfterMs();
    this.now = options.now ?? Date.now;
    this.last = this.now();
  }

  /** Records that the loop is alive and making progress. */
  heartbeat(): void {
    this.last = this.now();
  }

  /** Whether a heartbeat came within the staleness limit, and how long ago. */
  check(): HealthReport {
    const since = this.now() - this.last;
    return { alive: since <= this.staleAfterMs, sinceHeartbeatMs: since, staleAfterMs: this.staleAfterMs };
  }
}
