/** One full read of a manifest directory tree, and the folders that must be watched to see it change. */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import type { SnapshotFile } from '../manifests/load.js';
import type { ContentMemo, MemoRead } from './dir-memo.js';
import { FileReadError, readRegularFile, type ReadFileFn } from './dir-read.js';
import type { WatchTarget } from './dir-watch.js';
import { SourceReadError, abortError } from './errors.js';
import { isIgnoredName, isManifestName } from './names.js';
import { revisionOf, sha256 } from './revision.js';
import type { SourceSnapshot } from './types.js';
import { compareCodeUnits } from '../util/order.js';

export type { ReadFileFn } from './dir-read.js';

/** How deep folders may nest; deeper ones are reported unreadable rather than walked. */
const MAX_DEPTH = 32;

/** How many entries of one folder are stat'ed at once (each stat is a round trip to the thread pool). */
const STAT_BATCH = 256;

/** How long one file may take to read before it is reported unreadable. */
export const DEFAULT_READ_TIMEOUT_MS = 10_000;
/** How long a whole read may take before it fails (a folder on a file system that stopped answering). */
export const DEFAULT_SCAN_TIMEOUT_MS = 120_000;

/**
 * The file system calls a read makes. A seam: tests run them against the real file system with
 * changes made between calls, or make a file vanish between listing and reading.
 */
export interface DirFs {
  stat(p: string): Promise<Stats>;
  lstat(p: string): Promise<Stats>;
  readdir(p: string): Promise<Dirent[]>;
  realpath(p: string): Promise<string>;
  /** Reads at most `limit + 1` bytes of a regular file (see dir-read.ts). */
  readFile: ReadFileFn;
}

/** The real file system, with files read by readRegularFile under `readTimeoutMs`. */
export function nodeDirFs(readTimeoutMs: number = DEFAULT_READ_TIMEOUT_MS): DirFs {
  return {
    stat: (p) => stat(p),
    lstat: (p) => lstat(p),
    readdir: (p) => readdir(p, { withFileTypes: true }),
    realpath: (p) => realpath(p),
    readFile: (p, limit) => readRegularFile(p, limit, readTimeoutMs),
  };
}

/** What a directory read may reuse from the previous one. */
export interface ScanMemo {
  memo: ContentMemo;
  /** Reuse a file's last content when its identity did not change; false reads everything (and refills the memo). */
  trust: boolean;
}

export interface ScanOptions {
  maxFileSize: number;
  signal?: AbortSignal;
  fs?: DirFs;
  reuse?: ScanMemo;
  /** The whole read fails after this long (default 2 minutes). */
  timeoutMs?: number;
}


/** What a directory read produced. */
export interface DirectoryScan {
  snapshot: SourceSnapshot;
  /** Each file's content hash, by path. */
  hashes: Map<string, string>;
  /** Each file's identity as it was read (device, inode, size, times), by path. */
  identities: Map<string, string>;
  /** The identity of every folder walked, by the path it was reached at. */
  folders: Map<string, string>;
  /** Manifest paths listed by a folder but gone by the time they were looked at. */
  vanished: Set<string>;
  /** Folders whose entries decide the snapshot (to watch). */
  watchDirs: WatchTarget[];
  /** Whether something vanished mid-read, so a re-read soon will likely see a settled tree. */
  raced: boolean;
}

function errnoCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

function describe(err: unknown): string {
  const code = errnoCode(err);
  if (code === 'ENOENT') return 'vanished while being read';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}

/** A file's or folder's identity: the same path with another identity is another file, or a changed one. */
export function identityOf(s: Stats): string {
  return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
}

/** Which folder a path is: device and inode, which its entries changing does not change. */
function folderOf(s: Stats): string {
  return `${s.dev}:${s.ino}`;
}

