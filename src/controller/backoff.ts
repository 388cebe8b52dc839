/**
 * Per-key exponential backoff with jitter: 1 s doubling, capped at 5 minutes; success resets it
 * (the controller-runtime rate limiter's shape).
 */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Fraction of the delay added or removed at random (0.2 = ±20%). */
  jitter: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60_000, jitter: 0.2 };

export class KeyedBackoff {
  private readonly failures = new Map<string, number>();
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {
    this.random = options.random ?? Math.random;
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const raw = Math.min(this.options.maxMs, this.options.baseMs * 2 ** Math.min(n - 1, 30));
    const jittered = raw * (1 + this.options.jitter * (2 * this.random() - 1));
    return Math.round(Math.min(this.options.maxMs, Math.max(0, jittered)));
  }

  /** How many consecutive failures `key` has. */
  attempts(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Forgets `key`'s failures (after a success, or when it is no longer declared). */
  forget(key: string): void {
    this.failures.delete(key);
  }
}
