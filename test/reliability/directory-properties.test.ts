/**
 * Property test of the directory source (fast-check, fixed seed printed on failure): random
 * interleavings of writes, renames, truncations and deletions with reads, the changes landing
 * between the file system calls a read makes, never produce a complete snapshot that lacks a file
 * which existed throughout, or holds it empty; and once the changes stop, two reads one settle
 * period apart show exactly what is on disk (removals are confirmed, nothing stale is kept).
 *
 * Time is a fake clock: reads start at its time and every change moves it on and stamps the files
 * and folders it touched with it, so file times agree with the clock the source confirms by.
 * Replay a failure with PROPERTY_SEED=<seed> (and the printed path).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, truncateSync, utimesSync, writeFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { nodeDirFs, type DirFs } from '../../src/sources/dir-scan.js';
import { DirectorySource, type SourceSnapshot } from '../../src/sources/index.js';
import { reportRow } from '../helpers/report.js';

const SEED = Number(process.env.PROPERTY_SEED ?? 12_012);
const RUNS = Number(process.env.PROPERTY_RUNS ?? (process.env.RELIABILITY_FULL === '1' ? 500 : 25));
const SETTLE_MS = 2000;

/** Files that exist from the start and are never deleted (only rewritten, in place or atomically). */
const STABLE = ['a.yaml', 'team/b.yaml', 'team/deep/c.yaml'];
/** Files that come and go. */
const OTHERS = ['x.yaml', 'team/y.yaml', 'z.yaml'];

type Op =
  | { t: 'rewrite'; f: number; v: number } // truncate, then write, in place
  | { t: 'replace'; f: number; v: number } // write a temporary file, rename it over the file
  | { t: 'create'; g: number; v: number }
  | { t: 'delete'; g: number }
  | { t: 'empty'; g: number } // truncated for good
  | { t: 'move'; g: number; to: number }; // renamed to another of the others' names

interface Scenario {
  ops: Op[];
  reads: { gapMs: number; changesDuring: number[] }[];
}

// Rewrites in place are the hazard (a file briefly empty): they come most often.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('rewrite' as const), f: fc.nat(STABLE.length - 1), v: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('replace' as const), f: fc.nat(STABLE.length - 1), v: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('create' as const), g: fc.nat(OTHERS.length - 1), v: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('delete' as const), g: fc.nat(OTHERS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('empty' as const), g: fc.nat(OTHERS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('move' as const), g: fc.nat(OTHERS.length - 1), to: fc.nat(OTHERS.length - 1) }) },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  ops: fc.array(opArb, { minLength: 1, maxLength: 24 }),
  // For each read: the clock's advance before it, and at which of its file system calls a change lands.
  reads: fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 3 * SETTLE_MS }), changesDuring: fc.uniqueArray(fc.nat(14), { maxLength: 4 }) }), {
    minLength: 1,
    maxLength: 12,
  }),
});

const content = (name: string, v: number): string => `apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata: {name: ${name.replace(/\W/g, '-')}}\nspec: {description: "v${v}"}\n`;

/** One scenario on a real folder: its file changes as single steps, applied at the points the read allows. */
class World {
  readonly root = mkdtempSync(path.join(tmpdir(), 'switchboard-dirprop-'));
  clock = Date.parse('2026-01-01T00:00:00Z');
  private steps: { apply: () => void; endsOp: boolean }[] = [];

  constructor(ops: readonly Op[]) {
    mkdirSync(path.join(this.root, 'team', 'deep'), { recursive: true });
    for (const f of STABLE) this.write(f, content(f, 0));
    for (const op of ops) this.plan(op);
    // Everything starts settled: the first read sees files older than any change.
    this.clock += 10 * SETTLE_MS;
  }

  private p(rel: string): string {
    return path.join(this.root, rel);
  }

  /** Stamps a file (or folder) with the clock, moving the clock on: file times agree with it. */
  private stamp(rel: string): void {
    this.clock += 1;
    const t = new Date(this.clock);
    try {
      utimesSync(this.p(rel), t, t);
    } catch {
      // gone: nothing to stamp
    }
  }

  private write(rel: string, text: string): void {
    const existed = this.exists(rel);
    writeFileSync(this.p(rel), text);
    this.stamp(rel);
    if (!existed) this.stamp(path.dirname(rel));
  }

  private exists(rel: string): boolean {
    try {
      statSync(this.p(rel));
      return true;
    } catch {
      return false;
    }
  }

