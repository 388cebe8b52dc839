/**
 * The hostile and broken input corpus: every case in test/fixtures/hostile/ (one file, or one
 * folder when the case spans files) plus the cases generated here because git cannot or should
 * not hold them (a 10 MiB file, 10,000-deep nesting, binary and non-UTF-8 bytes, symlink loops, a
 * file that vanishes between listing and reading).
 *
 * Each case gets a located, actionable error (file:line:column, resource and field path where
 * they apply, a hint) and never reaches AWS: validation keeps it out of the desired set next to the
 * walkthrough, the one-shot commands exit 1 without a single AWS call, and the controller, fed all
 * the cases at once from a real directory source, converges everything valid, stalls the rest,
 * deletes nothing and keeps running.
 *
 * A fixture file states what it expects in its header:
 *   # case: <what it is>            # expect: <problem code> | any | valid
 *   # at: <line>:<column>           # resource / path / message / hint: <expected (substring)>
 *   # declares: <keys that must still load>   # known-bug: <why the expectation is not met yet>
 */
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as realFs from 'node:fs/promises';
import { createWriteStream, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import type { Logger } from 'pino';
import type { Controller as ControllerClass, PassSummary } from '../../src/controller/controller.js';
import type { SnapshotFile } from '../../src/manifests/load.js';
import type { Problem } from '../../src/manifests/problems.js';
import type { AwsPorts } from '../../src/reconcile/ports.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { reportRow } from '../helpers/report.js';

/** Files whose name contains this marker are deleted just before they are read: the listing-to-read race. */
const VANISH_MARKER = 'vanishes-when-read';

// Every read of the filesystem goes through this wrapper, so a file can vanish between the
// directory listing and the read, deterministically, in the CLI's walk and in the directory source.
jest.unstable_mockModule('node:fs/promises', () => ({
  ...realFs,
  readFile: async (p: Parameters<typeof realFs.readFile>[0], ...rest: unknown[]) => {
    if (String(p).includes(VANISH_MARKER)) await realFs.rm(String(p), { force: true });
    return (realFs.readFile as (...args: unknown[]) => Promise<unknown>)(p, ...rest);
  },
}));

const { validateSnapshot } = await import('../../src/manifests/validate.js');
const { collectFiles } = await import('../../src/manifests/walk.js');
const { DEFAULT_LIMITS } = await import('../../src/manifests/decode.js');
const { buildDesiredSet } = await import('../../src/controller/desired-set.js');
const { Controller } = await import('../../src/controller/controller.js');
const { DirectorySource } = await import('../../src/sources/directory.js');
const { connectAws } = await import('../../src/aws/index.js');
const { ReconcileState } = await import('../../src/reconcile/state.js');
const { createLogger } = await import('../../src/observe/logger.js');
const { startSimulator } = await import('../../src/simulator/index.js');
const { runSwitchboard } = await import('../helpers/cli.js');
const { tempDir } = await import('../helpers/fs.js');
const { clientsFor } = await import('../helpers/aws.js');

const HOSTILE = path.join('test', 'fixtures', 'hostile');
const EXAMPLES = path.join('manifests', 'examples');
const WALKTHROUGH_FILES = ['namespace.yaml', 'cluster.yaml', 'nginx.yaml', 'curl.yaml'];
const WALKTHROUGH_KEYS = ['Namespace/test-namespace', 'Cluster/default', 'TaskDefinition/nginx', 'Service/nginx', 'TaskDefinition/curl', 'Service/curl'];

interface Expectation {
  valid: boolean;
  /** The file the problem is expected in. */
  file: string;
  code?: string;
  line?: number;
  column?: number;
  resource?: string;
  path?: string;
  message?: string;
  hint?: string;
  /** Keys that must still load despite the problem (or, for a valid case, at all). */
  declares: string[];
  knownBug?: string;
}

interface HostileCase {
  name: string;
  files: SnapshotFile[];
  expect: Expectation;
}

function walkthrough(): SnapshotFile[] {
  return WALKTHROUGH_FILES.map((f) => ({ path: path.join(EXAMPLES, f), content: readFileSync(path.join(EXAMPLES, f)) }));
}

/** Reads `# key: value` header lines (until the first line that is not a comment). */
function header(content: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  const text = content.toString('utf8').replace(/^\uFEFF/, '');
  for (const line of text.split(/\r?\n/)) {
    const m = /^# ([a-z-]+): (.*)$/.exec(line);
    if (!m) break;
    out.set(m[1] ?? '', m[2] ?? '');
  }
  return out;
}

function expectationOf(file: string, h: Map<string, string>): Expectation {
  const code = h.get('expect');
  if (code === undefined) throw new Error(`${file}: no "# expect:" header`);
  const at = /^(\d+):(\d+)$/.exec(h.get('at') ?? '');
  const declares = (h.get('declares') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const opt = (key: string): Partial<Record<string, string>> => (h.has(key) ? { [key]: h.get(key) } : {});
  return {
    valid: code === 'valid',
    file,
    ...(code === 'valid' || code === 'any' ? {} : { code }),
    ...(at ? { line: Number(at[1]), column: Number(at[2]) } : {}),
    ...opt('resource'),
    ...opt('path'),
    ...opt('message'),
    ...opt('hint'),
    ...(h.has('known-bug') ? { knownBug: h.get('known-bug') } : {}),
    declares,
  };
}

/** The cases stored in test/fixtures/hostile/: one per file, or one per folder. */
function fixtureCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const entry of readdirSync(HOSTILE).filter((e) => !e.startsWith('.')).sort()) {
    const p = path.join(HOSTILE, entry);
    const names = statSync(p).isDirectory() ? readdirSync(p).sort().map((f) => path.join(entry, f)) : [entry];
    const files = names.map((n) => ({ path: path.join(HOSTILE, n), content: readFileSync(path.join(HOSTILE, n)) }));
    const headed = files.filter((f) => header(f.content).has('expect'));
    if (headed.length === 0 && files.length === 1 && files[0]?.content.byteLength === 0) {
      // The empty file cannot carry a header: it is the benign "nothing at all" case.
      cases.push({ name: entry, files, expect: { valid: true, file: files[0].path, declares: [] } });
      continue;
    }
    const main = headed[0];
    if (main === undefined || headed.length > 1) throw new Error(`${p}: exactly one file must carry the "# expect:" header`);
    cases.push({ name: entry, files, expect: expectationOf(main.path, header(main.content)) });
  }
  return cases;
}

