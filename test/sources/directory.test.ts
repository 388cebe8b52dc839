import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, readdir, rename, rm, symlink, truncate, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeDirFs } from '../../src/sources/dir-scan.js';
import { DirectorySource, SourceReadError, createSource } from '../../src/sources/index.js';
import { declaresNothing, declaringDocuments } from '../../src/sources/removals.js';
import { Recorder, contents, sleep } from './helpers.js';

const DEBOUNCE = 60;
/** Long enough for any event of an earlier write to have been debounced and read. */
const SETTLE = DEBOUNCE * 6;

let root: string;
const recorders: Recorder[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'switchboard-dir-'));
});

afterEach(async () => {
  for (const r of recorders.splice(0)) r.stop();
  await rm(root, { recursive: true, force: true });
});

/** How long a removal waits for a confirming read in these tests. */
const CONFIRM = 300;

function watchRoot(options: { pollIntervalMs?: number } = {}): Recorder {
  const r = new Recorder().start(createSource(root, { debounceMs: DEBOUNCE, pollIntervalMs: options.pollIntervalMs ?? 60_000, settleMs: CONFIRM }));
  recorders.push(r);
  return r;
}

const p = (...parts: string[]): string => path.join(root, ...parts);

describe('reading a directory', () => {
  test('reads nested YAML files and skips dotfiles, dot-folders, editor files and other extensions', async () => {
    await mkdir(p('nested', 'deeper'), { recursive: true });
    await mkdir(p('.hidden'));
    await mkdir(p('.switchboard'));
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('nested', 'b.yml'), 'b: 1');
    await writeFile(p('nested', 'deeper', 'c.YAML'), 'c: 1');
    for (const ignored of ['.dot.yaml', 'a.yaml.swp', '.a.yaml.swx', 'a.yaml~', '#a.yaml#', '.#a.yaml', 'a.yaml.tmp', 'notes.txt', 'x.json']) {
      await writeFile(p(ignored), 'ignored: 1');
    }
    await writeFile(p('.hidden', 'd.yaml'), 'd: 1');
    await writeFile(p('.switchboard', 'status.yaml'), 'e: 1');

    const s = await createSource(root, {}).read();

    expect(contents(s)).toEqual({ [p('a.yaml')]: 'a: 1', [p('nested', 'b.yml')]: 'b: 1', [p('nested', 'deeper', 'c.YAML')]: 'c: 1' });
    expect(s.complete).toBe(true);
    expect(s.unreadable).toEqual([]);
  });

  test('paths keep the folder as the user named it', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const rel = path.relative(process.cwd(), root);
    const s = await createSource(rel, {}).read();
    expect(s.files.map((f) => f.path)).toEqual([path.join(rel, 'a.yaml')]);
  });

  test('the revision depends only on paths and contents', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const source = createSource(root, {});
    const first = await source.read();
    expect((await source.read()).revision).toBe(first.revision);
    await writeFile(p('a.yaml'), 'a: 1'); // rewritten, same bytes
    expect((await source.read()).revision).toBe(first.revision);
    await writeFile(p('a.yaml'), 'a: 2');
    expect((await source.read()).revision).not.toBe(first.revision);
  });

  test('a missing folder fails with a SourceReadError naming it', async () => {
    const missing = p('nope');
    const err: unknown = await createSource(missing, {}).read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceReadError);
    expect((err as SourceReadError).code).toBe('ENOENT');
    expect((err as SourceReadError).message).toBe(`directory ${missing}: no such folder`);
  });

  test('a symlink loop is walked once and a self-referencing link is skipped', async () => {
    await mkdir(p('sub'));
    await writeFile(p('sub', 'a.yaml'), 'a: 1');
    await symlink(root, p('sub', 'loop'));
    await symlink(p('self.yaml'), p('self.yaml'));
    const s = await createSource(root, {}).read();
    expect(Object.keys(contents(s))).toEqual([p('sub', 'a.yaml')]);
    expect(s.complete).toBe(true);
  });

  test('a file over the size limit is unreadable and makes the snapshot incomplete', async () => {
    await writeFile(p('big.yaml'), 'x'.repeat(100));
    await writeFile(p('small.yaml'), 'a: 1');
    const s = await createSource(root, { maxFileSize: 50 }).read();
    expect(Object.keys(contents(s))).toEqual([p('small.yaml')]);
    expect(s.complete).toBe(false);
    expect(s.unreadable).toEqual([{ path: p('big.yaml'), reason: 'file is 100 bytes, over the 50-byte limit' }]);
  });

  test('a file that vanishes between listing and reading is unreadable, not fatal, and changes the revision', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('gone.yaml'), 'g: 1');
    const vanishing = new DirectorySource(root, {}, {
      readFile: async (file) => {
        if (file.endsWith('gone.yaml')) await unlink(file); // deleted right after it was listed
        return readFile(file);
      },
    });
    const s = await vanishing.read();
    expect(Object.keys(contents(s))).toEqual([p('a.yaml')]);
    expect(s.unreadable).toEqual([{ path: p('gone.yaml'), reason: 'vanished while being read' }]);
    expect(s.complete).toBe(false);

    const settled = await createSource(root, {}).read();
    expect(settled.complete).toBe(true);
    expect(settled.files.map((f) => f.path)).toEqual(s.files.map((f) => f.path));
    expect(settled.revision).not.toBe(s.revision);
  });
});

