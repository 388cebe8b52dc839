/**
 * A set of non-recursive `fs.watch` watchers, one per folder, kept in step with the folders the last
 * read walked. Recursive `fs.watch` is not reliable on Linux with Node 20, and per-folder watches let
 * the root folder's watcher see a Kubernetes `..data` symlink swap, which recursive watchers and
 * dotfile-ignoring libraries miss. Events are only triggers: every change is confirmed by a full re-read.
 */
import { watch, type FSWatcher } from 'node:fs';

/** What the watch set reports to its owner. */
export interface WatchSetEvents {
  /** Something changed in a watched folder (`name` as the platform reports it, or null). */
  onEvent(name: string | null): void;
  /** A folder could not be watched (reported once per folder). */
  onWatchError(dir: string, err: unknown): void;
}

/** One folder to watch: its real path and its identity. */
export interface WatchTarget {
  dir: string;
  /** Device and inode: a folder replaced under the same path is another folder, whose watcher must be new. */
  id: string;
}

/** Watchers keyed by real folder path, each bound to the folder identity it was opened on. */
export class WatchSet {
  private readonly watchers = new Map<string, { w: FSWatcher; inode: string }>();
  private readonly failed = new Set<string>();

  constructor(private readonly events: WatchSetEvents) {}

  /**
   * Watches exactly `targets` (closing the rest); a folder whose inode changed since its watcher
   * was opened (the folder was replaced) is watched again, since the old watcher follows the old,
   * dead folder. Returns whether a folder was newly watched.
   */
  sync(targets: readonly WatchTarget[]): boolean {
    const wanted = new Map(targets.map((t) => [t.dir, t.id]));
    for (const [dir, entry] of this.watchers) {
      if (wanted.get(dir) !== entry.inode) {
        entry.w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of this.failed) if (!wanted.has(dir)) this.failed.delete(dir);
    let added = false;
    for (const [dir, inode] of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, (_event, name) => this.events.onEvent(typeof name === 'string' ? name : null));
        w.on('error', () => {
          // The folder went away (or the platform dropped the watch): forget it and let a re-read decide.
          w.close();
          if (this.watchers.get(dir)?.w === w) this.watchers.delete(dir);
          this.events.onEvent(null);
        });
        this.watchers.set(dir, { w, inode });
        this.failed.delete(dir);
        added = true;
      } catch (err) {
        if (!this.failed.has(dir)) {
          this.failed.add(dir);
          this.events.onWatchError(dir, err);
        }
      }
    }
    return added;
  }

  /** How many folders are watched. */
  get size(): number {
    return this.watchers.size;
  }

  /** Closes every watcher. */
  close(): void {
    for (const { w } of this.watchers.values()) w.close();
    this.watchers.clear();
    this.failed.clear();
  }
}

