/**
 * What a directory read remembers of each file it read (content and hash, under the file's identity:
 * device, inode, size, modification and change times), so the next read after a change re-reads only
 * the files whose identity moved. A Kubernetes `..data` swap or an atomic rename gives a file a new
 * inode, an in-place write a new mtime.
 */
import type { Stats } from 'node:fs';

/**
 * A file whose timestamps are this close to the start of the read that saw it is not remembered:
 * a second write within the same timestamp tick (coarse clocks, 2 s on FAT) and with the same size
 * would otherwise look unchanged. Such a file is simply read again next time.
 */
export const SETTLE_MS = 2_000;

/** A file's content as one read saw it. */
export interface RememberedFile {
  content: Uint8Array;
  hash: string;
}

export interface MemoEntry extends RememberedFile {
  real: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function sameIdentity(e: MemoEntry, real: string, s: Stats): boolean {
  return e.real === real && e.dev === s.dev && e.ino === s.ino && e.size === s.size && e.mtimeMs === s.mtimeMs && e.ctimeMs === s.ctimeMs;
}

/** The memory shared by successive reads of one folder tree. */
export class ContentMemo {
  private entries = new Map<string, MemoEntry>();

  /** `now` is the clock file times are compared with (tests move it to make fresh files look settled). */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Starts one read. With `trust` false every file is read from disk (the memo is only refilled),
   * so a periodic full read still repairs anything a timestamp could hide.
   */
  begin(trust: boolean): MemoRead {
    return new MemoRead(this, this.entries, trust, this.now());
  }

  /** Keeps what one completed read saw, and only that (a deleted file is forgotten). */
  replace(entries: Map<string, MemoEntry>): void {
    this.entries = entries;
  }

  /** How many files are remembered. */
  get size(): number {
    return this.entries.size;
  }
}

/** The memo as one read uses it: look-ups against the last read, entries for the next one. */
export class MemoRead {
  private readonly next = new Map<string, MemoEntry>();

  constructor(
    private readonly memo: ContentMemo,
    private readonly previous: ReadonlyMap<string, MemoEntry>,
    private readonly trust: boolean,
    private readonly startedAt: number,
  ) {}

  /** The remembered content of `path` if the file (reached at `real`, with stats `s`) did not change. */
  lookup(path: string, real: string, s: Stats): RememberedFile | undefined {
    if (!this.trust) return undefined;
    const e = this.previous.get(path);
    if (e === undefined || !sameIdentity(e, real, s)) return undefined;
    this.next.set(path, e);
    return e;
  }

  /** Notes what was read from `path`; `s` must be the stats taken before reading. */
  remember(path: string, real: string, s: Stats, file: RememberedFile): void {
    if (Math.max(s.mtimeMs, s.ctimeMs) > this.startedAt - SETTLE_MS) return;
    this.next.set(path, { ...file, real, dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs });
  }

  /** Ends the read: what it saw becomes what the next read compares with. */
  commit(): void {
    this.memo.replace(this.next);
  }
}
