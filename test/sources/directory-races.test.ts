/**
 * The directory source against changes that race its reads for real: another process renames,
 * truncates and rewrites, swaps in a FIFO, or swaps in a large sparse file while reads run. No
 * read may be marked complete while it lacks the file or holds it empty (a prune would delete
 * what it declares), no read may hang, and nothing larger than the size limit is ever read.
 * `npm test` runs a few dozen reads per race; `npm run reliability` runs many more.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DirectorySource, type SourceSnapshot } from '../../src/sources/index.js';
import { reportRow } from '../helpers/report.js';
import { startMutator, type Mutation } from './mutator.js';

const FULL = process.env.RELIABILITY_FULL === '1';
const READS = FULL ? 200 : 20;
const FOLDERS = FULL ? 300 : 40;
// The source bounds each file read and each whole read in time (a FIFO, a stuck mount): a read
// counts as hung only well past that bound, so a slow read on a busy machine is not a hang.
const READ_TIMEOUT_MS = 2000;
const READ_DEADLINE_MS = 30_000;
// Ten times the reads of 300 folders take far longer on a busy machine than 20 reads of 40 do.
const TEST_TIMEOUT_MS = FULL ? 900_000 : 120_000;
const CONTENT = 'apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: raced}\nspec: {type: HTTP}\n';
const LIMIT = 64 * 1024;

let root: string;
const totals = { reads: 0, changes: 0, wrongComplete: 0, hung: 0, oversized: 0, failed: 0 };

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'switchboard-race-'));
  for (let i = 0; i < FOLDERS; i++) {
    await mkdir(path.join(root, `team-${i}`));
    await writeFile(path.join(root, `team-${i}`, 'ns.yaml'), CONTENT.replace('raced', `team-${i}`));
  }
  await writeFile(path.join(root, 'raced.yaml'), CONTENT);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

afterAll(() => {
  reportRow({ test: 'directory-races', foldersBesideTheFile: FOLDERS, reads: totals.reads, failedReads: totals.failed, racingChanges: totals.changes, wrongCompleteReads: totals.wrongComplete, hungReads: totals.hung, oversizedReads: totals.oversized });
});

/** The read's snapshot, 'failed' when it failed (timed out: safe, nothing is emitted), 'hung' past the deadline. */
function withDeadline(p: Promise<SourceSnapshot>): Promise<SourceSnapshot | 'failed' | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const read = p.catch(() => 'failed' as const);
  return Promise.race([read, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), READ_DEADLINE_MS)))]).finally(() => clearTimeout(timer));
}

/** Reads the folder READS times while `m` runs; returns what went wrong. */
async function race(m: Mutation): Promise<{ wrongComplete: number; hung: number; oversized: number; complete: number; readsAfter: boolean }> {
  const file = path.join(root, 'raced.yaml');
  const source = new DirectorySource(root, { maxFileSize: LIMIT, readTimeoutMs: READ_TIMEOUT_MS });
  const first = await source.read();
  expect(first.complete).toBe(true);
  const mutator = await startMutator(m);
  const out = { wrongComplete: 0, hung: 0, oversized: 0, complete: 0, readsAfter: false };
  try {
    for (let i = 0; i < READS; i++) {
      const s = await withDeadline(source.read());
      totals.reads++;
      if (s === 'hung') {
        out.hung++;
        break;
      }
      if (s === 'failed') {
        totals.failed++;
        continue;
      }
      if (s.files.some((f) => f.content.length > LIMIT)) out.oversized++;
      if (!s.complete) continue;
      out.complete++;
      const raced = s.files.find((f) => f.path === file);
      if (raced === undefined || Buffer.from(raced.content).toString('utf8') !== CONTENT) out.wrongComplete++;
    }
  } finally {
    totals.changes += await mutator.stop();
    // Leave a regular file behind (the loop may have stopped with a FIFO or nothing in place), and
    // unblock a read stuck opening the FIFO by opening its other end.
    for (const leftover of [`${file}.aside`, `${file}.keep`]) await rm(leftover, { force: true });
    await rm(file, { force: true });
    await writeFile(file, CONTENT);
  }
  // Nothing is left wedged (a thread stuck in open(), a read that never ends): the source reads whole again.
  const after = await withDeadline(source.read());
  out.readsAfter = after !== 'hung' && after !== 'failed' && after.complete;
  totals.wrongComplete += out.wrongComplete;
  totals.hung += out.hung;
  totals.oversized += out.oversized;
  return out;
}

test('a file renamed away and back while reads run is never missing from a complete read', async () => {
  const r = await race({ kind: 'rename-flip', file: path.join(root, 'raced.yaml'), content: CONTENT });
  expect(r.wrongComplete).toBe(0);
  expect(r.readsAfter).toBe(true);
}, TEST_TIMEOUT_MS);

test('a file truncated and rewritten in place while reads run is never empty in a complete read', async () => {
  const r = await race({ kind: 'truncate-write', file: path.join(root, 'raced.yaml'), content: CONTENT });
  expect(r.wrongComplete).toBe(0);
  expect(r.readsAfter).toBe(true);
}, TEST_TIMEOUT_MS);

test('a file swapped for a FIFO while reads run never hangs a read', async () => {
  const r = await race({ kind: 'fifo-swap', file: path.join(root, 'raced.yaml'), content: CONTENT });
  expect(r.hung).toBe(0);
  expect(r.wrongComplete).toBe(0);
  expect(r.readsAfter).toBe(true);
}, TEST_TIMEOUT_MS);

test('a file swapped for a large sparse file while reads run is never read past the size limit', async () => {
  const r = await race({ kind: 'grow', file: path.join(root, 'raced.yaml'), content: CONTENT, bytes: 64 * 1024 * 1024 });
  expect(r.oversized).toBe(0);
  expect(r.wrongComplete).toBe(0);
  expect(r.readsAfter).toBe(true);
}, TEST_TIMEOUT_MS);
