/** The filesystem side of loading: files and folders named by the user → a snapshot of manifest files. */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LoadLimits } from './decode.js';
import type { SnapshotFile } from './load.js';
import type { Problem } from './problems.js';

const MANIFEST_FILE = /\.ya?ml$/i;

/** What reading the named paths produced: the files to load, and the paths that could not be read. */
export interface CollectResult {
  files: SnapshotFile[];
  problems: Problem[];
}

function fileProblem(file: string, code: string, message: string, hint: string): Problem {
  return { severity: 'error', code, file, line: 1, column: 1, message, hint };
}

/**
 * Reads every `*.yaml` / `*.yml` file under the given files and folders (nested, skipping dotfiles
 * and dot-folders, following symlinks once). A file named explicitly is read whatever its extension.
 * Files over the size limit are reported without being read.
 */
export async function collectFiles(paths: readonly string[], limits: Pick<LoadLimits, 'maxFileSize'>): Promise<CollectResult> {
  const files: SnapshotFile[] = [];
  const problems: Problem[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();

  const readOne = async (p: string, size: number): Promise<void> => {
    try {
      const real = await realpath(p);
      if (seenFiles.has(real)) return;
      seenFiles.add(real);
      if (size > limits.maxFileSize) {
        problems.push(fileProblem(p, 'file-too-large', `file is ${size} bytes, over the ${limits.maxFileSize}-byte limit`, 'split it into several files, or raise the limit with --max-file-size'));
        return;
      }
      files.push({ path: p, content: await readFile(p) });
    } catch (err) {
      // Listed a moment ago, gone (or unreadable) now: like a dangling symlink, not the walk's end.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      problems.push(fileProblem(p, 'unreadable-file', `cannot read the file: ${(err as Error).message}`, 'check its permissions'));
    }
  };

  const walk = async (dir: string): Promise<void> => {
    const real = await realpath(dir);
    if (seenDirs.has(real)) return; // a symlink loop or a folder named twice
    seenDirs.add(real);
    const entries = (await readdir(dir)).filter((e) => !e.startsWith('.')).sort();
    for (const entry of entries) {
      const p = path.join(dir, entry);
      const s = await stat(p).catch(() => undefined);
      if (s === undefined) continue; // a dangling symlink
      if (s.isDirectory()) await walk(p);
      else if (s.isFile() && MANIFEST_FILE.test(entry)) await readOne(p, s.size);
    }
  };

  for (const p of paths) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      problems.push(fileProblem(p, 'unreadable-path', e.code === 'ENOENT' ? 'no such file or folder' : `cannot read: ${e.message}`, 'check the path'));
      continue;
    }
    if (s.isDirectory()) {
      await walk(p);
    } else {
      await readOne(p, s.size);
    }
  }
  return { files, problems };
}