const g = (name: string, content: Buffer | string, expect: Omit<Expectation, 'file' | 'declares' | 'valid'> & { declares?: string[] }): HostileCase => {
  const file = path.join('generated', name);
  return { name: `generated/${name}`, files: [{ path: file, content: Buffer.from(content) }], expect: { valid: false, declares: [], ...expect, file } };
};

const NS = (name: string): string => `apiVersion: switchboard.dev/v1alpha1\nkind: Namespace\nmetadata:\n  name: ${name}\nspec:\n  type: HTTP\n`;
const MIB = 1024 * 1024;

/** Cases generated at run time: too big, too deep or too binary to keep in git. */
function generatedCases(): HostileCase[] {
  // 10,000 levels of block indentation need ~50 MB of spaces: over the size limit long before the depth limit.
  const blockDeep = Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n');
  // 1,400 levels still fit under 1 MiB: the parser sees them, and the depth check stops them.
  const blockDeepSmall = `${NS('h-block-deep-small')}${Array.from({ length: 1_400 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`;
  return [
    g('ten-mib.yaml', Buffer.alloc(10 * MIB, '#'), { code: 'file-too-large', line: 1, column: 1, message: 'over the 1048576-byte limit', hint: 'split it' }),
    g('flow-deep.yaml', `${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, { code: 'too-deep', line: 1, column: 65, message: 'nesting deeper than 64 levels', hint: 'check the brackets' }),
    g('flow-map-deep.yaml', `x: ${'{a: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`, { code: 'too-deep', line: 1, message: 'nesting deeper than 64 levels' }),
    g('compact-sequence-deep.yaml', `${'- '.repeat(10_000)}x\n`, { code: 'too-deep', line: 1, message: 'nesting deeper than 64 levels' }),
    g('block-indent-deep.yaml', blockDeep, { code: 'file-too-large', line: 1, column: 1, hint: 'split it' }),
    // src/manifests/yaml-source.ts: excessiveNesting() pre-scans flow brackets and `- - -` only, so
    // ~1,000 levels of block indentation reach the parser, which may overflow its stack (depending on
    // how much stack is free): that is caught and located, but then reads "YAML syntax error: Maximum
    // call stack size exceeded" instead of too-deep. Either way: an error in this file, no crash.
    g('block-indent-deep-under-size-limit.yaml', blockDeepSmall, {}),
    g('png.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]), {
      code: 'binary-file',
      line: 1,
      column: 1,
      message: 'binary',
      hint: 'keep only YAML manifests',
    }),
    g('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NS('h-utf16'), 'utf16le')]), { code: 'binary-file', line: 1, hint: 'keep only YAML manifests' }),
    g('latin1.yaml', Buffer.from(NS('h-caf\xe9'), 'latin1'), { code: 'invalid-utf8', line: 4, column: 14, message: 'not valid UTF-8', hint: 're-save the file as UTF-8' }),
    g('overlong-utf8.yaml', Buffer.concat([Buffer.from(`${NS('h-overlong')}  description: `), Buffer.from([0xc0, 0xaf, 0x0a])]), {
      code: 'invalid-utf8',
      line: 7,
      column: 16,
      message: 'not valid UTF-8',
    }),
    g('nul-in-text.yaml', `${NS('h-nul')}  description: a\u0000b\n`, { code: 'binary-file', line: 1, hint: 'keep only YAML manifests' }),
    g('long-line.yaml', `${NS('h-long-line')}  description: ${'x'.repeat(500_000)}\n`, {
      code: 'invalid-length',
      line: 7,
      column: 16,
      resource: 'Namespace/h-long-line',
      path: 'spec.description',
      message: 'more than 1024 characters',
    }),
    g('long-key.yaml', `${NS('h-long-key')}  ${'k'.repeat(200_000)}: 1\n`, { code: 'yaml-syntax', line: 7, column: 3, message: '1024 chars' }),
    g('many-documents.yaml', Array.from({ length: 2_000 }, () => '--- just a scalar\n').join(''), { code: 'not-a-mapping', line: 1, message: 'must be a mapping' }),
  ];
}

const CASES = [...fixtureCases(), ...generatedCases()];

test('the corpus is reported', () => {
  // Fixture files and generated inputs, plus the four filesystem cases below (symlink loops, a
  // dangling link, a 10 MiB file in a folder, a file that vanishes mid-walk).
  expect(CASES.length).toBeGreaterThanOrEqual(40);
  reportRow({ test: 'hostile', cases: CASES.length + 4, fixtureFiles: CASES.filter((c) => !c.name.startsWith('generated/')).length, generated: CASES.filter((c) => c.name.startsWith('generated/')).length });
});

function matches(p: Problem, e: Expectation): boolean {
  return (
    p.severity === 'error' &&
    p.file === e.file &&
    (e.code === undefined || p.code === e.code) &&
    (e.line === undefined || p.line === e.line) &&
    (e.column === undefined || p.column === e.column) &&
    (e.resource === undefined || p.resource === e.resource) &&
    (e.path === undefined || p.path === e.path) &&
    (e.message === undefined || p.message.includes(e.message)) &&
    (e.hint === undefined || (p.hint ?? '').includes(e.hint))
  );
}

function checkCase(c: HostileCase): void {
  const started = Date.now();
  const result = validateSnapshot([...walkthrough(), ...c.files]);
  expect(Date.now() - started).toBeLessThan(5_000);
  const errors = result.problems.filter((p) => p.severity === 'error');
  const shown = result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.code} ${p.resource ?? '-'} ${p.path ?? '-'}: ${p.message} (${p.hint ?? 'no hint'})`);
  if (c.expect.valid) {
    expect(shown.filter((s) => !s.includes('empty-file') && !s.includes('yaml-warning'))).toEqual([]);
  } else {
    // On failure this prints every problem that was found instead.
    expect(errors.some((p) => matches(p, c.expect)) ? 'found' : shown).toBe('found');
  }
  // Every error is located in the case's own files, never in the walkthrough next to it.
  const caseFiles = new Set(c.files.map((f) => f.path));
  for (const p of errors) {
    expect(caseFiles.has(p.file)).toBe(true);
    expect(p.line).toBeGreaterThanOrEqual(1);
    expect(p.column).toBeGreaterThanOrEqual(1);
    expect(p.message.length).toBeGreaterThan(0);
  }
  // What the controller would reconcile: the walkthrough and whatever the case declares validly, never the broken resource.
  const desired = buildDesiredSet(result.resources, result.problems, undefined, 'default');
  // Keys as the case file writes them: plain text.
  const resources: ReadonlyMap<string, unknown> = desired.resources;
  const stalled: ReadonlyMap<string, unknown> = desired.stalled;
  for (const key of [...WALKTHROUGH_KEYS, ...c.expect.declares]) expect(resources.has(key)).toBe(true);
  if (c.expect.resource !== undefined) {
    expect(resources.has(c.expect.resource)).toBe(false);
    expect(stalled.has(c.expect.resource)).toBe(true);
  }
  expect(desired.healthy).toBe(c.expect.valid);
}

test('the corpus holds at least 40 hostile cases, each with an expectation', () => {
  expect(CASES.length).toBeGreaterThanOrEqual(40);
  // All but one expect a specific problem code (the exception's wording depends on the free stack; see it above).
  expect(CASES.filter((c) => !c.expect.valid && c.expect.code === undefined && c.expect.knownBug === undefined).map((c) => c.name)).toEqual(['generated/block-indent-deep-under-size-limit.yaml']);
});

const known = CASES.filter((c) => c.expect.knownBug !== undefined);
const regular = CASES.filter((c) => c.expect.knownBug === undefined);

test.each(regular.map((c) => [c.name, c] as const))('%s: validation reports it located and keeps it out of the desired set', (_name, c) => {
  checkCase(c);
});

// A known bug is named in its fixture's `# known-bug:` header and tested as failing until fixed.
if (known.length > 0) {
  test.failing.each(known.map((c) => [c.name, c.expect.knownBug ?? ''] as const))('%s: validation reports it located (known bug: %s)', (name) => {
    const c = known.find((k) => k.name === name);
    if (c === undefined) throw new Error(name);
    checkCase(c);
  });
}

describe('the filesystem walk of the one-shot commands', () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => {
    ({ dir, cleanup } = tempDir('switchboard-hostile-'));
  });
  afterEach(() => cleanup());

  test('a symlink loop is walked once and does not hang', async () => {
    writeFileSync(path.join(dir, 'ns.yaml'), NS('h-loop'));
    mkdirSync(path.join(dir, 'sub'));
    symlinkSync('..', path.join(dir, 'sub', 'up'));
    symlinkSync('.', path.join(dir, 'self'));
    const r = await collectFiles([dir], DEFAULT_LIMITS);
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => path.relative(dir, f.path))).toEqual(['ns.yaml']);
  });

  test('a self-referencing symlink and a dangling symlink are skipped, not fatal', async () => {
    writeFileSync(path.join(dir, 'ns.yaml'), NS('h-links'));
    symlinkSync('loop.yaml', path.join(dir, 'loop.yaml'));
    symlinkSync('missing.yaml', path.join(dir, 'dangling.yaml'));
    const r = await collectFiles([dir], DEFAULT_LIMITS);
    expect(r.files.map((f) => path.relative(dir, f.path))).toEqual(['ns.yaml']);
  });

  test('a 10 MiB file is reported at its path without being read', async () => {
    writeFileSync(path.join(dir, 'big.yaml'), Buffer.alloc(10 * MIB, '#'));
    const r = await collectFiles([dir], DEFAULT_LIMITS);
    expect(r.files).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'file-too-large', file: path.join(dir, 'big.yaml'), line: 1, column: 1, hint: expect.any(String) })]);
  });

  test('a device named directly (/dev/zero) is read only up to the size limit', async () => {
    const r = await collectFiles(['/dev/zero'], DEFAULT_LIMITS);
    expect(r.files).toEqual([]);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'error', code: 'file-too-large', file: '/dev/zero', message: expect.stringContaining('not a regular file') })]);
  });

  test('a pipe named directly, as `<(kustomize build)` passes one, is read to its end', async () => {
    const fifo = path.join(dir, 'generated');
    execFileSync('mkfifo', [fifo]);
    // Opening a pipe for writing waits for its reader, so the writer starts first and finishes after it.
    const writer = new Promise<void>((resolve, reject) => createWriteStream(fifo).on('error', reject).end(NS('h-pipe'), resolve));
    const [r] = await Promise.all([collectFiles([fifo], DEFAULT_LIMITS), writer]);
    expect(r.problems).toEqual([]);
    expect(r.files.map((f) => f.content.toString())).toEqual([NS('h-pipe')]);
  });

  test('a file that vanishes between listing and reading is reported, not fatal to the walk', async () => {
    writeFileSync(path.join(dir, 'ns.yaml'), NS('h-stays'));
    writeFileSync(path.join(dir, `${VANISH_MARKER}.yaml`), NS('h-vanishes'));
    const r = await collectFiles([dir], DEFAULT_LIMITS);
    expect(r.files.map((f) => path.relative(dir, f.path))).toEqual(['ns.yaml']);
  });
});

