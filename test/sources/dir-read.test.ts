/** Reading one manifest file: only a regular file, never past the limit, never for ever. */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileReadError, readRegularFile } from '../../src/sources/dir-read.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'switchboard-read-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<FileReadError> {
  const err: unknown = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileReadError);
  return err as FileReadError;
}

test('a regular file is read whole', async () => {
  await writeFile(path.join(root, 'a.yaml'), 'a: 1\n');
  expect(Buffer.from(await readRegularFile(path.join(root, 'a.yaml'), 100, 5000)).toString()).toBe('a: 1\n');
});

test('a FIFO is refused at once instead of blocking in open()', async () => {
  const fifo = path.join(root, 'x.yaml');
  execFileSync('mkfifo', [fifo]);
  const err = await failure(readRegularFile(fifo, 100, 5000));
  expect(err.code).toBe('ENOTREG');
  expect(err.message).toBe('not a regular file');
});

test('a file over the limit is refused without reading it, however large', async () => {
  const big = path.join(root, 'big.yaml');
  await writeFile(big, 'a: 1\n');
  await truncate(big, 1 << 30); // a sparse gigabyte
  const err = await failure(readRegularFile(big, 1024, 5000));
  expect(err.code).toBe('EFBIG');
  expect(err.message).toBe(`file is ${1 << 30} bytes, over the 1024-byte limit`);
});

test('a file of exactly the limit is read', async () => {
  await writeFile(path.join(root, 'a.yaml'), 'x'.repeat(1024));
  expect((await readRegularFile(path.join(root, 'a.yaml'), 1024, 5000)).length).toBe(1024);
});

test('a missing file rejects with the file system error', async () => {
  await expect(readRegularFile(path.join(root, 'none.yaml'), 100, 5000)).rejects.toMatchObject({ code: 'ENOENT' });
});