describe('a read is complete only when it read everything it listed', () => {
  const real = nodeDirFs();

  test('an entry listed but gone by the time it is looked at makes the read incomplete', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('gone.yaml'), 'g: 1');
    const source = new DirectorySource(root, {}, {
      stat: async (file) => {
        if (file.endsWith('gone.yaml')) await unlink(file); // renamed away right after the folder was listed
        return real.stat(file);
      },
    });
    const s = await source.read();
    expect(Object.keys(contents(s))).toEqual([p('a.yaml')]);
    expect(s.complete).toBe(false);
    expect(s.unreadable).toEqual([{ path: p('gone.yaml'), reason: 'vanished while being read' }]);
  });

  test('a dangling symlink is not a manifest and does not make the read incomplete', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await symlink(p('nowhere.yaml'), p('dangling.yaml'));
    const s = await createSource(root, {}).read();
    expect(s.complete).toBe(true);
    expect(Object.keys(contents(s))).toEqual([p('a.yaml')]);
  });

  test('a file swapped for a FIFO after it was listed is unreadable, and the read finishes', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    execFileSync('mkfifo', [p('.fifo')]);
    const source = new DirectorySource(root, {}, {
      stat: async (file) => {
        const s = await real.stat(file);
        if (file.endsWith('a.yaml')) await rename(p('.fifo'), file);
        return s;
      },
    });
    const s = await source.read();
    expect(s.files).toEqual([]);
    expect(s.complete).toBe(false);
    expect(s.unreadable).toEqual([{ path: p('a.yaml'), reason: 'not a regular file' }]);
  });

  test('the size limit holds for what is read, not for what stat said before', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const source = new DirectorySource(root, { maxFileSize: 1024 }, { readFile: async () => Buffer.alloc(4096, 0x61) });
    const s = await source.read();
    expect(s.files).toEqual([]);
    expect(s.complete).toBe(false);
    expect(s.unreadable).toEqual([{ path: p('a.yaml'), reason: 'file grew past the 1024-byte limit while being read' }]);
  });

  test('a read that does not finish in time fails instead of hanging', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const source = new DirectorySource(root, { readTimeoutMs: 50 }, { readdir: () => new Promise(() => undefined) });
    await expect(source.read()).rejects.toMatchObject({ code: 'ETIMEDOUT', message: expect.stringContaining('did not finish within 1000 ms') as unknown });
  });

  test('each read reports whether it succeeded', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const outcomes: boolean[] = [];
    const source = createSource(root, { onRead: (ok) => outcomes.push(ok) });
    await source.read();
    await rm(root, { recursive: true });
    await expect(source.read()).rejects.toThrow('no such folder');
    expect(outcomes).toEqual([true, false]);
  });
});

