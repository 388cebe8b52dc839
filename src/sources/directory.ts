/** The directory source: a folder tree of manifests, watched and re-read after each burst of changes. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../manifests/decode.js';
import { ContentMemo } from './dir-memo.js';
import { scanDirectory, type ReadFileFn } from './dir-scan.js';
import { WatchSet } from './dir-watch.js';
import { toSourceError, toSourceReadError } from './errors.js';
import { SnapshotGate } from './gate.js';
import { isRelevantEventName } from './names.js';
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
  // Reads after a file event reuse what an earlier read saw of unchanged files; full reads refill it.
  private readonly memo = new ContentMemo();

  constructor(
    private readonly root: string,
    options: SourceOptions = {},
    private readonly readFileFn?: ReadFileFn,
  ) {
    this.description = `directory ${root}`;
    this.maxFileSize = options.maxFileSize ?? DEFAULT_LIMITS.maxFileSize;
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.random = options.random ?? Math.random;
  }

  async read(signal?: AbortSignal): Promise<SourceSnapshot> {
    try {
      return (await scanDirectory(this.root, this.maxFileSize, signal, this.readFileFn, { memo: this.memo, trust: false })).snapshot;
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

    const refresher = new Refresher(async () => {
      const trust = !fullReadDue;
      fullReadDue = false;
      try {
        const scan = await scanDirectory(this.root, this.maxFileSize, signal, this.readFileFn, { memo: this.memo, trust });
        if (stopped()) return;
        // Folders seen for the first time were read before their watcher existed: read once more.
        const newFolders = watchers.sync(scan.watchDirs);
        gate.success(scan.snapshot);
        const retry = scan.raced && !retriedRace;
        retriedRace = scan.raced;
        if (newFolders || retry) debouncer.poke();
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