describe('the one-shot commands', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 100 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const rejected = CASES.filter((c) => !c.expect.valid && c.expect.knownBug === undefined);
  test.each(rejected.map((c) => [c.name, c] as const))('apply with %s next to the walkthrough exits 1 with the location and makes no AWS call', async (_name, c) => {
    const { dir, cleanup } = tempDir('switchboard-hostile-cli-');
    try {
      for (const f of c.files) {
        const target = path.join(dir, f.path);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, f.content);
      }
      sim.resetCalls();
      const run = await runSwitchboard(['apply', '-f', ...WALKTHROUGH_FILES.map((f) => path.join(EXAMPLES, f)), dir, '--endpoint-url', sim.url, '--log-level', 'silent']);
      expect(run.code).toBe(1);
      expect(sim.calls().totals.calls).toBe(0);
      const where = path.join(dir, c.expect.file);
      expect(run.stderr).toContain(c.expect.line !== undefined ? `${where}:${c.expect.line}:` : `${where}:`);
    } finally {
      cleanup();
    }
  });
});

// --- Every case at once, through the real directory source and the controller loop ---

interface RecordedCall {
  service: string;
  method: string;
  args: string;
}

const WRITE_METHOD = /^(create|update|delete|register|deregister|tag|untag|put)/;

/** Wraps the adapters so every call the controller makes is recorded with its arguments. */
function recording(ports: AwsPorts & { close(): void }, calls: RecordedCall[]): AwsPorts & { close(): void } {
  const wrap = <T extends object>(service: string, target: T): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const v: unknown = Reflect.get(t, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          calls.push({ service, method: String(prop), args: JSON.stringify(args) });
          return (v as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  return { ...ports, ecs: wrap('ecs', ports.ecs), cloudMap: wrap('cloudMap', ports.cloudMap), logs: wrap('logs', ports.logs), close: () => ports.close() };
}

/** Where a case file lives in the combined folder: `hostile/<fixture path>` or `hostile/generated/<name>`. */
function corpusPath(dir: string, file: string): string {
  return path.join(dir, 'hostile', file.startsWith(HOSTILE) ? path.relative(HOSTILE, file) : file);
}

function writeCorpus(dir: string, cases: readonly HostileCase[]): void {
  for (const f of WALKTHROUGH_FILES) writeFileSync(path.join(dir, f), readFileSync(path.join(EXAMPLES, f)));
  for (const c of cases) {
    for (const f of c.files) {
      const target = corpusPath(dir, f.path);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, f.content);
    }
  }
  // What git cannot hold: links that loop or point nowhere, and a file that vanishes when read.
  mkdirSync(path.join(dir, 'hostile', 'links', 'sub'), { recursive: true });
  symlinkSync('..', path.join(dir, 'hostile', 'links', 'sub', 'up'));
  symlinkSync('self.yaml', path.join(dir, 'hostile', 'links', 'self.yaml'));
  symlinkSync('missing.yaml', path.join(dir, 'hostile', 'links', 'dangling.yaml'));
}

describe('all hostile cases in one watched folder with the walkthrough', () => {
  let sim: SimulatorHandle;
  let dir: string;
  let cleanup: () => void;
  // Cases that validation wrongly accepts (known bugs) would be applied; they are tested above.
  const acceptedByBug = new Set(CASES.filter((c) => c.expect.knownBug !== undefined && validateSnapshot([...walkthrough(), ...c.files]).valid));
  const combined = CASES.filter((c) => !acceptedByBug.has(c));

  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 100 });
    ({ dir, cleanup } = tempDir('switchboard-hostile-all-'));
    writeCorpus(dir, combined);
  });
  afterAll(async () => {
    await sim.close();
    cleanup();
  });

  test('plan and apply exit 1 with every broken file located and make no AWS call', async () => {
    for (const cmd of ['plan', 'apply']) {
      sim.resetCalls();
      const run = await runSwitchboard([cmd, '-f', dir, '--endpoint-url', sim.url, '--log-level', 'silent', '--prune']);
      expect(run.code).toBe(1);
      expect(sim.calls().totals.calls).toBe(0);
      for (const c of combined.filter((x) => !x.expect.valid)) {
        expect(run.stderr).toContain(corpusPath(dir, c.expect.file));
      }
    }
  });

  test('the controller converges the valid resources, stalls the broken ones, deletes nothing and keeps running', async () => {
    // An owned resource no manifest declares: prune would delete it from a healthy source.
    const { dir: seedDir, cleanup: seedCleanup } = tempDir('switchboard-hostile-seed-');
    writeFileSync(path.join(seedDir, 'orphan.yaml'), NS('h-orphan-namespace'));
    const seeded = await runSwitchboard(['apply', '-f', seedDir, '--endpoint-url', sim.url, '--log-level', 'silent']);
    seedCleanup();
    expect(seeded.code).toBe(0);
    sim.resetCalls();
    // Listed by the first read, deleted before it is read (the one-shot walk cannot take this yet: see above).
    writeFileSync(path.join(dir, 'hostile', `${VANISH_MARKER}.yaml`), NS('h-vanished'));

    const ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
    const calls: RecordedCall[] = [];
    const logLines: string[] = [];
    const logger: Logger = createLogger({ level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    const passes: PassSummary[] = [];
    const stalled = new Set<string>();
    const abort = new AbortController();
    const controller: ControllerClass = new Controller({
      source: new DirectorySource(dir, { debounceMs: 20, pollIntervalMs: 60_000 }),
      ports: recording(ports, calls),
      state: new ReconcileState(),
      logger,
      pass: { controllerId: 'switchboard', defaultCluster: 'default', prune: true, allowReplace: false, allowEmpty: false, maxPrune: 10, concurrency: 4 },
      resyncIntervalMs: 300,
      dryRun: false,
      backoff: { baseMs: 50, maxMs: 500, jitter: 0 },
      hooks: { onPass: (p) => passes.push(p), onStalled: (k) => stalled.add(k) },
    });
    const running = controller.run(abort.signal);
    try {
      const deadline = Date.now() + 20_000;
      // The first pass, then one resync pass over everything (level-based re-check of the same input).
      while (passes.filter((p) => p.trigger === 'resync').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(passes.some((p) => p.trigger === 'resync')).toBe(true);
    } finally {
      abort.abort();
      const stoppedIn = Date.now();
      await running;
      expect(Date.now() - stoppedIn).toBeLessThan(5_000);
      ports.close();
    }

    // Everything valid converged: the walkthrough and the valid parts of the cases.
    const files = (await collectFiles([dir], DEFAULT_LIMITS)).files;
    const validation = validateSnapshot(files);
    const desired = buildDesiredSet(validation.resources, validation.problems, undefined, 'default');
    const outcomes = new Map(passes.flatMap((p) => p.results.map((r) => [r.key, r.outcome] as const)));
    const resources: ReadonlyMap<string, unknown> = desired.resources;
    for (const key of WALKTHROUGH_KEYS) expect(resources.has(key)).toBe(true);
    for (const key of desired.resources.keys()) expect([key, outcomes.get(key)]).toEqual([key, expect.stringMatching(/^(created|unchanged|configured)$/)]);
    expect(passes.every((p) => p.error === undefined && p.counts.failed === 0)).toBe(true);

    // Every broken resource is reported stalled; every file that does not parse is logged with its path.
    const expectStalled = combined.flatMap((c) => (c.expect.resource !== undefined ? [c.expect.resource] : []));
    expect(expectStalled.length).toBeGreaterThan(10);
    for (const key of expectStalled) expect(stalled.has(key)).toBe(true);
    const logs = logLines.join('');
    for (const c of combined.filter((x) => !x.expect.valid && x.expect.resource === undefined && x.expect.code !== 'file-too-large')) {
      expect([c.name, logs.includes(corpusPath(dir, c.expect.file))]).toEqual([c.name, true]);
    }

    // Zero deletions (the source is unhealthy, so prune holds back) and no write for any broken resource.
    expect(calls.filter((c) => /^(delete|deregister)/.test(c.method))).toEqual([]);
    const aws = clientsFor(sim.url);
    const namespaces = await aws.cloudMap.send(new ListNamespacesCommand({}));
    aws.destroy();
    expect(namespaces.Namespaces?.map((n) => n.Name)).toContain('h-orphan-namespace');
    const writes = calls.filter((c) => WRITE_METHOD.test(c.method));
    expect(writes.length).toBeGreaterThan(0);
    const broken = new Set(combined.flatMap((c) => (c.expect.resource !== undefined ? [c.expect.resource.replace(/^[A-Za-z]+\//, '')] : [])));
    for (const w of writes) for (const name of broken) expect([name, new RegExp(`[^A-Za-z0-9-]${name}[^A-Za-z0-9-]`).test(w.args)]).toEqual([name, false]);
  }, 40_000);

  test('a file the directory source could not read is named in the controller log', async () => {
    const ports = await connectAws({ endpoint: sim.url, region: 'us-east-1' });
    const logLines: string[] = [];
    const passes: PassSummary[] = [];
    const abort = new AbortController();
    const controller = new Controller({
      source: new DirectorySource(dir, { debounceMs: 20, pollIntervalMs: 60_000 }),
      ports,
      state: new ReconcileState(),
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
      pass: { controllerId: 'switchboard', defaultCluster: 'default', prune: false, allowReplace: false, allowEmpty: false, maxPrune: 10, concurrency: 4 },
      resyncIntervalMs: 60_000,
      dryRun: true,
      hooks: { onPass: (p) => passes.push(p) },
    });
    const running = controller.run(abort.signal);
    const deadline = Date.now() + 10_000;
    while (passes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    abort.abort();
    await running;
    ports.close();
    expect(logLines.join('')).toContain('ten-mib.yaml');
  }, 20_000);
});