describe('a file that went missing or empty is believed gone only when confirmed', () => {
  const SETTLE_MS = 2000;
  let clock: number;
  const source = (): DirectorySource => new DirectorySource(root, { settleMs: SETTLE_MS, now: () => clock });
  const stamp = async (rel: string, at: number): Promise<void> => utimes(p(rel), new Date(at), new Date(at));

  beforeEach(() => {
    clock = Date.parse('2026-01-01T00:00:00Z');
  });

  test('an emptied file keeps what it declared until a read one settle period later sees the same empty file', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('b.yaml'), 'b: 1');
    const s = source();
    expect((await s.read()).complete).toBe(true);
    await truncate(p('a.yaml'));
    clock += 10;
    const first = await s.read();
    expect(contents(first)).toEqual({ [p('a.yaml')]: 'a: 1', [p('b.yaml')]: 'b: 1' });
    expect(first.complete).toBe(false);
    expect(first.unreadable).toEqual([{ path: p('a.yaml'), reason: expect.stringMatching(/^empty from this read; what it declared stands until a read at least 2000 ms after the first/) as unknown }]);
    clock += SETTLE_MS - 1;
    expect((await s.read()).complete).toBe(false);
    clock += 1;
    const confirmed = await s.read();
    expect(confirmed.complete).toBe(true);
    expect(contents(confirmed)).toEqual({ [p('a.yaml')]: '', [p('b.yaml')]: 'b: 1' });
  });

  test('a file caught half-written, holding fewer of its documents, keeps what it declared until a read one settle period later sees the same file', async () => {
    const both = 'kind: Namespace\nmetadata: {name: a}\n---\nkind: Namespace\nmetadata: {name: b}\n';
    const firstOnly = 'kind: Namespace\nmetadata: {name: a}\n---\n';
    await writeFile(p('a.yaml'), both);
    const s = source();
    expect((await s.read()).complete).toBe(true);
    // What a read sees of a file rewritten in place when the writer has written its first document only.
    await writeFile(p('a.yaml'), firstOnly);
    await stamp('a.yaml', clock);
    clock += 10;
    const first = await s.read();
    expect(contents(first)).toEqual({ [p('a.yaml')]: both });
    expect(first.complete).toBe(false);
    expect(first.unreadable).toEqual([{ path: p('a.yaml'), reason: expect.stringMatching(/^holding fewer documents than the 2 it had from this read; what it declared stands/) as unknown }]);
    // The writer goes on: the whole file again, nothing was ever dropped.
    await writeFile(p('a.yaml'), both);
    clock += SETTLE_MS;
    expect(await s.read()).toMatchObject({ complete: true, unreadable: [] });
    // A document removed for good is dropped once a read a settle period later sees the same file.
    await writeFile(p('a.yaml'), firstOnly);
    await stamp('a.yaml', clock);
    expect((await s.read()).complete).toBe(false);
    clock += SETTLE_MS;
    const confirmed = await s.read();
    expect(confirmed.complete).toBe(true);
    expect(contents(confirmed)).toEqual({ [p('a.yaml')]: firstOnly });
  });

  test('a file emptied again in between (a new write) starts the wait again', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const s = source();
    await s.read();
    await truncate(p('a.yaml'));
    await stamp('a.yaml', clock);
    await s.read();
    // Written and truncated again (an editor saving twice): another empty file.
    clock += SETTLE_MS;
    await writeFile(p('a.yaml'), 'a: 2');
    await truncate(p('a.yaml'));
    await stamp('a.yaml', clock);
    expect((await s.read()).complete).toBe(false);
    clock += SETTLE_MS;
    expect((await s.read()).complete).toBe(true);
  });

  test('a deleted file is dropped only once its folder stayed unchanged for a settle period', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('b.yaml'), 'b: 1');
    const s = source();
    await s.read();
    await unlink(p('b.yaml'));
    await stamp('.', clock);
    expect(contents(await s.read())[p('b.yaml')]).toBe('b: 1');
    // Something else changed in the folder meanwhile (b renamed away and back, say): wait again.
    clock += SETTLE_MS;
    await writeFile(p('c.yaml'), 'c: 1');
    await stamp('.', clock);
    const changed = await s.read();
    expect(contents(changed)[p('b.yaml')]).toBe('b: 1');
    expect(changed.complete).toBe(false);
    clock += SETTLE_MS;
    const confirmed = await s.read();
    expect(confirmed.complete).toBe(true);
    expect(contents(confirmed)).toEqual({ [p('a.yaml')]: 'a: 1', [p('c.yaml')]: 'c: 1' });
  });

  test('a file back before the confirming read is read as it is, with nothing dropped', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const s = source();
    const before = await s.read();
    await rename(p('a.yaml'), p('a.moved'));
    expect((await s.read()).complete).toBe(false);
    await rename(p('a.moved'), p('a.yaml'));
    clock += SETTLE_MS;
    const back = await s.read();
    expect(back.complete).toBe(true);
    expect(back.revision).toBe(before.revision);
  });

  test('a file that cannot be read keeps what it declared for as long as it cannot', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    let denied = false;
    const real = nodeDirFs();
    const s = new DirectorySource(root, { settleMs: SETTLE_MS, now: () => clock }, {
      readFile: async (file, limit) => {
        if (denied) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return real.readFile(file, limit);
      },
    });
    await s.read();
    denied = true;
    for (let i = 0; i < 3; i++) {
      clock += SETTLE_MS;
      const r = await s.read();
      expect(contents(r)).toEqual({ [p('a.yaml')]: 'a: 1' });
      expect(r.unreadable).toEqual([{ path: p('a.yaml'), reason: 'permission denied' }]);
    }
  });

  test('a file that declared nothing may go without confirmation', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    await writeFile(p('notes.yaml'), '# nothing here yet\n---\n');
    const s = source();
    await s.read();
    await unlink(p('notes.yaml'));
    const r = await s.read();
    expect(r.complete).toBe(true);
    expect(Object.keys(contents(r))).toEqual([p('a.yaml')]);
  });
});

