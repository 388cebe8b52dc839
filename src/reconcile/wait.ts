/**
 * Waiting on AWS's asynchronous work (Cloud Map operations, deployments, draining services) with
 * capped, jittered backoff via p-retry. This is the only retry layer above the SDK's own per-call
 * retries.
 */
import pRetry, { AbortError } from 'p-retry';
import { ReconcileError } from './errors.js';
import type { Failure } from './ports.js';

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** First poll interval; grows by `factor` (default 1.5) up to `maxIntervalMs`, each randomised up to 2x. */
  intervalMs: number;
  maxIntervalMs: number;
  factor?: number;
  /** Randomise each interval up to 2x (default true), so many waiters do not poll in step. */
  randomize?: boolean;
  signal?: AbortSignal;
}

export const DEFAULT_WAIT: WaitOptions = { timeoutMs: 10 * 60_000, intervalMs: 250, maxIntervalMs: 5_000 };

/** The code of a wait that ran out of time. */
export const WAIT_TIMED_OUT = 'WaitTimedOut';

class NotYet extends Error {
  constructor(readonly status: string) {
    super(status);
    this.name = 'NotYet';
  }
}

/** A wait that ended without the awaited state: it timed out, or the awaited work failed. */
export class WaitError extends ReconcileError {
  constructor(message: string, failure: Pick<Failure, 'category' | 'code'>, options?: { cause?: unknown }) {
    super(message, { category: failure.category, ...(failure.code !== undefined ? { code: failure.code } : {}), ...(options?.cause !== undefined ? { cause: options.cause } : {}) });
    this.name = 'WaitError';
  }
}

/** One poll's answer: done (with a value), not yet (with a status to report), or failed (for good). */
export type PollResult<T> = { done: true; value: T } | { done: false; status: string } | { failed: string; category: Failure['category']; code?: string };

/** Polls `check` until it reports done or failed, or the timeout passes. */
export async function waitUntil<T>(what: string, check: () => Promise<PollResult<T>>, options: WaitOptions): Promise<T> {
  let lastStatus = 'not started';
  try {
    return await pRetry(
      async () => {
        const r = await check();
        if ('failed' in r) throw new AbortError(new WaitError(`${what}: ${r.failed}`, r));
        if (!r.done) {
          lastStatus = r.status;
          throw new NotYet(r.status);
        }
        return r.value;
      },
      {
        retries: Number.MAX_SAFE_INTEGER,
        factor: options.factor ?? 1.5,
        minTimeout: options.intervalMs,
        maxTimeout: options.maxIntervalMs,
        randomize: options.randomize ?? true,
        maxRetryTime: options.timeoutMs,
        ...(options.signal ? { signal: options.signal } : {}),
        // A failed poll because of throttling or a transient fault is retried like "not yet".
        shouldRetry: ({ error }) => error instanceof NotYet || isRetryableAwsError(error),
      },
    );
  } catch (err) {
    if (err instanceof WaitError) throw err;
    if (err instanceof NotYet) {
      throw new WaitError(`${what}: timed out after ${Math.round(options.timeoutMs / 1000)}s (last status: ${lastStatus})`, { category: 'Transient', code: WAIT_TIMED_OUT });
    }
    throw err;
  }
}

function isRetryableAwsError(err: unknown): boolean {
  const category = (err as { category?: unknown }).category;
  return category === 'Throttled' || category === 'Transient';
}
