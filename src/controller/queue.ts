/**
 * A keyed work queue in the controller-runtime mould: it carries resource keys, never events.
 * Repeated adds collapse; a key being processed is never handed out again until it is done (and
 * is re-queued then if it was added meanwhile); change work goes ahead of resync work.
 */
import { systemClock, type Clock } from '../util/clock.js';

export type Priority = 'change' | 'resync';

export class WorkQueue<K extends string = string> {
  private readonly change = new Set<K>();
  private readonly resync = new Set<K>();
  private readonly processing = new Set<K>();
  /** Keys added while processing, re-queued on done() with their priority. */
  private readonly dirty = new Map<K, Priority>();
  /** Delayed adds, by key: what cancels each. */
  private readonly timers = new Map<K, () => void>();
  private waiter: (() => void) | undefined;
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Adds a key (collapsing with a pending add; a change add upgrades a pending resync add). */
  add(key: K, priority: Priority = 'change'): void {
    if (this.closed) return;
    if (this.processing.has(key)) {
      if (priority === 'change' || !this.dirty.has(key)) this.dirty.set(key, priority);
      return;
    }
    if (priority === 'change') {
      this.resync.delete(key);
      this.change.add(key);
    } else if (!this.change.has(key)) {
      this.resync.add(key);
    }
    this.wake();
  }

  /** Adds a key after `delayMs` (backoff); a later addAfter for the same key replaces the pending one. */
  addAfter(key: K, delayMs: number, priority: Priority = 'change'): void {
    if (this.closed) return;
    this.timers.get(key)?.();
    const cancel = this.clock.schedule(() => {
      this.timers.delete(key);
      this.add(key, priority);
    }, delayMs);
    this.timers.set(key, cancel);
  }

  /** Whether a delayed add is pending for `key`. */
  isDelayed(key: K): boolean {
    return this.timers.has(key);
  }

  /** Keys waiting (not counting delayed or in-flight ones). */
  get depth(): number {
    return this.change.size + this.resync.size;
  }

  /**
   * Waits for work and takes up to `max` keys: all pending change keys first, then resync keys.
   * Resolves with an empty list once the queue is shut down.
   */
  async take(max: number): Promise<{ keys: K[]; priority: Priority }> {
    while (this.depth === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
    if (this.closed) return { keys: [], priority: 'change' };
    const from = this.change.size > 0 ? this.change : this.resync;
    const priority: Priority = from === this.change ? 'change' : 'resync';
    const keys: K[] = [];
    for (const k of from) {
      if (keys.length >= max) break;
      keys.push(k);
    }
    for (const k of keys) {
      from.delete(k);
      this.processing.add(k);
    }
    return { keys, priority };
  }

  /** Marks keys processed; keys added meanwhile are queued again. */
  done(keys: readonly K[]): void {
    for (const k of keys) {
      this.processing.delete(k);
      const again = this.dirty.get(k);
      if (again !== undefined) {
        this.dirty.delete(k);
        this.add(k, again);
      }
    }
  }

  /** Stops handing out work and cancels delayed adds. */
  shutDown(): void {
    this.closed = true;
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