describe('YAML documents that declare something', () => {
  test.each([
    ['', 0],
    ['a: 1', 1],
    ['---\na: 1\n---\nb: 1\n', 2],
    ['a: 1\n---\n# only a comment\n---\n...\n', 1],
    ['--- {a: 1}\n--- # a comment\nb: 1\n...\n%YAML 1.2\n---\nc: 1', 3],
    ['a: 1\r\n---\r\nb: 1\r\n', 2],
  ])('%j holds %i', (text, expected) => {
    expect(declaringDocuments(Buffer.from(text))).toBe(expected);
  });
});

describe('YAML that declares nothing', () => {
  test.each([
    ['', true],
    ['\n\n  \n', true],
    ['# a comment\n---\n...\n%YAML 1.2\n--- # next\n', true],
    ['\ufeff\r\n# bom and CRLF\r\n', true],
    ['a: 1', false],
    ['---\nkind: Service\n', false],
    ['- item', false],
  ])('%j declares nothing: %s', (text, expected) => {
    expect(declaresNothing(Buffer.from(text))).toBe(expected);
  });
});

describe('watching a directory', () => {
  test('emits the initial snapshot, then one per change: add, edit, delete', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const r = watchRoot();
    expect(contents(await r.snapshot(1))).toEqual({ [p('a.yaml')]: 'a: 1' });

    await writeFile(p('b.yaml'), 'b: 1');
    expect(contents(await r.snapshot(2))).toEqual({ [p('a.yaml')]: 'a: 1', [p('b.yaml')]: 'b: 1' });

    await writeFile(p('a.yaml'), 'a: 2');
    expect(contents(await r.snapshot(3))).toEqual({ [p('a.yaml')]: 'a: 2', [p('b.yaml')]: 'b: 1' });

    await unlink(p('b.yaml'));
    // Believed only once a read one settle period later agrees: until then b stands, and the
    // snapshot says it is not the whole picture.
    const pending = await r.snapshot(4);
    expect(contents(pending)).toEqual({ [p('a.yaml')]: 'a: 2', [p('b.yaml')]: 'b: 1' });
    expect(pending.complete).toBe(false);
    expect(pending.unreadable).toEqual([{ path: p('b.yaml'), reason: expect.stringMatching(/^missing from this read; what it declared stands until a read at least 300 ms after the first/) as unknown }]);
    const confirmed = await r.snapshot(5);
    expect(contents(confirmed)).toEqual({ [p('a.yaml')]: 'a: 2' });
    expect(confirmed.complete).toBe(true);
    expect(r.errors).toEqual([]);
  });

  test('rewriting a file with the same bytes emits nothing', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const r = watchRoot();
    await r.snapshot(1);
    await writeFile(p('a.yaml'), 'a: 1');
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(1);
  });

  test('a burst of writes collapses into one snapshot', async () => {
    const r = watchRoot();
    await r.snapshot(1);
    await sleep(SETTLE); // let the initial read's follow-up settle
    // Written synchronously, so no timer can fire inside the burst however loaded the machine is.
    for (let i = 0; i < 20; i++) writeFileSync(p(`f${i}.yaml`), `n: ${i}`);
    const s = await r.snapshot(2);
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(2);
    expect(s.files).toHaveLength(20);
  });

  test('an atomic replace (temp file + rename) yields the new content and never the temp file', async () => {
    await writeFile(p('app.yaml'), 'v: 1');
    const r = watchRoot();
    await r.snapshot(1);
    await writeFile(p('.app.yaml.tmp'), 'v: 2');
    await rename(p('.app.yaml.tmp'), p('app.yaml'));
    const s = await r.snapshot(2);
    expect(contents(s)).toEqual({ [p('app.yaml')]: 'v: 2' });
    expect(r.snapshots.flatMap((x) => x.files.map((f) => f.path))).not.toContain(p('.app.yaml.tmp'));
  });

  test('editor swap, backup and lock files do not trigger a snapshot', async () => {
    await writeFile(p('app.yaml'), 'v: 1');
    const r = watchRoot();
    await r.snapshot(1);
    await sleep(SETTLE);
    await writeFile(p('.app.yaml.swp'), 'swap');
    await writeFile(p('app.yaml~'), 'v: 0');
    await writeFile(p('#app.yaml#'), 'v: 3');
    await writeFile(p('.#app.yaml'), 'lock');
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(1);
  });

  test('a half-written file is read as it is, and completing it yields a snapshot with the full content', async () => {
    const r = watchRoot();
    await r.snapshot(1);
    const fh = await open(p('svc.yaml'), 'w');
    try {
      await fh.write('kind: Service\nmetadata:\n  na');
      const half = await r.snapshot(2);
      expect(contents(half)[p('svc.yaml')]).toBe('kind: Service\nmetadata:\n  na');
      await fh.write('me: orders\n');
    } finally {
      await fh.close();
    }
    const full = await r.snapshotWhere((s) => contents(s)[p('svc.yaml')] === 'kind: Service\nmetadata:\n  name: orders\n');
    expect(full.complete).toBe(true);
    await sleep(SETTLE);
    expect(contents(r.last as NonNullable<typeof r.last>)[p('svc.yaml')]).toBe('kind: Service\nmetadata:\n  name: orders\n');
  });

  test('a new sub-folder and the files written into it right away are picked up', async () => {
    const r = watchRoot();
    await r.snapshot(1);
    await mkdir(p('team'));
    await writeFile(p('team', 'a.yaml'), 'a: 1');
    await r.snapshotWhere((s) => contents(s)[p('team', 'a.yaml')] === 'a: 1');
    await sleep(DEBOUNCE * 2);
    await writeFile(p('team', 'b.yaml'), 'b: 1');
    await r.snapshotWhere((s) => contents(s)[p('team', 'b.yaml')] === 'b: 1');
  });

  test('a watched folder replaced by another of the same name is watched again', async () => {
    await mkdir(p('team'));
    await writeFile(p('team', 'a.yaml'), 'a: 1');
    const r = watchRoot();
    await r.snapshotWhere((s) => contents(s)[p('team', 'a.yaml')] === 'a: 1');
    await sleep(SETTLE);
    // Built beside it, then swapped in (what a deploy tool or `git checkout` of a folder does).
    await mkdir(p('.team-new'));
    await writeFile(p('.team-new', 'a.yaml'), 'a: 2');
    await rename(p('team'), p('.team-old'));
    await rename(p('.team-new'), p('team'));
    await r.snapshotWhere((s) => s.complete && contents(s)[p('team', 'a.yaml')] === 'a: 2');
    await sleep(SETTLE);
    // Seen through the new folder's own watcher: the periodic re-read is a minute away.
    await writeFile(p('team', 'a.yaml'), 'a: 3');
    await r.snapshotWhere((s) => contents(s)[p('team', 'a.yaml')] === 'a: 3', 3000);
  });

  test('a watched root folder replaced by another of the same name is watched again', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const r = watchRoot();
    await r.snapshot(1);
    await sleep(SETTLE);
    const staging = await mkdtemp(path.join(tmpdir(), 'switchboard-dir-staging-'));
    await writeFile(path.join(staging, 'a.yaml'), 'a: 2');
    await rename(root, `${root}-old`);
    await rename(staging, root);
    await r.snapshotWhere((s) => s.complete && contents(s)[p('a.yaml')] === 'a: 2', 3000);
    await rm(`${root}-old`, { recursive: true });
    await sleep(SETTLE);
    await writeFile(p('a.yaml'), 'a: 3');
    await r.snapshotWhere((s) => contents(s)[p('a.yaml')] === 'a: 3', 3000);
  });

  test('a Kubernetes ConfigMap-style ..data symlink swap yields the new content through the visible links', async () => {
    await mkdir(p('..2026_11_25_10_00_00.000000001'));
    await writeFile(p('..2026_11_25_10_00_00.000000001', 'app.yaml'), 'v: 1');
    await symlink('..2026_11_25_10_00_00.000000001', p('..data'));
    await symlink(path.join('..data', 'app.yaml'), p('app.yaml'));
    const r = watchRoot();
    expect(contents(await r.snapshot(1))).toEqual({ [p('app.yaml')]: 'v: 1' });
    await sleep(SETTLE);

    // What the kubelet's atomic writer does: a new timestamped folder, a new ..data_tmp link renamed
    // over ..data, then the old folder removed.
    await mkdir(p('..2026_11_25_10_05_00.000000002'));
    await writeFile(p('..2026_11_25_10_05_00.000000002', 'app.yaml'), 'v: 2');
    await symlink('..2026_11_25_10_05_00.000000002', p('..data_tmp'));
    await rename(p('..data_tmp'), p('..data'));
    // Seen from the swap itself, before the old folder goes away.
    expect(contents(await r.snapshot(2))).toEqual({ [p('app.yaml')]: 'v: 2' });
    await rm(p('..2026_11_25_10_00_00.000000001'), { recursive: true });
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(2);
    expect(r.errors).toEqual([]);
  });

  test('writing the status document does not trigger a snapshot', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const source = createSource(root, { debounceMs: DEBOUNCE, pollIntervalMs: 60_000 });
    const r = new Recorder().start(source);
    recorders.push(r);
    await r.snapshot(1);
    await sleep(SETTLE);
    await source.writeStatus('{"resources":[]}');
    await source.writeStatus('{"resources":[1]}');
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(1);
    expect(await readFile(p('.switchboard', 'status.json'), 'utf8')).toBe('{"resources":[1]}');
    expect(await readdir(p('.switchboard'))).toEqual(['status.json']); // no temp file left behind
  });

  test('a vanished folder is reported as an error without a snapshot, and its return is emitted again', async () => {
    await writeFile(p('a.yaml'), 'a: 1');
    const r = watchRoot({ pollIntervalMs: 100 });
    const first = await r.snapshot(1);
    await rm(root, { recursive: true });
    const err = await r.error(1);
    expect(err.code).toBe('ENOENT');
    expect(err.message).toBe(`directory ${root}: no such folder`);
    expect(r.snapshots).toHaveLength(1);

    // Put back whole (built beside it, then renamed), so no read sees it half-restored.
    const staging = await mkdtemp(path.join(tmpdir(), 'switchboard-dir-staging-'));
    await writeFile(path.join(staging, 'a.yaml'), 'a: 1');
    await rename(staging, root);
    // Same content as before the outage, but the consumer must learn the source is healthy again.
    const back = await r.snapshot(2);
    expect(back.revision).toBe(first.revision);
  });

  test('stopping the watch ends all reads', async () => {
    const r = watchRoot({ pollIntervalMs: 50 });
    await r.snapshot(1);
    r.stop();
    await writeFile(p('a.yaml'), 'a: 1');
    await sleep(SETTLE);
    expect(r.snapshots).toHaveLength(1);
  });
});
