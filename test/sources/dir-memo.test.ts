/** Directory reads that reuse the content of unchanged files must see every change a full read sees. */
import { mkdir, mkdtemp, readFile, realpath, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ContentMemo, SETTLE_MS } from '../../src/sources/dir-memo.js';
import { nodeDirFs, scanDirectory, type DirectoryScan } from '../../src/sources/dir-scan.js';
import { contents } from './helpers.js';

let root: string;
let reads: string[];
const countingRead = async (file: string): Promise<Uint8Array> => {
  reads.push(file);
  return readFile(file);
};
const countingFs = { ...nodeDirFs(), readFile: countingRead };
const p = (...parts: string[]): string => path.join(root, ...parts);

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'switchboard-memo-'));
  reads = [];
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A memo whose clock runs ahead, so files written a moment ago already count as settled. */
const settledMemo = (): ContentMemo => new ContentMemo(() => Date.now() + 10 * SETTLE_MS);

async function scan(memo: ContentMemo | undefined, trust = true): Promise<DirectoryScan> {
  reads = [];
  return scanDirectory(root, { maxFileSize: 1 << 20, fs: countingFs, ...(memo === undefined ? {} : { reuse: { memo, trust } }) });
}

/** Scans with the memo and checks the snapshot equals a full read's. */
async function scanBoth(memo: ContentMemo): Promise<DirectoryScan> {
  const full = await scanDirectory(root, { maxFileSize: 1 << 20 });
  const remembered = await scan(memo);
  expect(remembered.snapshot).toEqual(full.snapshot);
  return remembered;
}

test('unchanged files are not read again, and the snapshot equals a full read', async () => {
  await mkdir(p('team'));
  await writeFile(p('a.yaml'), 'a: 1');
  await writeFile(p('team', 'b.yaml'), 'b: 1');
  const memo = settledMemo();
  await scanBoth(memo);
  expect(reads.sort()).toEqual([p('a.yaml'), p('team', 'b.yaml')]);
  await scanBoth(memo);
  expect(reads).toEqual([]);
});

test('an edit in place, an atomic rename, a new file and a deletion are all seen, and only changed files are read', async () => {
  for (const n of ['a', 'b', 'c', 'd']) await writeFile(p(`${n}.yaml`), `${n}: 1`);
  const memo = settledMemo();
  await scanBoth(memo);

  await writeFile(p('a.yaml'), 'a: 2222'); // in place, another size
  await writeFile(p('b.yaml.tmp'), 'b: 2');
  await rename(p('b.yaml.tmp'), p('b.yaml')); // a new inode, same size
  await unlink(p('c.yaml'));
  await writeFile(p('e.yaml'), 'e: 1');
  const s = await scanBoth(memo);
  expect(reads.sort()).toEqual([p('a.yaml'), p('b.yaml'), p('e.yaml')]);
  expect(contents(s.snapshot)).toEqual({ [p('a.yaml')]: 'a: 2222', [p('b.yaml')]: 'b: 2', [p('d.yaml')]: 'd: 1', [p('e.yaml')]: 'e: 1' });

  // A deleted file is forgotten: written back with its old bytes, it is read again.
  await writeFile(p('c.yaml'), 'c: 1');
  await scanBoth(memo);
  expect(reads).toEqual([p('c.yaml')]);
});

test('a file written moments before a read is read again next time, so a same-size rewrite within one timestamp tick is never missed', async () => {
  const memo = new ContentMemo(); // the real clock: the file is too fresh to be remembered
  await writeFile(p('a.yaml'), 'v: 1');
  await scanBoth(memo);
  await writeFile(p('a.yaml'), 'v: 2'); // same size, possibly the same mtime
  const s = await scanBoth(memo);
  expect(reads).toEqual([p('a.yaml')]);
  expect(contents(s.snapshot)).toEqual({ [p('a.yaml')]: 'v: 2' });
});

test('a read that does not trust the memo reads every file, and refills the memo for the next one', async () => {
  await writeFile(p('a.yaml'), 'a: 1');
  await writeFile(p('b.yaml'), 'b: 1');
  const memo = settledMemo();
  await scan(memo);
  await scan(memo, false);
  expect(reads.sort()).toEqual([p('a.yaml'), p('b.yaml')]);
  await scan(memo);
  expect(reads).toEqual([]);
});

test('a ConfigMap-style ..data swap yields the new content through the links even when the new files look like the old ones', async () => {
  const v1 = '..2026_11_25_10_00_00.000000001';
  const v2 = '..2026_11_25_10_05_00.000000002';
  await mkdir(p(v1));
  await writeFile(p(v1, 'app.yaml'), 'v: 1');
  await writeFile(p(v1, 'same.yaml'), 's: 1');
  await symlink(v1, p('..data'));
  await symlink(path.join('..data', 'app.yaml'), p('app.yaml'));
  await symlink(path.join('..data', 'same.yaml'), p('same.yaml'));
  const memo = settledMemo();
  await scanBoth(memo);
  await scanBoth(memo);
  expect(reads).toEqual([]);

  await mkdir(p(v2));
  await writeFile(p(v2, 'app.yaml'), 'v: 2'); // same size as before
  await writeFile(p(v2, 'same.yaml'), 's: 1'); // same bytes, but another file
  await symlink(v2, p('..data_tmp'));
  await rename(p('..data_tmp'), p('..data'));
  const swapped = await scanBoth(memo);
  expect(contents(swapped.snapshot)).toEqual({ [p('app.yaml')]: 'v: 2', [p('same.yaml')]: 's: 1' });
  expect(reads.sort()).toEqual([p('app.yaml'), p('same.yaml')]);
  expect(swapped.watchDirs.map((w) => w.dir)).toContain(await realpath(p(v2)));
  await rm(p(v1), { recursive: true });
  await scanBoth(memo);
  expect(reads).toEqual([]);
});

test('a file reached through a symlink to another file is read once, and the link retargeted is seen', async () => {
  await writeFile(p('real.yaml'), 'r: 1');
  await writeFile(p('other.yaml.txt'), 'o: 1');
  await symlink('real.yaml', p('link.yaml'));
  const memo = settledMemo();
  expect(contents((await scanBoth(memo)).snapshot)).toEqual({ [p('link.yaml')]: 'r: 1' });
  expect(reads).toEqual([p('link.yaml')]);
  await unlink(p('link.yaml'));
  await symlink('other.yaml.txt', p('link.yaml'));
  const s = await scanBoth(memo);
  expect(contents(s.snapshot)).toEqual({ [p('link.yaml')]: 'o: 1', [p('real.yaml')]: 'r: 1' });
  expect(reads).toEqual([p('link.yaml'), p('real.yaml')]);
});
