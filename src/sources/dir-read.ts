/**
 * Reading one manifest file without trusting what a `stat` said a moment before: the file is
 * opened without blocking (a FIFO swapped in since would otherwise block a thread-pool thread in
 * `open()` for ever), the opened descriptor must be a regular file, at most `limit + 1` bytes are
 * read from it whatever its size (a file that grew to a gigabyte since is not read into memory),
 * and the whole read is bounded in time.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Why a file was not read; `code` is an errno-style code the scan reports by. */
export class FileReadError extends Error {
  constructor(
    message: string,
    readonly code: 'ENOTREG' | 'EFBIG' | 'ETIMEDOUT',
  ) {
    super(message);
    this.name = 'FileReadError';
  }
}

/** How a scan reads a file's bytes: at most `limit + 1` of them (a seam for tests). */
export type ReadFileFn = (path: string, limit: number) => Promise<Uint8Array>;

const CHUNK = 64 * 1024;

async function readAtMost(fh: FileHandle, max: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < max) {
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, max - total));
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    chunks.push(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads a regular file's content, or rejects: with a FileReadError `ENOTREG` (not a regular file),
 * `EFBIG` (more than `limit` bytes) or `ETIMEDOUT` (no answer within `timeoutMs`), or with the
 * file system's own error (ENOENT, EACCES, ...).
 */
export async function readRegularFile(path: string, limit: number, timeoutMs: number): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FileReadError(`no answer from the file system within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
  });
  const read = (async (): Promise<Uint8Array> => {
    const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const s = await fh.stat();
      if (!s.isFile()) throw new FileReadError('not a regular file', 'ENOTREG');
      if (s.size > limit) throw new FileReadError(`file is ${s.size} bytes, over the ${limit}-byte limit`, 'EFBIG');
      const content = await readAtMost(fh, limit + 1);
      if (content.length > limit) throw new FileReadError(`file grew past the ${limit}-byte limit while being read`, 'EFBIG');
      return content;
    } finally {
      await fh.close().catch(() => undefined);
    }
  })();
  // A read still running at the deadline finishes (and closes its file) on its own.
  read.catch(() => undefined);
  try {
    return await Promise.race([read, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
