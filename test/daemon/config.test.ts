/**
 * How the daemon is configured and started: SWITCHBOARD_* environment variables (flags win),
 * `--help` listing them, and the demo the README's first command runs.
 */
import { spawn } from 'node:child_process';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { runSwitchboard } from '../helpers/cli.js';
import { copyWalkthrough, tempDir } from '../helpers/fs.js';
import { freePort } from '../helpers/ports.js';
import { startDaemon, until } from './helpers.js';

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 100 });
});

afterAll(async () => {
  await sim.close();
});

test('run takes its configuration from SWITCHBOARD_* variables, and flags win over them', async () => {
  const { dir, cleanup } = tempDir();
  const decoy = tempDir();
  try {
    copyWalkthrough(dir);
    const daemon = await startDaemon(['--source', dir], {
      SWITCHBOARD_SOURCE: decoy.dir,
      SWITCHBOARD_ENDPOINT_URL: sim.url,
      SWITCHBOARD_RESYNC_INTERVAL: '2m',
      SWITCHBOARD_DRY_RUN: 'true',
    });
    await until('ready', async () => (await fetch(`${daemon.url}/readyz`)).status === 200);
    const start = daemon.lines.find((l) => l.action === 'start');
    expect(start).toMatchObject({ source: `directory ${dir}`, dryRun: true });
    expect(sim.calls().mutatingCalls).toBe(0);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
  } finally {
    cleanup();
    decoy.cleanup();
  }
}, 30_000);

test('run --help lists every flag with its environment variable', async () => {
  const help = await runSwitchboard(['run', '--help']);
  expect(help.code).toBe(0);
  for (const flag of ['source', 'poll-interval', 'resync-interval', 'concurrency', 'dry-run', 'listen', 'status-to', 'log-format', 'prune', 'max-prune', 'allow-empty', 'allow-replace', 'region', 'endpoint-url', 'cluster']) {
    expect(help.stdout).toContain(`--${flag}`);
    expect(help.stdout).toContain(`SWITCHBOARD_${flag.toUpperCase().replace(/-/g, '_')}`);
  }
});

test('the demo converges the examples on its own simulator and stops cleanly on Ctrl-C', async () => {
  const { dir, cleanup } = tempDir();
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('dist/main.js'), 'demo', '--dir', dir, '--listen', `127.0.0.1:${port}`, '--time-scale', '50'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await until('the demo ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { summary: { notReady: number; stalled: number } };
    expect(status.summary).toMatchObject({ notReady: 0, stalled: 0 });
    expect(out).toContain(`manifests:      ${dir}`);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    cleanup();
  }
}, 45_000);

test('the demo also runs on an S3 source in its simulator, and reconciles a change made there', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve('dist/main.js'), 'demo', '--s3', '--listen', `127.0.0.1:${port}`, '--time-scale', '50'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_REGION: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await until('the demo ready', async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    type Status = { source: { description: string }; summary: { notReady: number; stalled: number } };
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Status;
    expect(status.summary).toMatchObject({ notReady: 0, stalled: 0 });
    expect(status.source.description).toBe('s3://switchboard-demo/manifests/');
    // The edit the demo prints, done with plain HTTP against the simulator's S3.
    const simUrl = /AWS simulator: +(\S+)/.exec(out)?.[1] ?? '';
    const object = `${simUrl}/switchboard-demo/manifests/nginx.yaml`;
    const yaml = await (await fetch(object)).text();
    expect((await fetch(object, { method: 'PUT', body: yaml.replace('desiredCount: 1', 'desiredCount: 3') })).status).toBe(200);
    const ecs = new ECSClient({ endpoint: simUrl, region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
    try {
      await until('nginx scaled', async () => (await ecs.send(new DescribeServicesCommand({ cluster: 'default', services: ['nginx'] }))).services?.[0]?.desiredCount === 3, 15_000);
    } finally {
      ecs.destroy();
    }
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 45_000);
