/** One full read of a manifest directory tree, and the folders that must be watched to see it change. */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { SnapshotFile } from '../manifests/load.js';
import { SourceReadError, abortError } from './errors.js';
import { isIgnoredName, isManifestName } from './names.js';
import { revisionOf, sha256 } from './revision.js';
import type { SourceSnapshot } from './types.js';

/** How deep folders may nest; deeper ones are reported unreadable rather than walked. */
const MAX_DEPTH = 32;

/** How a read reaches file contents (a seam, so tests can make a file vanish between listing and reading). */
export type ReadFileFn = (path: string) => Promise<Uint8Array>;

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
): Promise<DirectoryScan> {
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

  const readOne = async (p: string, dirReal: string, size: number): Promise<void> => {
    let real: string;
    try {
      real = await realpath(p);
    } catch (err) {
      raced = true;
      unreadable.push({ path: p, reason: describe(err) });
      return;
    }
    if (seenFiles.has(real)) return; // the same file reached twice through symlinks
    seenFiles.add(real);
    // A symlinked file changes where its target lives (a Kubernetes `..data` folder, say): watch there too.
    const realDir = path.dirname(real);
    if (realDir !== dirReal) watchDirs.add(realDir);
    if (size > maxFileSize) {
      unreadable.push({ path: p, reason: `file is ${size} bytes, over the ${maxFileSize}-byte limit` });
      return;
    }
    try {
      const content = await read(p);
      files.push({ path: p, content });
      hashes.push([p, sha256(content)]);
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') raced = true;
      unreadable.push({ path: p, reason: describe(err) });
    }
  };

  const walk = async (dir: string, depth: number): Promise<void> => {
    checkAbort();
    let dirReal: string;
    let entries: string[];
    try {
      dirReal = await realpath(dir);
      if (seenDirs.has(dirReal)) return; // a symlink loop, or one folder linked twice
      seenDirs.add(dirReal);
      entries = (await readdir(dir)).filter((e) => !isIgnoredName(e)).sort();
    } catch (err) {
      if (errnoCode(err) === 'ENOENT') raced = true;
      unreadable.push({ path: dir, reason: describe(err) });
      return;
    }
    watchDirs.add(dirReal);
    for (const entry of entries) {
      checkAbort();
      const p = path.join(dir, entry);
      let s: Stats;
      try {
        s = await stat(p); // follows symlinks
      } catch (err) {
        const code = errnoCode(err);
        // A dangling symlink or a self-referencing one is not a manifest; an entry that vanished
        // since readdir is simply gone (the watcher brings the next read).
        if (code === 'ENOENT' || code === 'ELOOP') continue;
        if (isManifestName(entry)) unreadable.push({ path: p, reason: describe(err) });
        continue;
      }
      if (s.isDirectory()) {
        if (depth >= MAX_DEPTH) unreadable.push({ path: p, reason: `nested deeper than ${MAX_DEPTH} folders` });
        else await walk(p, depth + 1);
      } else if (s.isFile() && isManifestName(entry)) {
        await readOne(p, dirReal, s.size);
      }
    }
  };

  await walk(root, 0);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    snapshot: { revision: revisionOf(hashes, unreadable), files, complete: unreadable.length === 0, unreadable },
    watchDirs: [...watchDirs].sort(),
    raced,
  };
}