/** Settles with `p`, or rejects once `signal` aborts (what `p` was doing may still finish later, unobserved). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * Reads every `*.yaml` / `*.yml` under `root` (nested, through symlinks, skipping dotfiles, dot-folders
 * and editor files). A read is complete only if every manifest it listed was read: one that vanishes,
 * cannot be read, is not a regular file when opened, grows past the limit or does not answer in time
 * is listed as unreadable. A symlink loop is walked once. Throws a SourceReadError when `root` itself
 * cannot be read or the whole read takes longer than `timeoutMs`.
 */
export async function scanDirectory(root: string, options: ScanOptions): Promise<DirectoryScan> {
  const { maxFileSize } = options;
  const fs = options.fs ?? nodeDirFs();
  const timeoutMs = options.timeoutMs ?? DEFAULT_SCAN_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
  // Every file system call is raced against the deadline: a call that never answers (a FIFO opened
  // for reading, a network file system gone away) can hold a thread-pool thread, but not the read.
  const io = <T>(p: Promise<T>): Promise<T> => untilAborted(p, signal);
  const memoRead: MemoRead | undefined = options.reuse?.memo.begin(options.reuse.trust);
  const subject = `directory ${root}`;

  const files: SnapshotFile[] = [];
  const hashes = new Map<string, string>();
  const identities = new Map<string, string>();
  const folders = new Map<string, string>();
  const vanished = new Set<string>();
  const unreadable: { path: string; reason: string }[] = [];
  const watchDirs = new Map<string, string>();
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let raced = false;

  const checkAbort = (): void => {
    if (signal.aborted) throw abortError(signal);
  };

  // The folders symlinked files live in (a Kubernetes `..data` folder, say), watched too.
  const watchLinkedDir = async (dir: string): Promise<void> => {
    if (watchDirs.has(dir)) return;
    try {
      watchDirs.set(dir, folderOf(await io(fs.stat(dir))));
    } catch (err) {
      if (signal.aborted) throw err;
      // Gone since the file was found through it: the next read sees where it went.
      raced = true;
    }
  };

  const readOne = async (p: string, dirReal: string, entry: Dirent, s: Stats): Promise<void> => {
    let real: string;
    if (entry.isSymbolicLink()) {
      try {
        real = await io(fs.realpath(p));
      } catch (err) {
        if (signal.aborted) throw err;
        raced = true;
        if (errnoCode(err) === 'ENOENT') vanished.add(p);
        unreadable.push({ path: p, reason: describe(err) });
        return;
      }
    } else {
      // Not a link, in a folder whose real path is known: no need to ask the file system.
      real = path.join(dirReal, entry.name);
    }
    if (seenFiles.has(real)) return; // the same file reached twice through symlinks
    seenFiles.add(real);
    const realDir = path.dirname(real);
    if (realDir !== dirReal) await watchLinkedDir(realDir);
    if (s.size > maxFileSize) {
      unreadable.push({ path: p, reason: `file is ${s.size} bytes, over the ${maxFileSize}-byte limit` });
      return;
    }
    const known = memoRead?.lookup(p, real, s);
    if (known !== undefined) {
      files.push({ path: p, content: known.content });
      hashes.set(p, known.hash);
      identities.set(p, identityOf(s));
      return;
    }
    try {
      // Bounded by what is read, not by what stat said a moment ago: the file may have been
      // swapped for another since.
      const content = await io(fs.readFile(p, maxFileSize));
      if (content.length > maxFileSize) throw new FileReadError(`file grew past the ${maxFileSize}-byte limit while being read`, 'EFBIG');
      const hash = sha256(content);
      files.push({ path: p, content });
      hashes.set(p, hash);
      identities.set(p, identityOf(s));
      memoRead?.remember(p, real, s, { content, hash });
    } catch (err) {
      if (signal.aborted) throw err;
      const code = errnoCode(err);
      if (code === 'ENOENT') {
        raced = true;
        vanished.add(p);
      }
      unreadable.push({ path: p, reason: describe(err) });
    }
  };

  const walk = async (dir: string, depth: number, dirStat: Stats): Promise<void> => {
    checkAbort();
    let dirReal: string;
    let entries: Dirent[];
    try {
      dirReal = await io(fs.realpath(dir));
      if (seenDirs.has(dirReal)) return; // a symlink loop, or one folder linked twice
      seenDirs.add(dirReal);
      entries = (await io(fs.readdir(dir))).filter((e) => !isIgnoredName(e.name)).sort((a, b) => compareCodeUnits(a.name, b.name));
    } catch (err) {
      if (signal.aborted) throw err;
      if (errnoCode(err) === 'ENOENT') raced = true;
      unreadable.push({ path: dir, reason: describe(err) });
      return;
    }
    folders.set(dir, identityOf(dirStat));
    watchDirs.set(dirReal, folderOf(dirStat));
    for (let start = 0; start < entries.length; start += STAT_BATCH) {
      checkAbort();
      const batch = entries.slice(start, start + STAT_BATCH);
      // Stat a batch at once (following symlinks), then handle the entries in order, so the result
      // does not depend on which stat came back first.
      const stats = await io(Promise.all(batch.map((e) => fs.stat(path.join(dir, e.name)).then((s) => ({ s }), (err: unknown) => ({ err })))));
      for (const [i, entry] of batch.entries()) {
        checkAbort();
        const p = path.join(dir, entry.name);
        const result = stats[i] as { s: Stats } | { err: unknown };
        if ('err' in result) {
          const code = errnoCode(result.err);
          if (code === 'ENOENT' || code === 'ELOOP') {
            // A dangling or self-referencing symlink is not a manifest. An entry that is itself gone
            // since the folder was listed was not read: the read is not the whole picture.
            const gone = await io(fs.lstat(p)).then(
              () => false,
              (err: unknown) => errnoCode(err) === 'ENOENT',
            );
            if (gone) {
              raced = true;
              if (isManifestName(entry.name)) {
                vanished.add(p);
                unreadable.push({ path: p, reason: describe(result.err) });
              }
            }
            continue;
          }
          if (isManifestName(entry.name)) unreadable.push({ path: p, reason: describe(result.err) });
          continue;
        }
        const s = result.s;
        if (s.isDirectory()) {
          if (depth >= MAX_DEPTH) unreadable.push({ path: p, reason: `nested deeper than ${MAX_DEPTH} folders` });
          else await walk(p, depth + 1, s);
        } else if (s.isFile() && isManifestName(entry.name)) {
          await readOne(p, dirReal, entry, s);
        }
      }
    }
  };

  try {
    let rootStat: Stats;
    try {
      rootStat = await io(fs.stat(root));
    } catch (err) {
      if (signal.aborted) throw err;
      const code = errnoCode(err);
      throw new SourceReadError(`${subject}: ${code === 'ENOENT' ? 'no such folder' : describe(err)}`, { code, cause: err });
    }
    if (!rootStat.isDirectory()) throw new SourceReadError(`${subject}: not a folder`, { code: 'ENOTDIR' });
    await walk(root, 0, rootStat);
  } catch (err) {
    if (deadline.aborted && !(options.signal?.aborted ?? false)) {
      throw new SourceReadError(`${subject}: the read did not finish within ${timeoutMs} ms (a file system that stopped answering?)`, { code: 'ETIMEDOUT', cause: err });
    }
    throw err;
  }
  memoRead?.commit();
  files.sort((a, b) => compareCodeUnits(a.path, b.path));
  return {
    snapshot: { revision: revisionOf([...hashes], unreadable), files, complete: unreadable.length === 0, unreadable },
    hashes,
    identities,
    folders,
    vanished,
    watchDirs: [...watchDirs].map(([dir, id]) => ({ dir, id })).sort((a, b) => compareCodeUnits(a.dir, b.dir)),
    raced,
  };
}
