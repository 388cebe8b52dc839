/**
 * Writes imported manifests into a folder: each file through a temporary file renamed into place,
 * so a reader (a running controller watching the folder) never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RenderedFile } from './check.js';

/** Whether a folder exists and holds anything. */
export async function isNonEmptyDirectory(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Writes every file under `dir` (created when missing), each one atomically. */
export async function writeFilesAtomically(dir: string, files: readonly RenderedFile[]): Promise<void> {
  for (const f of files) {
    const target = path.join(dir, ...f.path.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    // A dot-file in the same folder: the rename stays on one filesystem, and the watcher skips dot-files.
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, f.text, { flag: 'wx' });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
