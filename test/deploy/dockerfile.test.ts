/**
 * The image cannot be built here (no Docker engine), so this test pins the Dockerfile's key
 * facts: an edit that drops the non-root user, the health check, the init process or the
 * production-only install fails here instead of in a cluster.
 */
import { readFileSync } from 'node:fs';
import { DAEMON_NODE_OPTIONS } from '../../src/cli/heap.js';
import { instructionsOf, parseStages, type Instruction, type Stage } from './dockerfile.js';

const text = readFileSync('Dockerfile', 'utf8');
const stages = parseStages(text);
const runtime = stages[stages.length - 1] as Stage;

interface PackageJson {
  bin: Record<string, string>;
  files: string[];
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;

function runs(stage: Stage): string[] {
  return instructionsOf(stage, 'RUN').map((i) => i.args);
}

function envOf(stage: Stage): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of instructionsOf(stage, 'ENV')) {
    for (const pair of i.args.split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq > 0) env.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
  }
  return env;
}

function last(stage: Stage, keyword: string): Instruction {
  const all = instructionsOf(stage, keyword);
  const ins = all[all.length - 1];
  if (!ins) throw new Error(`the runtime stage has no ${keyword}`);
  return ins;
}

function copySources(ins: Instruction): { from?: string; sources: string[] } {
  const words = ins.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { ...(from ? { from } : {}), sources: paths.slice(0, -1) };
}

test('the image is built in stages on a supported Node LTS slim base', () => {
  expect(stages.length).toBeGreaterThanOrEqual(2);
  for (const stage of stages) {
    const m = /^node:(\d+)(?:\.[\d.]+)?-[a-z]+-slim$/.exec(stage.image);
    expect(m).not.toBeNull();
    // Node 20 is end of life.
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(22);
  }
});

test('the build stage installs every dependency and compiles the sources', () => {
  const copies = instructionsOf(runtime, 'COPY').map(copySources);
  const fromStage = copies.find((c) => c.sources.some((s) => s.includes('dist')))?.from;
  const build = stages.find((s) => s.name === fromStage);
  expect(build).toBeDefined();
  const cmds = runs(build as Stage);
  expect(cmds.some((c) => /\bnpm ci\b/.test(c) && !c.includes('--omit=dev'))).toBe(true);
  expect(cmds.some((c) => /\bnpm run build\b/.test(c))).toBe(true);
});

test('the runtime stage installs production dependencies only, without running package scripts', () => {
  const installs = runs(runtime).filter((c) => /\bnpm (ci|install|i)\b/.test(c));
  expect(installs.length).toBeGreaterThan(0);
  for (const c of installs) {
    expect(c).toContain('--omit=dev');
    expect(c).toContain('--ignore-scripts');
  }
  expect(runs(runtime).some((c) => /\bnpm run build\b/.test(c))).toBe(false);
  expect(envOf(runtime).get('NODE_ENV')).toBe('production');
});

test('the runtime stage ships package.json, the compiled output and every path the package publishes', () => {
  const shipped = instructionsOf(runtime, 'COPY').flatMap((i) => copySources(i).sources.map((s) => s.replace(/^\/src\//, '')));
  const normalise = (p: string): string => p.replace(/\/$/, '');
  const shippedSet = new Set(shipped.map(normalise));
  expect(shippedSet.has('package.json')).toBe(true);
  expect(shippedSet.has('package-lock.json')).toBe(true);
  for (const f of pkg.files) expect(shippedSet.has(normalise(f))).toBe(true);
});

test('the container runs as a non-root user', () => {
  const user = last(runtime, 'USER').args.split(':')[0];
  expect(user).toBeDefined();
  expect(['root', '0', '']).not.toContain(user);
  // Nothing after USER switches back to root.
  const idx = runtime.instructions.lastIndexOf(last(runtime, 'USER'));
  expect(runtime.instructions.slice(idx).some((i) => i.keyword === 'RUN')).toBe(false);
});

test('an init process is PID 1 and the entrypoint is the switchboard bin with run as the default command', () => {
  const entry = last(runtime, 'ENTRYPOINT').json;
  expect(entry).toBeDefined();
  expect(entry?.[0]).toMatch(/(^|\/)(tini|dumb-init)$/);
  expect(entry?.[entry.length - 1]).toBe('switchboard');
  expect(runs(runtime).some((c) => /apt-get install .*\btini\b/.test(c))).toBe(true);
  expect(last(runtime, 'CMD').json).toEqual(['run']);
  // `switchboard` on PATH is the package's bin.
  const binTarget = pkg.bin.switchboard;
  expect(binTarget).toBeDefined();
  expect(runs(runtime).some((c) => c.includes(`ln -s /app/${binTarget} /usr/local/bin/switchboard`))).toBe(true);
  expect(runs(runtime).some((c) => c.includes(`chmod 0755 ${binTarget}`))).toBe(true);
});

test('the health check probes /healthz with node on the port the controller listens on and the image exposes', () => {
  const hc = last(runtime, 'HEALTHCHECK').args;
  const cmd = /\bCMD\s+(\[.*\])\s*$/s.exec(hc)?.[1];
  expect(cmd).toBeDefined();
  const argv = JSON.parse(cmd ?? '[]') as string[];
  expect(argv[0]).toBe('node');
  const url = /http:\/\/127\.0\.0\.1:(\d+)\/healthz/.exec(argv.join(' '));
  expect(url).not.toBeNull();
  const listen = envOf(runtime).get('SWITCHBOARD_LISTEN');
  expect(listen).toBe(`0.0.0.0:${url?.[1]}`);
  expect(last(runtime, 'EXPOSE').args).toBe(url?.[1]);
});

test('.dockerignore keeps local builds and tests out of the context but nothing the Dockerfile copies', () => {
  const patterns = readFileSync('.dockerignore', 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.replace(/\/$/, ''));
  for (const p of ['node_modules', 'dist', '.git', 'test', 'coverage']) expect(patterns).toContain(p);
  const copied = stages
    .flatMap((s) => instructionsOf(s, 'COPY').map(copySources))
    .filter((c) => c.from === undefined)
    .flatMap((c) => c.sources.map((p) => p.replace(/\/$/, '').split('/')[0] ?? ''));
  expect(copied.length).toBeGreaterThan(0);
  for (const c of copied) expect(patterns).not.toContain(c);
});

test('the controller runs with the node options its memory figures were measured with', () => {
  expect(envOf(runtime).get('NODE_OPTIONS')).toBe(DAEMON_NODE_OPTIONS);
});
