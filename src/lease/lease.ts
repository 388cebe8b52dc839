/**
 * One writer at a time: a lease held in one object of a store with conditional writes (S3).
 *
 * `If-None-Match: *` takes a lease nobody holds; `If-Match: <ETag>` renews it, or takes over one
 * that was released or has expired: whoever writes first wins, the others' conditions fail. Expiry
 * is judged on each candidate's own monotonic clock, from the moment it saw the object change;
 * timestamps written by another machine are never compared with ours, so wall-clock skew between
 * machines does not matter. What is assumed is that clocks run at about the same rate: a holder
 * stops starting writes `renewInterval` before a standby may take over, which covers rate drift
 * and the flight time of a request sent just before the holder's deadline.
 *
 * The holder renews every `renewInterval`; if it cannot renew within `duration - renewInterval` of
 * its last successful renewal, it stops starting writes and steps down. A standby tries every
 * `retryInterval`. The defaults (15 s, 5 s, 2 s) give controller-runtime's lease duration, renew
 * deadline and retry period (15 s, 10 s, 2 s).
 */
import { keepAliveClock, sleep } from '../util/clock.js';
import type { Logger } from '../observe/logger.js';
import { formatLeaseRecord, parseLeaseRecord, type LeaseRecord } from './record.js';
import { LeaseConflictError, type LeaseObject, type LeaseStore } from './store.js';

