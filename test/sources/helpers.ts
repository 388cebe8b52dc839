/** Test helpers for sources: record what a watcher emits, and wait on it with a deadline. */
import type { ManifestSource, SourceError, SourceSnapshot } from '../../src/sources/index.js';

/** Everything a `watch` call reported, in order. */
export class Recorder {
  readonly snapshots: SourceSnapshot[] = [];
  readonly errors: SourceError[] = [];
  readonly controller = new AbortController();

  /** Starts watching `source` into this recorder. */
  start(source: ManifestSource): this {
    source.watch(
      (s) => this.snapshots.push(s),
      (e) => this.errors.push(e),
      this.controller.signal,
    );
    return this;
  }

  stop(): void {
    this.controller.abort();
  }

  get last(): SourceSnapshot | undefined {
    return this.snapshots[this.snapshots.length - 1];
  }

  /** Waits until the n-th snapshot (1-based) arrives and returns it. */
  async snapshot(n: number, timeoutMs = 5000): Promise<SourceSnapshot> {
    await waitFor(() => this.snapshots.length >= n, timeoutMs, `snapshot #${n} (have ${this.snapshots.length})`);
    return this.snapshots[n - 1] as SourceSnapshot;
  }

  /** Waits until a snapshot satisfies `pred` and returns it. */
  async snapshotWhere(pred: (s: SourceSnapshot) => boolean, timeoutMs = 5000): Promise<SourceSnapshot> {
    await waitFor(() => this.snapshots.some(pred), timeoutMs, 'a matching snapshot');
    return this.snapshots.find(pred) as SourceSnapshot;
  }

  /** Waits until the n-th error arrives and returns it. */
  async error(n: number, timeoutMs = 5000): Promise<SourceError> {
    await waitFor(() => this.errors.length >= n, timeoutMs, `error #${n} (have ${this.errors.length})`);
    return this.errors[n - 1] as SourceError;
  }
}

/** Polls `cond` every 10 ms until it holds, failing after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A snapshot's files as `{path: text}`. */
export function contents(s: SourceSnapshot): Record<string, string> {
  return Object.fromEntries(s.files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]));
}