  private plan(op: Op): void {
    const add = (...fns: (() => void)[]): void => {
      fns.forEach((apply, i) => this.steps.push({ apply, endsOp: i === fns.length - 1 }));
    };
    switch (op.t) {
      case 'rewrite': {
        const f = STABLE[op.f] as string;
        add(
          () => {
            truncateSync(this.p(f), 0);
            this.stamp(f);
          },
          () => this.write(f, content(f, op.v)),
        );
        return;
      }
      case 'replace': {
        const f = STABLE[op.f] as string;
        const tmp = path.join(path.dirname(f), `.${path.basename(f)}.swp`);
        add(
          () => this.write(tmp, content(f, op.v)),
          () => {
            renameSync(this.p(tmp), this.p(f));
            this.stamp(path.dirname(f));
          },
        );
        return;
      }
      case 'create': {
        const g = OTHERS[op.g] as string;
        add(() => this.write(g, content(g, op.v)));
        return;
      }
      case 'delete': {
        const g = OTHERS[op.g] as string;
        add(() => {
          if (!this.exists(g)) return;
          rmSync(this.p(g));
          this.stamp(path.dirname(g));
        });
        return;
      }
      case 'empty': {
        const g = OTHERS[op.g] as string;
        add(() => {
          if (!this.exists(g)) return;
          truncateSync(this.p(g), 0);
          this.stamp(g);
        });
        return;
      }
      case 'move': {
        const from = OTHERS[op.g] as string;
        const to = OTHERS[op.to] as string;
        add(() => {
          if (from === to || !this.exists(from)) return;
          renameSync(this.p(from), this.p(to));
          this.stamp(path.dirname(from));
          this.stamp(path.dirname(to));
        });
        return;
      }
    }
  }

  /** Applies the next step, if any. */
  step(): void {
    this.steps.shift()?.apply();
  }

  /** Applies steps up to the end of the operation in progress, so no half-done change outlives a read. */
  finishOp(): void {
    while (this.steps.length > 0 && this.steps[0]?.endsOp === false) this.step();
    this.step();
  }

  get idle(): boolean {
    return this.steps.length === 0;
  }

  finishAll(): void {
    while (!this.idle) this.step();
  }

  /** What is on disk: every manifest under the root, by path, with its content. */
  onDisk(): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string): void => {
      for (const e of readdirSync(this.p(rel), { withFileTypes: true })) {
        const child = path.join(rel, e.name);
        if (e.isDirectory()) walk(child);
        else if (e.name.endsWith('.yaml') && !e.name.startsWith('.')) out[this.p(child)] = readFileSync(this.p(child), 'utf8');
      }
    };
    walk('.');
    return out;
  }

  /** File system calls that land the scheduled changes before the call they were scheduled at. */
  fs(): { fs: DirFs; beginRead(at: readonly number[]): void } {
    const real = nodeDirFs();
    let calls = 0;
    let at = new Set<number>();
    const tick = (): void => {
      if (at.has(calls++)) this.step();
    };
    return {
      beginRead: (points) => {
        calls = 0;
        at = new Set(points);
      },
      fs: {
        stat: (p) => (tick(), real.stat(p)),
        lstat: (p) => (tick(), real.lstat(p)),
        readdir: (p) => (tick(), real.readdir(p)),
        realpath: (p) => (tick(), real.realpath(p)),
        readFile: (p, limit) => (tick(), real.readFile(p, limit)),
      },
    };
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

const text = (s: SourceSnapshot): Record<string, string> => Object.fromEntries(s.files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]));

let completeReads = 0;
let incompleteReads = 0;

test('no complete snapshot lacks a file that existed throughout, and settled reads show exactly what is on disk', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const world = new World(scenario.ops);
      try {
        const { fs, beginRead } = world.fs();
        const source = new DirectorySource(world.root, { settleMs: SETTLE_MS, now: () => world.clock }, fs);
        const stable = new Map(STABLE.map((f) => [path.join(world.root, f), new Set(Array.from({ length: 10 }, (_, v) => content(f, v)))]));
        const first = await source.read();
        expect(first.complete).toBe(true);
        for (const read of scenario.reads) {
          world.clock += read.gapMs;
          beginRead(read.changesDuring);
          const s = await source.read();
          // A change begun during the read ends before the next one starts.
          world.finishOp();
          if (!s.complete) {
            incompleteReads++;
            continue;
          }
          completeReads++;
          const got = text(s);
          for (const [file, versions] of stable) {
            expect(versions.has(got[file] ?? '(missing)')).toBe(true);
          }
        }
        // Changes stop: a read, and one a settle period later, show exactly what is on disk.
        world.finishAll();
        beginRead([]);
        world.clock += 1;
        await source.read();
        world.clock += SETTLE_MS;
        const settled = await source.read();
        expect(settled.complete).toBe(true);
        expect(text(settled)).toEqual(world.onDisk());
      } finally {
        world.close();
      }
    }),
    { seed: SEED, numRuns: RUNS },
  );
  reportRow({ test: 'directory-property', seed: SEED, runs: RUNS, completeReads, incompleteReads });
}, RUNS > 100 ? 1_800_000 : 300_000); // the long form's runs take far longer on a busy machine
