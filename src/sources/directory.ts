/** The directory source: a folder tree of manifests, watched and re-read after each burst of changes. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../manifests/decode.js';
import { ContentMemo, SETTLE_MS } from './dir-memo.js';
import { nodeDirFs, scanDirectory, type DirFs, type DirectoryScan } from './dir-scan.js';
import { WatchSet } from './dir-watch.js';
import { toSourceError, toSourceReadError } from './errors.js';
import { SnapshotGate } from './gate.js';
import { isRelevantEventName } from './names.js';
import { RemovalGuard } from './removals.js';
import { Debouncer, Refresher, jittered } from './schedule.js';
import { STATUS_FILE, STATUS_FOLDER } from './types.js';
import type { ManifestSource, SourceError, SourceOptions, SourceSnapshot } from './types.js';

const DEFAULT_DEBOUNCE_MS = 250;
const DEFAULT_POLL_MS = 30_000;
/** A burst of events delays a re-read by at most this many debounce periods. */
const MAX_WAIT_FACTOR = 4;

/** Manifests in a local folder tree (including Kubernetes-style ConfigMap volume mounts). */
export class DirectorySource implements ManifestSource {
  readonly description: string;
  private readonly maxFileSize: number;
  private readonly debounceMs: number;
  private readonly pollIntervalMs: number;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly fs: DirFs;
  private readonly scanTimeoutMs: number | undefined;
  private readonly onRead: ((ok: boolean) => void) | undefined;
  // Reads after a file event reuse what an earlier read saw of unchanged files; full reads refill it.
  private readonly memo = new ContentMemo();
  // What the reads handed out, so a file that vanished or emptied is believed gone only when confirmed.
  private readonly guard: RemovalGuard;

  /** `fs` replaces file system calls (tests); the rest are the real ones. */
  constructor(
    private readonly root: string,
    options: SourceOptions = {},
    fs: Partial<DirFs> = {},
  ) {
    this.description = `directory ${root}`;
    this.maxFileSize = options.maxFileSize ?? DEFAULT_LIMITS.maxFileSize;
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.fs = { ...nodeDirFs(options.readTimeoutMs), ...fs };
    this.scanTimeoutMs = options.readTimeoutMs === undefined ? undefined : Math.max(options.readTimeoutMs * 4, 1000);
    this.onRead = options.onRead;
    this.guard = new RemovalGuard(options.settleMs ?? SETTLE_MS);
  }

  /** One scan, reviewed by the removal guard; reports the outcome to `onRead`. */
  private async scan(trust: boolean, signal?: AbortSignal): Promise<{ scan: DirectoryScan; snapshot: SourceSnapshot; confirmAt?: number }> {
    const startedAt = this.now();
    try {
      const scan = await scanDirectory(this.root, {
        maxFileSize: this.maxFileSize,
        fs: this.fs,
        reuse: { memo: this.memo, trust },
        ...(signal === undefined ? {} : { signal }),
        ...(this.scanTimeoutMs === undefined ? {} : { timeoutMs: this.scanTimeoutMs }),
      });
      const reviewed = this.guard.review(scan, startedAt);
      this.onRead?.(true);
      return { scan, ...reviewed };
    } catch (err) {
      if (!(signal?.aborted ?? false)) this.onRead?.(false);
      throw err;
    }
  }

  async read(signal?: AbortSignal): Promise<SourceSnapshot> {
    try {
      return (await this.scan(false, signal)).snapshot;
    } catch (err) {
      if (signal?.aborted) throw err;
      throw toSourceReadError(this.description, err);
    }
  }

  watch(onSnapshot: (s: SourceSnapshot) => void, onError: (e: SourceError) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const gate = new SnapshotGate(onSnapshot, onError, this.description);
    const stopped = (): boolean => signal.aborted;
    // A read that saw a file vanish is retried once the tree settles; only once in a row, so a
    // persistently unreadable file does not turn into a busy loop.
    let retriedRace = false;
    // The periodic re-read reads every file again rather than trusting file identities, so that it
    // also repairs a change no timestamp showed (a clock set back, a file system with coarse times).
    let fullReadDue = false;
    // A read that confirms (or not) a file that went missing or empty, one settle period later.
    let confirmTimer: NodeJS.Timeout | undefined;

    const refresher = new Refresher(async () => {
      const trust = !fullReadDue;
      fullReadDue = false;
      try {
        const { scan, snapshot, confirmAt } = await this.scan(trust, signal);
        if (stopped()) return;
        // Folders seen for the first time (or replaced) were read before their watcher existed: read once more.
        const newFolders = watchers.sync(scan.watchDirs);
        gate.success(snapshot);
        const retry = scan.raced && !retriedRace;
        retriedRace = scan.raced;
        if (newFolders || retry) debouncer.poke();
        clearTimeout(confirmTimer);
        if (confirmAt !== undefined) confirmTimer = setTimeout(() => refresher.trigger(), Math.max(0, confirmAt - this.now()) + 1);
      } catch (err) {
        if (stopped()) return;
        watchers.sync([]);
        gate.failure(toSourceError(this.description, err));
      }
    }, stopped);

    const debouncer = new Debouncer(() => refresher.trigger(), this.debounceMs, this.debounceMs * MAX_WAIT_FACTOR);
    const watchers = new WatchSet({
      onEvent: (name) => {
        if (!stopped() && isRelevantEventName(name)) debouncer.poke();
      },
      onWatchError: (dir, err) => {
        const e = toSourceError(`${this.description}: cannot watch ${dir} (changes there are picked up by the periodic re-read)`, err);
        gate.warn(e);
      },
    });

    // The periodic re-read repairs anything the watchers missed (a dropped event, a folder recreated).
    let pollTimer: NodeJS.Timeout | undefined;
    const schedulePoll = (): void => {
      pollTimer = setTimeout(() => {
        if (stopped()) return;
        fullReadDue = true;
        refresher.trigger();
        schedulePoll();
      }, jittered(this.pollIntervalMs, this.random));
    };

    signal.addEventListener(
      'abort',
      () => {
        debouncer.cancel();
        if (pollTimer !== undefined) clearTimeout(pollTimer);
        clearTimeout(confirmTimer);
        watchers.close();
      },
      { once: true },
    );
    refresher.trigger();
    schedulePoll();
  }

  close(): void {
    // Watchers belong to `watch` calls and close with their signals: nothing else is held.
  }

  async writeStatus(json: string, signal?: AbortSignal): Promise<void> {
    const folder = path.join(this.root, STATUS_FOLDER);
    const target = path.join(folder, STATUS_FILE);
    // Write a temporary file and rename it over the target, so readers never see half a document.
    const temp = path.join(folder, `.${STATUS_FILE}.${process.pid}.${randomUUID()}.tmp`);
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(temp, json, { encoding: 'utf8', ...(signal === undefined ? {} : { signal }) });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw toSourceReadError(`${this.description}: cannot write ${target}`, err);
    }
  }
}
