import type { SourceError, SourceSnapshot } from './types.js';

/**
 * Decides what a watcher tells its consumer: a snapshot only when the revision changed (or when it
 * is the first good read after an error), and errors as they come. A consumer callback that throws
 * is reported through onError and never escapes into a timer or watcher callback.
 */
export class SnapshotGate {
  private lastRevision: string | undefined;
  private failing = false;

  constructor(
    private readonly onSnapshot: (s: SourceSnapshot) => void,
    private readonly onError: (e: SourceError) => void,
    private readonly subject: string,
  ) {}

  /** Hands a good read to the consumer unless it repeats the last one; returns whether it was emitted. */
  success(snapshot: SourceSnapshot): boolean {
    if (snapshot.revision === this.lastRevision && !this.failing) return false;
    this.lastRevision = snapshot.revision;
    this.failing = false;
    try {
      this.onSnapshot(snapshot);
    } catch (err) {
      this.report({ message: `${this.subject}: the snapshot consumer failed: ${err instanceof Error ? err.message : String(err)}`, cause: err });
    }
    return true;
  }

  /** Reports a failed read; the next good read is emitted whatever its revision. */
  failure(error: SourceError): void {
    this.failing = true;
    this.report(error);
  }

  /** Reports a problem that does not invalidate the last snapshot (e.g. a folder that cannot be watched). */
  warn(error: SourceError): void {
    this.report(error);
  }

  private report(error: SourceError): void {
    try {
      this.onError(error);
    } catch {
      // The consumer's error handler failed too: there is no one left to tell.
    }
  }
}