/** How long a lease lasts and how often it is renewed or retried, ms. */
export interface LeaseTimings {
  durationMs: number;
  renewIntervalMs: number;
  retryIntervalMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { durationMs: 15_000, renewIntervalMs: 5_000, retryIntervalMs: 2_000 };

/** Checks that the timings leave the holder at least two renewals before its deadline; throws RangeError otherwise. */
export function checkLeaseTimings(t: LeaseTimings): void {
  if (!(t.renewIntervalMs > 0 && t.retryIntervalMs > 0 && t.durationMs > 0)) throw new RangeError('lease duration, renew interval and retry interval must be positive');
  if (t.renewIntervalMs * 2 >= t.durationMs) throw new RangeError('the lease renew interval must be less than half the lease duration');
  if (t.retryIntervalMs > t.renewIntervalMs) throw new RangeError('the lease retry interval must not exceed the renew interval');
}

/** Time as the lease needs it: a monotonic clock for deadlines, the wall clock for what is shown, and sleeping. */
export interface LeaseClock {
  /** Milliseconds on a clock that never jumps (performance.now()). */
  monotonic(): number;
  /** Epoch milliseconds, for the record's informational times and "since". */
  wall(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemLeaseClock: LeaseClock = {
  monotonic: () => performance.now(),
  wall: () => Date.now(),
  sleep: (ms, signal) => sleep(keepAliveClock, ms, signal),
};

export type LeaseRole = 'leader' | 'standby';

/** Who leads, as this process knows it. */
export interface LeaseStatus {
  role: LeaseRole;
  /** Epoch ms this process became leader or standby. */
  since: number;
  /** This process's holder id. */
  identity: string;
  /** The holder last seen in the lease object ('' released, undefined not read yet or not a lease record). */
  holder: string | undefined;
  location: string;
}

export interface LeaseOptions {
  /** This process's holder id (unique per process: host, pid, a random part). */
  identity: string;
  controllerId: string;
  timings?: LeaseTimings;
  clock?: LeaseClock;
  logger?: Logger;
  /** Told each time this process becomes leader or standby, or sees another holder. Must not throw. */
  onChange?(status: LeaseStatus): void;
  /** Told of each failed attempt to read or write the lease object. Must not throw. */
  onError?(err: unknown): void;
}

/** A lease on one object of a store: take it, keep it, give it up. */
export class Lease {
  private readonly timings: LeaseTimings;
  private readonly clock: LeaseClock;
  private role: LeaseRole = 'standby';
  private since: number;
  /** Monotonic ms after which the holder may start no write. */
  private deadline = Number.NEGATIVE_INFINITY;
  private etag: string | undefined;
  private record: LeaseRecord | undefined;
  private seenHolder: string | undefined;
  /** The ETag last seen in someone else's lease and when (monotonic) it was first seen. */
  private observed: { etag: string; at: number } | undefined;
  private lastStepFailed = false;

  constructor(
    private readonly store: LeaseStore,
    private readonly options: LeaseOptions,
  ) {
    this.timings = options.timings ?? DEFAULT_LEASE_TIMINGS;
    checkLeaseTimings(this.timings);
    this.clock = options.clock ?? systemLeaseClock;
    this.since = this.clock.wall();
  }

  /** Who leads, as this process knows it (a holder past its deadline is already standby). */
  get status(): LeaseStatus {
    this.stepDownIfDue();
    return { role: this.role, since: this.since, identity: this.options.identity, holder: this.seenHolder, location: this.store.location };
  }

  /** Whether a write may start now: this process holds the lease and is before its renew deadline. */
  writesAllowed(): boolean {
    return this.role === 'leader' && this.clock.monotonic() < this.deadline;
  }

  /** One attempt to take or renew the lease. Never throws: failures are reported and retried by `run`. */
  async step(signal?: AbortSignal): Promise<void> {
    this.stepDownIfDue();
    const started = this.clock.monotonic();
    try {
      if (this.role === 'leader' && this.etag !== undefined && this.record !== undefined) {
        try {
          await this.write(this.renewed(this.record), this.etag, started, signal);
          this.lastStepFailed = false;
          return;
        } catch (err) {
          // Someone wrote the object since our last renewal (or our last renewal's answer was
          // lost): read it and decide afresh.
          if (!(err instanceof LeaseConflictError)) throw err;
        }
      }
      await this.decide(await this.store.read(signal), started, signal);
      this.lastStepFailed = false;
    } catch (err) {
      this.lastStepFailed = !(err instanceof LeaseConflictError);
      if (err instanceof LeaseConflictError) {
        // Another candidate wrote first: it leads (or will); look again on the next attempt.
        this.options.logger?.debug({ action: 'lease', result: 'lost-race', lease: this.store.location }, `${this.store.location}: another controller wrote the lease first`);
      } else {
        this.options.onError?.(err);
        this.options.logger?.warn({ err, action: 'lease', result: 'failed', lease: this.store.location, role: this.role }, `${this.store.location}: could not ${this.role === 'leader' ? 'renew' : 'read or take'} the lease`);
      }
    }
    this.stepDownIfDue();
  }

  /** Decides from the object as read: take it, keep it, or wait. */
  private async decide(current: LeaseObject | undefined, started: number, signal?: AbortSignal): Promise<void> {
    if (current === undefined) {
      const record = this.newRecord(0);
      this.adopt(await this.store.create(formatLeaseRecord(record), signal), record, started);
      return;
    }
    const theirs = parseLeaseRecord(current.body);
    this.see(theirs?.holder);
    if (theirs?.holder === this.options.identity) {
      // Ours: a renewal whose answer was lost, or one we gave up on in time. Nobody took it since
      // (the ETag would have changed), so keep it.
      await this.write(this.renewed(theirs), current.etag, started, signal);
      return;
    }
    if (this.role === 'leader') this.become('standby');
    if (theirs?.holder === '') {
      await this.write(this.newRecord(theirs.transitions + 1), current.etag, started, signal);
      return;
    }
    const now = this.clock.monotonic();
    if (this.observed?.etag !== current.etag) {
      this.observed = { etag: current.etag, at: now };
      return;
    }
    // Unchanged for the holder's whole lease duration on our clock: it has stopped writing.
    const duration = theirs?.durationMs ?? this.timings.durationMs;
    if (now - this.observed.at >= duration) {
      this.options.logger?.info({ action: 'lease', result: 'expired', holder: theirs?.holder, lease: this.store.location }, `${this.store.location}: the lease of ${theirs?.holder ?? 'an unknown holder'} expired; taking over`);
      await this.write(this.newRecord((theirs?.transitions ?? 0) + 1), current.etag, started, signal);
    }
  }

  private newRecord(transitions: number): LeaseRecord {
    const now = this.nowIso();
    return { holder: this.options.identity, controllerId: this.options.controllerId, durationMs: this.timings.durationMs, acquiredAt: now, renewedAt: now, transitions, renewals: 0 };
  }

  private renewed(record: LeaseRecord): LeaseRecord {
    return { ...record, renewedAt: this.nowIso(), renewals: record.renewals + 1 };
  }

  private async write(record: LeaseRecord, etag: string, started: number, signal?: AbortSignal): Promise<void> {
    this.adopt(await this.store.replace(formatLeaseRecord(record), etag, signal), record, started);
  }

  /** We hold the lease as written at `etag`; writes may start until `started + duration - renewInterval`. */
  private adopt(etag: string, record: LeaseRecord, started: number): void {
    this.etag = etag;
    this.record = record;
    this.seenHolder = record.holder;
    this.observed = undefined;
    this.deadline = started + this.timings.durationMs - this.timings.renewIntervalMs;
    if (this.role !== 'leader') this.become('leader');
  }

  /** Notes the holder seen in the object; a new one is reported. */
  private see(holder: string | undefined): void {
    if (holder === this.seenHolder) return;
    this.seenHolder = holder;
    // While leading, the next decision (keep it or step down) reports the change.
    if (this.role === 'standby') this.options.onChange?.(this.status);
  }

  private stepDownIfDue(): void {
    if (this.role === 'leader' && this.clock.monotonic() >= this.deadline) {
      this.options.logger?.error(
        { action: 'lease', result: 'expired', lease: this.store.location },
        `${this.store.location}: could not renew the lease in time; no new writes until it is taken again`,
      );
      this.become('standby');
    }
  }

  private become(role: LeaseRole): void {
    this.role = role;
    this.since = this.clock.wall();
    if (role === 'standby') {
      this.deadline = Number.NEGATIVE_INFINITY;
      this.etag = undefined;
      this.record = undefined;
    }
    const status = this.status;
    this.options.logger?.info(
      { action: 'lease', result: role, holder: status.holder, lease: this.store.location },
      role === 'leader' ? `leader: holding ${this.store.location}` : `standby: ${status.holder ? `${status.holder} holds` : 'waiting for'} ${this.store.location}`,
    );
    this.options.onChange?.(status);
  }

  /** Takes and keeps the lease until `signal` aborts: every renewInterval while leading, every retryInterval otherwise. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // One attempt may take no longer than the holder's whole renew window: past it the holder
      // has stepped down anyway, and a standby tries again.
      await this.step(AbortSignal.any([signal, AbortSignal.timeout(this.timings.durationMs - this.timings.renewIntervalMs)]));
      if (signal.aborted) return;
      const wait = this.role === 'leader' && !this.lastStepFailed ? this.timings.renewIntervalMs : this.timings.retryIntervalMs;
      // A leader wakes at its deadline at the latest, to step down on time.
      const untilDeadline = this.role === 'leader' ? Math.max(0, this.deadline - this.clock.monotonic()) : wait;
      await this.clock.sleep(Math.min(wait, untilDeadline), signal);
    }
  }

  /** Resolves true once this process leads, false when `timeoutMs` passes or `signal` aborts first (run() must be running). */
  async whenLeader(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    const end = this.clock.monotonic() + timeoutMs;
    while (!this.writesAllowed()) {
      const left = end - this.clock.monotonic();
      if (left <= 0 || signal.aborted) return false;
      await this.clock.sleep(Math.min(left, 50), signal);
    }
    return true;
  }

  /** Gives the lease up so a standby takes over at once; only if still ours. Never throws. Stop run() first. */
  async release(signal?: AbortSignal): Promise<void> {
    if (this.role !== 'leader' || this.etag === undefined || this.record === undefined) return;
    const released: LeaseRecord = { ...this.renewed(this.record), holder: '' };
    try {
      await this.store.replace(formatLeaseRecord(released), this.etag, signal);
      this.options.logger?.info({ action: 'lease', result: 'released', lease: this.store.location }, `released ${this.store.location}`);
    } catch (err) {
      this.options.logger?.warn({ err, action: 'lease', result: 'failed', lease: this.store.location }, `${this.store.location}: could not release the lease; a standby takes over when it expires`);
    }
    this.seenHolder = '';
    this.become('standby');
  }

  private nowIso(): string {
    return new Date(this.clock.wall()).toISOString();
  }
}
