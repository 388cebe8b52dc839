/** Timing helpers for sources: jitter, a debouncer with a latency bound, and a single-flight refresher. */

/** `ms` spread uniformly over ±10%, so many controllers polling one bucket do not synchronise. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(ms * (0.9 + 0.2 * random())));
}

/**
 * Runs `fire` once a burst of `poke()` calls has been quiet for `quietMs`, but never later than
 * `maxWaitMs` after the burst began, so a steady trickle of events cannot starve it.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;
  private burstStart = 0;

  constructor(
    private readonly fire: () => void,
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Notes an event. */
  poke(): void {
    const now = Date.now();
    if (this.timer === undefined) this.burstStart = now;
    else clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.quietMs, this.burstStart + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, delay);
  }

  /** Drops a pending burst. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Runs `run` one at a time: a trigger during a run schedules exactly one more run after it, so an
 * event that arrives while a read is in progress is never lost. `run` must not reject.
 */
export class Refresher {
  private running = false;
  private again = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly stopped: () => boolean,
  ) {}

  /** Starts a run now, or once the current one finishes. */
  trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  /** Whether a run is in progress (tests and shutdown use it). */
  get busy(): boolean {
    return this.running;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        if (this.stopped()) return;
        try {
          await this.run();
        } catch {
          // `run` reports its own failures; this only keeps a bug from becoming an unhandled rejection.
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }
}
