/**
 * Publishes controller events without ever holding up a reconcile: `publish` only queues; a
 * background loop sends batches of at most 10 entries (PutEvents' limit), at most one call per
 * `minIntervalMs`. Entries PutEvents refuses (`FailedEntryCount`) or a failed call are retried with
 * exponential backoff; after `maxAttempts` they are dropped, counted, and said in one log line.
 * The queue is bounded: past `maxPending` the oldest events are dropped the same way.
 */
import { keepAliveClock, sleep } from '../util/clock.js';
import type { Logger } from '../observe/logger.js';
import type { EventEntry, EventSink } from './sink.js';
import { EVENT_SOURCE, type ControllerEvent } from './types.js';

/** Time for the publisher: now and sleeping (tests inject one). */
export interface PublisherClock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** What the publisher counts (the controller's Metrics implements it). */
export interface EventMetrics {
  eventsSent(detailType: string, n: number): void;
  eventsFailed(errorCode: string, n: number): void;
  eventsDropped(reason: 'attempts' | 'queue-full' | 'shutdown', n: number): void;
  eventsPending(n: number): void;
}

export interface PublisherOptions {
  /** The event bus name or ARN (`default` unless --events eventbridge:BUS). */
  bus: string;
  clock?: PublisherClock;
  logger?: Logger;
  metrics?: EventMetrics;
  /** Entries per PutEvents call (at most 10). */
  batchSize?: number;
  /** Least time between two calls, ms. */
  minIntervalMs?: number;
  /** Attempts per event before it is dropped. */
  maxAttempts?: number;
  /** First retry delay, ms; doubled per attempt up to `backoffMaxMs`. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Events held at most; the oldest go first beyond it. */
  maxPending?: number;
}

/** PutEvents takes at most 10 entries (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export const MAX_BATCH = 10;

const systemClock: PublisherClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(keepAliveClock, ms, signal),
};

interface Pending {
  event: ControllerEvent;
  attempts: number;
  /** Not sent before this time (backoff), epoch ms. */
  notBefore: number;
  lastError?: string;
}

/** A bounded queue of events and the loop that publishes them. */
export class EventPublisher {
  private readonly queue: Pending[] = [];
  private readonly clock: PublisherClock;
  private readonly batchSize: number;
  private readonly minIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxPending: number;
  private wake: AbortController | undefined;
  private lastCall = Number.NEGATIVE_INFINITY;
  private overflowing = false;

  constructor(
    private readonly sink: EventSink,
    private readonly options: PublisherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.batchSize = Math.min(MAX_BATCH, Math.max(1, options.batchSize ?? MAX_BATCH));
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 30_000;
    this.maxPending = options.maxPending ?? 1_000;
  }

  /** Events queued and not yet published. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues an event; never waits, never throws. */
  publish(event: ControllerEvent): void {
    if (this.queue.length >= this.maxPending) {
      const dropped = this.queue.splice(0, this.queue.length - this.maxPending + 1);
      this.options.metrics?.eventsDropped('queue-full', dropped.length);
      if (!this.overflowing) {
        this.overflowing = true;
        this.options.logger?.error({ action: 'events', result: 'dropped', dropped: dropped.length }, `events: more than ${this.maxPending} waiting to be published; dropping the oldest`);
      }
    } else {
      this.overflowing = false;
    }
    this.queue.push({ event, attempts: 0, notBefore: 0 });
    this.options.metrics?.eventsPending(this.queue.length);
    this.wake?.abort();
  }

  /** Sends until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = this.clock.now();
      const due = this.queue.filter((p) => p.notBefore <= now);
      if (due.length === 0) {
        const next = Math.min(...this.queue.map((p) => p.notBefore));
        await this.idle(Number.isFinite(next) ? next - now : 60_000, signal);
        continue;
      }
      const gap = this.lastCall + this.minIntervalMs - now;
      if (gap > 0) {
        await this.clock.sleep(gap, signal);
        continue;
      }
      await this.send(due.slice(0, this.batchSize), signal);
    }
  }

  /** One attempt at every event still queued (backoff ignored), within `timeoutMs`; what is left is dropped and counted. */
  async flush(timeoutMs: number): Promise<void> {
    const stop = AbortSignal.timeout(timeoutMs);
    for (const p of this.queue) p.attempts = Math.max(p.attempts, this.maxAttempts - 1);
    while (this.queue.length > 0 && !stop.aborted) {
      const gap = this.lastCall + this.minIntervalMs - this.clock.now();
      if (gap > 0) await this.clock.sleep(gap, stop);
      await this.send(this.queue.slice(0, this.batchSize), stop);
    }
    if (this.queue.length > 0) this.drop(this.queue.splice(0), 'shutdown');
  }

  private async idle(ms: number, signal: AbortSignal): Promise<void> {
    this.wake = new AbortController();
    await this.clock.sleep(Math.max(0, ms), AbortSignal.any([signal, this.wake.signal]));
    this.wake = undefined;
  }

  private entry(e: ControllerEvent): EventEntry {
    return { source: EVENT_SOURCE, detailType: e.detailType, detail: JSON.stringify(e.detail), time: new Date(e.time), eventBusName: this.options.bus };
  }

  private async send(batch: Pending[], signal: AbortSignal): Promise<void> {
    for (const p of batch) this.queue.splice(this.queue.indexOf(p), 1);
    this.lastCall = this.clock.now();
    let failed: { index: number; code: string }[];
    try {
      failed = await this.sink.putEvents(
        batch.map((p) => this.entry(p.event)),
        signal,
      );
    } catch (err) {
      const code = (err as { code?: unknown; name?: unknown }).code ?? (err as { name?: unknown }).name;
      failed = batch.map((_, index) => ({ index, code: typeof code === 'string' ? code : 'Error' }));
    }
    const failedIndexes = new Set(failed.map((f) => f.index));
    const sent = batch.filter((_, i) => !failedIndexes.has(i));
    const byType = new Map<string, number>();
    for (const p of sent) byType.set(p.event.detailType, (byType.get(p.event.detailType) ?? 0) + 1);
    for (const [type, n] of byType) this.options.metrics?.eventsSent(type, n);
    const exhausted: Pending[] = [];
    const now = this.clock.now();
    for (const f of failed) {
      const p = batch[f.index];
      if (p === undefined) continue;
      this.options.metrics?.eventsFailed(f.code, 1);
      p.attempts += 1;
      p.lastError = f.code;
      if (p.attempts >= this.maxAttempts) exhausted.push(p);
      else {
        p.notBefore = now + Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (p.attempts - 1));
        this.queue.push(p);
      }
    }
    if (exhausted.length > 0) this.drop(exhausted, 'attempts');
    this.options.metrics?.eventsPending(this.queue.length);
  }

  private drop(events: Pending[], reason: 'attempts' | 'shutdown'): void {
    this.options.metrics?.eventsDropped(reason, events.length);
    const codes = [...new Set(events.map((p) => p.lastError ?? 'not sent'))].join(', ');
    this.options.logger?.error(
      { action: 'events', result: 'dropped', dropped: events.length, reason, awsErrorCode: codes, detailTypes: [...new Set(events.map((p) => p.event.detailType))] },
      reason === 'attempts'
        ? `events: ${events.length} dropped after ${this.maxAttempts} attempts (${codes})`
        : `events: ${events.length} not published before shutdown (${codes})`,
    );
  }
}
