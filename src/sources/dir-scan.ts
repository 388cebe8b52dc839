/** One full read of a manifest directory tree, and the folders that must be watched to see it change. */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import path from 'node:path';
import type { SnapshotFile } from '../manifests/load.js';
import type { ContentMemo, MemoRead } from './dir-memo.js';
import { SourceReadError, abortError } from './errors.js';
import { isIgnoredName, isManifestName } from './names.js';
import { revisionOf, sha256 } from './revision.js';
import type { SourceSnapshot } from './types.js';
import { compareCodeUnits } from '../util/order.js';

/** How deep folders may nest; deeper ones are reported unreadable rather than walked. */
const MAX_DEPTH = 32;

/** How a read reaches file contents (a seam, so tests can make a file vanish between listing and reading). */
export type ReadFileFn = (path: string) => Promise<Uint8Array>;

/** How many entries of one folder are stat'ed at once (each stat is a round trip to the thread pool). */
const STAT_BATCH = 256;

/** What a directory read may reuse from the previous one. */
export interface ScanMemo {
  memo: ContentMemo;
  /** Reuse a file's last content when its identity did not change; false reads everything (and refills the memo). */
  trust: boolean;
}

/** What a directory read produced. */
export interface DirectoryScan {
  snapshot: SourceSnapshot;
  /** Real paths of the folders whose entries decide the snapshot (to watch). */
  watchDirs: string[];
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

/**
 * Reads every `*.yaml` / `*.yml` under `root` (nested, through symlinks, skipping dotfiles, dot-folders
 * and editor files). Files that vanish or cannot be read mid-way are listed as unreadable and make the
 * snapshot incomplete; a symlink loop is walked once. Throws a SourceReadError when `root` itself
 * cannot be read.
 */
export async function scanDirectory(
  root: string,
  maxFileSize: number,
  signal?: AbortSignal,
  read: ReadFileFn = readFile,
  reuse?: ScanMemo,
): Promise<DirectoryScan> {
  const memoRead: MemoRead | undefined = reuse?.memo.begin(reuse.trust);
  const subject = `directory ${root}`;
  let rootStat: Stats;
  try {
    rootStat = await stat(root);
  } catch (err) {
    const code = errnoCode(err);
    throw new SourceReadError(`${subject}: ${code === 'ENOENT' ? 'no such folder' : describe(err)}`, { code, cause: err });
  }
  if (!rootStat.isDirectory()) throw new SourceReadError(`${subject}: not a folder`, { code: 'ENOTDIR' });

  const files: SnapshotFile[] = [];
  const hashes: [string, string][] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const watchDirs = new Set<string>();
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  let raced = false;

  const checkAbort = (): void => {
    if (signal?.aborted) throw abortError(signal);
  };

  const readOne = async (p: string, dirReal: string, entry: Dirent, s: Stats): Promise<void> => {
    let real: string;
    if (entry.isSymbolicLink()) {
      try {
        real = await realpath(p);
      } catch (err) {
        raced = true;
        unreadable.push({ path: p, reason: describe(err) });
        return;
      }
    } else {
      // Not a link, in a folder whose real path is known: no need to ask the file system.
      real = path.join(dirReal, entry.name);
    }
    if (seenFiles.has(real)) return; // the same file reached twice through symlinks
    seenFiles.add(real);
    // A symlinked file changes where its target lives (a Kubernetes `..data` folder, say): watch there too.
    const realDir = path.dirname(real);
    if (realDir !== dirReal) watchDirs.add(realDir);
    if (s.size > maxFileSize) {
      unreadable.push({ path: p, reason: `file is ${s.size} bytes, over the ${maxFileSize}-byte limit` });
      return;
    }
    const known = memoRead?.lookup(p, real, s);
    if (known !== undefined) {
      files.push({ path: p, content: known.content });
      hashes.push([p, known.hash]);
      return;
    }
    try {
      const content = await read(p);
      const hash = sha256(content);
      files.push({ path: p, content });
      hashes.push([p, hash]);
      memoRead?.remember(p, real, s, { content, hash });
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') raced = true;
      unreadable.push({ path: p, reason: describe(err) });
    }
  };

  const walk = async (dir: string, depth: number): Promise<void> => {
    checkAbort();
    let dirReal: string;
    let entries: Dirent[];
    try {
      dirReal = await realpath(dir);
      if (seenDirs.has(dirReal)) return; // a symlink loop, or one folder linked twice
      seenDirs.add(dirReal);
      entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !isIgnoredName(e.name)).sort((a, b) => compareCodeUnits(a.name, b.name));
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') raced = true;
      unreadable.push({ path: dir, reason: describe(err) });
      return;
    }
    watchDirs.add(dirReal);
    for (let start = 0; start < entries.length; start += STAT_BATCH) {
      checkAbort();
      const batch = entries.slice(start, start + STAT_BATCH);
      // Stat a batch at once (following symlinks), then handle the entries in order, so the result
      // does not depend on which stat came back first.
      const stats = await Promise.all(batch.map((e) => stat(path.join(dir, e.name)).then((s) => ({ s }), (err: unknown) => ({ err }))));
      for (const [i, entry] of batch.entries()) {
        checkAbort();
        const p = path.join(dir, entry.name);
        const result = stats[i] as { s: Stats } | { err: unknown };
        if ('err' in result) {
          const code = errnoCode(result.err);
          // A dangling symlink or a self-referencing one is not a manifest; an entry that vanished
          // since readdir is simply gone (the watcher brings the next read).
          if (code === 'ENOENT' || code === 'ELOOP') continue;
          if (isManifestName(entry.name)) unreadable.push({ path: p, reason: describe(result.err) });
          continue;
        }
        const s = result.s;
        if (s.isDirectory()) {
          if (depth >= MAX_DEPTH) unreadable.push({ path: p, reason: `nested deeper than ${MAX_DEPTH} folders` });
          else await walk(p, depth + 1);
        } else if (s.isFile() && isManifestName(entry.name)) {
          await readOne(p, dirReal, entry, s);
        }
      }
    }
  };

  await walk(root, 0);
  memoRead?.commit();
  files.sort((a, b) => compareCodeUnits(a.path, b.path));
  return {
    snapshot: { revision: revisionOf(hashes, unreadable), files, complete: unreadable.length === 0, unreadable },
    watchDirs: [...watchDirs].sort(),
    raced,
  };
}
