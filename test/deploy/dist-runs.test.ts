/**
 * What the image's runtime stage does, without Docker: compile with the package's build script,
 * install production dependencies only (`npm ci --omit=dev --ignore-scripts`) next to the
 * compiled output, package.json and schemas/, and run the controller from there as the image
 * would — through a `switchboard` link to the bin, as `run` against the simulator, stopped with SIGTERM.
 * A dependency that is used at run time but declared as a dev dependency fails here.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { tempDir } from '../helpers/fs.js';

interface PackageJson {
  version: string;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;

/** npm's own words for "the registry cannot be reached" (the cache did not have everything). */
const OFFLINE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network request .* failed/i;

const { dir: app, cleanup } = tempDir('switchboard-dist-');

function run(cmd: string, args: readonly string[], cwd: string, timeoutMs: number): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, NODE_ENV: 'production' } });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

// Top-level await: the install decides whether the tests below run, and jest has no runtime skip.
const build = run('npm', ['run', 'build', '--', '--outDir', path.join(app, 'dist')], process.cwd(), 120_000);
if (build.status !== 0) throw new Error(`npm run build failed:\n${build.output}`);
for (const f of ['package.json', 'package-lock.json']) cpSync(f, path.join(app, f));
cpSync('schemas', path.join(app, 'schemas'), { recursive: true });
const install = run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], app, 120_000);
const offline = install.status !== 0 && OFFLINE.test(install.output);
if (install.status !== 0 && !offline) throw new Error(`npm ci --omit=dev failed:\n${install.output}`);
if (offline) process.stderr.write(`dist-runs: SKIPPED — the npm registry is unreachable and the cache lacks a package:\n${install.output}\n`);
const installed = offline ? test.skip : test;

// As the Dockerfile links it: an executable bin reached through a symlink on PATH.
const binTarget = pkg.bin.switchboard ?? 'dist/main.js';
const switchboard = path.join(app, 'bin', 'switchboard');
if (!offline) {
  chmodSync(path.join(app, binTarget), 0o755);
  mkdirSync(path.dirname(switchboard));
  symlinkSync(path.join(app, binTarget), switchboard);
}

afterAll(() => cleanup());

function cli(args: readonly string[]): { status: number | null; output: string } {
  return run(switchboard, args, app, 30_000);
}

installed('only production dependencies are installed', () => {
  for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(path.join(app, 'node_modules', dep, 'package.json'))).toBe(true);
  for (const dev of Object.keys(pkg.devDependencies)) expect(existsSync(path.join(app, 'node_modules', dev))).toBe(false);
});

installed('the installed bin prints the package version', () => {
  const r = cli(['--version']);
  expect(r.status).toBe(0);
  expect(r.output.trim()).toBe(pkg.version);
});

installed('validate runs from the install: the examples and the deployment pass, a broken manifest is located', () => {
  cpSync(path.join('manifests', 'examples'), path.join(app, 'examples'), { recursive: true });
  cpSync(path.join('manifests', 'deploy'), path.join(app, 'deploy'), { recursive: true });
  const ok = cli(['validate', 'examples', 'deploy']);
  expect(ok.output).toMatch(/\d+ files?, \d+ resources: 0 errors/);
  expect(ok.status).toBe(0);
  cpSync(path.join('manifests', 'invalid', 'port-name-unknown.yaml'), path.join(app, 'broken.yaml'));
  const bad = cli(['validate', 'broken.yaml']);
  expect(bad.status).toBe(1);
  expect(bad.output).toMatch(/broken\.yaml:\d+:\d+: error: /);
});

describe('the container command', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ timeScale: 100 });
  });
  afterAll(async () => {
    await sim.close();
  });

  installed('`switchboard run` from the install serves /healthz and the map page with its assets, converges, and exits 0 on SIGTERM', async () => {
    const source = path.join(app, 'source');
    cpSync(path.join('manifests', 'examples'), source, { recursive: true });
    // The image sets SWITCHBOARD_LISTEN; here on loopback and a free port.
    const child = spawn(switchboard, ['run', '--source', source, '--endpoint-url', sim.url, '--log-format', 'json'], {
      cwd: app,
      env: { ...process.env, NODE_ENV: 'production', SWITCHBOARD_LISTEN: '127.0.0.1:0' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await until(() => /"action":"start"[^\n]*"listen":"(http:[^"]+)"/.exec(out)?.[1], () => `no start line:\n${out}`);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await until(async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined), () => `never ready:\n${out}`);
      expect(sim.calls().services.ecs.operations.CreateService?.calls ?? 0).toBeGreaterThan(0);
      // The page's script is built into dist/, and Graphviz for the browser is a production dependency.
      for (const asset of ['/', '/assets/page.js', '/assets/viz.js', '/map.json']) expect({ asset, status: (await fetch(`${url}${asset}`)).status }).toEqual({ asset, status: 200 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

/** Polls `probe` until it yields a value (20 s at most). */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, why: () => string): Promise<T> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(why());
}
