/** The filesystem side of loading: files and folders named by the user → a snapshot of manifest files. */
import { createReadStream } from 'node:fs';
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
 * Reads a file that is not a regular one (a pipe such as `<(kustomize build)`, a device) up to
 * `maxBytes`: its size says nothing, and `/dev/zero` would otherwise be read until memory runs out.
 * Undefined when it holds more.
 */
async function readAtMost(file: string, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = createReadStream(file);
  try {
    for await (const chunk of stream) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > maxBytes) return undefined;
      chunks.push(buf);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
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

  const tooLarge = (p: string, message: string): void => {
    problems.push(fileProblem(p, 'file-too-large', message, 'split it into several files, or raise the limit with --max-file-size'));
  };

  const readOne = async (p: string, size: number, regular = true): Promise<void> => {
    try {
      // A pipe from process substitution (`/dev/fd/63`) resolves to no path: it is its own identity.
      const real = await realpath(p).catch(() => path.resolve(p));
      if (seenFiles.has(real)) return;
      seenFiles.add(real);
      if (size > limits.maxFileSize) {
        tooLarge(p, `file is ${size} bytes, over the ${limits.maxFileSize}-byte limit`);
        return;
      }
      const content = regular ? await readFile(p) : await readAtMost(p, limits.maxFileSize);
      if (content === undefined) {
        tooLarge(p, `not a regular file, and it gave more than the ${limits.maxFileSize}-byte limit before its end`);
        return;
      }
      files.push({ path: p, content });
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
      await readOne(p, s.size, s.isFile());
    }
  }
  return { files, problems };
}
